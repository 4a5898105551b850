/**
 * Which fields of the request a condition reads, and the restrictions of a scope that a
 * granted scope does not speak to: what an approval keeps. A *field* is `tool`, `time` or an
 * `args` path; two `args` paths overlap when one is a prefix of the other (`args.a` speaks to
 * `args.a.b`, which lives inside it). A scope's *restrictions* are its conditions split at every
 * top-level `and` after negations are pushed down to the comparisons (Kleene logic keeps all
 * three truth values through both steps), so `not (tool == "a" or args.n > 3)` is the two
 * restrictions `tool != "a"` and `args.n <= 3`.
 */
import type { Condition, Path } from './ast.js';
import { withTool } from './algebra/residual.js';
import { nnf } from './build.js';

/**
 * The fields `condition` reads, each once, in order of first appearance.
 *
 * @example
 * ```ts
 * fieldsRead(parseCondition('tool == "a" and (args.n > 1 or args.m.k == 2)'));
 * // [{ root: 'tool' }, { root: 'args', keys: ['n'] }, { root: 'args', keys: ['m', 'k'] }]
 * ```
 */
export function fieldsRead(condition: Condition): Path[] {
  const seen = new Map<string, Path>();
  const walk = (c: Condition): void => {
    switch (c.kind) {
      case 'constant':
        return;
      case 'not':
        return walk(c.operand);
      case 'and':
      case 'or':
        return c.operands.forEach(walk);
      case 'compare':
      case 'member': {
        const key = c.path.root === 'args' ? JSON.stringify(c.path.keys) : c.path.root;
        if (!seen.has(key)) seen.set(key, c.path);
      }
    }
  };
  walk(condition);
  return [...seen.values()];
}

/**
 * Whether two fields overlap: the same root, and for `args` one path a prefix of the other.
 *
 * @example
 * ```ts
 * fieldsOverlap({ root: 'args', keys: ['a'] }, { root: 'args', keys: ['a', 'b'] }); // true
 * ```
 */
export function fieldsOverlap(a: Path, b: Path): boolean {
  if (a.root !== b.root) return false;
  if (a.root !== 'args' || b.root !== 'args') return true;
  const n = Math.min(a.keys.length, b.keys.length);
  for (let i = 0; i < n; i++) if (a.keys[i] !== b.keys[i]) return false;
  return true;
}

/**
 * The restrictions of `scope` (a conjunction), split as described above, without the constant
 * `true`.
 *
 * @example
 * ```ts
 * restrictionsOf([parseCondition('not (tool == "a" or args.n > 3)')]).map(printCaveat);
 * // ['tool != "a"', 'args.n <= 3']
 * ```
 */
export function restrictionsOf(scope: readonly Condition[]): Condition[] {
  return scope.flatMap(restrictionsOfOne);
}

/**
 * The restrictions of each condition, kept while the condition is: a verified token's conditions
 * are read once and shared, and a denial asks for them again (its expiry, what a grant leaves
 * standing), which on a token full of conditions cost a millisecond each time.
 */
const restrictionsByCondition = new WeakMap<Condition, readonly Condition[]>();

function restrictionsOfOne(c: Condition): readonly Condition[] {
  let found = restrictionsByCondition.get(c);
  if (found === undefined) {
    const n = nnf(c);
    found = Object.freeze(
      (n.kind === 'and' ? n.operands : [n]).filter((r) => !(r.kind === 'constant' && r.value)),
    );
    restrictionsByCondition.set(c, found);
  }
  return found;
}

/**
 * The restrictions of `scope` that read none of `fields` (in the overlap sense above): what a
 * grant reading `fields` leaves standing. When the grant admits one tool only (`tool`, see
 * `pinnedTool`), a restriction that reads `tool` is first read for that tool (`withTool`): one
 * that tool always meets is left out, one it never meets is what the grant speaks to (left out),
 * and the rest (`tool != "bank.transfer" or args.amount <= 100` becomes `args.amount <= 100`) is
 * judged by the fields it still reads.
 *
 * @example
 * ```ts
 * const scope = ['tool in ["bank.get_balance"]', 'args.account == "checking"'].map(parseCondition);
 * restrictionsBeside(scope, [{ root: 'tool' }, { root: 'args', keys: ['amount'] }]).map(printCaveat);
 * // ['args.account == "checking"']
 * ```
 */
