/**
 * The path-alias rule of the glob operators. A deny-list such as `args.path !~ "/p/secrets/**"`
 * protects nothing if the agent may write the same file another way (`/p/./secrets/key`,
 * `/p//secrets/key`, `/p/x/../secrets/key`, `\p\secrets\key` on Windows, `%2e%2e` in a URL),
 * so a value that is not a normalized path makes both `~` and `!~` undefined: it can satisfy
 * neither an allow-list nor a deny-list. The rule is one small deterministic automaton, used by
 * the evaluator (on each value) and by the algebra (in its product search), so the two cannot
 * disagree.
 *
 * A string is an **alias** when it contains `\`, or when one of its segments is empty or a dot
 * segment. Segments are what `/` separates, after dropping one leading `/` (an absolute path)
 * or a URL scheme and its `//` (`https://`: a first `:` after two or more characters, none of
 * them `/`, followed by `//`). A dot segment is `.` or `..`, or one of them written with `%2e`
 * (any case) for a dot, as URL parsers read them. The root `/` alone is not an alias; the empty
 * string, a trailing `/` and `//` anywhere else are.
 */

/** Why a value is an alias (`null` from `pathAliasOf` when it is not). */
export type PathAlias = '\\' | '.' | '..' | '//' | 'trailing /' | 'empty';

/** Character classes the automaton tells apart; every other code point is `OTHER`. */
const OTHER = 0;
const SLASH = 1;
const BACKSLASH = 2;
const DOT = 3;
const PERCENT = 4;
const TWO = 5;
const E = 6;
const COLON = 7;
const CLASSES = 8;

/** The code points with a class of their own, and that class. */
const NAMED: ReadonlyMap<number, number> = new Map([
  [0x2f, SLASH],
  [0x5c, BACKSLASH],
  [0x2e, DOT],
  [0x25, PERCENT],
  [0x32, TWO],
  [0x65, E],
  [0x45, E],
  [0x3a, COLON],
]);

/** What the current segment holds so far: nothing, a (possibly encoded) dot or two, part of `%2e`, or a name. */
type Seg = 'empty' | 'dot' | 'dotdot' | '%' | '%2' | '.%' | '.%2' | 'name';

/**
 * Where the current segment is: the first one (`len` code points so far, capped at 2; `colon` 0
 * before any `:`, 1 right after a first `:` that may start a scheme, 2 otherwise), the one after
 * a leading `/`, the one after `scheme:/`, or any other.
 */
interface State {
  readonly alias: PathAlias | null;
  readonly where: 'first' | 'lead' | 'scheme' | 'inner';
  readonly seg: Seg;
  readonly len: number;
  readonly colon: number;
}

const SEG_STEP: Readonly<Record<Seg, Partial<Record<number, Seg>>>> = {
  empty: { [DOT]: 'dot', [PERCENT]: '%' },
  dot: { [DOT]: 'dotdot', [PERCENT]: '.%' },
  dotdot: {},
  '%': { [TWO]: '%2' },
  '%2': { [E]: 'dot' },
  '.%': { [TWO]: '.%2' },
  '.%2': { [E]: 'dotdot' },
  name: {},
};

function make(where: State['where'], seg: Seg, len = 0, colon = 0): State {
  return { alias: null, where, seg, len, colon };
}

function aliased(alias: PathAlias): State {
  return { alias, where: 'inner', seg: 'name', len: 0, colon: 0 };
}

/** The alias a finished segment makes, if it is empty or a dot segment. */
function segmentAlias(seg: Seg, empty: PathAlias): PathAlias | null {
  return seg === 'empty' ? empty : seg === 'dot' ? '.' : seg === 'dotdot' ? '..' : null;
}

function step(s: State, cls: number): State {
  if (s.alias !== null) return s;
  if (cls === BACKSLASH) return aliased('\\');
  if (cls === SLASH) {
    if (s.where === 'first' && s.seg === 'empty') return make('lead', 'empty');
    if (s.where === 'scheme' && s.seg === 'empty') return make('inner', 'empty');
    const alias = segmentAlias(s.seg, '//');
    if (alias !== null) return aliased(alias);
    return make(s.where === 'first' && s.colon === 1 ? 'scheme' : 'inner', 'empty');
  }
  const seg = SEG_STEP[s.seg][cls] ?? 'name';
  if (s.where !== 'first') return make('inner', seg);
  // Only the first `:` may end a scheme, after two or more code points, and only if `/` follows.
  let colon = 2;
  if (s.colon === 0) colon = cls !== COLON ? 0 : s.len >= 2 ? 1 : 2;
  return make('first', seg, colon === 0 ? Math.min(s.len + 1, 2) : 2, colon);
}

/** The alias of a value that ends in state `s`, or `null`. */
function endAlias(s: State): PathAlias | null {
  if (s.alias !== null) return s.alias;
  switch (s.where) {
    case 'first':
      return segmentAlias(s.seg, 'empty');
    case 'lead':
      return null; // the root "/"
    default:
      return segmentAlias(s.seg, 'trailing /');
  }
}

/** The automaton as tables: states numbered from 0 (the start), `CLASSES` transitions each. */
interface Table {
  readonly next: Uint8Array;
  readonly end: readonly (PathAlias | null)[];
  readonly absorbing: Uint8Array;
  /**
   * Per state, the one or two characters that can leave it when every other code point keeps it
   * (a name inside a segment waits only for `/`), as char codes (-1: none), so that matching
   * skips to the next one; `null` when the state must read every character. `\` is left out:
   * `pathAliasOf` looks for it first.
   */
  readonly exits: readonly (readonly [number, number] | null)[];
}

