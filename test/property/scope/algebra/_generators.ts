/**
 * fast-check generators for the algebra's laws, biased toward overlap: conditions share a few
 * paths (including nested ones, `args.a` and `args.a.b`, so that "present means the parent is an
 * object" matters), numbers cluster around a few bounds, globs overlap (`/repo/**`,
 * `/repo/src/*.ts`, `*.ts`, `?`), instants sit a millisecond apart. Requests are drawn *from the
 * scopes under test*: their literals, the numbers next to them, strings that the globs match
 * (and their path-alias variants: `..`, `.`, `//`, a trailing `/`, `\\`, `%2e`), instant
 * strings at and beside the instants, arrays and objects of
 * those — so that a random request has a real chance of separating two scopes that differ.
 */
import fc from 'fast-check';
import type {
  Condition,
  Literal,
  Path,
  ScalarOperator,
  ScopeRequest,
} from '../../../../src/scope/ast.js';
import { formatInstant } from '../../../../src/scope/instant.js';
import { conditionArb, globPatternArb, junction } from '../_arbitraries.js';

const KEYS = ['a', 'b'] as const;
export const TOOLS = ['fs.read', 'fs.write', 'fs.', 'bank.transfer', 'shell/x', ''] as const;
const NUMBERS = [0, 1, 5, 10, 100, -1, 1.5, 5.000000000000001] as const;
/** Around 2026-01-01T00:00:00Z. */
export const INSTANTS = [
  1767225600000, 1767225600001, 1767225599999, 1767225600500, 1767312000000,
] as const;
const STRINGS = [
  '',
  'a',
  'b',
  'x',
  '/repo/a.ts',
  '/repo/src/b.ts',
  '/repo/src/c.js',
  '/repo/../etc',
  '/repo/./a.ts',
  '/repo//a.ts',
  '/repo/',
  '/repo',
  '/',
  '\\repo\\a.ts',
  '/repo/%2e%2E/etc',
  'https://x/repo',
  '..',
  'a/b',
  'a.ts',
  'fs.read',
] as const;
const GLOBS = [
  '/repo/**',
  '/repo/*',
  '/repo/src/*.ts',
  '/repo/src/**',
  '*',
  '**',
  '?',
  'a*',
  '*.ts',
  '**/*.ts',
  '/repo/?.ts',
  'a',
  '**a',
  'fs.*',
  '*/*',
  '\\*',
  '/repo/**/*.ts',
  '**/a',
  'https://x/**',
] as const;
const TOOL_GLOBS = ['fs.*', 'fs.**', '*', '**', 'bank.*', '*.read', 'shell/*', '?s.read'] as const;

const pathArb: fc.Arbitrary<Path> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(...KEYS).map((k): Path => ({ root: 'args', keys: [k] })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...KEYS), fc.constantFrom(...KEYS))
      .map(([a, b]): Path => ({ root: 'args', keys: [a, b] })),
  },
);

const str = (value: string): Literal => ({ type: 'string', value });
const num = (value: number): Literal => ({ type: 'number', value });
const inst = (ms: number): Literal => ({ type: 'instant', ms });

const literalArb: fc.Arbitrary<Literal> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...STRINGS).map(str) },
  { weight: 3, arbitrary: fc.constantFrom(...NUMBERS).map(num) },
  { weight: 1, arbitrary: fc.boolean().map((value): Literal => ({ type: 'boolean', value })) },
  { weight: 1, arbitrary: fc.constant<Literal>({ type: 'null' }) },
  { weight: 1, arbitrary: fc.constantFrom(...INSTANTS).map(inst) },
);

const quantifierArb = fc.constantFrom<'all' | 'any' | null>(null, null, null, 'all', 'any');

function compare(
  quantifier: 'all' | 'any' | null,
  path: Path,
  op: ScalarOperator,
  value: Literal,
): Condition {
  return { kind: 'compare', quantifier, path, op, value };
}

/** Comparisons on `tool`. */
const toolComparisonArb: fc.Arbitrary<Condition> = fc.oneof(
  fc
    .tuple(fc.constantFrom<ScalarOperator>('==', '!='), fc.constantFrom(...TOOLS))
    .map(([op, t]) => compare(null, { root: 'tool' }, op, str(t))),
  fc
    .tuple(fc.constantFrom<ScalarOperator>('~', '!~'), fc.constantFrom(...TOOL_GLOBS))
    .map(([op, g]) => compare(null, { root: 'tool' }, op, str(g))),
  fc
    .tuple(fc.boolean(), fc.uniqueArray(fc.constantFrom(...TOOLS), { maxLength: 3 }))
    .map(([negated, ts]): Condition => ({
      kind: 'member',
      quantifier: null,
      path: { root: 'tool' },
      negated,
      values: ts.map(str),
    })),
);

