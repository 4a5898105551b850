// Parsing every construct of the language into the normalized AST of ast.ts: paths, each
// operator, literals, quantifiers, markers, precedence, flattening, whitespace.
import { describe, expect, it } from 'vitest';
import type { Condition, Literal, Path } from '../../../src/scope/ast.js';
import { ScopeSyntaxError, parseCaveat, parseCondition } from '../../../src/scope/index.js';

const args = (...keys: [string, ...string[]]): Path => ({ root: 'args', keys });
const cmp = (
  path: Path,
  op: string,
  value: Literal,
  quantifier: 'all' | 'any' | null = null,
): Condition => ({ kind: 'compare', quantifier, path, op, value }) as Condition;
const str = (value: string): Literal => ({ type: 'string', value });
const num = (value: number): Literal => ({ type: 'number', value });
const A = cmp(args('a'), '==', num(1));
const B = cmp(args('b'), '==', num(2));
const C = cmp(args('c'), '==', num(3));

describe('parseCaveat: comparisons', () => {
  it.each(['==', '!=', '<', '<=', '>', '>='])('args.n %s 5', (op) => {
    expect(parseCaveat(`args.n ${op} 5`)).toEqual(cmp(args('n'), op, num(5)));
  });

  it.each(['~', '!~'])('glob operator %s', (op) => {
    expect(parseCaveat(`args.path ${op} "/repo/**"`)).toEqual(
      cmp(args('path'), op, str('/repo/**')),
    );
  });

  it('in and not in, with mixed literal types and the empty list', () => {
    expect(parseCaveat('args.x in [1, "a", true, null, 2026-01-01T00:00:00Z]')).toEqual({
      kind: 'member',
      quantifier: null,
      path: args('x'),
      negated: false,
      values: [
        num(1),
        str('a'),
        { type: 'boolean', value: true },
        { type: 'null' },
        { type: 'instant', ms: Date.UTC(2026, 0, 1) },
      ],
    });
    expect(parseCaveat('tool not in []')).toEqual({
      kind: 'member',
      quantifier: null,
      path: { root: 'tool' },
      negated: true,
      values: [],
    });
  });

  it('tool and time paths', () => {
    expect(parseCaveat('tool == "bank.transfer"')).toEqual(
      cmp({ root: 'tool' }, '==', str('bank.transfer')),
    );
    expect(parseCaveat('time < 2026-12-01T00:00:00Z')).toEqual(
      cmp({ root: 'time' }, '<', { type: 'instant', ms: Date.UTC(2026, 11, 1) }),
    );
  });

  it('args paths: dotted keys, bracketed keys, keywords as keys, the empty key', () => {
    expect(parseCaveat('args.a.b_2 == 1')).toEqual(cmp(args('a', 'b_2'), '==', num(1)));
    expect(parseCaveat('args["odd key"].x["y.z"] == 1')).toEqual(
      cmp(args('odd key', 'x', 'y.z'), '==', num(1)),
    );
    expect(parseCaveat('args.and == 1')).toEqual(cmp(args('and'), '==', num(1)));
    expect(parseCaveat('args["and"] == 1')).toEqual(cmp(args('and'), '==', num(1)));
    expect(parseCaveat('args.to == "savings"')).toEqual(cmp(args('to'), '==', str('savings')));
    expect(parseCaveat('args[""] == 1')).toEqual(cmp(args(''), '==', num(1)));
    expect(parseCaveat('args[ "a" ] == 1')).toEqual(cmp(args('a'), '==', num(1)));
  });

  it('quantifiers over args', () => {
    expect(parseCaveat('all args.files ~ "src/**"')).toEqual(
      cmp(args('files'), '~', str('src/**'), 'all'),
    );
    expect(parseCaveat('any args.tags in ["x"]')).toEqual({
      kind: 'member',
      quantifier: 'any',
      path: args('tags'),
      negated: false,
      values: [str('x')],
    });
    expect(parseCaveat('all args.n not in [1]')).toMatchObject({
      kind: 'member',
      quantifier: 'all',
      negated: true,
    });
    expect(parseCaveat('any args.n >= 2026-01-01T00:00:00Z')).toMatchObject({
      kind: 'compare',
      quantifier: 'any',
      op: '>=',
    });
  });
});