function tabulate(): Table {
  const key = (s: State) => `${s.alias}|${s.where}|${s.seg}|${s.len}|${s.colon}`;
  const states: State[] = [make('first', 'empty')];
  const ids = new Map([[key(states[0] as State), 0]]);
  const rows: number[] = [];
  for (let i = 0; i < states.length; i++) {
    for (let cls = 0; cls < CLASSES; cls++) {
      const t = step(states[i] as State, cls);
      let id = ids.get(key(t));
      if (id === undefined) {
        id = states.length;
        states.push(t);
        ids.set(key(t), id);
      }
      rows.push(id);
    }
  }
  const exits = states.map((s, id) => {
    if (s.alias !== null || rows[id * CLASSES + OTHER] !== id) return null;
    const leaving = [...NAMED]
      .filter(([cp, cls]) => cp !== 0x5c && rows[id * CLASSES + cls] !== id)
      .map(([cp]) => cp);
    return leaving.length <= 2 ? ([leaving[0] ?? -1, leaving[1] ?? -1] as const) : null;
  });
  return {
    next: Uint8Array.from(rows),
    end: states.map(endAlias),
    absorbing: Uint8Array.from(states, (s) => (s.alias === null ? 0 : 1)),
    exits,
  };
}

const TABLE = tabulate();
const ASCII_CLASS = new Uint8Array(128);
for (const [cp, cls] of NAMED) ASCII_CLASS[cp] = cls;

/**
 * Why `value` is a path alias, or `null` when it is a normalized path (see the module comment).
 * A `\` anywhere is reported first; otherwise the first alias in reading order. Linear in the
 * value's length, and most of it is skipped with `indexOf`: inside a name only `/` matters.
 *
 * @example
 * ```ts
 * pathAliasOf('/p/./secrets/key'); // '.'
 * pathAliasOf('/p//secrets');      // '//'
 * pathAliasOf('/p/secrets');       // null
 * pathAliasOf('https://x/a');      // null
 * ```
 */
export function pathAliasOf(value: string): PathAlias | null {
  // One call usually checks the same argument for several globs: remember the last answer.
  if (value === lastValue) return lastAlias;
  lastAlias = readAlias(value);
  lastValue = value;
  return lastAlias;
}

let lastValue: string | undefined;
let lastAlias: PathAlias | null = null;

function readAlias(value: string): PathAlias | null {
  if (value.includes('\\')) return '\\';
  const { next, absorbing, exits } = TABLE;
  const length = value.length;
  let state = 0;
  let i = 0;
  while (i < length) {
    const exit = exits[state];
    if (exit !== null && exit !== undefined) {
      // Every character up to the next exit keeps the state: scan a short name, search a long one.
      i = skipTo(value, i, exit[0], exit[1]);
      if (i === length) break;
    }
    const unit = value.charCodeAt(i++);
    // A surrogate pair is one code point, of class OTHER.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = value.charCodeAt(i);
      if (low >= 0xdc00 && low <= 0xdfff) i++;
    }
    state = next[state * CLASSES + (unit < 128 ? (ASCII_CLASS[unit] as number) : OTHER)] as number;
    if (absorbing[state] === 1) break;
  }
  return TABLE.end[state] ?? null;
}

/** The index of the first `a` or `b` (char codes, -1 for none) at or after `from`, else the length. */
function skipTo(value: string, from: number, a: number, b: number): number {
  const length = value.length;
  const scanned = Math.min(length, from + 32);
  for (let i = from; i < scanned; i++) {
    const unit = value.charCodeAt(i);
    if (unit === a || unit === b) return i;
  }
  if (scanned === length) return length;
  let to = length;
  for (const unit of [a, b]) {
    const at = unit < 0 ? -1 : value.indexOf(String.fromCharCode(unit), scanned);
    if (at >= 0 && at < to) to = at;
  }
  return to;
}

/**
 * Whether `value` is a path alias: then both `~` and `!~` are undefined on it.
 *
 * @example
 * ```ts
 * hasPathAlias('/repo/../etc'); // true
 * hasPathAlias('C:\\repo');     // true
 * hasPathAlias('/repo/a..b');   // false
 * ```
 */
export function hasPathAlias(value: string): boolean {
  return pathAliasOf(value) !== null;
}

// ------------------------------------------------------------- the automaton, for the algebra

/** The start state. */
export const ALIAS_START = 0;
/** How many states there are (state numbers are below it). */
export const ALIAS_STATES = TABLE.end.length;
/** The code points the automaton tells apart from "any other". */
export const ALIAS_NAMED: readonly number[] = [...NAMED.keys()];

/**
 * The state after reading code point `cp` in `state`.
 *
 * @example
 * ```ts
 * aliasAccepting(aliasStep(ALIAS_START, 0x5c)); // true: a backslash
 * ```
 */
export function aliasStep(state: number, cp: number): number {
  return TABLE.next[state * CLASSES + (cp < 128 ? (ASCII_CLASS[cp] as number) : OTHER)] as number;
}

/**
 * Whether a value that ends in `state` is an alias.
 *
 * @example
 * ```ts
 * aliasAccepting(ALIAS_START); // true: the empty string
 * ```
 */
export function aliasAccepting(state: number): boolean {
  return TABLE.end[state] !== null;
}

/**
 * `true` when every continuation from `state` is an alias (an alias was read), else `null`:
 * any value can still become one.
 *
 * @example
 * ```ts
 * aliasFate(ALIAS_START); // null
 * ```
 */
export function aliasFate(state: number): true | null {
  return TABLE.absorbing[state] === 1 ? true : null;
}
