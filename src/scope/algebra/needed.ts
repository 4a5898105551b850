/**
 * "What permission is needed": for a request that a scope refuses, the smallest scope that
 * would allow it — the request itself, as conditions: its tool, the values of the arguments that
 * the failing conditions read — plus up to three generalizations a grantor might rather grant (the file's directory as a glob, a bound
 * raised to the requested amount, the value added to a list, the tool's namespace as a glob),
 * each checked to allow the request and tagged with whether a given scope (by default the
 * refusing one; usually the grantor's own) already contains it. Denials and permission requests
 * are built from this. The clock is never pinned: a request's instant has passed by the time
 * anyone reads it, so `time == <now>` would describe a grant that allows nothing; how long a
 * grant lasts is the grantor's choice (a time box on approval), and a time condition that failed
 * is left to it.
 */
import { assertObject } from '../../_assert.js';
import type { Condition, Literal, Path, ScopeRequest } from '../ast.js';
import { assertScopeRequest, compileCaveat } from '../compile.js';
import { globLiteral } from '../glob.js';
import { hasPathAlias } from '../path-alias.js';
import { readInstant } from '../instant.js';
import { ScopeLimitError } from '../errors.js';
import { printCaveat, printCondition, printPath } from '../print.js';
import { DEFAULT_SCOPE_LIMITS } from '../limits.js';
import { MISSING, isScalar, readKeys } from '../semantics.js';
import { fieldsRead } from '../fields.js';
import { and, compare, member, nnf } from '../build.js';
import { readScope, sourceOf } from './_input.js';
import type { ScopeInput } from './_input.js';
import { budgetFor, confirm } from './_run.js';
import { containment } from './contains.js';
import { LimitExceeded } from './limits.js';
import type { AlgebraOptions, Budget } from './limits.js';

/** A wider scope that still allows the request. */
export interface Suggestion {
  /** What was generalized. */
  readonly kind: 'directory' | 'bound' | 'list' | 'namespace';
  /** The scope as one condition text. */
  readonly scope: string;
  /** Its conditions, one text each. */
  readonly conditions: readonly string[];
  /** Whether the reference scope (`options.within`, default the given scope) contains it; `'unknown'` past a limit. */
  readonly contained: boolean | 'unknown';
}

/** The answer of `neededScope`. */
export interface NeededScope {
  /** Whether the scope already allows the request (then `failing` is empty). */
  readonly allowed: boolean;
  /** The scope's conditions that do not hold for the request, as canonical text. */
  readonly failing: readonly string[];
  /** The minimal conditions describing the request, one text each: `tool == "…"` first. */
  readonly conditions: readonly string[];
  /** The same as one condition text. */
  readonly scope: string;
  /**
   * Values the failing conditions read that no condition can describe, with why: a missing
   * argument (every comparison on it is undefined), an object, an array holding non-scalars,
   * a value too large to write (a string past the scope layer's `maxStringLength`, an array of
   * more distinct values than `maxListLength` or of more text than `maxTextLength`). Also the tool, when its name is too long to
   * write: then nothing names the call, and `conditions` and `suggestions` are empty and
   * `scope` is `false`.
   */
  readonly unexpressible: readonly string[];
  /** Up to three generalizations of `conditions`, each allowing the request (fewer past a limit). */
  readonly suggestions: readonly Suggestion[];
}

/** Options of `neededScope`. */
export interface NeededScopeOptions extends AlgebraOptions {
  /** The scope to tag suggestions against (e.g. the grantor's). Default: the given scope. */
  readonly within?: ScopeInput;
}

const MAX_SUGGESTIONS = 3;

/**
 * The smallest scope allowing `request`, as conditions on what the failing conditions of `scope`
 * read, with up to three generalizations. One budget (`options.budget`, or a fresh one within
 * `options.limits`) covers the whole call: every containment tag, and one step for each
 * comparison evaluated while looking for suggestions; past it, tags are `'unknown'` and there
 * may be fewer suggestions. Values that cannot be written as a condition are listed in
 * `unexpressible`, never thrown.
 *
 * @example
 * ```ts
 * const needed = neededScope('tool == "fs.read" and args.path ~ "/repo/**"',
 *   { tool: 'fs.read', args: { path: '/etc/hosts' }, time: new Date() });
 * needed.conditions;            // ['tool == "fs.read"', 'args.path == "/etc/hosts"']
 * needed.suggestions[0]?.scope; // 'tool == "fs.read" and args.path ~ "/etc/*"'
 * ```
 */
