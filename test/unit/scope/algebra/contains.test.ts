// Hand-written containment cases, each with the reason it holds or fails, over every part of the
// language: path globs, `*` vs `**` vs `?`, the `..` rule, ranges (and doubles), instants, `in`
// lists, negation, missing fields, types, quantifiers, nested paths. A "not contained" answer is
// also checked from the outside: its witness is allowed by `inner` and refused by `outer`.
import { describe, expect, it } from 'vitest';
import { contains, equivalent, satisfiable } from '../../../../src/scope/algebra/index.js';
import type { ScopeInput } from '../../../../src/scope/algebra/index.js';
import { evaluateCaveat } from '../../../../src/scope/index.js';
import type { ScopeRequest } from '../../../../src/scope/ast.js';

type Case = readonly [outer: ScopeInput, inner: ScopeInput, contained: boolean, reason: string];

const CASES: readonly Case[] = [
  // Path globs
  [
    'args.path ~ "/repo/**"',
    'args.path ~ "/repo/src/*.ts"',
    true,
    'every /repo/src/x.ts lies under /repo/',
  ],
  [
    'args.path ~ "/repo/src/*.ts"',
    'args.path ~ "/repo/**"',
    false,
    '/repo/README is under /repo/ but not a .ts file in src',
  ],
  ['args.path ~ "/repo/*"', 'args.path ~ "/repo/**"', false, '* does not cross "/": /repo/a/b'],
  [
    'args.path ~ "/repo/**"',
    'args.path ~ "/repo/*"',
    true,
    'one segment under /repo/ is under /repo/',
  ],
  [
    'args.path ~ "/repo/*"',
    'args.path ~ "/repo/?"',
    true,
    '? is one character but "/", which * also matches',
  ],
  [
    'args.path ~ "/repo/?"',
    'args.path ~ "/repo/*"',
    false,
    '* matches the empty run and longer runs: /repo/ or /repo/ab',
  ],
  ['args.path ~ "**"', 'args.path ~ "*"', true, '** matches every run that * matches'],
  ['args.path ~ "*"', 'args.path ~ "**"', false, '** crosses "/": a/b'],
  [
    'args.path ~ "*.ts"',
    'args.path ~ "src/*.ts"',
    false,
    'src/a.ts has a "/", which *.ts cannot match',
  ],
  ['args.path ~ "**.ts"', 'args.path ~ "src/*.ts"', true, '** takes "src/a" whole'],
  ['args.path ~ "\\\\*"', 'args.path == "*"', true, 'an escaped star is the character "*" itself'],
  [
    'args.path ~ "/repo/**"',
    'args.path == "/repo/../etc/passwd"',
    false,
    'a ".." segment makes ~ undefined, so the traversal is refused',
  ],
  [
    'args.path !~ "/secret/**"',
    'args.path ~ "/repo/**"',
    true,
    'a path under /repo/ (without "..", or ~ would be undefined) is not under /secret/',
  ],
  [
    'args.path !~ "/secret/**"',
    'args.path != "/secret/x"',
    false,
    '!= is true on numbers, where !~ is undefined; and on /secret/y',
  ],
  [
    'args.path !~ "/secret/**"',
    'args.path ~ "**"',
    false,
    '/secret/a matches ** and is under /secret/',
  ],
  // Ranges, doubles, instants
  ['args.amount <= 500', 'args.amount <= 100', true, 'a bound of 100 is within a bound of 500'],
  ['args.amount <= 100', 'args.amount <= 500', false, '101 is allowed by the larger bound only'],
  ['args.amount < 100', 'args.amount <= 100', false, '100 itself'],
  [
    'args.amount > 0 and args.amount < 10',
    'args.amount >= 1 and args.amount <= 9',
    true,
    '[1, 9] lies inside (0, 10)',
  ],
  [
    'args.amount > 1',
    'args.amount > 1 and args.amount < 1.0000000000000002',
    true,
    'no double lies strictly between 1 and the next double: inner allows nothing',
  ],
  ['args.amount >= 0', 'args.amount == -0', true, '-0 is 0'],
  [
    'time < 2026-12-01T00:00:00Z',
    'time < 2026-06-01T00:00:00Z',
    true,
    'an earlier expiry is within a later one',
  ],
  [
    'time < 2026-06-01T00:00:00Z',
    'time <= 2026-06-01T00:00:00Z',
    false,
    'the instant 2026-06-01T00:00:00Z itself',
  ],
  [
    'time >= 2026-01-01T00:00:00Z',
    'time > 2025-12-31T23:59:59.999Z',
    true,
    'the clock counts whole milliseconds',
  ],
  [
    'args.due < 2027-01-01T00:00:00Z',
    'args.due < 2026-01-01T00:00:00Z',
    true,
    'instant strings in 2025 are before 2027',
  ],
  [
    'args.due >= 2026-01-01T00:00:00Z',
    'args.due > 2025-12-31T23:59:59.999Z',
    true,
    'instant strings carry whole milliseconds too',
  ],
  [
    'args.due < 2026-01-01T00:00:00Z',
    'args.due ~ "2025-*"',
    false,
    '"2025-" matches the glob but is no instant, so < is undefined',
  ],
  // `in` lists and types
  ['tool in ["a", "b", "c"]', 'tool in ["a", "b"]', true, 'a sublist'],
  ['tool in ["a", "b"]', 'tool in ["a", "b", "c"]', false, '"c"'],
  ['tool ~ "fs.*"', 'tool in ["fs.read", "fs.write"]', true, 'both names match fs.*'],
  ['tool ~ "fs.*"', 'tool ~ "fs.**"', false, 'fs.a/b matches fs.** only'],
  [
    'args.to not in ["mallory"]',
    'args.to in ["savings", "checking"]',
    true,
    'neither listed value is mallory',
  ],
  [
    'args.to in ["savings"]',
    'args.to not in ["mallory"]',
    false,
    'not in is true on every other scalar',
  ],
  ['args.n in [1, 2]', 'args.n == 1 or args.n == 2', true, 'in is the or of =='],
  ['args.n == 1', 'args.n == "1"', false, 'a string is never equal to a number: "1"'],
  [
    'args.flag == true',
    'args.flag != false',
    false,
    '!= false is true on every other scalar, e.g. 0',
  ],
  ['args.x != null', 'args.x in [1, "a"]', true, 'both listed values are scalars other than null'],
  // Negation
  [
    'not (args.amount > 100)',
    'args.amount <= 100',
    true,
    'not (x > 100) is x <= 100 in all three truth values',
  ],
  ['args.amount <= 100', 'not (args.amount > 100)', true, 'and back'],
  ['not (tool == "shell.exec")', 'tool ~ "fs.*"', true, 'fs.* never names shell.exec'],
  [
    'args.x != 1',
    'not (args.x == 1 and args.y == 2)',
    false,
    'x = 1 with y = 3 makes the and false',
  ],
  // Missing fields and nested paths
  ['args.amount <= 100', 'tool == "bank.transfer"', false, 'a missing amount makes <= undefined'],
  [
    'not (args.amount > 100)',
    'true',
    false,
    'a missing amount cannot satisfy a negated comparison either',
  ],
  ['args.a.b == 1', 'args.a == 1', false, 'args.a is 1, so args.a.b is missing'],
  [
    'args.z == 5',
    'args.a.b == 1 and args.a ~ "*"',
    true,
    'args.a cannot be both a string and an object: inner allows nothing',
  ],
  [
    'args.a ~ "**" or args.a.b == 1',
    'args.a.b == 1',
    true,
    'the second alternative is the inner scope',
  ],
  // Quantifiers
  [
    'all args.files ~ "src/**"',
    'all args.files ~ "src/*.ts"',
    true,
    'each element matching src/*.ts matches src/**',
  ],
  [
    'any args.files ~ "src/**"',
    'all args.files ~ "src/*.ts"',
    false,
    'the empty array: all is true, any is false',
  ],
  [
    'any args.files ~ "src/**"',
    'any args.files ~ "src/*.ts"',
    true,
    'the element that matches src/*.ts matches src/**',
  ],
  ['all args.files ~ "src/**"', 'any args.files ~ "src/*.ts"', false, '["src/a.ts", "lib/b"]'],
  ['all args.xs != "admin"', 'all args.xs in ["a", "b"]', true, 'neither a nor b is admin'],
  [
    'all args.xs in ["a", "b"]',
    'not (any args.xs not in ["a", "b"])',
    true,
    'not any not-in is all in',
  ],
  ['args.xs == 1', 'all args.xs == 1', false, 'an array makes == undefined: []'],
  // Conjunctions, constants
  [
    ['tool ~ "fs.*"', 'args.path ~ "/repo/**"'],
    ['tool == "fs.read"', 'args.path ~ "/repo/src/**"', 'time < 2027-01-01T00:00:00Z'],
    true,
    'attenuation narrows every condition',
  ],
  [
    'tool == "fs.read" or tool == "fs.write"',
    'tool == "fs.read" and args.path ~ "/repo/**"',
    true,
    'the inner tool is one of the two',
  ],
  ['false', 'args.x > 5 and args.x < 3', true, 'nothing is contained in everything'],
  ['true', 'tool ~ "**" and args.x == 1', true, 'everything contains anything'],
];

