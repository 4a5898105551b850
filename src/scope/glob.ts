/**
 * Glob patterns for the `~` and `!~` operators: parsing a pattern into tokens, matching a value
 * in time linear in its length whatever the pattern (no backtracking regular expression, so a
 * hostile pattern or value cannot stall the verifier), the `..` segment rule, and quoting user
 * text so that it matches only itself.
 *
 * Patterns: `*` is any run of code points except `/`, two or more stars in a row (`**`) any run
 * including `/`, `?` exactly one code point except `/`, `\x` the code point `x` itself; every
 * other code point stands for itself. Matching runs the pattern's automaton bit-parallel (one
 * bit per pattern position, "shift-and"), after peeling off the literal prefix and suffix, so
 * typical patterns such as `/home/ana/**` reduce to a `startsWith`.
 */
import { BoundedCache } from '../_lru.js';
import { assertString } from '../_assert.js';
import { ScopeSyntaxError, positionOf } from './errors.js';

/** One element of a parsed glob pattern. */
export type GlobToken =
  | { readonly kind: 'char'; readonly char: string /* one code point */ }
  | { readonly kind: 'star' }
  | { readonly kind: 'globstar' }
  | { readonly kind: 'one' };

const SLASH = 47;
const STAR: GlobToken = Object.freeze({ kind: 'star' });
const GLOBSTAR: GlobToken = Object.freeze({ kind: 'globstar' });
const ONE: GlobToken = Object.freeze({ kind: 'one' });

/**
 * Splits a pattern into tokens. Two or more consecutive unescaped stars are one `globstar`.
 * Throws `ScopeSyntaxError` when the pattern ends with a lone backslash.
 *
 * @example
 * ```ts
 * parseGlob('src/**\/*.ts'); // char s, char r, char c, char /, globstar, char /, star, char ., …
 * parseGlob('a\\*');         // [{ kind: 'char', char: 'a' }, { kind: 'char', char: '*' }]
 * ```
 */
export function parseGlob(pattern: string): readonly GlobToken[] {
  assertString(pattern, 'pattern');
  const tokens: GlobToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const cp = pattern.codePointAt(i) as number;
    const width = cp > 0xffff ? 2 : 1;
    if (cp === 0x5c /* \ */) {
      if (i + 1 >= pattern.length) {
        throw new ScopeSyntaxError('glob pattern ends with a lone "\\"', positionOf(pattern, i), {
          expected: ['a character after "\\"'],
          found: null,
        });
      }
      const next = pattern.codePointAt(i + 1) as number;
      tokens.push({ kind: 'char', char: String.fromCodePoint(next) });
      i += 1 + (next > 0xffff ? 2 : 1);
    } else if (cp === 0x2a /* * */) {
      let run = 0;
      while (pattern.charCodeAt(i) === 0x2a) {
        run++;
        i++;
      }
      tokens.push(run === 1 ? STAR : GLOBSTAR);
    } else if (cp === 0x3f /* ? */) {
      tokens.push(ONE);
      i++;
    } else {
      tokens.push({ kind: 'char', char: String.fromCodePoint(cp) });
      i += width;
    }
  }
  return tokens;
}

/**
 * The canonical pattern text for tokens: the inverse of `parseGlob` (escaping `*`, `?` and `\`
 * in `char` tokens). Adjacent `star`/`globstar` tokens print as one run of stars, which parses
 * back as a single `globstar`.
 *
 * @example
 * ```ts
 * printGlob(parseGlob('a\\*b/**')); // 'a\\*b/**'
 * ```
 */
export function printGlob(tokens: readonly GlobToken[]): string {
  let out = '';
  for (const t of tokens) {
    if (t.kind === 'char')
      out += t.char === '*' || t.char === '?' || t.char === '\\' ? `\\${t.char}` : t.char;
    else if (t.kind === 'star') out += '*';
    else if (t.kind === 'globstar') out += '**';
    else out += '?';
  }
  return out;
}

/**
 * Quotes text so that, used as a glob pattern, it matches exactly that text: `*`, `?` and `\`
 * are escaped. Use it to build a pattern from user input, e.g. a directory plus `/**`.
 *
 * @example
 * ```ts
 * globLiteral('/tmp/a*b');                    // '/tmp/a\\*b'
 * caveat`args.path ~ ${globLiteral(dir) + '/**'}`;
 * ```
 */
export function globLiteral(text: string): string {
  assertString(text, 'text');
  return text.replace(/[*?\\]/g, '\\$&');
}

/**
 * Whether `value`, split on `/`, has a segment that is exactly `..`. Such a value makes both
 * `~` and `!~` undefined, so path traversal can satisfy neither an allow nor a deny pattern.
 *
 * @example
 * ```ts
 * hasDotDotSegment('/repo/../etc'); // true
 * hasDotDotSegment('/repo/a..b');   // false
 * ```
 */
export function hasDotDotSegment(value: string): boolean {
  let at = value.indexOf('..');
  while (at >= 0) {
    const before = at === 0 || value.charCodeAt(at - 1) === SLASH;
    const after = at + 2 === value.length || value.charCodeAt(at + 2) === SLASH;
    if (before && after) return true;
    at = value.indexOf('..', at + 1);
  }
  return false;
}

/** A pattern compiled for repeated matching: `(value) => boolean`. */
export type GlobMatcher = (value: string) => boolean;

const cache = new BoundedCache<string, GlobMatcher>(512);

/**
 * Whether the whole `value` matches the whole pattern (a string, parsed with `parseGlob`, or its
 * tokens). Pure glob matching: the `..` rule is the caller's (see `hasDotDotSegment`). Runs in
 * time linear in `value.length` for every pattern.
 *
 * @example
 * ```ts
 * matchGlob('/repo/**', '/repo/src/a.ts'); // true
 * matchGlob('*.ts', 'src/a.ts');           // false: `*` does not cross `/`
 * ```
 */
