/**
 * fast-check arbitraries for the scope DSL, shared by the scope property tests and the algebra's:
 * well-typed normalized condition ASTs (every type rule of ast.ts respected, `and`/`or` flattened
 * with at least two operands), markers, glob patterns, and requests. Two vocabularies: `wide`
 * draws any strings, keys, doubles and instants (for round trips through the printer), `small`
 * draws from a handful of shared keys and values so that random requests actually meet the
 * comparisons of random conditions (for agreement between evaluators).
 */
import fc from 'fast-check';
import type {
  Caveat,
  Condition,
  Literal,
  Path,
  ScalarOperator,
  ScopeRequest,
} from '../../../src/scope/ast.js';
import { printGlob } from '../../../src/scope/glob.js';
import type { GlobToken } from '../../../src/scope/glob.js';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../../../src/scope/instant.js';
import type { ScopeLimits } from '../../../src/scope/limits.js';

export type Vocabulary = 'wide' | 'small';

/**
 * Options with limits no generated AST can reach (a rare deep draw can exceed the default
 * `maxComparisons` or `maxTextLength`): pass them to parse/print/compile/evaluate in properties.
 */
export const ROOMY: { readonly limits: Partial<ScopeLimits> } = {
  limits: { maxComparisons: 1_000_000, maxTextLength: 100_000_000, maxDepth: 64 },
};

export interface ConditionOptions {
  /** Nesting levels of `not`/`and`/`or` above the comparisons. Default 3. */
  readonly maxDepth?: number;
  /** Default `small`. */
  readonly vocabulary?: Vocabulary;
  /** Whether `true`/`false` constants appear. Default true. */
  readonly constants?: boolean;
}

/** Keys shared by small-world conditions and requests (keywords and odd keys included). */
export const SMALL_KEYS = ['a', 'b', 'to', 'and', 'odd key', ''] as const;
/** Tool names of the small world. */
export const SMALL_TOOLS = ['fs.read', 'fs.write', 'bank.transfer', 'shell.exec', ''] as const;
/** Instants (ms) of the small world: around 2026-01-01T00:00:00Z. */
export const SMALL_INSTANTS = [
  1767225600000, 1767225600001, 1767225600500, 1767225599999, 0,
] as const;
/**
 * String values of the small world: paths, an instant string, path aliases (`..`, `.`, `//`, a
 * trailing `/`, `\\`, `%2e`, the empty string), the root, a URL.
 */
export const SMALL_STRINGS = [
  '',
  'x',
  'savings',
  '/repo/a.ts',
  '/repo/src/b.ts',
  '/repo/../etc/passwd',
  '/repo/./a.ts',
  '/repo//a.ts',
  '/repo/',
  '/repo',
  '/',
  'C:\\repo\\a.ts',
  '/repo/%2E%2e/etc',
  'https://x/repo/a',
  '..',
  'src/a',
  'a/b',
  'fs.read',
  '2026-01-01T00:00:00Z',
  '2026-01-01T00:00:00.5Z',
  '2026-02-30T00:00:00Z',
] as const;
export const SMALL_NUMBERS = [0, -0, 1, -1, 1.5, 100, 101, 1e21, -5e-7] as const;

const TOKEN_CHARS = ['a', 'b', '/', '.', 'x', '*', '?', '\\', '😀'];

/** Glob tokens over a small alphabet (so that values can match them). */
export function globTokensArb(maxLength = 8): fc.Arbitrary<GlobToken[]> {
  return fc
    .array(
      fc.oneof(
        {
          weight: 5,
          arbitrary: fc
            .constantFrom(...TOKEN_CHARS)
            .map((char): GlobToken => ({ kind: 'char', char })),
        },
        { weight: 2, arbitrary: fc.constant<GlobToken>({ kind: 'star' }) },
        { weight: 1, arbitrary: fc.constant<GlobToken>({ kind: 'globstar' }) },
        { weight: 1, arbitrary: fc.constant<GlobToken>({ kind: 'one' }) },
      ),
      { maxLength },
    )
    .map(mergeStars);
}

/** Pattern text (always valid: built from tokens, so no trailing lone backslash). */
export function globPatternArb(maxLength = 8): fc.Arbitrary<string> {
  return globTokensArb(maxLength).map(printGlob);
}

/** Values to match against small patterns: the same alphabet, without escapes. */
export function globValueArb(maxLength = 10): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom('a', 'b', '/', '.', 'x', '*', '?', '😀', '\uD83D'), { maxLength })
    .map((cs) => cs.join(''));
}

/**
 * Strings built from the pieces the path-alias rule and whole-segment `**` care about (slashes,
 * dots, `%2e`, backslashes, scheme colons), with ordinary names and code points between.
 */
