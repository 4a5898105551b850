/**
 * Deciding a string formula (see _strings.ts): is there a string in the set, and which? A
 * formula whose shape shows a finite superset (a positive `in`) is decided by testing each
 * member. Otherwise the search runs breadth first over the product of the atoms' automata — a
 * trie of every `in` string, each glob's lazy subset automaton, the path-alias automaton and one
 * instant automaton — so the first accepted state gives a shortest example. The alphabet is
 * finite: every code point some atom names, plus one representative of all the others (they
 * behave alike in every automaton). A state is pruned when the atoms whose fate is sealed (dead,
 * or accepting everything from here) already make the formula false for every continuation.
 * Results are cached by formula key; the search is bounded by `maxProductStates` and the budget.
 */
import { BoundedCache } from '../../_lru.js';
import {
  ALIAS_NAMED,
  ALIAS_START,
  ALIAS_STATES,
  aliasAccepting,
  aliasFate,
  aliasStep,
  hasPathAlias,
} from '../path-alias.js';
import { globAutomaton } from './_glob-automaton.js';
import type { Fate, GlobAutomaton } from './_glob-automaton.js';
import { INSTANT_NAMED, instantAutomaton } from './_instant-automaton.js';
import { S_ALIAS, S_NO_ALIAS, evalStr, finiteSupport, sAnd, strAtoms } from './_strings.js';
import type { StrAtom, StrF } from './_strings.js';
import type { Budget } from './limits.js';
import { LimitExceeded } from './limits.js';

const cache = new BoundedCache<string, string | null>(4096);
/** Formulas with longer keys (long `in` lists) are not cached, to bound memory. */
const MAX_KEY = 4096;

/**
 * A member of `f` (a shortest non-empty one when the product search runs, the empty string only
 * when nothing shorter than two characters is), or `null` when `f` is empty.
 */
export function stringWitness(f: StrF, budget: Budget): string | null {
  if (f.k === 'true') return 'a';
  if (f.k === 'false') return null;
  const hit = cache.get(f.key);
  if (hit !== undefined) return hit;
  let found: string | null;
  const support = finiteSupport(f);
  if (support !== null) {
    budget.tick(support.length);
    found =
      [...support]
        .sort((a, b) => readable(a) - readable(b) || a.length - b.length || (a < b ? -1 : 1))
        .find((s) => evalStr(f, s)) ?? null;
  } else {
    const quick = aliasFreeSearch(f, budget);
    found = quick === undefined ? productSearch(f, budget) : quick;
    if (found !== null && !evalStr(f, found)) {
      throw new Error(
        `scope algebra: the string search found ${JSON.stringify(found)}, which is not in the set it searched`,
      );
    }
  }
  if (f.key.length <= MAX_KEY) cache.set(f.key, found);
  return found;
}

/**
 * `¬alias ∧ ψ`, with no other path-alias atom in ψ, is what every glob comparison contributes;
 * the alias automaton's states and letters multiply the product, so ψ is searched alone first.
 * When ψ is empty so is the conjunction; when ψ's shortest member is no alias, it is the
 * conjunction's (a subset of ψ). Only otherwise (`undefined`) does the full product run.
 */
function aliasFreeSearch(f: StrF, budget: Budget): string | null | undefined {
  if (f.k !== 'and' || !f.fs.some((g) => g.key === S_NO_ALIAS.key)) return undefined;
  const rest = f.fs.filter((g) => g.key !== S_NO_ALIAS.key);
  if (rest.some((g) => strAtoms(g).has(S_ALIAS.key))) return undefined;
  const member = stringWitness(sAnd(rest), budget);
  if (member === null) return null;
  return hasPathAlias(member) ? undefined : member;
}

interface Trie {
  readonly children: Map<number, number>[];
  readonly word: (string | null)[];
}

function buildTrie(words: Iterable<string>): Trie {
  const trie: Trie = { children: [new Map<number, number>()], word: [null] };
  for (const w of words) {
    let node = 0;
    for (const ch of w) {
      const cp = ch.codePointAt(0) as number;
      let next = trie.children[node]?.get(cp);
      if (next === undefined) {
        next = trie.children.length;
        trie.children.push(new Map());
        trie.word.push(null);
        trie.children[node]?.set(cp, next);
      }
      node = next;
    }
    trie.word[node] = w;
  }
  return trie;
}