export function matchGlob(pattern: string | readonly GlobToken[], value: string): boolean {
  assertString(value, 'value');
  if (typeof pattern === 'string') {
    let matcher = cache.get(pattern);
    if (matcher === undefined) {
      matcher = compileGlob(pattern);
      cache.set(pattern, matcher);
    }
    return matcher(value);
  }
  if (!Array.isArray(pattern))
    throw new TypeError('pattern must be a string or an array of glob tokens');
  return compileGlob(pattern)(value);
}

/**
 * Compiles a pattern once into a matcher, for matching many values.
 *
 * @example
 * ```ts
 * const isSource = compileGlob('src/**\/*.ts');
 * isSource('src/scope/glob.ts'); // true
 * ```
 */
export function compileGlob(pattern: string | readonly GlobToken[]): GlobMatcher {
  const tokens = typeof pattern === 'string' ? parseGlob(pattern) : checkTokens(pattern);
  // Peel the literal prefix and suffix: they are plain string comparisons.
  let start = 0;
  let prefix = '';
  while (start < tokens.length && tokens[start]?.kind === 'char')
    prefix += (tokens[start++] as CharToken).char;
  if (start === tokens.length) return (value) => value === prefix;
  let end = tokens.length;
  let suffix = '';
  while (tokens[end - 1]?.kind === 'char') suffix = (tokens[--end] as CharToken).char + suffix;
  const middle = tokens.slice(start, end);
  const fixed = prefix.length + suffix.length;
  const runMiddle = middleMatcher(middle);
  return (value) => {
    const length = value.length;
    if (length < fixed || !value.startsWith(prefix) || !value.endsWith(suffix)) return false;
    const from = prefix.length;
    const to = length - suffix.length;
    // A literal must not end or begin inside a surrogate pair of the value: matching is by code point.
    if (splitsPair(value, from) || splitsPair(value, to)) return false;
    return runMiddle(value, from, to);
  };
}

type CharToken = Extract<GlobToken, { kind: 'char' }>;
type RangeMatcher = (value: string, from: number, to: number) => boolean;

function checkTokens(tokens: readonly GlobToken[]): readonly GlobToken[] {
  for (const t of tokens) {
    const ok =
      t !== null &&
      typeof t === 'object' &&
      (t.kind === 'star' ||
        t.kind === 'globstar' ||
        t.kind === 'one' ||
        (t.kind === 'char' && typeof t.char === 'string' && [...t.char].length === 1));
    if (!ok)
      throw new TypeError(
        'pattern must be an array of glob tokens (char with one code point, star, globstar, one)',
      );
  }
  return tokens;
}

function splitsPair(value: string, at: number): boolean {
  if (at <= 0 || at >= value.length) return false;
  const before = value.charCodeAt(at - 1);
  const after = value.charCodeAt(at);
  return before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff;
}

/** A matcher for `value[from, to)` against tokens that start and end with a wildcard. */
function middleMatcher(tokens: readonly GlobToken[]): RangeMatcher {
  if (tokens.length === 1 && tokens[0]?.kind === 'globstar') return () => true;
  if (tokens.length === 1 && tokens[0]?.kind === 'star') {
    return (value, from, to) => {
      const slash = value.indexOf('/', from);
      return slash < 0 || slash >= to;
    };
  }
  return tokens.length < 32 ? singleWordMatcher(tokens) : multiWordMatcher(tokens);
}

/**
 * Shift-and over one 32-bit word. Bit i set means "the first i tokens are matched". A star at
 * position i keeps bit i set on any code point but `/` (globstar: on any), a `char` or `?` moves
 * bit i to i + 1, and the epsilon move over a star copies bit i to i + 1.
 */
function singleWordMatcher(tokens: readonly GlobToken[]): RangeMatcher {
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
  const anyStar = starMask | globstarMask;
  const closureSteps = longestStarRun(tokens);
  const close = (s: number): number => {
    for (let k = 0; k < closureSteps; k++) s |= (s & anyStar) << 1;
    return s;
  };
  const initial = close(1);
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
      if (closureSteps === 1) active |= (active & anyStar) << 1;
      else active = close(active);
      if (active === 0) return false;
    }
    return (active & accept) !== 0;
  };
}

/** The same automaton over several words, for long patterns (Int32 words keep V8 on integers). */
function multiWordMatcher(tokens: readonly GlobToken[]): RangeMatcher {
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
  const extraClosures = longestStarRun(tokens) - 1;
  const none = new Int32Array(words);
  const acceptWord = n >>> 5;
  const acceptBit = 1 << (n & 31);

  // Further epsilon passes, needed only for token arrays with adjacent stars.
  const close = (s: Int32Array): void => {
    for (let k = 0; k < extraClosures; k++) {
      let carry = 0;
      for (let w = 0; w < words; w++) {
        const x = (s[w] as number) & (anyStar[w] as number);
        s[w] = (s[w] as number) | (x << 1) | carry;
        carry = x >>> 31;
      }
    }
  };

  return (value, from, to) => {
    let active = new Int32Array(words);
    let next = new Int32Array(words);
    active[0] = 1 | (tokens[0]?.kind === 'star' || tokens[0]?.kind === 'globstar' ? 2 : 0);
    close(active);
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

function longestStarRun(tokens: readonly GlobToken[]): number {
  let longest = 0;
  let run = 0;
  for (const t of tokens) {
    run = t.kind === 'star' || t.kind === 'globstar' ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