export function neededScope(
  scope: ScopeInput,
  request: ScopeRequest,
  options?: NeededScopeOptions,
): NeededScope {
  const conditions = readScope(scope, 'scope');
  assertScopeRequest(request);
  if (options !== undefined) assertObject(options, 'options');
  const budget = budgetFor(options);
  const within =
    options?.within === undefined ? conditions : readScope(options.within, 'options.within');
  // The compiled predicates say whether a condition holds, without the explanation
  // `evaluateCaveat` builds for a failure: no one reads it here.
  const failing = conditions.filter((c) => !compileCaveat(sourceOf(c) ?? c)(request));

  const byPath = new Map<string, ArgsPath>();
  for (const path of failing.flatMap(fieldsRead)) {
    if (path.root === 'args') byPath.set(printPath(path), path);
  }
  const unexpressible: string[] = [];
  const failingTexts = failing.map((c) => printCondition(c));
  const tool = written(compare({ root: 'tool' }, '==', { type: 'string', value: request.tool }));
  if (typeof tool === 'string') {
    // A scope that does not name the tool would allow the arguments to every tool.
    unexpressible.push(`tool ${tool}`);
    return {
      allowed: failing.length === 0,
      failing: failingTexts,
      conditions: [],
      scope: 'false',
      unexpressible,
      suggestions: [],
    };
  }
  const described = new Map<string, Condition>([['tool', tool]]);
  for (const [text, path] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const c = describe(path, request);
    if (typeof c === 'string') unexpressible.push(`${text} ${c}`);
    else described.set(text, c);
  }
  const minimal = [...described.values()];
  confirm(minimal, request, true, 'the request');

  const suggestions: Suggestion[] = [];
  const seen = new Set<string>();
  for (const leaf of leavesOf(failing)) {
    if (suggestions.length >= MAX_SUGGESTIONS) break;
    const key = printPath(leaf.path);
    if (!described.has(key)) continue;
    const g = generalize(leaf, request);
    if (g === null) continue;
    // Only the comparisons that do not hold are worth widening. Each evaluation counts as a
    // step: a token can hold tens of thousands of comparisons; past the budget, fewer suggestions.
    if (!step(budget)) break;
    if (compileCaveat(leaf)(request)) continue;
    if (typeof written(g.condition) === 'string') continue;
    const replaced = [...described].map(([k, c]) => (k === key ? g.condition : c));
    const text = printCondition(and(replaced));
    if (seen.has(text)) continue;
    seen.add(text);
    confirm(replaced, request, true, 'the request');
    const verdict = containment(within, replaced, budget).contained;
    suggestions.push({
      kind: g.kind,
      scope: text,
      conditions: replaced.map((c) => printCondition(c)),
      contained: verdict,
    });
  }
  return {
    allowed: failing.length === 0,
    failing: failingTexts,
    conditions: minimal.map((c) => printCondition(c)),
    scope: printCondition(and(minimal)),
    unexpressible,
    suggestions,
  };
}

/** Counts one step of `budget`; `false` once it is spent. */
function step(budget: Budget): boolean {
  try {
    budget.tick();
    return true;
  } catch (err) {
    if (err instanceof LimitExceeded) return false;
    throw err;
  }
}

type Leaf = Condition & { kind: 'compare' | 'member' };
type ArgsPath = Extract<Path, { root: 'args' }>;

/** The comparisons of `conditions` in negation normal form, one condition at a time, as needed. */
function* leavesOf(conditions: readonly Condition[]): Generator<Leaf> {
  const walk = function* (c: Condition): Generator<Leaf> {
    if (c.kind === 'compare' || c.kind === 'member') yield c;
    else if (c.kind === 'and' || c.kind === 'or') for (const o of c.operands) yield* walk(o);
    else if (c.kind === 'not') yield* walk(c.operand);
  };
  for (const c of conditions) yield* walk(nnf(c));
}

