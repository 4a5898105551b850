// simplify, intersect and union: concrete rewrites a user would read, the shape of the result
// (an AST that prints and parses back to itself), and what happens past a limit.
import { describe, expect, it } from 'vitest';
import { alternatives, intersect, simplify, union } from '../../../../src/scope/algebra/index.js';
import { evaluateCaveat, parseCaveat } from '../../../../src/scope/index.js';

describe('simplify', () => {
  const CASES: readonly [input: string | string[], output: string][] = [
    ['args.n > 1 and args.n > 5 and not (tool != "a")', 'tool == "a" and args.n > 5'],
    [['args.n > 5', 'args.n < 3'], 'false'],
    ['args.n >= 1 and args.n <= 1', 'args.n == 1'],
    ['tool == "a" or tool == "b"', 'tool in ["a", "b"]'],
    ['(tool == "a" or tool == "b") and tool == "a"', 'tool == "a"'],
    ['tool == "a" or tool != "a"', 'true'],
    // A missing x makes both undefined: "every scalar" is as far as it goes.
    ['args.x == 1 or args.x != 1', 'args.x not in []'],
    ['args.p ~ "/repo/**" and args.p ~ "/repo/src/*.ts"', 'args.p ~ "/repo/src/*.ts"'],
    ['args.p ~ "/repo/**" or args.p ~ "/repo/src/*.ts"', 'args.p ~ "/repo/**"'],
    ['args.p ~ "/a/*" and args.p ~ "/b/*"', 'false'],
    ['not (any args.files ~ "x")', 'all args.files !~ "x"'],
    ['args.x in [3, 1, 1]', 'args.x in [1, 3]'],
    ['not (not (args.x == 1))', 'args.x == 1'],
    ['true and args.x == 1', 'args.x == 1'],
    ['not (args.amount > 100)', 'args.amount <= 100'],
    [
      'args.d >= 2026-01-01T00:00:00Z and args.d < 2026-01-01T00:00:00.001Z',
      'args.d == 2026-01-01T00:00:00Z',
    ],
    ['time < 2026-01-01T00:00:00Z and time > 2026-02-01T00:00:00Z', 'false'],
    ['args.to in ["a", "b"] and args.to != "a"', 'args.to == "b"'],
    ['args.x > 1 or args.x > 5 or args.y == 2', 'args.x > 1 or args.y == 2'],
    [
      ['tool ~ "fs.*"', 'tool in ["fs.read", "shell.exec"]', 'args.x == 1'],
      'tool == "fs.read" and args.x == 1',
    ],
  ];

  for (const [input, output] of CASES) {
    it(`${JSON.stringify(input)} → ${output}`, () => {
      const r = simplify(input);
      expect(r.text).toBe(output);
      expect(r.complete).toBe(true);
    });
  }

  it('returns an AST that prints to the text and parses back to itself', () => {
    const r = simplify([
      'tool in ["b", "a"]',
      'args.n > 1 and args.n > 5 or args.m == null',
      'time < 2026-12-01T00:00:00Z',
    ]);
    expect(parseCaveat(r.text)).toEqual(r.condition);
    expect(Object.isFrozen(r.condition)).toBe(true);
  });

  it('is canonical: differently written equal scopes give the same text', () => {
    const a = simplify(['args.n <= 5', 'tool == "b" or tool == "a"']).text;
    const b = simplify('(tool in ["a", "b"]) and not (args.n > 5)').text;
    expect(a).toBe(b);
  });

  it('past a step limit it still keeps the meaning, and says it is not complete', () => {
    const scope = Array.from(
      { length: 12 },
      (_, i) => `args.a${i % 4} > ${i} or tool ~ "t${i % 3}.*"`,
    );
    const r = simplify(scope, { limits: { maxSteps: 3 } });
    expect(r.complete).toBe(false);
    for (const args of [{}, { a0: 100, a1: 100, a2: 100, a3: 100 }, { a0: 1 }]) {
      for (const tool of ['t0.x', 't1.x', 'x']) {
        const request = { tool, args, time: new Date() };
        expect(evaluateCaveat(r.text, request).holds).toBe(
          scope.every((c) => evaluateCaveat(c, request).holds),
        );
      }
    }
  });

  it('beyond maxComparisons it returns the scope as it is', () => {
    const scope = Array.from({ length: 20 }, (_, i) => `args.x${i} == ${i}`);
    const r = simplify(scope, { limits: { maxComparisons: 10 } });
    expect(r.complete).toBe(false);
    expect(r.text).toBe(scope.join(' and '));
  });
});