/** Comparisons on `time`. */
const timeComparisonArb: fc.Arbitrary<Condition> = fc
  .tuple(
    fc.constantFrom<ScalarOperator>('==', '!=', '<', '<=', '>', '>='),
    fc.constantFrom(...INSTANTS),
  )
  .map(([op, ms]) => compare(null, { root: 'time' }, op, inst(ms)));

/** Comparisons on the `args` path `path` (quantified or not). */
function argsComparisonArb(path: Path): fc.Arbitrary<Condition> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          quantifierArb,
          fc.constantFrom<ScalarOperator>('<', '<=', '>', '>='),
          fc.oneof(fc.constantFrom(...NUMBERS).map(num), fc.constantFrom(...INSTANTS).map(inst)),
        )
        .map(([q, op, v]) => compare(q, path, op, v)),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(quantifierArb, fc.constantFrom<ScalarOperator>('~', '!~'), fc.constantFrom(...GLOBS))
        .map(([q, op, g]) => compare(q, path, op, str(g))),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(quantifierArb, fc.constantFrom<ScalarOperator>('==', '!='), literalArb)
        .map(([q, op, v]) => compare(q, path, op, v)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(quantifierArb, fc.boolean(), fc.array(literalArb, { maxLength: 3 }))
        .map(([quantifier, negated, values]): Condition => ({
          kind: 'member',
          quantifier,
          path,
          negated,
          values,
        })),
    },
  );
}

/** One comparison over the shared, overlapping vocabulary. */
export const overlapComparisonArb: fc.Arbitrary<Condition> = fc.oneof(
  { weight: 2, arbitrary: toolComparisonArb },
  { weight: 1, arbitrary: timeComparisonArb },
  { weight: 8, arbitrary: pathArb.chain(argsComparisonArb) },
);

/** String tests on `path` with random small patterns (over `a b / . x * ? \\ 😀`) and strings. */
function stringComparisonArb(path: Path): fc.Arbitrary<Condition> {
  const smallString = fc
    .array(fc.constantFrom('a', '/', '.', 'x'), { maxLength: 4 })
    .map((cs) => cs.join(''));
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom<ScalarOperator>('~', '!~'), globPatternArb(5))
        .map(([op, g]) => compare(null, path, op, str(g))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom<ScalarOperator>('==', '!='), smallString)
        .map(([op, v]) => compare(null, path, op, str(v))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.boolean(), fc.array(smallString, { maxLength: 3 }))
        .map(([negated, vs]): Condition => ({
          kind: 'member',
          quantifier: null,
          path,
          negated,
          values: vs.map(str),
        })),
    },
  );
}

/** Two comparisons on one path: the densest source of overlapping (and contained) pairs. */
export const samePathPairArb: fc.Arbitrary<[Condition, Condition]> = fc.oneof(
  { weight: 2, arbitrary: fc.tuple(toolComparisonArb, toolComparisonArb) },
  { weight: 1, arbitrary: fc.tuple(timeComparisonArb, timeComparisonArb) },
  {
    weight: 6,
    arbitrary: pathArb.chain((p) => fc.tuple(argsComparisonArb(p), argsComparisonArb(p))),
  },
  {
    weight: 6,
    arbitrary: pathArb.chain((p) => fc.tuple(stringComparisonArb(p), stringComparisonArb(p))),
  },
);

/** Conditions over the overlapping vocabulary, nested `depth` levels. */
export function overlapConditionArb(depth = 2): fc.Arbitrary<Condition> {
  const leaf = fc.oneof(
    { weight: 12, arbitrary: overlapComparisonArb },
    { weight: 1, arbitrary: fc.boolean().map((value): Condition => ({ kind: 'constant', value })) },
  );
  let level: fc.Arbitrary<Condition> = leaf;
  for (let d = 0; d < depth; d++) {
    const below = level;
    level = fc.oneof(
      { weight: 4, arbitrary: leaf },
      { weight: 1, arbitrary: below.map((operand): Condition => ({ kind: 'not', operand })) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom<'and' | 'or'>('and', 'or'),
            fc.array(below, { minLength: 2, maxLength: 3 }),
          )
          .map(([k, os]) => junction(k, os)),
      },
    );
  }
  return level;
}

