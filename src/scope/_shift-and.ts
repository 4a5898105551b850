/**
 * The automaton behind glob matching: a pattern's positions as bits of one or more 32-bit words
 * ("shift-and"), run over a range of the value one code point at a time, so the time is linear
 * in the range's length whatever the pattern. Position i set means "the first i tokens are
 * matched". Reading a code point keeps the stars' bits (a `*` not on `/`), moves the bits of the
 * tokens it matches one up; epsilon moves then copy a star's bit one up (a star may match
 * nothing) and a skip's bit two up (a whole-segment `**` with its slash may match nothing, see
 * `globSkips`). glob.ts peels the literal prefix and suffix first and calls this on the rest.
 */
import type { GlobToken } from './ast.js';

const SLASH = 47;

/** Whether `value[from, to)` matches. */
export type RangeMatcher = (value: string, from: number, to: number) => boolean;

/** The skips of a pattern (see `globSkips`): those at a `/`, and whether a leading `**` has one. */
export interface Skips {
  readonly slash: readonly number[];
  readonly atStart: boolean;
}

/**
 * A matcher for `value[from, to)` against the tokens between a pattern's peeled prefix and
 * suffix (they start and end with a wildcard or with a `/` of a skip).
 *
 * @example
 * ```ts
 * const m = rangeMatcher(parseGlob('*.ts'), { slash: [], atStart: false });
 * m('src/a.ts', 4, 8); // true: "a.ts"
 * ```
 */
export function rangeMatcher(tokens: readonly GlobToken[], skips: Skips): RangeMatcher {
  if (tokens.length === 1 && tokens[0]?.kind === 'globstar') return () => true;
  if (tokens.length === 1 && tokens[0]?.kind === 'star') {
    return (value, from, to) => {
      const slash = value.indexOf('/', from);
      return slash < 0 || slash >= to;
    };
  }
  if (tokens.length === 2 && skips.slash.length === 1) {
    // `/**` ending the pattern: nothing more, or `/` and anything.
    return (value, from, to) => from === to || value.charCodeAt(from) === SLASH;
  }
  if (tokens.length === 2 && skips.atStart) {
    // `**/` starting it: nothing, or anything ending with `/`.
    return (value, from, to) => from === to || value.charCodeAt(to - 1) === SLASH;
  }
  return tokens.length < 32 ? singleWordMatcher(tokens, skips) : multiWordMatcher(tokens, skips);
}

/**
 * Shift-and over one 32-bit word. Bit i set means "the first i tokens are matched". A star at
 * position i keeps bit i set on any code point but `/` (globstar: on any), a `char` or `?` moves
 * bit i to i + 1, the epsilon move over a star copies bit i to i + 1, and the one over a skip at
 * a `/` bit p to p + 2. A skip at a leading `**` is in the initial state only.
 */
