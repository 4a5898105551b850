/**
 * The simplifier behind `simplify`, `intersect`, `union` and `residual`. It keeps the meaning of
 * a scope — the set of requests it allows — and rewrites the condition, bottom up:
 *
 * 1. negation normal form (exact in all three truth values, see _build.ts), so no `not` remains;
 * 2. in each `and`/`or`, the plain comparisons on one path are merged into one set of values and
 *    written back canonically when that is no longer (`args.n > 1 and args.n > 5` → `args.n > 5`,
 *    `tool == "a" or tool == "b"` → `tool in ["a", "b"]`); an empty merge makes the `and` false,
 *    a full one makes the `or` true;
 * 3. operands common to every operand are factored out: `(c and x) or (c and y)` → `c and (x or y)`;
 * 4. with the solver: an `and` that no request satisfies becomes `false`, an `or` that every
 *    request satisfies becomes `true`, and an operand implied by its siblings (in an `and`) or
 *    covered by them (in an `or`) is dropped;
 * 5. operands are de-duplicated and sorted: `tool`, then `args`, then `time`, then compound ones;
 *    within a path equality and lists, lower bounds, upper bounds, globs, exclusions; then by text.
 *
 * Since no `not` is left, every operand sits in a monotone position, so replacing it by anything
 * with the same true-set keeps the scope's true-set. When the budget runs out the remaining
 * solver questions are skipped (the result is still equivalent, only less simplified) and
 * `complete` says so.
 */
import { BoundedCache } from '../../_lru.js';
import type { Condition } from '../ast.js';
import { printCondition, printPath } from '../print.js';
import { FALSE, TRUE, and, nnf, or, size } from '../build.js';
import { atom, fAnd, pathRef } from './_formula.js';
import type { Formula, PathRef } from './_formula.js';
import { render } from './_render.js';
import { solve } from './_solve.js';
import { comparisonSets, meaning } from './_translate.js';
import { vAnd, vOr } from './_values.js';
import type { ValueSet } from './_values.js';
import type { Budget } from './limits.js';
import { LimitExceeded } from './limits.js';

const results = new BoundedCache<string, Condition>(1024);
/** Longer inputs are not cached, to bound memory. */
/** Simplification passes before a result that still changes is reported incomplete. */
const MAX_PASSES = 4;
const MAX_KEY = 8192;

export class Simplifier {
  readonly #budget: Budget;
  #complete = true;

  constructor(budget: Budget) {
    this.#budget = budget;
  }

  /** Whether every simplification step ran (none was skipped for the budget). */
  get complete(): boolean {
    return this.#complete;
  }