/** The condition saying "the value at `path` is the request's", or why there is none. */
function describe(path: ArgsPath, request: ScopeRequest): Condition | string {
  const value = readKeys(request.args, path.keys);
  if (value === MISSING) return 'is missing: no condition is true on a missing argument';
  if (isScalar(value)) return written(compare(path, '==', literalOf(value)));
  if (Array.isArray(value)) {
    if (!value.every(isScalar)) return 'is an array with non-scalar elements';
    const unique = new Map(value.map((v) => [`${typeof v}:${String(v)}`, literalOf(v)]));
    // Checked before the list is built and printed: the array may be far larger than a caveat.
    const { maxListLength, maxTextLength } = DEFAULT_SCOPE_LIMITS;
    if (unique.size > maxListLength)
      return cannotWrite('maxListLength', maxListLength, unique.size);
    const text = value.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 0), 0);
    if (text > maxTextLength) return cannotWrite('maxTextLength', maxTextLength, text);
    return written(member(path, false, [...unique.values()], 'all'));
  }
  return 'is not a scalar or an array of scalars';
}

/**
 * `c` when the scope layer can write it as a caveat (the printer refuses what the parser would
 * not read back: a string past `maxStringLength`, a list past `maxListLength`, a pattern past
 * `maxPatternLength`, a text past `maxTextLength`), else why not.
 */
function written(c: Condition): Condition | string {
  try {
    printCaveat(c);
    return c;
  } catch (err) {
    if (err instanceof ScopeLimitError) return cannotWrite(err.limit, err.max, err.actual);
    throw err;
  }
}

function cannotWrite(limit: string, max: number, actual: number): string {
  return `cannot be written as a condition: it needs ${actual} where ${limit} allows ${max}`;
}

function literalOf(value: unknown): Literal {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string', value };
  if (typeof value === 'number') return { type: 'number', value };
  return { type: 'boolean', value: value as boolean };
}

/** A wider condition than "the value is the request's", from one failing comparison. */
function generalize(
  leaf: Leaf,
  request: ScopeRequest,
): { kind: Suggestion['kind']; condition: Condition } | null {
  if (leaf.quantifier !== null) return null;
  const path = leaf.path;
  if (path.root === 'tool') {
    const negative = leaf.kind === 'member' ? leaf.negated : leaf.op === '!=' || leaf.op === '!~';
    const ns = negative ? null : namespaceOf(request.tool);
    return ns === null
      ? null
      : { kind: 'namespace', condition: compare(path, '~', { type: 'string', value: ns }) };
  }
  if (path.root === 'time') return null; // never pinned: see the file's comment
  const value = readKeys(request.args, path.keys);
  if (!isScalar(value)) return null;
  if (leaf.kind === 'member') {
    if (leaf.negated) return null;
    return { kind: 'list', condition: member(path, false, [...leaf.values, literalOf(value)]) };
  }
  const op = leaf.op;
  if (op === '<' || op === '<=' || op === '>' || op === '>=') {
    const up = op === '<' || op === '<=';
    if (leaf.value.type === 'number' && typeof value === 'number') {
      return {
        kind: 'bound',
        condition: compare(path, up ? '<=' : '>=', { type: 'number', value }),
      };
    }
    const ms = typeof value === 'string' ? readInstant(value) : undefined;
    if (leaf.value.type === 'instant' && ms !== undefined) {
      return { kind: 'bound', condition: compare(path, up ? '<=' : '>=', { type: 'instant', ms }) };
    }
    return null;
  }
  if ((op === '~' || op === '==') && typeof value === 'string' && !hasPathAlias(value)) {
    const slash = value.lastIndexOf('/');
    if (slash < 0) return null;
    return {
      kind: 'directory',
      condition: compare(path, '~', {
        type: 'string',
        value: `${globLiteral(value.slice(0, slash))}/*`,
      }),
    };
  }
  return null;
}

/** The tool's namespace (`fs.*` for `fs.write`) as a glob, when its name has one. */
function namespaceOf(tool: string): string | null {
  const dot = tool.lastIndexOf('.');
  if (dot <= 0 || tool.slice(dot + 1).includes('/') || hasPathAlias(tool)) return null;
  return `${globLiteral(tool.slice(0, dot))}.*`;
}