/** One automaton of the product: its start, step, and the value and fate of the atoms it decides. */
interface Component {
  readonly start: number;
  /** An upper bound on state numbers (exclusive), for packing product states into one number. */
  readonly radix: number;
  step(state: number, cp: number): number;
  /** Writes `now` and `fate` for the atoms this component decides. */
  observe(state: number, now: Int8Array, fate: Int8Array): void;
}

const UNKNOWN = 2;

function fateCode(f: Fate): number {
  return f === null ? UNKNOWN : f ? 1 : 0;
}

function productSearch(f: StrF, budget: Budget): string | null {
  const atoms = [...strAtoms(f).values()];
  const index = new Map(atoms.map((a, i) => [a.key, i]));
  const named = new Set<number>();
  const components: Component[] = [];
  const limit = budget.limits.maxProductStates;

  const ins = atoms.map((a, i) => [a, i] as const).filter(([a]) => a.k === 'in') as [
    Extract<StrAtom, { k: 'in' }>,
    number,
  ][];
  if (ins.length > 0) {
    // Node 0 is "off the trie" (the text is no prefix of any listed string); the root is 1.
    const trie = buildTrie(ins.flatMap(([a]) => a.set));
    for (const ch of trie.children.flatMap((m) => [...m.keys()])) named.add(ch);
    components.push({
      start: 1,
      radix: trie.children.length + 1,
      step: (node, cp) => (node === 0 ? 0 : (trie.children[node - 1]?.get(cp) ?? -1) + 1),
      observe(node, now, fate) {
        const word = node === 0 ? null : trie.word[node - 1];
        const sealed = node === 0 || trie.children[node - 1]?.size === 0;
        for (const [a, i] of ins) {
          now[i] = word !== null && word !== undefined && a.has.has(word) ? 1 : 0;
          fate[i] = sealed ? 0 : UNKNOWN;
        }
      },
    });
  }
  for (const [a, i] of atoms.map((x, j) => [x, j] as const)) {
    if (a.k !== 'glob') continue;
    const auto: GlobAutomaton = globAutomaton(a.pattern);
    for (const cp of auto.named) named.add(cp);
    named.add(0x2f);
    components.push({
      start: 0,
      radix: Math.max(budget.limits.maxGlobStates, auto.stateCount) + 1,
      step: (s, cp) => auto.step(s, cp, budget),
      observe(s, now, fate) {
        now[i] = auto.accepting(s) ? 1 : 0;
        fate[i] = fateCode(auto.fate(s));
      },
    });
  }
  const alias = index.get('alias');
  if (alias !== undefined) {
    for (const cp of ALIAS_NAMED) named.add(cp);
    components.push({
      start: ALIAS_START,
      radix: ALIAS_STATES,
      step: aliasStep,
      observe(s, now, fate) {
        now[alias] = aliasAccepting(s) ? 1 : 0;
        fate[alias] = fateCode(aliasFate(s));
      },
    });
  }
  const insts = atoms.map((a, i) => [a, i] as const).filter(([a]) => a.k === 'inst') as [
    Extract<StrAtom, { k: 'inst' }>,
    number,
  ][];
  if (insts.length > 0) {
    for (const cp of INSTANT_NAMED) named.add(cp);
    const auto = instantAutomaton(insts.map(([a]) => a.iv));
    components.push({
      start: auto.start,
      radix: Math.max(limit, auto.stateCount) + 2,
      step: (s, cp) => auto.step(s, cp, budget),
      observe(s, now, fate) {
        insts.forEach(([, i], j) => {
          now[i] = auto.accepting(s, j) ? 1 : 0;
          fate[i] = fateCode(auto.fate(s, j));
        });
      },
    });
  }

  const alphabet = [otherCodePoint(named), ...[...named].sort((a, b) => a - b)];
  // Concatenating a lone high surrogate and a lone low one would make one code point, not two.
  const guard = alphabet.some(isHigh) && alphabet.some(isLow);
  const holds = compile(f, index);
  const width = components.length;
  // Product states are packed into one number when the radices allow, else into a string.
  const packed = components.reduce((n, c) => n * c.radix, guard ? 2 : 1) < Number.MAX_SAFE_INTEGER;
  const keyOf = (row: readonly number[], high: boolean): number | string => {
    if (!packed) return `${row.join(',')}${high ? '|h' : ''}`;
    let k = high ? 1 : 0;
    for (let i = 0; i < width; i++) k = k * (components[i] as Component).radix + (row[i] as number);
    return k;
  };

  /** An example reads better than the empty string: a one-character member, if there is one. */
  const oneCharacter = (): string | null => {
    for (const cp of alphabet) {
      for (let i = 0; i < width; i++)
        row[i] = (components[i] as Component).step(data[i] as number, cp);
      for (let i = 0; i < width; i++)
        (components[i] as Component).observe(row[i] as number, now, fate);
      if (holds.now(now)) return String.fromCodePoint(cp);
    }
    return null;
  };
  const now = new Int8Array(atoms.length);
  const fate = new Int8Array(atoms.length);
  const data: number[] = components.map((c) => c.start);
  const parent: number[] = [-1];
  const via: number[] = [0];
  const seen = new Set<number | string>([keyOf(data, false)]);
  const row: number[] = new Array<number>(width).fill(0);
  for (let head = 0; head < parent.length; head++) {
    budget.tick();
    const base = head * width;
    for (let i = 0; i < width; i++)
      (components[i] as Component).observe(data[base + i] as number, now, fate);
    if (holds.now(now)) return head === 0 ? (oneCharacter() ?? '') : spell(head, parent, via);
    if (holds.future(fate) === 0) continue;
    const lastHigh = guard && head > 0 && isHigh(via[head] as number);
    for (const cp of alphabet) {
      if (lastHigh && isLow(cp)) continue;
      for (let i = 0; i < width; i++)
        row[i] = (components[i] as Component).step(data[base + i] as number, cp);
      const key = keyOf(row, guard && isHigh(cp));
      if (seen.has(key)) continue;
      seen.add(key);
      if (seen.size > limit) {
        throw new LimitExceeded(
          `a string constraint needs more than maxProductStates = ${limit} automaton states`,
        );
      }
      data.push(...row);
      parent.push(head);
      via.push(cp);
    }
  }
  return null;
}