  /**
   * A simplified condition with the same true-set as `c`. Complete results are cached by the
   * input's text: tool discovery asks for the same residual conditions again and again.
   */
  run(c: Condition): Condition {
    const key = printCondition(c);
    const hit = results.get(key);
    if (hit !== undefined) return hit;
    // One pass can expose more to simplify (a sibling rewritten into a form another rule
    // reads), so passes repeat until the text stops changing: that makes `simplify` idempotent.
    let current = c;
    let text = key;
    for (let pass = 0; ; pass++) {
      const next = this.#pass(current);
      const nextText = printCondition(next);
      current = next;
      if (nextText === text || !this.#complete) break;
      text = nextText;
      if (pass + 1 === MAX_PASSES) {
        this.#complete = false;
        break;
      }
    }
    if (this.#complete) {
      if (key.length <= MAX_KEY) results.set(key, current);
      if (text.length <= MAX_KEY) results.set(text, current);
    }
    return current;
  }

  #pass(c: Condition): Condition {
    if (size(c) > this.#budget.limits.maxComparisons) {
      this.#complete = false;
      return c;
    }
    let s = this.#simplify(nnf(c));
    if (s.kind !== 'constant' && s.kind !== 'and' && s.kind !== 'or') {
      if (this.#unsat(meaning(s).T)) s = FALSE;
      else if (this.#unsat(meaning(s).NT)) s = TRUE;
    }
    return s;
  }

  #simplify(c: Condition): Condition {
    // Rewriting costs too (merging value sets of large conditions takes milliseconds), so it
    // counts against the budget; once that is spent the rest is kept as it is.
    if (!this.#charge(1)) return c;
    switch (c.kind) {
      case 'and':
      case 'or':
        return this.#junction(
          c.kind,
          c.operands.map((o) => this.#simplify(o)),
        );
      case 'compare':
      case 'member':
        return c.quantifier === null ? this.#merge('and', [c]) : c;
      default:
        return c;
    }
  }

  #junction(kind: 'and' | 'or', operands: readonly Condition[]): Condition {
    const isAnd = kind === 'and';
    const zero = isAnd ? FALSE : TRUE;
    const build = isAnd ? and : or;
    const groups = new Map<string, Condition[]>();
    const rest: Condition[] = [];
    const visit = (o: Condition): boolean => {
      if (o.kind === kind) return o.operands.every(visit);
      if (o.kind === 'constant') return o.value === isAnd;
      if ((o.kind === 'compare' || o.kind === 'member') && o.quantifier === null) {
        const key = pathRef(o.path).key;
        const group = groups.get(key);
        if (group === undefined) groups.set(key, [o]);
        else group.push(o);
      } else rest.push(o);
      return true;
    };
    if (!operands.every(visit)) return zero;
    const merged: Condition[] = [];
    for (const leaves of groups.values()) {
      const m = this.#merge(kind, leaves);
      if (m.kind === kind) merged.push(...m.operands);
      else if (m.kind !== 'constant') merged.push(m);
      else if (m.value !== isAnd) return zero;
    }
    let out = keyed([...merged, ...rest]);
    if (out.length < 2) return build(out.map((o) => o.c));
    const factored = this.#factor(kind, out);
    if (factored !== null) return factored;
    if (this.#complete) {
      const meanings = out.map((o) => meaning(o.c));
      const whole = isAnd ? fAnd(meanings.map((m) => m.T)) : fAnd(meanings.map((m) => m.NT));
      if (this.#unsat(whole)) return zero;
      out = this.#dropRedundant(kind, out);
    }
    return build(out.sort(byKey).map((o) => o.c));
  }

  /**
   * Takes operands common to every operand out: `(c and x) or (c and y)` is `c and (x or y)`, and
   * dually (distributivity holds for the true-sets). `null` when there is no common operand.
   */
  #factor(kind: 'and' | 'or', operands: readonly Keyed[]): Condition | null {
    const dual = kind === 'and' ? 'or' : 'and';
    const parts = operands.map((o) => (o.c.kind === dual ? keyed(o.c.operands) : [o]));
    const first = parts[0] as Keyed[];
    const common = first.filter((p) => parts.every((ps) => ps.some((q) => q.text === p.text)));
    if (common.length === 0) return null;
    const shared = new Set(common.map((p) => p.text));
    const rests = parts.map((ps) => ps.filter((p) => !shared.has(p.text)).map((p) => p.c));
    const dualBuild = dual === 'and' ? and : or;
    // An operand that is only the common part absorbs the others: (c) or (c and y) is c.
    const inner = rests.some((r) => r.length === 0)
      ? []
      : [this.#junction(kind, rests.map(dualBuild))];
    return this.#junction(dual, [...common.map((p) => p.c), ...inner]);
  }

  /** The plain comparisons on one path, merged into one set and written back when that is no larger. */
  #merge(kind: 'and' | 'or', leaves: readonly Condition[]): Condition {
    const first = leaves[0] as Condition & { kind: 'compare' | 'member' };
    if (leaves.length === 1 && first.kind === 'compare') {
      // A lone comparison is its own canonical form, unless it is always or never true; keeping
      // the node itself keeps its memoized translation for the next call.
      const t = meaning(first).T;
      return t.k === 'false' ? FALSE : t.k === 'true' ? TRUE : first;
    }
    const kept = (kind === 'and' ? and : or)(leaves);
    if (!this.#charge(leaves.length)) return kept;
    const path = pathRef(first.path);
    let set: ValueSet | undefined;
    for (const leaf of leaves) {
      const t = comparisonSets(leaf as Condition & { kind: 'compare' | 'member' }).t;
      set = set === undefined ? t : kind === 'and' ? vAnd(set, t) : vOr(set, t);
    }
    const f = atom(path, set as ValueSet);
    if (f.k === 'false') return FALSE;
    if (f.k === 'true') return TRUE;
    const written = f.k === 'atom' ? render(first.path, f.vs) : null;
    return sorted(written !== null && size(written) <= size(kept) ? written : kept);
  }

  /**
   * Drops operands implied by (in `and`) or covered by (in `or`) the others, largest first. An
   * operand that reads no path the others read (or a parent or child of one) can be neither,
   * short of being always true or never true, which its own level already decided.
   */
  #dropRedundant(kind: 'and' | 'or', operands: Keyed[]): Keyed[] {
    let kept = [...operands];
    const order = [...operands].sort((a, b) => size(b.c) - size(a.c) || byKey(b, a));
    const paths = new Map(operands.map((o) => [o, pathsOf(o.c)]));
    for (const candidate of order) {
      if (kept.length < 2 || !this.#complete) break;
      const others = kept.filter((o) => o !== candidate);
      const mine = paths.get(candidate) as PathRef[];
      if (
        !others.some((o) =>
          (paths.get(o) as PathRef[]).some((q) => mine.some((p) => related(p, q))),
        )
      )
        continue;
      const redundant =
        kind === 'and'
          ? this.#unsat(fAnd([...others.map((o) => meaning(o.c).T), meaning(candidate.c).NT]))
          : this.#unsat(fAnd([meaning(candidate.c).T, ...others.map((o) => meaning(o.c).NT)]));
      if (redundant) kept = others;
    }
    return kept;
  }

  /** Counts `steps` of rewriting against the budget; `false` (and incomplete) once it is spent. */
  #charge(steps: number): boolean {
    if (!this.#complete) return false;
    try {
      this.#budget.tick(steps);
      return true;
    } catch (err) {
      if (!(err instanceof LimitExceeded)) throw err;
      this.#complete = false;
      return false;
    }
  }

  /**
   * Whether `f` is proven unsatisfiable; `false` when unknown. After the first limit is reached
   * no further question is asked, so the rest of the call costs no more than a plain rewrite.
   */
  #unsat(f: Formula): boolean {
    if (f.k === 'false') return true;
    if (f.k === 'true' || !this.#complete) return false;
    try {
      return solve(f, this.#budget) === null;
    } catch (err) {
      if (!(err instanceof LimitExceeded)) throw err;
      this.#complete = false;
      return false;
    }
  }
}

/** The paths a condition reads. */
function pathsOf(c: Condition): PathRef[] {
  switch (c.kind) {
    case 'compare':
    case 'member':
      return [pathRef(c.path)];
    case 'not':
      return pathsOf(c.operand);
    case 'and':
    case 'or':
      return c.operands.flatMap(pathsOf);
    default:
      return [];
  }
}

/** Whether two paths can constrain each other: equal, or one inside the other. */
function related(p: PathRef, q: PathRef): boolean {
  if (p.root !== q.root) return false;
  const n = Math.min(p.keys.length, q.keys.length);
  for (let i = 0; i < n; i++) if (p.keys[i] !== q.keys[i]) return false;
  return true;
}

/** An operand with its canonical sort key, computed once. */
interface Keyed {
  readonly c: Condition;
  readonly rank: number;
  /** The path's text for a comparison (so that one path's comparisons stay together), else ''. */
  readonly path: string;
  readonly op: number;
  readonly text: string;
}

/** The operands with their keys, without duplicates (same text). */
function keyed(operands: readonly Condition[]): Keyed[] {
  const seen = new Map<string, Keyed>();
  for (const c of operands) {
    const text = printCondition(c);
    if (seen.has(text)) continue;
    const leaf = c.kind === 'compare' || c.kind === 'member';
    seen.set(text, {
      c,
      rank: rank(c),
      path: leaf ? printPath(c.path) : '',
      op: leaf ? opRank(c) : 0,
      text,
    });
  }
  return [...seen.values()];
}

/** `c` with the operands of its `and`/`or` nodes in canonical order, at every level. */
function sorted(c: Condition): Condition {
  if (c.kind !== 'and' && c.kind !== 'or') return c;
  const operands = keyed(c.operands.map(sorted))
    .sort(byKey)
    .map((o) => o.c);
  return c.kind === 'and' ? and(operands) : or(operands);
}

/** Within one path: equality and lists, lower bounds, upper bounds, globs, exclusions. */
function opRank(c: Condition & { kind: 'compare' | 'member' }): number {
  if (c.kind === 'member') return c.negated ? 6 : 0;
  return { '==': 0, '>': 1, '>=': 1, '<': 2, '<=': 2, '~': 3, '!~': 4, '!=': 5 }[c.op];
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical order: `tool`, `args`, `time`, then compound operands; by path, operator, text within. */
function byKey(a: Keyed, b: Keyed): number {
  return a.rank - b.rank || cmp(a.path, b.path) || a.op - b.op || cmp(a.text, b.text);
}

function rank(c: Condition): number {
  if (c.kind === 'compare' || c.kind === 'member')
    return c.path.root === 'tool' ? 0 : c.path.root === 'args' ? 1 : 2;
  return 3;
}