export function restrictionsBeside(
  scope: readonly Condition[],
  fields: readonly Path[],
  tool?: string,
): Condition[] {
  const readsNone = (c: Condition) =>
    fieldsRead(c).every((f) => !fields.some((g) => fieldsOverlap(f, g)));
  const kept: Condition[] = [];
  for (const r of restrictionsOf(scope)) {
    if (tool !== undefined && fieldsRead(r).some((f) => f.root === 'tool')) {
      const rest = withTool(r, tool);
      if (rest.kind !== 'constant') kept.push(...restrictionsOf([rest]).filter(readsNone));
    } else if (readsNone(r)) kept.push(r);
  }
  return kept;
}

/**
 * The one tool a scope admits, when its restrictions pin `tool` to a single name (`tool ==
 * "x"`, or `tool in [...]` lists whose common names are one); `undefined` otherwise.
 *
 * @example
 * ```ts
 * pinnedTool([parseCondition('tool == "bank.transfer"'), parseCondition('args.amount == 500')]); // 'bank.transfer'
 * ```
 */
export function pinnedTool(scope: readonly Condition[]): string | undefined {
  let names: Set<string> | undefined;
  for (const r of restrictionsOf(scope)) {
    if (
      r.kind === 'compare' &&
      r.path.root === 'tool' &&
      r.op === '==' &&
      r.value.type === 'string'
    ) {
      names = intersect(names, [r.value.value]);
    } else if (r.kind === 'member' && r.path.root === 'tool' && !r.negated) {
      names = intersect(
        names,
        r.values.flatMap((v) => (v.type === 'string' ? [v.value] : [])),
      );
    }
  }
  return names?.size === 1 ? [...names][0] : undefined;
}

function intersect(names: Set<string> | undefined, next: readonly string[]): Set<string> {
  return new Set(names === undefined ? next : next.filter((n) => names.has(n)));
}

/**
 * The instant from which a scope allows nothing, read from its bounds on `time` (`time < t`
 * ends at `t`, `time <= t` one millisecond after): the earliest end of its restrictions, where
 * an `and` ends with its earliest bounded part and an `or` with its latest branch, when every
 * branch is bounded (an approval's `(what was held) or (what was granted)` lasts as long as its
 * longer branch). `null` when nothing bounds it. Sound: at and after the instant no request is
 * allowed (it may be later than the last instant one is).
 *
 * @example
 * ```ts
 * expiryOf([parseCondition('tool == "a"'), parseCondition('time < 2027-01-01T00:00:00Z')]);
 * // Date.UTC(2027, 0, 1)
 * ```
 */
export function expiryOf(scope: readonly Condition[]): number | null {
  let end: number | null = null;
  for (const r of restrictionsOf(scope)) {
    const at = timeEnd(r);
    if (at !== undefined && (end === null || at < end)) end = at;
  }
  return end;
}

/** When a condition in negation normal form stops holding for every request, if it does. */
function timeEnd(c: Condition): number | undefined {
  switch (c.kind) {
    case 'compare':
      if (c.quantifier !== null || c.path.root !== 'time' || c.value.type !== 'instant')
        return undefined;
      return c.op === '<' ? c.value.ms : c.op === '<=' ? c.value.ms + 1 : undefined;
    case 'constant':
      return c.value ? undefined : Number.NEGATIVE_INFINITY;
    case 'and': {
      let end: number | undefined;
      for (const o of c.operands) {
        const at = timeEnd(o);
        if (at !== undefined && (end === undefined || at < end)) end = at;
      }
      return end;
    }
    case 'or': {
      let end = Number.NEGATIVE_INFINITY;
      for (const o of c.operands) {
        const at = timeEnd(o);
        if (at === undefined) return undefined;
        if (at > end) end = at;
      }
      return end;
    }
    default:
      return undefined;
  }
}