/** The empty string sorts last among examples: it reads as "nothing" in a message. */
function readable(s: string): number {
  return s === '' ? 1 : 0;
}

function spell(at: number, parent: readonly number[], via: readonly number[]): string {
  const cps: number[] = [];
  for (let i = at; i > 0; i = parent[i] as number) cps.push(via[i] as number);
  return String.fromCodePoint(...cps.reverse());
}

function isHigh(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdbff;
}

function isLow(cp: number): boolean {
  return cp >= 0xdc00 && cp <= 0xdfff;
}

/** A readable code point that no atom names. */
function otherCodePoint(named: ReadonlySet<number>): number {
  for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') {
    const cp = ch.codePointAt(0) as number;
    if (!named.has(cp)) return cp;
  }
  let cp = 0x4e00;
  while (named.has(cp)) cp++;
  return cp;
}

interface Compiled {
  /** Whether the formula holds for the atoms' current values. */
  now(values: Int8Array): boolean;
  /** Kleene value (0, 1, UNKNOWN) of the formula over the atoms' fates. */
  future(fates: Int8Array): number;
}

function compile(f: StrF, index: ReadonlyMap<string, number>): Compiled {
  switch (f.k) {
    case 'true':
      return { now: () => true, future: () => 1 };
    case 'false':
      return { now: () => false, future: () => 0 };
    case 'not': {
      const i = index.get(f.f.key) as number;
      return {
        now: (v) => v[i] === 0,
        future: (x) => (x[i] === UNKNOWN ? UNKNOWN : 1 - (x[i] as number)),
      };
    }
    case 'and':
    case 'or': {
      const parts = f.fs.map((g) => compile(g, index));
      const isAnd = f.k === 'and';
      return {
        now: (v) => (isAnd ? parts.every((p) => p.now(v)) : parts.some((p) => p.now(v))),
        future: (x) => {
          let result = isAnd ? 1 : 0;
          for (const p of parts) {
            const r = p.future(x);
            if (r === (isAnd ? 0 : 1)) return r;
            if (r === UNKNOWN) result = UNKNOWN;
          }
          return result;
        },
      };
    }
    default: {
      const i = index.get(f.key) as number;
      return { now: (v) => v[i] === 1, future: (x) => x[i] as number };
    }
  }
}