function allows(scope: ScopeInput, request: ScopeRequest): boolean {
  const list = Array.isArray(scope) ? scope : [scope];
  return list.every((c) => evaluateCaveat(c as string, request).holds);
}

describe('contains: hand-written cases', () => {
  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  for (const [outer, inner, expected, reason] of CASES) {
    it(`${JSON.stringify(outer)} ⊇ ${JSON.stringify(inner)}: ${expected} (${reason})`, () => {
      const r = contains(outer, inner);
      expect(r.contained).toBe(expected);
      if (r.contained === false) {
        expect(allows(inner, r.witness)).toBe(true);
        expect(allows(outer, r.witness)).toBe(false);
      }
    });
  }

  it('the witness of a traversal is the traversal itself', () => {
    const r = contains('args.path ~ "/repo/**"', 'args.path == "/repo/../etc/passwd"');
    expect(r).toMatchObject({
      contained: false,
      witness: { args: { path: '/repo/../etc/passwd' } },
    });
  });

  it('the witness of a raised bound is the first amount above the old one', () => {
    const r = contains('args.amount <= 100', 'args.amount <= 500');
    expect(r).toMatchObject({ contained: false, witness: { args: { amount: 101 } } });
  });

  it('the witness of a missing field omits it', () => {
    const r = contains('args.amount <= 100', 'tool == "bank.transfer"');
    expect(r.contained).toBe(false);
    if (r.contained === false) {
      expect(r.witness.tool).toBe('bank.transfer');
      expect(Object.hasOwn(r.witness.args, 'amount')).toBe(false);
    }
  });

  it('answers for ASTs and texts alike', () => {
    const ast = {
      kind: 'compare',
      quantifier: null,
      path: { root: 'args', keys: ['n'] },
      op: '<=',
      value: { type: 'number', value: 5 },
    } as const;
    expect(contains('args.n <= 10', ast).contained).toBe(true);
    expect(contains([ast], 'args.n <= 10').contained).toBe(false);
  });

  it('counts code points: an astral character is one, lone surrogates never pair up', () => {
    expect(contains('args.s ~ "?"', 'args.s == "😀"').contained).toBe(true);
    expect(contains('args.s ~ "??"', 'args.s == "😀"').contained).toBe(false);
    // Two code points, a lone high surrogate then a lone low one, would be one astral character.
    expect(satisfiable('args.s ~ "\\uD83D*" and args.s ~ "*\\uDE00" and args.s ~ "??"')).toEqual({
      satisfiable: false,
    });
  });

  it('builds witnesses with keys that are not identifiers, "__proto__" included', () => {
    const r = contains('args.y == 2', 'args["__proto__"].x == 1 and args["odd key"] == true');
    expect(r.contained).toBe(false);
    if (r.contained === false) {
      expect(Object.hasOwn(r.witness.args, '__proto__')).toBe(true);
      expect(allows('args["__proto__"].x == 1', r.witness)).toBe(true);
    }
  });

  it('an empty scope allows everything', () => {
    expect(contains([], 'tool == "x"').contained).toBe(true);
    expect(contains('tool == "x"', []).contained).toBe(false);
  });
});