describe('parseCaveat: literals', () => {
  it('strings take every JSON escape', () => {
    expect(
      parseCaveat('args.s == "q\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9\\ud83d\\ude00 é"'),
    ).toEqual(cmp(args('s'), '==', str('q" b\\ s/ \b\f\n\r\t é😀 é')));
    expect(parseCaveat('args.s == "\\ud800"')).toEqual(cmp(args('s'), '==', str('\ud800')));
  });

  it('numbers in JSON syntax, negative zero kept', () => {
    for (const [text, value] of [
      ['0', 0],
      ['-7', -7],
      ['1.25', 1.25],
      ['1e3', 1000],
      ['2.5E-3', 0.0025],
      ['-1e+2', -100],
    ] as const) {
      expect(parseCaveat(`args.n == ${text}`)).toEqual(cmp(args('n'), '==', num(value)));
    }
    const negZero = parseCaveat('args.n == -0') as { value: { value: number } };
    expect(Object.is(negZero.value.value, -0)).toBe(true);
  });

  it('booleans and null', () => {
    expect(parseCaveat('args.b == true')).toEqual(
      cmp(args('b'), '==', { type: 'boolean', value: true }),
    );
    expect(parseCaveat('args.b != false')).toEqual(
      cmp(args('b'), '!=', { type: 'boolean', value: false }),
    );
    expect(parseCaveat('args.b == null')).toEqual(cmp(args('b'), '==', { type: 'null' }));
  });

  it('instants: UTC, optional milliseconds, years 0000 to 9999, leap days', () => {
    const ms = (text: string) =>
      (parseCaveat(`args.t < ${text}`) as { value: { ms: number } }).value.ms;
    expect(ms('2026-01-01T00:00:00Z')).toBe(Date.UTC(2026, 0, 1));
    expect(ms('2026-01-01T00:00:00.5Z')).toBe(Date.UTC(2026, 0, 1) + 500);
    expect(ms('2026-01-01T00:00:00.123Z')).toBe(Date.UTC(2026, 0, 1) + 123);
    expect(ms('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
    expect(ms('0000-01-01T00:00:00Z')).toBe(new Date('0000-01-01T00:00:00Z').getTime());
    expect(ms('9999-12-31T23:59:59.999Z')).toBe(new Date('9999-12-31T23:59:59.999Z').getTime());
    expect(ms('1969-12-31T23:59:59Z')).toBe(-1000);
  });
});

describe('parseCaveat: logic', () => {
  it('and binds tighter than or, not tighter than and', () => {
    expect(parseCaveat('args.a == 1 or args.b == 2 and args.c == 3')).toEqual({
      kind: 'or',
      operands: [A, { kind: 'and', operands: [B, C] }],
    });
    expect(parseCaveat('not args.a == 1 and args.b == 2')).toEqual({
      kind: 'and',
      operands: [{ kind: 'not', operand: A }, B],
    });
  });

  it('flattens and/or, across parentheses too', () => {
    expect(parseCaveat('args.a == 1 and (args.b == 2 and args.c == 3)')).toEqual({
      kind: 'and',
      operands: [A, B, C],
    });
    expect(parseCaveat('(args.a == 1 or args.b == 2) or args.c == 3')).toEqual({
      kind: 'or',
      operands: [A, B, C],
    });
    expect(parseCaveat('(args.a == 1 or args.b == 2) and args.c == 3')).toEqual({
      kind: 'and',
      operands: [{ kind: 'or', operands: [A, B] }, C],
    });
  });

  it('drops redundant parentheses and keeps double negation', () => {
    expect(parseCaveat('((args.a == 1))')).toEqual(A);
    expect(parseCaveat('not not args.a == 1')).toEqual({
      kind: 'not',
      operand: { kind: 'not', operand: A },
    });
    expect(parseCaveat('not (not (args.a == 1))')).toEqual({
      kind: 'not',
      operand: { kind: 'not', operand: A },
    });
  });

  it('true and false are conditions', () => {
    expect(parseCaveat('true')).toEqual({ kind: 'constant', value: true });
    expect(parseCaveat('false or args.a == 1')).toEqual({
      kind: 'or',
      operands: [{ kind: 'constant', value: false }, A],
    });
  });

  it('whitespace and newlines are free between tokens, optional around symbols', () => {
    expect(parseCaveat('\n\t args.a==1\r\n and\n(args.b  ==  2)  ')).toEqual({
      kind: 'and',
      operands: [A, B],
    });
    expect(parseCaveat('args.x in[1,2]')).toMatchObject({
      kind: 'member',
      values: [num(1), num(2)],
    });
    expect(parseCaveat('not(args.a == 1)')).toEqual({ kind: 'not', operand: A });
  });
});

describe('markers and parseCondition', () => {
  it('parses the delegation marker', () => {
    expect(parseCaveat('to "coder-2"')).toEqual({ kind: 'marker', principal: 'coder-2' });
    expect(parseCaveat('  to   "a \\"b\\""  ')).toEqual({ kind: 'marker', principal: 'a "b"' });
  });

  it('parseCondition refuses a marker with a syntax error at the marker', () => {
    expect(parseCondition('args.a == 1')).toEqual(A);
    expect(() => parseCondition('  to "x"')).toThrow(ScopeSyntaxError);
    try {
      parseCondition('  to "x"');
    } catch (err) {
      expect(err).toMatchObject({
        code: 'ERR_SCOPE_SYNTAX',
        line: 1,
        column: 3,
        expected: ['condition'],
      });
    }
  });
});

describe('the returned AST', () => {
  it('is deeply frozen', () => {
    const ast = parseCaveat('args.a.b in [1] and not tool == "x"') as unknown as {
      operands: unknown[];
    };
    expect(Object.isFrozen(ast)).toBe(true);
    expect(Object.isFrozen(ast.operands)).toBe(true);
    const member = ast.operands[0] as { path: { keys: string[] }; values: object[] };
    expect(Object.isFrozen(member.path.keys)).toBe(true);
    expect(Object.isFrozen(member.values[0])).toBe(true);
  });

  it('rejects a non-string input with a TypeError', () => {
    expect(() => parseCaveat(42 as unknown as string)).toThrow(TypeError);
  });
});
