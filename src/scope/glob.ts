/**
 * Glob patterns for the `~` and `!~` operators: parsing a pattern into tokens, matching a value
 * in time linear in its length whatever the pattern (no backtracking regular expression, so a
 * hostile pattern or value cannot stall the verifier), and quoting user text so that it matches
 * only itself. Which values the operators judge at all is path-alias.ts's rule.
 *
 * Patterns: `*` is any run of code points except `/`, two or more stars in a row (`**`) any run
 * including `/`, `?` exactly one code point except `/`, `\x` the code point `x` itself; every
 * other code point stands for itself. A `**` that is a whole segment (between slashes, or at an
 * end of the pattern next to one) may also match no segment at all, taking one of its slashes
 * with it, as in other glob tools: `a/**` matches `a`, `a/**\/b` matches `a/b`, `**\/b` matches
 * `b`. Matching peels off the literal prefix and suffix (so typical patterns such as
 * `/home/ana/**` reduce to a `startsWith` and a look at one character), refuses a long value that
 * lacks one of the pattern's literals with `indexOf`, and runs the rest through the pattern's
 * bit-parallel automaton (_shift-and.ts).
 */
import { BoundedCache } from '../_lru.js';
import { assertString } from '../_assert.js';
import type { GlobToken } from './ast.js';
import { ScopeSyntaxError, positionOf } from './errors.js';
import { rangeMatcher } from './_shift-and.js';

export type { GlobToken } from './ast.js';

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
 * Where a `**` that is a whole segment may match no segment: each position `p` returned means
 * tokens `p` and `p + 1` may be skipped together. At a `/` followed by its `**` (`a/**`, skip at
 * 1, matches `a`) the skip may be taken whenever matching reaches the `/`; at a leading `**`
 * followed by its `/` (`**\/b`, skip at 0, matches `b`) only before anything is read, since
 * the `**` may be read as well.
 *
 * @example
 * ```ts
 * globSkips(parseGlob('a/**\/b')); // [1]
 * globSkips(parseGlob('a**'));     // []
 * ```
 */
export function globSkips(tokens: readonly GlobToken[]): readonly number[] {
  const skips: number[] = [];
  const last = tokens.length - 1;
  for (let j = 0; j <= last; j++) {
    if (tokens[j]?.kind !== 'globstar') continue;
    const left = isSlash(tokens[j - 1]);
    const right = isSlash(tokens[j + 1]);
    if ((left || j === 0) && (right || j === last)) {
      if (left) skips.push(j - 1);
      else if (right) skips.push(j);
    }
  }
  return skips;
}

function isSlash(t: GlobToken | undefined): boolean {
  return t !== undefined && t.kind === 'char' && t.char === '/';
}

/** A pattern compiled for repeated matching: `(value) => boolean`. */
export type GlobMatcher = (value: string) => boolean;

const cache = new BoundedCache<string, GlobMatcher>(512);

/**
 * Whether the whole `value` matches the whole pattern (a string, parsed with `parseGlob`, or its
 * tokens). Pure glob matching: the path-alias rule is the caller's (see `hasPathAlias`). Runs in
 * time linear in `value.length` for every pattern.
 *
 * @example
 * ```ts
 * matchGlob('/repo/**', '/repo/src/a.ts'); // true
 * matchGlob('*.ts', 'src/a.ts');           // false: `*` does not cross `/`
 * matchGlob('/repo/**', '/repo');          // true: a whole-segment `**` may match no segment
 * ```
 */
export function matchGlob(pattern: string | readonly GlobToken[], value: string): boolean {
  assertString(value, 'value');
  if (typeof pattern !== 'string' && !Array.isArray(pattern))
    throw new TypeError('pattern must be a string or an array of glob tokens');
  return compileGlob(pattern)(value);
}

/**
 * Compiles a pattern once into a matcher, for matching many values. Matchers of pattern strings
 * are shared through a bounded cache, so every caveat (and every explanation of a denial) that
 * uses a pattern reuses one matcher.
 *
 * @example
 * ```ts
 * const isSource = compileGlob('src/**\/*.ts');
 * isSource('src/scope/glob.ts'); // true
 * ```
 */
export function compileGlob(pattern: string | readonly GlobToken[]): GlobMatcher {
  if (typeof pattern !== 'string') return buildMatcher(checkTokens(pattern));
  let matcher = cache.get(pattern);
  if (matcher === undefined) {
    matcher = buildMatcher(parseGlob(pattern));
    cache.set(pattern, matcher);
  }
  return matcher;
}

function buildMatcher(tokens: readonly GlobToken[]): GlobMatcher {
  const skips = globSkips(tokens);
  const skippable = new Set(skips.flatMap((p) => [p, p + 1]));
  const fixed = (i: number) => tokens[i]?.kind === 'char' && !skippable.has(i);
  // Peel the literal prefix and suffix: they are plain string comparisons.
  let start = 0;
  let prefix = '';
  while (start < tokens.length && fixed(start)) prefix += (tokens[start++] as CharToken).char;
  if (start === tokens.length) return (value) => value === prefix;
  let end = tokens.length;
  let suffix = '';
  while (end > start && fixed(end - 1)) suffix = (tokens[--end] as CharToken).char + suffix;
  const middle = tokens.slice(start, end);
  const fixedLength = prefix.length + suffix.length;
  // A leading `**` is never peeled, so a skip at it stays at position 0 of the middle.
  const runMiddle = rangeMatcher(middle, {
    slash: skips.filter((p) => isSlash(tokens[p])).map((p) => p - start),
    atStart: skips.includes(0) && !isSlash(tokens[0]),
  });
  const literals = literalRuns(tokens, start, end, skippable);
  return (value) => {
    const length = value.length;
    if (length < fixedLength || !value.startsWith(prefix) || !value.endsWith(suffix)) return false;
    const from = prefix.length;
    const to = length - suffix.length;
    // A literal must not end or begin inside a surrogate pair of the value: matching is by code point.
    if (splitsPair(value, from) || splitsPair(value, to)) return false;
    if (to - from > LONG && !hasInOrder(value, from, to, literals)) return false;
    return runMiddle(value, from, to);
  };
}

/** Above this many code units, a value is first searched for the pattern's literals. */
const LONG = 256;

/** The runs of literal characters in `tokens[start, end)` that every match must contain, in order. */
function literalRuns(
  tokens: readonly GlobToken[],
  start: number,
  end: number,
  skippable: ReadonlySet<number>,
): readonly string[] {
  const runs: string[] = [];
  let run = '';
  for (let i = start; i < end; i++) {
    const t = tokens[i] as GlobToken;
    if (t.kind === 'char' && !skippable.has(i)) run += t.char;
    else if (run !== '') {
      runs.push(run);
      run = '';
    }
  }
  if (run !== '') runs.push(run);
  return runs;
}

/**
 * Whether `literals` occur in `value[from, to)` in order without overlapping: a necessary
 * condition for a match, found by `indexOf` (far faster than the automaton), so that a long value
 * that lacks a literal of the pattern is refused without running it. Leftmost occurrences are
 * enough: if any placement exists, the leftmost ones end no later.
 */
function hasInOrder(value: string, from: number, to: number, literals: readonly string[]): boolean {
  let at = from;
  for (const literal of literals) {
    const found = value.indexOf(literal, at);
    if (found < 0 || found + literal.length > to) return false;
    at = found + literal.length;
  }
  return true;
}

type CharToken = Extract<GlobToken, { kind: 'char' }>;

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