describe('equivalent and satisfiable', () => {
  it('equivalent scopes', () => {
    expect(equivalent('args.n in [1, 2]', 'args.n == 1 or args.n == 2')).toEqual({
      equivalent: true,
    });
    expect(equivalent('not (all args.xs == 1)', 'any args.xs != 1')).toEqual({ equivalent: true });
    expect(equivalent(['tool == "a"', 'args.x > 1'], 'args.x > 1 and tool == "a"')).toEqual({
      equivalent: true,
    });
  });

  it('inequivalent scopes name the scope that allows the witness', () => {
    const r = equivalent('args.n <= 5', 'args.n < 5');
    expect(r).toMatchObject({ equivalent: false, allowedBy: 'a', witness: { args: { n: 5 } } });
    const s = equivalent('args.n < 5', 'args.n <= 5');
    expect(s).toMatchObject({ equivalent: false, allowedBy: 'b' });
  });

  it('unsatisfiable scopes', () => {
    for (const scope of [
      'args.n > 5 and args.n < 3',
      ['tool == "a"', 'tool == "b"'],
      'args.p ~ "/a/*" and args.p ~ "/b/*"',
      'args.a ~ "*" and args.a.b == 1',
      'any args.xs == 1 and all args.xs == 2',
      'args.d > 2026-02-28T23:59:59.999Z and args.d < 2026-03-01T00:00:00Z',
      'args.d ~ "2026-02-29T*"  and args.d >= 2026-01-01T00:00:00Z',
      'false',
    ] as const) {
      expect(satisfiable(scope as ScopeInput)).toEqual({ satisfiable: false });
    }
  });

  it('satisfiable scopes come with an example the evaluator accepts', () => {
    for (const scope of [
      'tool ~ "fs.*" and args.x == 1',
      'args.d ~ "2024-02-29T*" and args.d >= 2024-01-01T00:00:00Z',
      'any args.xs ~ "a?c" and all args.xs != "abc"',
    ]) {
      const r = satisfiable(scope);
      expect(r.satisfiable).toBe(true);
      if (r.satisfiable === true) expect(allows(scope, r.example)).toBe(true);
    }
  });
});
