// Generators shared by the delegation property suites: random conditions over a small request
// space (so that random requests often satisfy them), random delegation chains built through
// the public API, and random requests.
import fc from 'fast-check';
import type { Condition, Literal } from '../../../src/scope/index.js';
import { printCaveat } from '../../../src/scope/index.js';

export const TOOLS = ['fs.read', 'fs.write', 'bank.list', 'bank.transfer'] as const;
export const PRINCIPALS = ['alice', 'bob', 'carol'] as const;
export const PATHS = [
  '/repo/a.ts',
  '/repo/src/b.ts',
  '/etc/passwd',
  '/repo/../etc/x',
  'rel/c',
] as const;
export const BASE_TIME = Date.UTC(2026, 2, 1, 12);

const str = (value: string): Literal => ({ type: 'string', value });
const num = (value: number): Literal => ({ type: 'number', value });

const toolCondition: fc.Arbitrary<Condition> = fc.oneof(
  fc
    .record({ op: fc.constantFrom('==' as const, '!=' as const), tool: fc.constantFrom(...TOOLS) })
    .map(({ op, tool }): Condition => ({
      kind: 'compare',
      quantifier: null,
      path: { root: 'tool' },
      op,
      value: str(tool),
    })),
  fc
    .record({
      op: fc.constantFrom('~' as const, '!~' as const),
      glob: fc.constantFrom('fs.*', 'bank.*', '*.list', '*'),
    })
    .map(({ op, glob }): Condition => ({
      kind: 'compare',
      quantifier: null,
      path: { root: 'tool' },
      op,
      value: str(glob),
    })),
  fc
    .record({ negated: fc.boolean(), tools: fc.subarray([...TOOLS], { minLength: 1 }) })
    .map(({ negated, tools }): Condition => ({
      kind: 'member',
      quantifier: null,
      path: { root: 'tool' },
      negated,
      values: tools.map(str),
    })),
);

const argsCondition: fc.Arbitrary<Condition> = fc.oneof(
  fc
    .record({
      op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const, '==' as const),
      n: fc.integer({ min: 0, max: 10 }),
    })
    .map(({ op, n }): Condition => ({
      kind: 'compare',
      quantifier: null,
      path: { root: 'args', keys: ['n'] },
      op,
      value: num(n),
    })),
  fc
    .record({
      op: fc.constantFrom('~' as const, '!~' as const),
      glob: fc.constantFrom('/repo/**', '/repo/*.ts', '/etc/*', '**'),
    })
    .map(({ op, glob }): Condition => ({
      kind: 'compare',
      quantifier: null,
      path: { root: 'args', keys: ['path'] },
      op,
      value: str(glob),
    })),
  fc.boolean().map((b): Condition => ({
    kind: 'compare',
    quantifier: null,
    path: { root: 'args', keys: ['flag'] },
    op: '==',
    value: { type: 'boolean', value: b },
  })),
  fc.integer({ min: -3, max: 3 }).map((h): Condition => ({
    kind: 'compare',
    quantifier: null,
    path: { root: 'time' },
    op: '<',
    value: { type: 'instant', ms: BASE_TIME + h * 3600_000 },
  })),
);

const leaf = fc.oneof(toolCondition, argsCondition);

function junction(kind: 'and' | 'or', parts: readonly Condition[]): Condition {
  const operands = parts.flatMap((p) => (p.kind === kind ? p.operands : [p]));
  return { kind, operands };
}

/** A random condition, printed in canonical form. */
export const conditionText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: leaf.map((operand): Condition => ({ kind: 'not', operand })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('and' as const, 'or' as const), leaf, leaf)
        .map(([k, a, b]) => junction(k, [a, b])),
    },
  )
  .map((c) => printCaveat(c));

/** One hop of a chain: whom to delegate to and what to add. */
export interface Hop {
  readonly to: string;
  readonly conditions: readonly string[];
}

/** The owner's mint (with or without a first grantee) and up to three delegations. */
export const chainSpec = fc.record({
  first: fc.option(fc.constantFrom(...PRINCIPALS), { nil: undefined }),
  owner: fc.array(conditionText, { maxLength: 3 }),
  hops: fc.array(
    fc.record({
      to: fc.constantFrom(...PRINCIPALS),
      conditions: fc.array(conditionText, { maxLength: 3 }),
    }),
    {
      maxLength: 3,
    },
  ),
});

/** A random request in the same small space. */
export const requestSpec = fc.record({
  tool: fc.constantFrom(...TOOLS),
  args: fc.record(
    {
      n: fc.oneof(fc.integer({ min: -1, max: 11 }), fc.constant('5')),
      path: fc.constantFrom(...PATHS),
      flag: fc.boolean(),
    },
    { requiredKeys: [] },
  ),
  hours: fc.integer({ min: -4, max: 4 }),
  principal: fc.option(fc.constantFrom(...PRINCIPALS), { nil: undefined }),
});
