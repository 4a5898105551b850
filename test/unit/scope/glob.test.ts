// Glob patterns: tokens, the meaning of each wildcard, escapes, code points, the `..` rule's
// helper, quoting user text, and linear matching on hostile patterns.
import { describe, expect, it } from 'vitest';
import {
  ScopeSyntaxError,
  compileGlob,
  globLiteral,
  hasDotDotSegment,
  matchGlob,
  parseGlob,
  printGlob,
} from '../../../src/scope/index.js';

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
    ['/repo/**', '/repo', false],
    ['/repo/**', '/repository/x', false],
    ['/home/*/x', '/home/ana/x', true],
    ['/home/*/x', '/home/ana/bo/x', false],
    ['*.ts', 'a.ts', true],
    ['*.ts', 'src/a.ts', false],
    ['src/**/*.ts', 'src/a/b/c.ts', true],
    ['src/**/*.ts', 'src/c.ts', false],
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

  it("ignores the .. rule (that is the operator's job)", () => {
    expect(matchGlob('/pub/**', '/pub/../secret')).toBe(true);
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

describe('hasDotDotSegment', () => {
  it.each([
    ['..', true],
    ['../a', true],
    ['a/..', true],
    ['/repo/../etc', true],
    ['a/../../b', true],
    ['/repo/a..b', false],
    ['...', false],
    ['.', false],
    ['a/.../b', false],
    ['', false],
    ['..a/b..', false],
  ] as const)('%j → %s', (value, expected) => {
    expect(hasDotDotSegment(value)).toBe(expected);
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