export function pathLikeArb(maxPieces = 8): fc.Arbitrary<string> {
  return fc
    .array(
      fc.constantFrom(
        '/',
        '/',
        '.',
        '..',
        '%2e',
        '%2E',
        '%',
        '2',
        'e',
        '\\',
        ':',
        '//',
        'a',
        'bc',
        'https:',
        '😀',
        '\uD83D',
      ),
      { maxLength: maxPieces },
    )
    .map((pieces) => pieces.join(''));
}

/** Adjacent star tokens print as one run, i.e. one globstar: generate them that way. */
function mergeStars(tokens: GlobToken[]): GlobToken[] {
  const out: GlobToken[] = [];
  for (const t of tokens) {
    const last = out[out.length - 1];
    const starry = (k: GlobToken | undefined) => k?.kind === 'star' || k?.kind === 'globstar';
    if (starry(t) && starry(last)) out[out.length - 1] = { kind: 'globstar' };
    else out.push(t);
  }
  return out;
}

function stringArb(v: Vocabulary): fc.Arbitrary<string> {
  return v === 'small'
    ? fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...SMALL_STRINGS) },
        { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
      )
    : fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 12 }));
}

function numberArb(v: Vocabulary): fc.Arbitrary<number> {
  const any = fc.double({ noNaN: true, noDefaultInfinity: true });
  return v === 'small'
    ? fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...SMALL_NUMBERS) },
        { weight: 1, arbitrary: any },
      )
    : any;
}

function instantArb(v: Vocabulary): fc.Arbitrary<number> {
  return v === 'small'
    ? fc.constantFrom(...SMALL_INSTANTS)
    : fc.oneof(
        fc.integer({ min: MIN_INSTANT_MS, max: MAX_INSTANT_MS }),
        fc.constantFrom(MIN_INSTANT_MS, MAX_INSTANT_MS, 0),
      );
}

function literalArb(v: Vocabulary, type?: Literal['type']): fc.Arbitrary<Literal> {
  const byType: Record<Literal['type'], fc.Arbitrary<Literal>> = {
    string: stringArb(v).map((value) => ({ type: 'string', value })),
    number: numberArb(v).map((value) => ({ type: 'number', value })),
    boolean: fc.boolean().map((value) => ({ type: 'boolean', value })),
    null: fc.constant({ type: 'null' }),
    instant: instantArb(v).map((ms) => ({ type: 'instant', ms })),
  };
  return type === undefined ? fc.oneof(...Object.values(byType)) : byType[type];
}

function argsPathArb(v: Vocabulary): fc.Arbitrary<Path> {
  const key =
    v === 'small'
      ? fc.constantFrom(...SMALL_KEYS)
      : fc.oneof(
          fc.constantFrom(...SMALL_KEYS, 'in', 'not', 'x_1'),
          fc.string({ unit: 'binary', maxLength: 6 }),
        );
  return fc
    .array(key, { minLength: 1, maxLength: v === 'small' ? 2 : 3 })
    .map((keys) => ({ root: 'args', keys: keys as [string, ...string[]] }));
}

/** One well-typed comparison or membership (the leaves of conditions). */
export function comparisonArb(vocabulary: Vocabulary = 'small'): fc.Arbitrary<Condition> {
  const v = vocabulary;
  const toolString =
    v === 'small' ? fc.constantFrom<string>(...SMALL_TOOLS, 'fs.*', 'shell.**') : stringArb(v);
  const pattern =
    v === 'small'
      ? fc.oneof(
          globPatternArb(6),
          fc.constantFrom('/repo/**', '/repo/**/a.ts', 'src/*', '*', '**', 'fs.*', 'https://x/**'),
        )
      : globPatternArb(12);
  const quantifier = fc.constantFrom<'all' | 'any' | null>(null, null, 'all', 'any');
  const list = (lit: fc.Arbitrary<Literal>) => fc.array(lit, { maxLength: 4 });

  const tool = fc.oneof(
    fc
      .tuple(fc.constantFrom<ScalarOperator>('==', '!='), toolString)
      .map(([op, value]) => compare(null, { root: 'tool' }, op, { type: 'string', value })),
    fc
      .tuple(fc.constantFrom<ScalarOperator>('~', '!~'), pattern)
      .map(([op, value]) => compare(null, { root: 'tool' }, op, { type: 'string', value })),
    fc
      .tuple(fc.boolean(), list(toolString.map((value): Literal => ({ type: 'string', value }))))
      .map(([negated, values]) => member(null, { root: 'tool' }, negated, values)),
  );
  const time = fc
    .tuple(
      fc.constantFrom<ScalarOperator>('==', '!=', '<', '<=', '>', '>='),
      literalArb(v, 'instant'),
    )
    .map(([op, value]) => compare(null, { root: 'time' }, op, value));
  const args = fc.oneof(
    fc
      .tuple(quantifier, argsPathArb(v), fc.constantFrom<ScalarOperator>('==', '!='), literalArb(v))
      .map(([q, p, op, value]) => compare(q, p, op, value)),
    fc
      .tuple(
        quantifier,
        argsPathArb(v),
        fc.constantFrom<ScalarOperator>('<', '<=', '>', '>='),
        fc.oneof(literalArb(v, 'number'), literalArb(v, 'instant')),
      )
      .map(([q, p, op, value]) => compare(q, p, op, value)),
    fc
      .tuple(quantifier, argsPathArb(v), fc.constantFrom<ScalarOperator>('~', '!~'), pattern)
      .map(([q, p, op, value]) => compare(q, p, op, { type: 'string', value })),
    fc
      .tuple(quantifier, argsPathArb(v), fc.boolean(), list(literalArb(v)))
      .map(([q, p, negated, values]) => member(q, p, negated, values)),
  );
  return fc.oneof(
    { weight: 2, arbitrary: tool },
    { weight: 1, arbitrary: time },
    { weight: 5, arbitrary: args },
  );
}

