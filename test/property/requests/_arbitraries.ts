// Generators for the permission-request laws: conditions over a small request space (so that
// random requests often fall on both sides of a boundary), built as ASTs and printed, and random
// requests in the same space.
import fc from 'fast-check';
import { printCaveat, type Condition, type Literal } from '../../../src/scope/index.js';

export const TOOLS = ['fs.read', 'fs.write', 'bank.list', 'bank.transfer'] as const;
export const PATHS = [
  '/repo/a.ts',
  '/repo/src/b.ts',
  '/repo/src/deep/c.ts',
  '/etc/passwd',
] as const;

const str = (value: string): Literal => ({ type: 'string', value });
const num = (value: number): Literal => ({ type: 'number', value });

const tool: fc.Arbitrary<Condition> = fc.oneof(
  fc.constantFrom(...TOOLS).map((t): Condition => ({
    kind: 'compare',
    quantifier: null,
    path: { root: 'tool' },
    op: '==',
    value: str(t),
  })),
  fc.constantFrom('fs.*', 'bank.*', '*').map((g): Condition => ({
    kind: 'compare',
    quantifier: null,
    path: { root: 'tool' },
    op: '~',
    value: str(g),
  })),
  fc.subarray([...TOOLS], { minLength: 1 }).map((ts): Condition => ({
    kind: 'member',
    quantifier: null,
    path: { root: 'tool' },
    negated: false,
    values: ts.map(str),
  })),
);

const args: fc.Arbitrary<Condition> = fc.oneof(
  fc
    .record({
      op: fc.constantFrom('<' as const, '<=' as const, '>' as const, '>=' as const),
      n: fc.integer({ min: 0, max: 10 }),
    })
    .map(({ op, n }): Condition => ({
      kind: 'compare',
      quantifier: null,
      path: { root: 'args', keys: ['n'] },
      op,
      value: num(n),
    })),
  fc.constantFrom('/repo/**', '/repo/src/**', '/repo/src/*', '/repo/*.ts').map((g): Condition => ({
    kind: 'compare',
    quantifier: null,
    path: { root: 'args', keys: ['path'] },
    op: '~',
    value: str(g),
  })),
);

const leaf = fc.oneof({ weight: 2, arbitrary: tool }, { weight: 3, arbitrary: args });

/** A random condition, printed: a leaf, a negated leaf, or a small and/or. */
export const condition: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 5, arbitrary: leaf },
    { weight: 1, arbitrary: leaf.map((operand): Condition => ({ kind: 'not', operand })) },
    {
      weight: 1,
      arbitrary: fc.tuple(leaf, leaf).map(([a, b]): Condition => ({
        kind: 'or',
        operands: [a, b].flatMap((c) => (c.kind === 'or' ? c.operands : [c])),
      })),
    },
  )
  .map((c) => printCaveat(c));

/** A conjunction of 1 to `max` conditions. */
export const scope = (max: number): fc.Arbitrary<string[]> =>
  fc.array(condition, { minLength: 1, maxLength: max });

/** A random call in the same space. */
export const call = fc.record({
  tool: fc.constantFrom(...TOOLS),
  args: fc.record(
    { n: fc.integer({ min: -1, max: 11 }), path: fc.constantFrom(...PATHS) },
    { requiredKeys: [] },
  ),
});
