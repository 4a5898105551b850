// Glob patterns: tokens, the meaning of each wildcard (a whole-segment `**` also matching no
// segment), escapes, code points, the literal prefilter, quoting user text, and linear matching
// on hostile patterns.
import { describe, expect, it } from 'vitest';
import {
  ScopeSyntaxError,
  compileGlob,
  globLiteral,
  matchGlob,
  parseGlob,
  printGlob,
} from '../../../src/scope/index.js';
import { globSkips } from '../../../src/scope/glob.js';

describe('parseGlob', () => {
  it('splits a pattern into tokens; two or more stars are one globstar', () => {
    expect(parseGlob('a*?**b***')).toEqual([
      { kind: 'char', char: 'a' },
      { kind: 'star' },
      { kind: 'one' },
      { kind: 'globstar' },
      { kind: 'char', char: 'b' },
      { kind: 'globstar' },
    ]);
  });

  it('reads a backslash as "the next code point literally"', () => {
    expect(parseGlob('\\*\\?\\\\\\a\\😀')).toEqual(
      ['*', '?', '\\', 'a', '😀'].map((char) => ({ kind: 'char', char })),
    );
    expect(parseGlob('*\\**')).toEqual([
      { kind: 'star' },
      { kind: 'char', char: '*' },
      { kind: 'star' },
    ]);
  });

  it('keeps astral characters as one token', () => {
    expect(parseGlob('😀x')).toEqual([
      { kind: 'char', char: '😀' },
      { kind: 'char', char: 'x' },
    ]);
  });

  it('rejects a trailing lone backslash with its position', () => {
    expect(() => parseGlob('ab\\')).toThrow(ScopeSyntaxError);
    try {
      parseGlob('ab\\');
    } catch (err) {
      expect(err).toMatchObject({ code: 'ERR_SCOPE_SYNTAX', line: 1, column: 3 });
    }
    expect(parseGlob('ab\\\\')).toEqual([
      { kind: 'char', char: 'a' },
      { kind: 'char', char: 'b' },
      { kind: 'char', char: '\\' },
    ]);
  });

  it('rejects a non-string pattern with a TypeError', () => {
    expect(() => parseGlob(3 as unknown as string)).toThrow(TypeError);
  });
});