function compare(
  quantifier: 'all' | 'any' | null,
  path: Path,
  op: ScalarOperator,
  value: Literal,
): Condition {
  return { kind: 'compare', quantifier, path, op, value };
}

function member(
  quantifier: 'all' | 'any' | null,
  path: Path,
  negated: boolean,
  values: readonly Literal[],
): Condition {
  return { kind: 'member', quantifier, path, negated, values };
}

/** Well-typed normalized conditions. */
export function conditionArb(options: ConditionOptions = {}): fc.Arbitrary<Condition> {
  const vocabulary = options.vocabulary ?? 'small';
  const leaf =
    options.constants === false
      ? comparisonArb(vocabulary)
      : fc.oneof(
          { weight: 8, arbitrary: comparisonArb(vocabulary) },
          {
            weight: 1,
            arbitrary: fc.boolean().map((value): Condition => ({ kind: 'constant', value })),
          },
        );
  let level: fc.Arbitrary<Condition> = leaf;
  for (let d = 0; d < (options.maxDepth ?? 3); d++) {
    const below = level;
    level = fc.oneof(
      { weight: 3, arbitrary: leaf },
      { weight: 1, arbitrary: below.map((operand): Condition => ({ kind: 'not', operand })) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(
            fc.constantFrom<'and' | 'or'>('and', 'or'),
            fc.array(below, { minLength: 2, maxLength: 4 }),
          )
          .map(([kind, operands]) => junction(kind, operands)),
      },
    );
  }
  return level;
}

/** `and`/`or` with operands of the same kind spliced in, as the parser builds it. */
export function junction(kind: 'and' | 'or', operands: readonly Condition[]): Condition {
  const flat = operands.flatMap((o) => (o.kind === kind ? o.operands : [o]));
  return { kind, operands: flat };
}

/** Markers and conditions. */
export function caveatArb(options: ConditionOptions = {}): fc.Arbitrary<Caveat> {
  const marker = stringArb(options.vocabulary ?? 'small').map((principal): Caveat => ({
    kind: 'marker',
    principal,
  }));
  return fc.oneof(
    { weight: 1, arbitrary: marker },
    { weight: 6, arbitrary: conditionArb(options) },
  );
}

/** JSON-ish values of the small world, with some non-JSON ones (which every comparison must treat as undefined). */
export function valueArb(options: { nonJson?: boolean } = {}): fc.Arbitrary<unknown> {
  const scalar = fc.oneof(
    fc.constantFrom(...SMALL_STRINGS),
    fc.constantFrom(...SMALL_NUMBERS),
    fc.boolean(),
    fc.constant(null),
  );
  const weird = fc.constantFrom(undefined, Number.NaN, Infinity, new Date(0), 10n, () => 1);
  const element =
    options.nonJson === false
      ? scalar
      : fc.oneof({ weight: 12, arbitrary: scalar }, { weight: 1, arbitrary: weird });
  return fc.oneof(
    { weight: 6, arbitrary: element },
    { weight: 2, arbitrary: fc.array(element, { maxLength: 3 }) },
    {
      weight: 2,
      arbitrary: fc.dictionary(fc.constantFrom(...SMALL_KEYS), element, { maxKeys: 3 }),
    },
  );
}

/** Requests of the small world. */
export function requestArb(options: { nonJson?: boolean } = {}): fc.Arbitrary<ScopeRequest> {
  return fc.record({
    tool: fc.oneof(fc.constantFrom(...SMALL_TOOLS), fc.constantFrom('fs.x', 'shell.a/b')),
    args: fc.dictionary(fc.constantFrom(...SMALL_KEYS), valueArb(options), { maxKeys: 5 }),
    time: fc.constantFrom(...SMALL_INSTANTS).map((ms) => new Date(ms)),
  });
}