function singleWordMatcher(tokens: readonly GlobToken[], skips: Skips): RangeMatcher {
  const n = tokens.length;
  const ascii = new Int32Array(128);
  const other = new Map<number, number>();
  let starMask = 0;
  let globstarMask = 0;
  let oneMask = 0;
  tokens.forEach((t, i) => {
    const bit = 1 << i;
    if (t.kind === 'star') starMask |= bit;
    else if (t.kind === 'globstar') globstarMask |= bit;
    else if (t.kind === 'one') oneMask |= bit;
    else {
      const cp = t.char.codePointAt(0) as number;
      if (cp < 128) ascii[cp] = (ascii[cp] as number) | bit;
      else other.set(cp, (other.get(cp) ?? 0) | bit);
    }
  });
  let skipMask = 0;
  for (const p of skips.slash) skipMask |= 1 << p;
  const anyStar = starMask | globstarMask;
  const closureSteps = epsilonSteps(tokens, skips.slash);
  const close = (s: number): number => {
    for (let k = 0; k < closureSteps; k++) s |= ((s & anyStar) << 1) | ((s & skipMask) << 2);
    return s;
  };
  const oneStep = closureSteps === 1 && skipMask === 0;
  const initial = close(skips.atStart ? 0b101 : 1);
  const accept = 1 << n;
  return (value, from, to) => {
    let active = initial;
    for (let i = from; i < to;) {
      let cp = value.charCodeAt(i++);
      if (cp >= 0xd800 && cp <= 0xdbff && i < to) {
        const low = value.charCodeAt(i);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      const chars = cp < 128 ? (ascii[cp] as number) : (other.get(cp) ?? 0);
      const stay = cp === SLASH ? globstarMask : anyStar;
      const move = cp === SLASH ? chars : chars | oneMask;
      active = (active & stay) | ((active & move) << 1);
      if (oneStep) active |= (active & anyStar) << 1;
      else active = close(active);
      if (active === 0) return false;
    }
    return (active & accept) !== 0;
  };
}

/** The same automaton over several words, for long patterns (Int32 words keep V8 on integers). */
function multiWordMatcher(tokens: readonly GlobToken[], skips: Skips): RangeMatcher {
  const n = tokens.length;
  const words = (n >>> 5) + 1;
  const ascii = new Int32Array(128 * words);
  const other = new Map<number, Int32Array>();
  const anyStar = new Int32Array(words);
  const globstar = new Int32Array(words);
  const oneMask = new Int32Array(words);
  tokens.forEach((t, i) => {
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    if (t.kind === 'star') anyStar[w] = (anyStar[w] as number) | bit;
    else if (t.kind === 'globstar') {
      anyStar[w] = (anyStar[w] as number) | bit;
      globstar[w] = (globstar[w] as number) | bit;
    } else if (t.kind === 'one') oneMask[w] = (oneMask[w] as number) | bit;
    else {
      const cp = t.char.codePointAt(0) as number;
      if (cp < 128) ascii[cp * words + w] = (ascii[cp * words + w] as number) | bit;
      else {
        let mask = other.get(cp);
        if (mask === undefined) other.set(cp, (mask = new Int32Array(words)));
        mask[w] = (mask[w] as number) | bit;
      }
    }
  });
  const skip = new Int32Array(words);
  for (const p of skips.slash) skip[p >>> 5] = (skip[p >>> 5] as number) | (1 << (p & 31));
  // The loop below makes one epsilon move over stars; skips, and runs of adjacent star tokens,
  // need further passes.
  const extraClosures = epsilonSteps(tokens, skips.slash) - (skips.slash.length === 0 ? 1 : 0);
  const none = new Int32Array(words);
  const acceptWord = n >>> 5;
  const acceptBit = 1 << (n & 31);

  const close = (s: Int32Array): void => {
    for (let k = 0; k < extraClosures; k++) {
      let carry = 0;
      let skipCarry = 0;
      for (let w = 0; w < words; w++) {
        const x = (s[w] as number) & (anyStar[w] as number);
        const y = (s[w] as number) & (skip[w] as number);
        s[w] = (s[w] as number) | (x << 1) | carry | (y << 2) | skipCarry;
        carry = x >>> 31;
        skipCarry = y >>> 30;
      }
    }
  };

  // The initial state: position 0 (and 2 past a leading skip), closed in one forward pass, since
  // every epsilon move goes forward.
  const initial = new Int32Array(words);
  const slashSkips = new Set(skips.slash);
  const set = (i: number) => (initial[i >>> 5] = (initial[i >>> 5] as number) | (1 << (i & 31)));
  const has = (i: number) => ((initial[i >>> 5] as number) & (1 << (i & 31))) !== 0;
  set(0);
  if (skips.atStart) set(2);
  for (let i = 0; i < n; i++) {
    if (!has(i)) continue;
    const kind = tokens[i]?.kind;
    if (kind === 'star' || kind === 'globstar') set(i + 1);
    if (slashSkips.has(i)) set(i + 2);
  }

  return (value, from, to) => {
    let active = initial.slice();
    let next = new Int32Array(words);
    for (let i = from; i < to;) {
      let cp = value.charCodeAt(i++);
      if (cp >= 0xd800 && cp <= 0xdbff && i < to) {
        const low = value.charCodeAt(i);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
          i++;
        }
      }
      const base = cp < 128 ? cp * words : 0;
      const chars = cp < 128 ? ascii : (other.get(cp) ?? none);
      const stays = cp === SLASH ? globstar : anyStar;
      const ones = cp === SLASH ? 0 : -1;
      let moveCarry = 0;
      let closeCarry = 0;
      let any = 0;
      for (let w = 0; w < words; w++) {
        const a = active[w] as number;
        const move = a & ((chars[base + w] as number) | ((oneMask[w] as number) & ones));
        let word = (a & (stays[w] as number)) | (move << 1) | moveCarry;
        moveCarry = move >>> 31;
        const eps = word & (anyStar[w] as number);
        word |= (eps << 1) | closeCarry;
        closeCarry = eps >>> 31;
        next[w] = word;
        any |= word;
      }
      if (any === 0) return false;
      close(next);
      [active, next] = [next, active];
    }
    return ((active[acceptWord] as number) & acceptBit) !== 0;
  };
}

/** The longest chain of epsilon moves (over a star: +1, over a skip: +2) in the position automaton. */
function epsilonSteps(tokens: readonly GlobToken[], skips: readonly number[]): number {
  const n = tokens.length;
  const skipAt = new Set(skips);
  const chain = new Array<number>(n + 2).fill(0);
  let longest = 0;
  for (let i = n - 1; i >= 0; i--) {
    const kind = tokens[i]?.kind;
    const overStar = kind === 'star' || kind === 'globstar' ? 1 + (chain[i + 1] as number) : 0;
    const overSkip = skipAt.has(i) ? 1 + (chain[i + 2] as number) : 0;
    chain[i] = Math.max(overStar, overSkip);
    if ((chain[i] as number) > longest) longest = chain[i] as number;
  }
  return longest;
}
