/**
 * The decision procedure: is a formula (see _formula.ts) satisfiable, and by which request? A
 * tableau search: conjunctions are accumulated into one value set per path (an intersection),
 * disjunctions are split case by case, smallest first, after dropping the cases that contradict
 * what is already known (unit propagation, with an exact emptiness test per path, so that
 * `tool ~ "a.*"` against `tool ~ "b.*"` is a contradiction at once, not after 2^n cases). At a leaf every path's set is checked for a member —
 * strings by the automaton search, arrays through their quantifier formula — and the paths are
 * fitted together: `args.a.b` can be present only when `args.a` is an object, and an `args.a`
 * that is a scalar or an array leaves every `args.a.…` missing. The first consistent leaf gives
 * the example request. Every step is counted against the call's budget.
 */
import type { ScopeRequest } from '../ast.js';
import type { Formula, PathRef } from './_formula.js';
import { stringWitness } from './_string-search.js';
import { NONE, plainWitness, vAnd, vEmpty } from './_values.js';
import type { ValueSet } from './_values.js';
import type { Budget } from './limits.js';

/** The tool of an example request when nothing constrains it. */
const DEFAULT_TOOL = 'example';
/** The clock of an example request when nothing constrains it (and the preferred nearby time). */
const REFERENCE_TIME_MS = Date.UTC(2026, 0, 1);

type State = Map<string, { readonly path: PathRef; readonly vs: ValueSet }>;

/** A request on which `f` is true, or `null` when there is none. */
export function solve(f: Formula, budget: Budget): ScopeRequest | null {
  return search([f], new Map(), budget);
}

function search(pending: readonly Formula[], base: State, budget: Budget): ScopeRequest | null {
  budget.tick();
  const state: State = new Map(base);
  const stack = [...pending];
  let ors: (Formula & { k: 'or' })[] = [];
  for (;;) {
    while (stack.length > 0) {
      const f = stack.pop() as Formula;
      switch (f.k) {
        case 'true':
          break;
        case 'false':
          return null;
        case 'atom': {
          const known = state.get(f.path.key);
          const vs = known === undefined ? f.vs : vAnd(known.vs, f.vs);
          if (vEmpty(vs, budget)) return null;
          state.set(f.path.key, { path: f.path, vs });
          break;
        }
        case 'and':
          stack.push(...f.fs);
          break;
        case 'or':
          ors.push(f as Formula & { k: 'or' });
          break;
      }
    }
    // Unit propagation: drop the cases that contradict the state; a single survivor is forced.
    const open: (Formula & { k: 'or' })[] = [];
    for (const or of ors) {
      const alive = or.fs.filter((d) => !refuted(d, state, budget));
      if (alive.length === 0) return null;
      if (alive.length === 1) stack.push(alive[0] as Formula);
      else open.push(alive.length === or.fs.length ? or : { k: 'or', fs: alive });
    }
    ors = open;
    if (stack.length === 0) break;
  }
  if (ors.length === 0) return leaf(state, budget);
  ors.sort((a, b) => a.fs.length - b.fs.length);
  const [first, ...others] = ors as [Formula & { k: 'or' }, ...(Formula & { k: 'or' })[]];
  for (const d of first.fs) {
    const found = search([d, ...others], state, budget);
    if (found !== null) return found;
  }
  return null;
}

/** Whether a case contradicts the state: one of its atoms has no value left at its path. */
function refuted(f: Formula, state: State, budget: Budget): boolean {
  if (f.k === 'false') return true;
  if (f.k === 'atom') return conflicts(f, state, budget);
  if (f.k === 'and')
    return f.fs.some((g) => g.k === 'false' || (g.k === 'atom' && conflicts(g, state, budget)));
  return false;
}

function conflicts(f: Formula & { k: 'atom' }, state: State, budget: Budget): boolean {
  budget.tick();
  const known = state.get(f.path.key);
  return known !== undefined && vEmpty(vAnd(known.vs, f.vs), budget);
}

interface Node {
  vs: ValueSet | undefined;
  readonly children: Map<string, Node>;
}

const INFEASIBLE: unique symbol = Symbol('infeasible');
const ABSENT: unique symbol = Symbol('absent');

/** A request meeting every per-path set of a leaf, or `null`. */
function leaf(state: State, budget: Budget): ScopeRequest | null {
  let tool = DEFAULT_TOOL;
  let time = REFERENCE_TIME_MS;
  const root: Node = { vs: undefined, children: new Map() };
  for (const { path, vs } of state.values()) {
    if (path.root === 'tool') {
      const w = stringWitness(vs.str, budget);
      if (w === null) return null;
      tool = w;
    } else if (path.root === 'time') {
      const t = vs.num.pick(REFERENCE_TIME_MS);
      if (t === undefined) return null;
      time = t;
    } else {
      let node = root;
      for (const key of path.keys) {
        let child = node.children.get(key);
        if (child === undefined)
          node.children.set(key, (child = { vs: undefined, children: new Map() }));
        node = child;
      }
      node.vs = vs;
    }
  }
  const args = objectOf(root, budget);
  if (args === INFEASIBLE) return null;
  return { tool, args, time: new Date(time) };
}

/** Whether the node and everything below it may be missing. */
function canBeAbsent(node: Node): boolean {
  return (node.vs?.missing ?? true) && [...node.children.values()].every(canBeAbsent);
}

/** An object holding a value for each child that must (or prefers to) be present. */
function objectOf(node: Node, budget: Budget): Record<string, unknown> | typeof INFEASIBLE {
  const out: Record<string, unknown> = {};
  for (const [key, child] of node.children) {
    const value = valueOf(child, budget);
    if (value === INFEASIBLE) return INFEASIBLE;
    if (value !== ABSENT)
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

/** The value of a node whose parent is an object: absent if allowed, else a plain value, else an object. */
function valueOf(node: Node, budget: Budget): unknown {
  budget.tick();
  const vs = node.vs;
  const below = [...node.children.values()].every(canBeAbsent);
  if ((vs?.missing ?? true) && below) return ABSENT;
  if (below && vs !== undefined) {
    const w = plainWitness(vs, budget);
    if (w !== NONE) return w;
  }
  if (vs === undefined || vs.obj) return objectOf(node, budget);
  return INFEASIBLE;
}