describe('matchGlob', () => {
  const TABLE: readonly [string, string, boolean][] = [
    ['', '', true],
    ['', 'a', false],
    ['abc', 'abc', true],
    ['abc', 'abcd', false],
    ['*', '', true],
    ['*', 'abc', true],
    ['*', 'a/b', false],
    ['**', 'a/b/c', true],
    ['**', '', true],
    ['/repo/**', '/repo/src/a.ts', true],
    ['/repo/**', '/repo/', true],
    ['/repo/**', '/repo', true],
    ['/repo/**', '/repox', false],
    ['/repo/**', '/repository/x', false],
    ['/home/*/x', '/home/ana/x', true],
    ['/home/*/x', '/home/ana/bo/x', false],
    ['*.ts', 'a.ts', true],
    ['*.ts', 'src/a.ts', false],
    ['src/**/*.ts', 'src/a/b/c.ts', true],
    ['src/**/*.ts', 'src/c.ts', true],
    ['src/**/*.ts', 'srcc.ts', false],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a/**/b', 'ab', false],
    ['a/**/b', 'a//b', true],
    ['**/b', 'b', true],
    ['**/b', 'x/y/b', true],
    ['**/b', 'xb', false],
    ['/**', '', true],
    ['/**', '/a', true],
    ['/**', 'a', false],
    ['a/**/**/b', 'a/b', true],
    ['x/**y', 'x', false],
    ['x/**y', 'x/y', true],
    ['/p/secrets/**', '/p/secrets', true],
    ['/p/secrets/**', '/p/secrets/key', true],
    ['/p/secrets/**', '/p/secretsx', false],
    ['src/**.ts', 'src/c.ts', true],
    ['?', 'a', true],
    ['?', '/', false],
    ['?', '', false],
    ['?', 'ab', false],
    ['?', '😀', true],
    ['??', '😀', false],
    ['a?c', 'abc', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['\\?', '?', true],
    ['\\?', 'a', false],
    ['a\\\\b', 'a\\b', true],
    ['fs.*', 'fs.read', true],
    ['fs.*', 'fs.read/x', false],
    ['shell.**', 'shell.a/b', true],
    ['*a*a*a*b', 'aaaaaaaab', true],
    ['*a*a*a*b', 'aaaaaaaa', false],
    ['a*', 'a\nb', true],
    ['*/*', 'a/b', true],
    ['*/*', 'ab', false],
  ];

  it.each(TABLE)('%j matches %j: %s', (pattern, value, expected) => {
    expect(matchGlob(pattern, value)).toBe(expected);
    expect(compileGlob(pattern)(value)).toBe(expected);
    expect(matchGlob(parseGlob(pattern), value)).toBe(expected);
  });

  it('matches by code point: a literal lone surrogate does not match half of a pair', () => {
    expect(matchGlob('\uD83D*', '\uD83D\uDE00')).toBe(false);
    expect(matchGlob('\uD83D*', '\uD83Dx')).toBe(true);
    expect(matchGlob('*\uDE00', '\uD83D\uDE00')).toBe(false);
    expect(matchGlob('?', '\uD83D')).toBe(true);
  });

  it("ignores the path-alias rule (that is the operator's job)", () => {
    expect(matchGlob('/pub/**', '/pub/../secret')).toBe(true);
    expect(matchGlob('/pub/**', '/pub//x')).toBe(true);
  });

  it('a whole-segment ** may be skipped with one of its slashes, in long patterns too', () => {
    const long = `${'/a'.repeat(20)}/**${'/b'.repeat(20)}`;
    expect(matchGlob(long, `${'/a'.repeat(20)}${'/b'.repeat(20)}`)).toBe(true);
    expect(matchGlob(long, `${'/a'.repeat(20)}/x/y${'/b'.repeat(20)}`)).toBe(true);
    expect(matchGlob(long, `${'/a'.repeat(20)}x${'/b'.repeat(20)}`)).toBe(false);
    const starry = `*${'/**'.repeat(20)}/*`;
    expect(matchGlob(starry, 'a/b')).toBe(true);
    expect(matchGlob(starry, 'a')).toBe(false);
  });

  it('refuses a long value that lacks a literal of the pattern, and matches one that has them', () => {
    const long = 'x'.repeat(1000);
    expect(matchGlob('*PRIVATE KEY*', long)).toBe(false);
    expect(matchGlob('*PRIVATE KEY*', `${long}PRIVATE KEY${long}`)).toBe(true);
    expect(matchGlob('*PRIVATE KEY*', `${long}PRIVATE/KEY${long}`)).toBe(false);
    expect(matchGlob('**b*a**', `${long}a${long}b`)).toBe(false); // in order
    expect(matchGlob('**a*b**', `${long}a${long}b`)).toBe(true);
    expect(matchGlob('**ab**ab**', `${long}ab${long}`)).toBe(false); // without overlapping
    expect(matchGlob('**aba**aba**', `${long}ababa${long}aba`)).toBe(true);
  });

  it('finds the skips: a ** between slashes or at an end next to one, never inside a name', () => {
    expect(globSkips(parseGlob('a/**/b'))).toEqual([1]);
    expect(globSkips(parseGlob('a/**'))).toEqual([1]);
    expect(globSkips(parseGlob('**/b'))).toEqual([0]);
    expect(globSkips(parseGlob('**'))).toEqual([]);
    expect(globSkips(parseGlob('a**/b'))).toEqual([]);
    expect(globSkips(parseGlob('a/**b'))).toEqual([]);
    expect(globSkips(parseGlob('a/*/b'))).toEqual([]);
  });

  it('handles patterns longer than one machine word', () => {
    const pattern = `${'a*'.repeat(40)}b`;
    expect(matchGlob(pattern, `${'a'.repeat(40)}b`)).toBe(true);
    expect(matchGlob(pattern, `${'a'.repeat(39)}b`)).toBe(false);
    expect(matchGlob(pattern, `${'a/'.repeat(40)}b`)).toBe(false);
    expect(matchGlob(`${'a**'.repeat(40)}b`, `${'a/'.repeat(40)}b`)).toBe(true);
  });

  it('accepts token arrays, including adjacent stars, and rejects malformed tokens', () => {
    expect(
      matchGlob([{ kind: 'star' }, { kind: 'star' }, { kind: 'char', char: 'x' }], 'abx'),
    ).toBe(true);
    expect(
      matchGlob([{ kind: 'star' }, { kind: 'globstar' }, { kind: 'char', char: 'x' }], 'a/bx'),
    ).toBe(true);
    expect(() => matchGlob([{ kind: 'char', char: 'ab' }], 'ab')).toThrow(TypeError);
    expect(() => matchGlob([{ kind: 'plus' } as never], 'a')).toThrow(TypeError);
    expect(() => matchGlob('a', 1 as unknown as string)).toThrow(TypeError);
  });
});

describe('globLiteral and printGlob', () => {
  it('escapes *, ? and \\ so user text matches only itself', () => {
    expect(globLiteral('/tmp/a*b?c\\d')).toBe('/tmp/a\\*b\\?c\\\\d');
    for (const text of ['/tmp/a*b', 'x?', '\\', '**', 'plain']) {
      expect(matchGlob(globLiteral(text), text)).toBe(true);
      expect(matchGlob(globLiteral(text), `${text}x`)).toBe(false);
    }
    expect(matchGlob(globLiteral('/tmp/a*b'), '/tmp/aXb')).toBe(false);
    expect(matchGlob(`${globLiteral('/tmp/a*b')}/**`, '/tmp/a*b/c/d')).toBe(true);
  });

  it('prints tokens back to canonical pattern text', () => {
    expect(printGlob(parseGlob('a***b\\*c?'))).toBe('a**b\\*c?');
  });
});