describe('intersect', () => {
  it('keeps what both allow', () => {
    expect(intersect('tool in ["a", "b"]', 'tool in ["b", "c"]').text).toBe('tool == "b"');
    expect(intersect('args.p ~ "/repo/**"', 'args.p ~ "/repo/src/*.ts"').text).toBe(
      'args.p ~ "/repo/src/*.ts"',
    );
    expect(intersect('args.n <= 5', 'args.n > 5').text).toBe('false');
    expect(
      intersect(['tool == "a"', 'args.n < 10'], ['args.n >= 2', 'time < 2026-01-01T00:00:00Z'])
        .text,
    ).toBe('tool == "a" and args.n >= 2 and args.n < 10 and time < 2026-01-01T00:00:00Z');
  });
});

describe('union', () => {
  it('keeps what either allows', () => {
    expect(union('tool == "a"', 'tool == "b"').text).toBe('tool in ["a", "b"]');
    expect(union('tool ~ "fs.*"', 'tool == "fs.read"').text).toBe('tool ~ "fs.*"');
    // Every number, but not a missing or non-numeric n.
    expect(union('args.n <= 5', 'args.n > 5').text).toBe('args.n >= 0 or args.n < 0');
    expect(union('false', 'args.x == 1').text).toBe('args.x == 1');
    expect(union(['tool == "a"', 'args.x == 1'], ['tool == "a"', 'args.x == 2']).text).toBe(
      'tool == "a" and args.x in [1, 2]',
    );
  });
  it('is idempotent where one pass exposes more to simplify (found by the laws)', () => {
    const scope = [
      '(args.b < 2026-01-01T00:00:00Z or tool == "fs.read" or args.b not in [5.000000000000001, ""] or not (args.b < 0)) and args.a < 0',
      'args.b !~ "/repo/**"',
    ];
    const once = simplify(scope);
    expect(once.complete).toBe(true);
    // `!~` holds only on strings that are not path aliases, and "" is one: `args.b != ""` follows.
    expect(once.text).toBe('args.a < 0 and args.b !~ "/repo/**"');
    expect(simplify(once.condition).text).toBe(once.text);
  });
});

describe('alternatives', () => {
  it('reads a scope one alternative per line, dropping empty and covered ones', () => {
    expect(alternatives(['tool in ["a", "b"]', 'tool == "a" or args.n > 1']).alternatives).toEqual([
      'tool == "a"',
      'tool in ["a", "b"] and args.n > 1',
    ]);
    expect(
      alternatives(
        'tool == "a" and args.n > 5 or tool == "a" and args.n > 1 or args.n > 9 and args.n < 3',
      ).alternatives,
    ).toEqual(['tool == "a" and args.n > 1']);
  });

  it('says true for everything and nothing for a contradiction', () => {
    expect(alternatives('tool == "a" or tool != "a"')).toEqual({
      alternatives: ['true'],
      complete: true,
    });
    expect(alternatives(['args.n > 5', 'args.n < 3'])).toEqual({
      alternatives: [],
      complete: true,
    });
  });

  it('gives the simplified scope whole, marked incomplete, past 32 alternatives', () => {
    const wide = Array.from({ length: 6 }, (_, i) => `args.a${i} == 1 or args.b${i} == 2`);
    const result = alternatives(wide);
    expect(result.complete).toBe(false);
    expect(result.alternatives).toHaveLength(1);
    expect(result.alternatives[0]).toContain(' or ');
  });
});
