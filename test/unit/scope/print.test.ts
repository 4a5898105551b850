// The canonical printer: stable spacing and quoting, minimal parentheses, and a TypeError for
// ASTs the parser could never have produced (so whatever it prints parses back).
import { describe, expect, it } from 'vitest';
import type { Caveat } from '../../../src/scope/ast.js';
import { ScopeLimitError, parseCaveat, printCaveat } from '../../../src/scope/index.js';

describe('printCaveat: canonical text', () => {
  it.each([
    ['tool=="a"   and (args.n<=5)', 'tool == "a" and args.n <= 5'],
    ['args.a==1 or(args.b==2 and args.c==3)', 'args.a == 1 or args.b == 2 and args.c == 3'],
    ['(args.a==1 or args.b==2)and args.c==3', '(args.a == 1 or args.b == 2) and args.c == 3'],
    ['not(args.a==1)', 'not args.a == 1'],
    ['not (args.a == 1 and args.b == 2)', 'not (args.a == 1 and args.b == 2)'],
    ['not (args.a == 1 or args.b == 2)', 'not (args.a == 1 or args.b == 2)'],
    ['not not args.a == 1', 'not not args.a == 1'],
    [
      'args.a == 1 and (args.b == 2 or not (args.c == 3 and args.d == 4))',
      'args.a == 1 and (args.b == 2 or not (args.c == 3 and args.d == 4))',
    ],
    ['args.x in[ 1 ,2 ]', 'args.x in [1, 2]'],
    ['args.x not   in []', 'args.x not in []'],
    ['all   args.f ~"src/**"', 'all args.f ~ "src/**"'],
    ['any args.f!~"*.md"', 'any args.f !~ "*.md"'],
    ['args["a"]["odd key"]["x_1"] == 1', 'args.a["odd key"].x_1 == 1'],
    ['args["1a"] == 1', 'args["1a"] == 1'],
    ['args["and"] == 1', 'args.and == 1'],
    ['args[""] == 1', 'args[""] == 1'],
    ['args.s == "\\u0041\\/\\n\\u0007"', 'args.s == "A/\\n\\u0007"'],
    ['args.s == "\\ud800"', 'args.s == "\\ud800"'],
    ['args.n == 1.50', 'args.n == 1.5'],
    ['args.n == 1E3', 'args.n == 1000'],
    ['args.n == 1e21', 'args.n == 1e+21'],
    ['args.n == 0.0000005', 'args.n == 5e-7'],
    ['args.n == -0', 'args.n == -0'],
    ['args.n == -0.0', 'args.n == -0'],
    ['time < 2026-01-01T00:00:00.000Z', 'time < 2026-01-01T00:00:00Z'],
    ['time < 2026-01-01T00:00:00.5Z', 'time < 2026-01-01T00:00:00.500Z'],
    ['args.t == 0001-02-03T04:05:06.07Z', 'args.t == 0001-02-03T04:05:06.070Z'],
    ['args.b == true and args.c != null', 'args.b == true and args.c != null'],
    ['true or false', 'true or false'],
    ['  to   "coder"', 'to "coder"'],
    ['to "a\\u0022b"', 'to "a\\"b"'],
  ])('%j prints as %j', (input, canonical) => {
    expect(printCaveat(parseCaveat(input))).toBe(canonical);
    expect(parseCaveat(canonical)).toEqual(parseCaveat(input));
  });
});

describe('printCaveat: refuses ASTs the parser would not produce', () => {
  const num = { type: 'number', value: 1 } as const;
  const a = {
    kind: 'compare',
    quantifier: null,
    path: { root: 'args', keys: ['a'] },
    op: '==',
    value: num,
  } as const;
  it.each([
    ['a null', null],
    ['an unknown kind', { kind: 'xor' }],
    ['an and with one operand', { kind: 'and', operands: [a] }],
    ['an unflattened and', { kind: 'and', operands: [a, { kind: 'and', operands: [a, a] }] }],
    ['an or without operands array', { kind: 'or' }],
    ['a non-boolean constant', { kind: 'constant', value: 1 }],
    ['an unknown operator', { ...a, op: '=~' }],
    ['an unknown quantifier', { ...a, quantifier: 'some' }],
    ['args without keys', { ...a, path: { root: 'args', keys: [] } }],
    ['an unknown root', { ...a, path: { root: 'env' } }],
    ['a non-finite number', { ...a, value: { type: 'number', value: Infinity } }],
    ['NaN', { ...a, value: { type: 'number', value: NaN } }],
    ['a fractional instant', { ...a, value: { type: 'instant', ms: 1.5 } }],
    ['an instant after 9999', { ...a, value: { type: 'instant', ms: 8.7e15 } }],
    ['an unknown literal type', { ...a, value: { type: 'date', ms: 0 } }],
    ['tool == number', { ...a, path: { root: 'tool' } }],
    ['time == number', { ...a, path: { root: 'time' } }],
    ['ordering a string', { ...a, op: '<', value: { type: 'string', value: 'x' } }],
    ['a glob with a number', { ...a, op: '~' }],
    ['a glob with a lone backslash', { ...a, op: '~', value: { type: 'string', value: 'a\\' } }],
    [
      'a quantified tool',
      { ...a, quantifier: 'all', path: { root: 'tool' }, value: { type: 'string', value: 'x' } },
    ],
    [
      'a member without values',
      { kind: 'member', quantifier: null, path: { root: 'tool' }, negated: false },
    ],
    [
      'a member with non-boolean negated',
      { kind: 'member', quantifier: null, path: { root: 'tool' }, negated: 0, values: [] },
    ],
    [
      'time in a list',
      { kind: 'member', quantifier: null, path: { root: 'time' }, negated: false, values: [] },
    ],
    ['a marker without principal', { kind: 'marker' }],
  ])('%s → TypeError', (_, ast) => {
    expect(() => printCaveat(ast as unknown as Caveat)).toThrow(TypeError);
  });

  it('refuses an AST beyond the limits with ScopeLimitError', () => {
    const a = parseCaveat('args.a == 1');
    let deep = a;
    for (let i = 0; i < 40; i++) deep = { kind: 'not', operand: deep as never };
    expect(() => printCaveat(deep)).toThrow(ScopeLimitError);
    expect(printCaveat(deep, { limits: { maxDepth: 100 } })).toMatch(/^(not ){40}args\.a == 1$/);
    const longString = { ...a, value: { type: 'string', value: 'x'.repeat(4097) } } as Caveat;
    expect(() => printCaveat(longString)).toThrow(ScopeLimitError);
    expect(() => printCaveat({ kind: 'marker', principal: 'x'.repeat(4097) })).toThrow(
      ScopeLimitError,
    );
    const longText = {
      kind: 'or',
      operands: Array.from({ length: 3 }, () => ({
        ...a,
        value: { type: 'string', value: 'x'.repeat(4000) },
      })),
    } as Caveat;
    expect(() => printCaveat(longText)).toThrow(
      /the printed caveat length exceeds the limit maxTextLength = 8192/,
    );
  });
});
