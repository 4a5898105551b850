// The scope error classes: codes to switch on, structured fields, JSON for the CLI and server,
// Peggy's error kept only as the cause, and readable excerpts on long and multi-line input.
import { describe, expect, it } from 'vitest';
import { MandateError } from '../../../src/errors.js';
import {
  ScopeLimitError,
  ScopeSyntaxError,
  ScopeTypeError,
  parseCaveat,
} from '../../../src/scope/index.js';

function caught(text: string): ScopeSyntaxError {
  try {
    parseCaveat(text);
  } catch (err) {
    return err as ScopeSyntaxError;
  }
  throw new Error('expected an error');
}

describe('scope errors', () => {
  it('are MandateErrors with stable codes and names', () => {
    const syntax = caught('args.a = 1');
    expect(syntax).toBeInstanceOf(MandateError);
    expect(syntax.name).toBe('ScopeSyntaxError');
    expect(syntax.code).toBe('ERR_SCOPE_SYNTAX');
    const type = caught('tool == 1');
    expect(type).toBeInstanceOf(ScopeTypeError);
    expect(type).toBeInstanceOf(ScopeSyntaxError);
    expect(type.name).toBe('ScopeTypeError');
    expect(type.code).toBe('ERR_SCOPE_TYPE');
    const limit = (() => {
      try {
        parseCaveat('('.repeat(40));
      } catch (err) {
        return err;
      }
    })();
    expect(limit).toBeInstanceOf(ScopeLimitError);
    expect(limit).toBeInstanceOf(MandateError);
  });

  it('serialize to JSON with position, expectations and excerpt', () => {
    expect(JSON.parse(JSON.stringify(caught('args.a = 1')))).toEqual({
      code: 'ERR_SCOPE_SYNTAX',
      message:
        'expected "not", "in" or operator but found "=" (write "==" to compare) (line 1, column 8)\nargs.a = 1\n       ^',
      line: 1,
      column: 8,
      offset: 7,
      expected: ['"not"', '"in"', 'operator'],
      found: '=',
      excerpt: 'args.a = 1\n       ^',
    });
  });

  it("never let Peggy's SyntaxError escape: it is the cause", () => {
    const err = caught('(');
    expect(err.cause).toBeInstanceOf(SyntaxError);
    expect(err.cause).not.toBeInstanceOf(MandateError);
  });

  it('show one line of a multi-line caveat, with the caret under the column', () => {
    const err = caught('tool == "a"\n  and args.b ==\n  or true');
    expect(err.line).toBe(3);
    expect(err.column).toBe(3);
    expect(err.excerpt).toBe('  or true\n  ^');
  });

  it('cut a long line to a window around the column', () => {
    const text = `args.a == 1 and ${'args.b == 2 and '.repeat(20)}args.c = 3`;
    const err = caught(text);
    const [line, caret] = err.excerpt.split('\n') as [string, string];
    expect(line.length).toBeLessThanOrEqual(74);
    expect(line.startsWith('…')).toBe(true);
    expect(line[caret.indexOf('^')]).toBe('=');
  });
});