/** A scope: 1–3 conditions, mostly from the overlapping vocabulary, sometimes from the DSL's own generator. */
export function scopeArb(depth = 2): fc.Arbitrary<Condition[]> {
  const one = fc.oneof(
    { weight: 5, arbitrary: overlapConditionArb(depth) },
    { weight: 1, arbitrary: conditionArb({ maxDepth: depth }) },
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

/**
 * Two scopes that often overlap: one attenuating the other, one widened by an `or`, one a subset
 * of the other's conditions, two comparisons on one path (alone, or beside shared conditions), or
 * two independent scopes.
 */
export function relatedPairArb(depth = 2): fc.Arbitrary<[Condition[], Condition[]]> {
  return fc
    .tuple(scopeArb(depth), scopeArb(1), samePathPairArb, fc.nat(5))
    .map(([a, extra, [c, d], mode]): [Condition[], Condition[]] => {
      switch (mode) {
        case 0:
          return [a, [...a, ...extra]];
        case 1:
          return [[junction('or', [...a.slice(0, 1), ...extra.slice(0, 1)]), ...a.slice(1)], a];
        case 2:
          return [a.slice(1).length > 0 ? a.slice(1) : a, a];
        case 3:
          return [[c], [d]];
        case 4:
          return [
            [c, ...extra],
            [d, ...extra],
          ];
        default:
          return [a, extra];
      }
    });
}

/** Values derived from the literals of `conditions`: the values, their neighbours, glob instances. */
function valuesFrom(conditions: readonly Condition[]): unknown[] {
  const out = new Set<unknown>([...STRINGS, ...NUMBERS, true, false, null]);
  const visit = (c: Condition): void => {
    switch (c.kind) {
      case 'not':
        visit(c.operand);
        break;
      case 'and':
      case 'or':
        c.operands.forEach(visit);
        break;
      case 'compare':
        literal(c.value, c.op === '~' || c.op === '!~');
        break;
      case 'member':
        c.values.forEach((v) => literal(v, false));
        break;
      default:
        break;
    }
  };
  const literal = (l: Literal, glob: boolean): void => {
    if (l.type === 'string') {
      out.add(l.value);
      if (glob) for (const s of instances(l.value)) out.add(s);
    } else if (l.type === 'number') {
      for (const d of [-1, -1e-9, 0, 1e-9, 1]) out.add(l.value + d);
    } else if (l.type === 'instant') {
      for (const d of [-1, 0, 1, 1000]) {
        const ms = l.ms + d;
        out.add(formatInstant(ms));
        out.add(
          formatInstant(ms)
            .replace('Z', '.000Z')
            .replace(/(\.\d{3})\.000Z$/, '$1Z'),
        );
      }
    } else out.add(l.type === 'null' ? null : l.value);
  };
  conditions.forEach(visit);
  return [...out];
}

/** Strings a glob matches (and near misses): each wildcard replaced by a few fillers. */
function instances(pattern: string): string[] {
  const fill = (p: string, star: string, globstar: string, one: string) =>
    p.replace(/\\(.)|(\*\*+)|(\*)|(\?)/g, (_m, esc: string | undefined, gs, s, q) =>
      esc !== undefined ? esc : gs ? globstar : s ? star : q ? one : '',
    );
  return [
    fill(pattern, '', '', 'x'),
    fill(pattern, 'x', 'a/b', 'y'),
    fill(pattern, 'x', '..', '/'),
    fill(pattern, 'a.ts', 'src/..', 'z'),
    fill(pattern, '.', './x', '.'),
    fill(pattern, 'x', '/', '\\'),
    fill(pattern, '%2e', 'a//b', '%'),
    `${fill(pattern, 'x', 'x', 'x')}/`,
  ];
}

/** Requests built from the literals of `conditions` (plus the shared pools). */
export function requestFor(conditions: readonly Condition[]): fc.Arbitrary<ScopeRequest> {
  const values = valuesFrom(conditions);
  const scalar = fc.constantFrom(...values);
  const value: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    {
      weight: 2,
      arbitrary: fc.dictionary(
        fc.constantFrom(...KEYS),
        fc.oneof(scalar, fc.array(scalar, { maxLength: 2 })),
        { maxKeys: 2 },
      ),
    },
  );
  const tools = [
    ...new Set([...TOOLS, ...values.filter((v): v is string => typeof v === 'string')]),
  ];
  return fc.record({
    tool: fc.constantFrom(...tools),
    args: fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 2 }),
    time: fc
      .constantFrom(...INSTANTS, ...INSTANTS.map((ms) => ms + 1), ...INSTANTS.map((ms) => ms - 1))
      .map((ms) => new Date(ms)),
  });
}

/** Every string over `alphabet` up to length `max`. */
export function allStrings(alphabet: readonly string[], max: number): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 1; n <= max; n++) {
    layer = layer.flatMap((s) => alphabet.map((c) => s + c));
    out.push(...layer);
  }
  return out;
}

/**
 * A finite universe of values for one path: all short strings over the glob-relevant alphabet,
 * the values derived from the conditions' literals, small arrays of those, and an object.
 */
export function universeFor(conditions: readonly Condition[]): unknown[] {
  const base = valuesFrom(conditions);
  const scalarsOnly = [...new Set([...base, ...allStrings(['a', '/', '.', '\\'], 4)])];
  const few = base.filter((v) => typeof v !== 'object' || v === null).slice(0, 12);
  const arrays: unknown[][] = [
    [],
    ...few.map((v) => [v]),
    ...few.slice(0, 6).flatMap((v) => few.slice(0, 6).map((w) => [v, w])),
    [{}],
  ];
  return [...scalarsOnly, ...arrays, {}];
}
