/**
 * The errors the scope DSL throws for bad caveat text: a syntax error (with the position, what
 * was expected and a caret excerpt), a type error (a well-formed comparison that can never make
 * sense, such as `time == "noon"`), and a limit error (input larger than the configured limits).
 * Every one is a `MandateError` with a stable `code`, so callers can `switch (err.code)` and the
 * CLI and server can print `toJSON()` as it is. Peggy's own error never escapes the parser: it
 * becomes the `cause` of a `ScopeSyntaxError`.
 */
import { MandateError, type ScopeErrorCode } from '../errors.js';

/** Where in the caveat text something went wrong, and how to show it. */
export interface SourcePosition {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
  /** 0-based offset into the text, in UTF-16 code units. */
  readonly offset: number;
  /** The offending line and a caret under the column, e.g. `args.x >> 1\n       ^`. */
  readonly excerpt: string;
}

/** What a syntax error reports beyond its position. */
export interface SyntaxErrorDetails {
  /** What the parser would have accepted at that point, e.g. `["==", "in", "~"]`. */
  readonly expected: readonly string[];
  /** What it found instead (a short quote), or `null` at the end of the text. */
  readonly found: string | null;
}

/**
 * The caveat text is not a statement of the scope language.
 *
 * @example
 * ```ts
 * try { parseCaveat('args.amount => 5'); } catch (err) {
 *   if (err instanceof ScopeSyntaxError) console.log(err.line, err.column, err.expected);
 * }
 * ```
 */
export class ScopeSyntaxError extends MandateError {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  readonly expected: readonly string[];
  readonly found: string | null;
  readonly excerpt: string;

  constructor(
    summary: string,
    position: SourcePosition,
    details: SyntaxErrorDetails,
    options?: { cause?: unknown; code?: ScopeErrorCode },
  ) {
    super(
      options?.code ?? 'ERR_SCOPE_SYNTAX',
      `${summary} (line ${position.line}, column ${position.column})\n${position.excerpt}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.line = position.line;
    this.column = position.column;
    this.offset = position.offset;
    this.expected = details.expected;
    this.found = details.found;
    this.excerpt = position.excerpt;
  }

  protected override details(): Record<string, unknown> {
    return {
      line: this.line,
      column: this.column,
      offset: this.offset,
      expected: this.expected,
      found: this.found,
      excerpt: this.excerpt,
    };
  }
}

/**
 * A comparison that is well formed but ill typed, e.g. `time == "noon"`, `tool < 3` or
 * `args.path ~ 5`. A subclass of `ScopeSyntaxError`, so one `catch` handles both.
 *
 * @example
 * ```ts
 * try { parseCaveat('tool == 3'); } catch (err) {
 *   if (err instanceof ScopeSyntaxError && err.code === 'ERR_SCOPE_TYPE') console.log(err.message);
 * }
 * ```
 */
export class ScopeTypeError extends ScopeSyntaxError {
  constructor(summary: string, position: SourcePosition, options?: { cause?: unknown }) {
    super(summary, position, { expected: [], found: null }, { ...options, code: 'ERR_SCOPE_TYPE' });
  }
}

/**
 * The caveat exceeds one of the scope limits (`DEFAULT_SCOPE_LIMITS` or the caller's own).
 * `limit` names the limit, `max` its value and `actual` what the input needed (at least).
 *
 * @example
 * ```ts
 * try { parseCaveat(text, { limits: { maxDepth: 4 } }); } catch (err) {
 *   if (err instanceof ScopeLimitError) console.log(err.limit, err.max, err.actual);
 * }
 * ```
 */
export class ScopeLimitError extends MandateError {
  readonly limit: string;
  readonly max: number;
  readonly actual: number;
  readonly line: number | undefined;
  readonly column: number | undefined;

  constructor(limit: string, max: number, actual: number, what: string, position?: SourcePosition) {
    super(
      'ERR_SCOPE_LIMIT',
      `${what} exceeds the limit ${limit} = ${max}` +
        (position === undefined ? '' : ` (line ${position.line}, column ${position.column})`),
    );
    this.limit = limit;
    this.max = max;
    this.actual = actual;
    this.line = position?.line;
    this.column = position?.column;
  }

  protected override details(): Record<string, unknown> {
    return {
      limit: this.limit,
      max: this.max,
      actual: this.actual,
      line: this.line,
      column: this.column,
    };
  }
}

const EXCERPT_WIDTH = 72;

/**
 * The line, column and caret excerpt of `offset` in `text`.
 *
 * @example
 * ```ts
 * positionOf('a\nbc', 3); // { line: 2, column: 2, offset: 3, excerpt: 'bc\n ^' }
 * ```
 */
export function positionOf(text: string, offset: number): SourcePosition {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = text.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = text.length;
  const column = at - lineStart + 1;
  // Long lines are cut to a window around the column, so the excerpt stays one readable line.
  let from = lineStart;
  let to = lineEnd;
  if (to - from > EXCERPT_WIDTH) {
    from = Math.max(lineStart, at - EXCERPT_WIDTH / 2);
    to = Math.min(lineEnd, from + EXCERPT_WIDTH);
  }
  const prefix = from > lineStart ? '…' : '';
  const suffix = to < lineEnd ? '…' : '';
  const source = prefix + text.slice(from, to).replace(/[\t\r]/g, ' ') + suffix;
  const caret = ' '.repeat(prefix.length + at - from) + '^';
  return { line, column, offset: at, excerpt: `${source}\n${caret}` };
}
