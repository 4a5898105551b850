// Bad inputs are refused with the right error, and every run limit turns an answer into
// 'unknown' (with a reason naming the limit) instead of a long run or a wrong answer.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ALGEBRA_LIMITS,
  contains,
  equivalent,
  intersect,
  neededScope,
  residual,
  satisfiable,
  simplify,
  union,
} from '../../../../src/scope/algebra/index.js';
import type { AlgebraOptions, ScopeInput } from '../../../../src/scope/algebra/index.js';
import { algebraBudget } from '../../../../src/scope/algebra/limits.js';
import { ScopeSyntaxError } from '../../../../src/scope/index.js';

const request = { tool: 'a', args: {}, time: new Date(0) };
const CALLS: readonly [string, (x: ScopeInput) => unknown][] = [
  ['contains(x, …)', (x) => contains(x, 'true')],
  ['contains(…, x)', (x) => contains('true', x)],
  ['equivalent', (x) => equivalent(x, 'true')],
  ['satisfiable', (x) => satisfiable(x)],
  ['simplify', (x) => simplify(x)],
  ['intersect', (x) => intersect(x, 'true')],
  ['union', (x) => union('true', x)],
  ['residual', (x) => residual(x, { tool: 'a' })],
  ['neededScope', (x) => neededScope(x, request)],
];
const BAD: readonly [string, unknown, new (...args: never[]) => Error][] = [
  ['a number', 42, TypeError],
  ['null', null, TypeError],
  ['undefined', undefined, TypeError],
  ['a marker AST', { kind: 'marker', principal: 'coder' }, TypeError],
  ['a marker text', 'to "coder"', TypeError],
  ['an array holding a number', ['true', 5], TypeError],
  ['a malformed AST', { kind: 'compare' }, TypeError],
  [
    'an unflattened AST',
    {
      kind: 'and',
      operands: [
        { kind: 'constant', value: true },
        {
          kind: 'and',
          operands: [
            { kind: 'constant', value: true },
            { kind: 'constant', value: true },
          ],
        },
      ],
    },
    TypeError,
  ],
  ['text that does not parse', 'args.x ==', ScopeSyntaxError],
  ['an ill-typed comparison', 'tool < 5', ScopeSyntaxError],
];

describe('bad scopes', () => {
  for (const [name, call] of CALLS) {
    for (const [what, value, error] of BAD) {
      it(`${name} refuses ${what}`, () => {
        expect(() => call(value as ScopeInput)).toThrow(error);
      });
    }
  }
});

describe('bad options', () => {
  const BAD_OPTIONS: readonly [unknown, new (...args: never[]) => Error][] = [
    ['fast', TypeError],
    [{ limits: 5 }, TypeError],
    [{ limits: { maxSteps: 0 } }, RangeError],
    [{ limits: { timeLimitMs: 1.5 } }, RangeError],
    [{ limits: { maxSteps: '10' } }, TypeError],
    [{ limits: { bogus: 1 } }, TypeError],
  ];
  for (const [options, error] of BAD_OPTIONS) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      expect(() => contains('true', 'true', options as AlgebraOptions)).toThrow(error);
      expect(() => simplify('args.x == 1 and args.x == 1', options as AlgebraOptions)).toThrow(
        error,
      );
    });
  }

  it('the defaults are frozen', () => {
    expect(Object.isFrozen(DEFAULT_ALGEBRA_LIMITS)).toBe(true);
  });
});

/** Seven pigeons, six holes, no two in one hole: unsatisfiable, and hard for case splitting. */
function pigeonhole(pigeons: number): string[] {
  const holes = pigeons - 1;
  const out = Array.from(
    { length: pigeons },
    (_, i) => `args.p${i} in [${Array.from({ length: holes }, (_, h) => h + 1).join(', ')}]`,
  );
  for (let h = 1; h <= holes; h++) {
    for (let i = 0; i < pigeons; i++)
      for (let j = i + 1; j < pigeons; j++) out.push(`args.p${i} != ${h} or args.p${j} != ${h}`);
  }
  return out;
}

/** An answer of 'unknown' whose reason names the limit. */
function expectUnknown(
  r: { contained: unknown; reason?: string } | { satisfiable: unknown; reason?: string },
  reason: RegExp,
): void {
  expect('contained' in r ? r.contained : r.satisfiable).toBe('unknown');
  expect(r.reason).toMatch(reason);
}

describe('limits turn into unknown', () => {
  it('maxSteps', () => {
    const r = satisfiable(pigeonhole(7), {
      limits: { maxSteps: 500, maxComparisons: 10_000, timeLimitMs: 60_000 },
    });
    expectUnknown(r, /maxSteps = 500/);
  });

  it('timeLimitMs', () => {
    const r = satisfiable(pigeonhole(8), {
      limits: { timeLimitMs: 1, maxSteps: 1e9, maxComparisons: 10_000 },
    });
    expectUnknown(r, /timeLimitMs = 1 ms/);
  });

  it('timeLimitMs applies only once untimedSteps steps were taken', () => {
    // A clock already far past the deadline: a pause of the process before any real work.
    let now = 0;
    const late = (untimedSteps: number) => {
      now = 0;
      const budget = algebraBudget({ timeLimitMs: 5, untimedSteps }, () => now);
      now = 1_000;
      return budget;
    };
    const patient = late(64);
    for (let i = 0; i < 63; i++) patient.tick();
    expect(patient.spent).toBeUndefined();
    expect(() => {
      for (let i = 0; i < 32; i++) patient.tick();
    }).toThrow(/timeLimitMs = 5 ms/);
    expect(patient.spent).toMatch(/timeLimitMs = 5 ms/);
    const eager = late(1);
    eager.tick();
    expect(eager.spent).toMatch(/timeLimitMs = 5 ms/);
  });

  it('maxGlobStates', () => {
    // The automaton of **b????? has 2^5 subsets to tell apart.
    const r = contains('args.lim1 ~ "**?????"', 'args.lim1 ~ "**b?????"', {
      limits: { maxGlobStates: 10 },
    });
    expectUnknown(r, /maxGlobStates = 10/);
    expect(contains('args.lim1 ~ "**?????"', 'args.lim1 ~ "**b?????"').contained).toBe(true);
  });

  it('maxProductStates', () => {
    const r = contains('args.lim2 ~ "/limits/**"', 'args.lim2 ~ "/limits/src/*.ts"', {
      limits: { maxProductStates: 3 },
    });
    expectUnknown(r, /maxProductStates = 3/);
  });

  it('maxComparisons', () => {
    const many = Array.from({ length: 20 }, (_, i) => `args.x${i} == ${i}`);
    const r = contains('args.y == 1', many, { limits: { maxComparisons: 10 } });
    expectUnknown(r, /maxComparisons = 10/);
    expect(equivalent('args.y == 1', many, { limits: { maxComparisons: 10 } }).equivalent).toBe(
      'unknown',
    );
  });

  it('a residual past a limit is still exact, only less simplified', () => {
    const r = residual(
      ['tool == "a"', ...pigeonhole(7)],
      { tool: 'a' },
      { limits: { maxSteps: 200, maxComparisons: 10_000 } },
    );
    expect(r.status).toBe('conditional');
  });

  it('the default limits answer the hard case quickly, either way', () => {
    const t0 = performance.now();
    const r = satisfiable(pigeonhole(7), { limits: { maxComparisons: 10_000 } });
    expect(['unknown', false]).toContain(r.satisfiable);
    expect(performance.now() - t0).toBeLessThan(10_000);
  });
});
