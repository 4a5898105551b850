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
import { assertScopeRequest } from '../compile.js';
import { evaluateCaveat } from '../evaluate.js';
import { globLiteral, hasDotDotSegment } from '../glob.js';
import { readInstant } from '../instant.js';
import { printCondition, printPath } from '../print.js';
import { MISSING, isScalar, readKeys } from '../semantics.js';
import { and, compare, member, nnf } from '../build.js';
import { readScope, sourceOf } from './_input.js';
import type { ScopeInput } from './_input.js';
import { confirm } from './_run.js';
import { containment } from './contains.js';
import { Budget, resolveAlgebraLimits } from './limits.js';
import type { AlgebraOptions } from './limits.js';

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
   * argument (every comparison on it is undefined), an object, an array holding non-scalars.
   */
  readonly unexpressible: readonly string[];
  /** Up to three generalizations of `conditions`, each allowing the request. */
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
 * read, with up to three generalizations.
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
  const limits = resolveAlgebraLimits(options);
  const within =
    options?.within === undefined ? conditions : readScope(options.within, 'options.within');
  const failing = conditions.filter((c) => !evaluateCaveat(sourceOf(c) ?? c, request).holds);

  const byPath = new Map<string, ArgsPath>();
  const leaves = failing.flatMap((c) => leavesOf(nnf(c)));
  for (const leaf of leaves) {
    const path = leaf.path;
    if (path.root === 'args') byPath.set(printPath(path), path);
  }
  const unexpressible: string[] = [];
  const described = new Map<string, Condition>();
  described.set('tool', compare({ root: 'tool' }, '==', { type: 'string', value: request.tool }));
  for (const [text, path] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const c = describe(path, request);
    if (typeof c === 'string') unexpressible.push(`${text} ${c}`);
    else described.set(text, c);
  }
  const minimal = [...described.values()];
  confirm(minimal, request, true, 'the request');

  const suggestions: Suggestion[] = [];
  const seen = new Set<string>();
  // Only the comparisons that do not hold are worth widening.
  for (const leaf of leaves.filter((l) => !evaluateCaveat(l, request).holds)) {
    if (suggestions.length >= MAX_SUGGESTIONS) break;
    const g = generalize(leaf, request);
    if (g === null) continue;
    const key = printPath(leaf.path);
    if (!described.has(key)) continue;
    const replaced = [...described].map(([k, c]) => (k === key ? g.condition : c));
    const text = printCondition(and(replaced));
    if (seen.has(text)) continue;
    seen.add(text);
    confirm(replaced, request, true, 'the request');
    // Each tag gets its own budget: one hard containment question does not starve the others.
    const verdict = containment(within, replaced, new Budget(limits)).contained;
    suggestions.push({
      kind: g.kind,
      scope: text,
      conditions: replaced.map((c) => printCondition(c)),
      contained: verdict,
    });
  }
  return {
    allowed: failing.length === 0,
    failing: failing.map((c) => printCondition(c)),
    conditions: minimal.map((c) => printCondition(c)),
    scope: printCondition(and(minimal)),
    unexpressible,
    suggestions,
  };
}

type Leaf = Condition & { kind: 'compare' | 'member' };
type ArgsPath = Extract<Path, { root: 'args' }>;

function leavesOf(c: Condition): Leaf[] {
  if (c.kind === 'compare' || c.kind === 'member') return [c];
  if (c.kind === 'and' || c.kind === 'or') return c.operands.flatMap(leavesOf);
  if (c.kind === 'not') return leavesOf(c.operand);
  return [];
}

/** The condition saying "the value at `path` is the request's", or why there is none. */
function describe(path: ArgsPath, request: ScopeRequest): Condition | string {
  const value = readKeys(request.args, path.keys);
  if (value === MISSING) return 'is missing: no condition is true on a missing argument';
  if (isScalar(value)) return compare(path, '==', literalOf(value));
  if (Array.isArray(value)) {
    if (!value.every(isScalar)) return 'is an array with non-scalar elements';
    const unique = new Map(value.map((v) => [`${typeof v}:${String(v)}`, literalOf(v)]));
    return member(path, false, [...unique.values()], 'all');
  }
  return 'is not a scalar or an array of scalars';
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
  if ((op === '~' || op === '==') && typeof value === 'string' && !hasDotDotSegment(value)) {
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
  if (dot <= 0 || tool.slice(dot + 1).includes('/') || hasDotDotSegment(tool)) return null;
  return `${globLiteral(tool.slice(0, dot))}.*`;
}
