// Every limit, at its default and overridden: input beyond it is a ScopeLimitError naming the
// limit (never a crash or a stack overflow); bad overrides are caller errors.
import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../src/scope/ast.js';
import {
  DEFAULT_SCOPE_LIMITS,
  ScopeLimitError,
  compileCaveat,
  evaluateCaveat,
  parseCaveat,
  printCaveat,
} from '../../../src/scope/index.js';

function limitError(fn: () => unknown): ScopeLimitError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ScopeLimitError);
    return err as ScopeLimitError;
  }
  throw new Error('expected a ScopeLimitError');
}

const list = (n: number) => `args.x in [${Array.from({ length: n }, (_, i) => i).join(',')}]`;
const ors = (n: number) => Array.from({ length: n }, (_, i) => `args.a == ${i}`).join(' or ');

describe('DEFAULT_SCOPE_LIMITS', () => {
  it('documents the defaults', () => {
    expect(DEFAULT_SCOPE_LIMITS).toEqual({
      maxTextLength: 8192,
      maxDepth: 32,
      maxComparisons: 128,
      maxListLength: 1024,
      maxPatternLength: 256,
      maxStringLength: 4096,
      maxGlobWork: 1_048_576,
    });
    expect(Object.isFrozen(DEFAULT_SCOPE_LIMITS)).toBe(true);
  });
});

describe('each limit', () => {
  it('maxTextLength', () => {
    const text = `args.s == "${'x'.repeat(8200)}"`;
    const err = limitError(() => parseCaveat(text));
    expect(err).toMatchObject({
      code: 'ERR_SCOPE_LIMIT',
      limit: 'maxTextLength',
      max: 8192,
      actual: text.length,
    });
    expect(
      parseCaveat(text, { limits: { maxTextLength: 10_000, maxStringLength: 10_000 } }).kind,
    ).toBe('compare');
  });

  it('maxDepth: parentheses, counted before parsing, with the position', () => {
    const ok = `${'('.repeat(32)}true${')'.repeat(32)}`;
    expect(parseCaveat(ok)).toEqual({ kind: 'constant', value: true });
    const err = limitError(() => parseCaveat(`${'('.repeat(33)}true${')'.repeat(33)}`));
    expect(err).toMatchObject({ limit: 'maxDepth', max: 32, actual: 33, line: 1, column: 33 });
    expect(err.message).toBe(
      'the nesting of parentheses exceeds the limit maxDepth = 32 (line 1, column 33)',
    );
  });

  it('maxDepth: parentheses inside strings do not count', () => {
    expect(parseCaveat(`args.s == "${'('.repeat(100)}\\"("`).kind).toBe('compare');
  });

  it('maxDepth: nesting of the AST (not, and, or)', () => {
    expect(parseCaveat(`${'not '.repeat(31)}true`).kind).toBe('not');
    expect(limitError(() => parseCaveat(`${'not '.repeat(32)}true`))).toMatchObject({
      limit: 'maxDepth',
      actual: 33,
    });
    expect(parseCaveat(`${'not '.repeat(60)}true`, { limits: { maxDepth: 61 } }).kind).toBe('not');
  });

  it('maxDepth: huge nesting is refused, not a stack overflow, even with the limit raised', () => {
    expect(limitError(() => parseCaveat('('.repeat(8000))).limit).toBe('maxDepth');
    expect(limitError(() => parseCaveat(`${'not '.repeat(2000)}true`)).limit).toBe('maxDepth');
    const deep = `${'('.repeat(200_000)}true${')'.repeat(200_000)}`;
    const raised = { limits: { maxDepth: 1_000_000, maxTextLength: 1_000_000 } };
    expect(limitError(() => parseCaveat(deep, raised)).limit).toBe('maxDepth');
    const nots = `${'not '.repeat(200_000)}true`;
    expect(limitError(() => parseCaveat(nots, raised)).limit).toBe('maxDepth');
  });

  it('maxDepth: a raised limit never lets deep ASTs overflow the stack in print, compile or evaluate', () => {
    let ast: Condition = { kind: 'constant', value: true };
    for (let i = 0; i < 200_000; i++) ast = { kind: 'not', operand: ast };
    const raised = { limits: { maxDepth: 1_000_000 } };
    const request = { tool: 't', args: {}, time: new Date(0) };
    expect(limitError(() => printCaveat(ast, raised)).limit).toBe('maxDepth');
    expect(limitError(() => compileCaveat(ast, raised)).limit).toBe('maxDepth');
    expect(limitError(() => evaluateCaveat(ast, request, raised)).limit).toBe('maxDepth');
  });

  it('maxComparisons', () => {
    expect(parseCaveat(ors(128)).kind).toBe('or');
    expect(limitError(() => parseCaveat(ors(129)))).toMatchObject({
      limit: 'maxComparisons',
      max: 128,
      actual: 129,
    });
    expect(parseCaveat(ors(129), { limits: { maxComparisons: 129 } }).kind).toBe('or');
  });

  it('maxListLength, with the position of the list', () => {
    expect(parseCaveat(list(1024)).kind).toBe('member');
    expect(limitError(() => parseCaveat(list(1025)))).toMatchObject({
      limit: 'maxListLength',
      actual: 1025,
      line: 1,
      column: 11,
    });
  });

  it('maxPatternLength', () => {
    expect(parseCaveat(`args.p ~ "${'a'.repeat(256)}"`).kind).toBe('compare');
    expect(limitError(() => parseCaveat(`args.p ~ "${'a'.repeat(257)}"`))).toMatchObject({
      limit: 'maxPatternLength',
      actual: 257,
      column: 10,
    });
    expect(parseCaveat(`args.p == "${'a'.repeat(257)}"`).kind).toBe('compare'); // only patterns
  });

  it('maxStringLength', () => {
    expect(limitError(() => parseCaveat(`args.p == "${'a'.repeat(4097)}"`))).toMatchObject({
      limit: 'maxStringLength',
      actual: 4097,
    });
    expect(limitError(() => parseCaveat(`to "${'a'.repeat(4097)}"`)).limit).toBe('maxStringLength');
  });

  it('toJSON carries the limit', () => {
    expect(limitError(() => parseCaveat(ors(129))).toJSON()).toEqual({
      code: 'ERR_SCOPE_LIMIT',
      message: 'the number of comparisons exceeds the limit maxComparisons = 128',
      limit: 'maxComparisons',
      max: 128,
      actual: 129,
      line: undefined,
      column: undefined,
    });
  });
});

describe('limit options', () => {
  it.each([
    [{ limits: { maxDepth: 0 } }, RangeError],
    [{ limits: { maxDepth: 1.5 } }, RangeError],
    [{ limits: { maxDepth: '3' } }, TypeError],
    [{ limits: { maxDepht: 3 } }, TypeError],
    [{ limits: 3 }, TypeError],
    [7, TypeError],
  ])('%j is refused', (options, error) => {
    expect(() => parseCaveat('true', options as never)).toThrow(error);
  });
});
