/**
 * Everything the CLI prints goes through here, so that every command behaves the same way:
 * results on stdout (human text, or one JSON document with `--json`), notes and errors on stderr,
 * colours only when the stream is a terminal and `NO_COLOR` is unset, errors as one clear line
 * (plus the caret excerpt of a DSL syntax error) and never a stack trace, and the documented exit
 * codes: 0 success or allowed, 1 error, 3 denied, 4 pending.
 *
 * Human text is made inert here, as it is written, rather than at each place that puts a value
 * into a line: agent-written text (reasons, principal names, caveats, arguments) reaches every
 * line some way or other, and one forgotten call would let `ESC[8m` hide the line a grantor
 * relies on. So the styles below do not write ESC: they write an unforgeable per-process marker
 * that `render` turns into ESC after escaping every control and format character in the text
 * around it. Only the CLI's own styles can colour the screen; nothing else can move the cursor,
 * start a line, reorder text (bidi) or hide it.
 */
import { randomBytes } from 'node:crypto';
import { MandateError } from '../errors.js';
import { UNSAFE_TEXT, inertText } from '../_visible-text.js';

/**
 * Stands for ESC in styled text until `render` writes it. Random per process, so text written
 * by anyone else (an agent's reason, a caveat in a token) cannot contain it.
 */
const MARK = `\u0000${randomBytes(12).toString('hex')}\u0000`;

/** A colour code as `createStyle` writes it. */
const STYLE_CODE = new RegExp(`${MARK}\\[\\d+m`, 'g');

/** The exit codes, documented in docs/cli.md. */
export const EXIT = { ok: 0, error: 1, denied: 3, pending: 4 } as const;

/** One of the documented exit codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Where output goes; `process.stdout`/`process.stderr` fit, and so does a test buffer. */
export interface Sink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Text decorations that are no-ops when colour is off. */
export interface Style {
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
  readonly red: (text: string) => string;
  readonly green: (text: string) => string;
  readonly yellow: (text: string) => string;
  readonly cyan: (text: string) => string;
  readonly magenta: (text: string) => string;
}

/**
 * Whether to colour a stream: only a terminal, and never when `NO_COLOR` is set to a non-empty
 * value (https://no-color.org) or `TERM` is `dumb`.
 *
 * @example
 * ```ts
 * colorEnabled(process.stdout, process.env); // false when piped
 * ```
 */
export function colorEnabled(stream: Sink, env: NodeJS.ProcessEnv): boolean {
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return stream.isTTY === true;
}

/**
 * ANSI styles, or identity functions when `enabled` is false. A styled string carries markers,
 * not ESC: write it through `Output` (or `render`), which turns them into colours.
 *
 * @example
 * ```ts
 * const s = createStyle(false);
 * s.red('denied'); // "denied"
 * ```
 */
export function createStyle(enabled: boolean): Style {
  const wrap = (open: number, close: number) =>
    enabled ? (text: string) => `${MARK}[${open}m${text}${MARK}[${close}m` : (text: string) => text;
  return {
    bold: wrap(1, 22),
    dim: wrap(2, 22),
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    magenta: wrap(35, 39),
  };
}

/**
 * The width a string takes once rendered: colours take none, an escaped character its escape.
 *
 * @example
 * ```ts
 * visibleLength(createStyle(true).red('denied')); // 6
 * visibleLength('a\u202eb'); // 10: a\u{202e}b
 * ```
 */
export function visibleLength(text: string): number {
  return [...inert(text).replace(STYLE_CODE, '')].length;
}

/**
 * A token shortened for display: the first characters and the length. The end of a v2 token
 * is its signature, so it is never shown.
 *
 * @example
 * ```ts
 * abbreviateToken(token); // "AgEJbWFuZGF0ZQ…(412 chars)"
 * ```
 */
export function abbreviateToken(token: string, keep = 14): string {
  return token.length <= keep ? '…' : `${token.slice(0, keep)}…(${token.length} chars)`;
}

/**
 * Text an agent wrote (a reason, a principal name, tool arguments, a caveat) made inert for a
 * terminal: every control character is shown as a `\xNN` escape and every other format or
 * separator character as `\u{…}`, so that it can neither move the cursor, recolour or hide
 * text, start a line that looks like the CLI's own, nor reorder what a person reads (U+202E).
 * Everything else is printed as is (the rule of `_visible-text.ts`, which the browser console
 * shares). `Output` applies it to every line it writes; the CLI's own colours (from
 * `createStyle`) survive it.
 *
 * @example
 * ```ts
 * inert('pay rent\u001b[2J'); // 'pay rent\\x1b[2J'
 * inert('evil\u202etxt.exe'); // 'evil\\u{202e}txt.exe'
 * ```
 */
export function inert(text: string): string {
  return text
    .split(MARK)
    .map((part) => inertText(part))
    .join(MARK);
}

/**
 * `value` as one line of JSON that is inert on a terminal too: every character `inert` would
 * escape is written as a JSON `\\u` escape, so the line parses back to exactly `value`.
 *
 * @example
 * ```ts
 * jsonLine({ caller: 'evil\u202etxt' }); // '{"caller":"evil\\u202etxt"}'
 * ```
 */
export function jsonLine(value: unknown): string {
  // Per UTF-16 code unit: an astral format character becomes its surrogate pair's escapes.
  return JSON.stringify(value).replace(UNSAFE_TEXT, (c) =>
    Array.from(
      { length: c.length },
      (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`,
    ).join(''),
  );
}

/**
 * A line as it is written to a person's terminal: `inert`, then the CLI's own colour markers
 * turned into ESC.
 *
 * @example
 * ```ts
 * stream.write(`${render(createStyle(true).red('denied: ') + reason)}\n`);
 * ```
 */
export function render(text: string): string {
  return inert(text).split(MARK).join('\u001b');
}

/** Options of an `Output`. */
export interface OutputOptions {
  readonly json: boolean;
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * The printer shared by every command.
 *
 * @example
 * ```ts
 * const out = new Output({ json: false, stdout: process.stdout, stderr: process.stderr, env: process.env });
 * out.heading('Keys');
 * out.line(out.style.green('allowed'));
 * ```
 */
export class Output {
  readonly json: boolean;
  /** Styles for stdout. */
  readonly style: Style;
  /** Styles for stderr (it may be a terminal when stdout is piped, or not). */
  readonly errStyle: Style;
  readonly #stdout: Sink;
  readonly #stderr: Sink;
  readonly #debug: boolean;

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.#stdout = options.stdout;
    this.#stderr = options.stderr;
    this.style = createStyle(!options.json && colorEnabled(options.stdout, options.env));
    this.errStyle = createStyle(!options.json && colorEnabled(options.stderr, options.env));
    this.#debug = options.env['MANDATE_DEBUG'] === '1';
  }

  /**
   * A line of human output on stdout (nothing in JSON mode), rendered inert: a newline inside
   * `text` is shown as `\x0a`, never started.
   */
  line(text = ''): void {
    if (!this.json) this.#stdout.write(`${render(text)}\n`);
  }

  /** A section heading on stdout. */
  heading(text: string): void {
    this.line(this.style.bold(text));
  }

  /** `label: value` lines, labels aligned. */
  fields(rows: ReadonlyArray<readonly [string, string]>, indent = ''): void {
    const width = Math.max(0, ...rows.map(([label]) => label.length));
    for (const [label, value] of rows)
      this.line(`${indent}${this.style.dim(`${label}:`.padEnd(width + 1))} ${value}`);
  }

  /** A table with a dim header row; columns padded to their widest cell. */
  table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>, indent = ''): void {
    const widths = headers.map((h, i) =>
      Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))),
    );
    const row = (cells: readonly string[]) =>
      cells
        .map((cell, i) =>
          i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)),
        )
        .join('  ')
        .trimEnd();
    this.line(indent + this.style.dim(row(headers)));
    for (const cells of rows) this.line(indent + row(cells));
  }

  /**
   * A line for a person on stderr (nothing in JSON mode), so that stdout stays capturable;
   * rendered inert like `line`.
   */
  note(text: string): void {
    if (!this.json) this.#stderr.write(`${render(text)}\n`);
  }

  /**
   * Text on stdout in both modes, exactly as given: a token or an id printed for `$(…)` capture,
   * which the CLI made itself (base64url, `req_<hex>`) and a script must get byte for byte.
   */
  raw(text: string): void {
    this.#stdout.write(`${text}\n`);
  }

  /** The command's JSON document on stdout (JSON mode only). */
  data(value: unknown): void {
    if (this.json) this.#stdout.write(`${JSON.stringify(value, jsonReplacer, 2)}\n`);
  }

  /**
   * Reports a failure and returns exit code 1. A `MandateError` prints as one line with its
   * code (and a DSL syntax error's caret excerpt), or as `{"error": toJSON()}` with `--json`;
   * an argument error (`TypeError`/`RangeError` from the library's checks) as one line; anything
   * else as one line too, with the stack only when `MANDATE_DEBUG=1`.
   */
  error(err: unknown): ExitCode {
    const body = errorBody(err);
    if (this.json) {
      this.#stderr.write(`${JSON.stringify({ error: body }, jsonReplacer)}\n`);
    } else {
      const s = this.errStyle;
      const [first, ...rest] = String(body['message']).split('\n');
      this.#stderr.write(
        `${render(`${s.red('error:')} ${first ?? ''} ${s.dim(`(${String(body['code'])})`)}`)}\n`,
      );
      const excerpt = rest.length > 0 ? rest : caretExcerpt(err)?.split('\n');
      for (const line of excerpt ?? []) this.#stderr.write(`    ${render(line)}\n`);
    }
    if (this.#debug && err instanceof Error && err.stack !== undefined)
      for (const line of err.stack.split('\n')) this.#stderr.write(`${render(line)}\n`);
    return EXIT.error;
  }
}

/**
 * The JSON body of any thrown value: a `MandateError`'s `toJSON()`, or a code and message.
 *
 * @example
 * ```ts
 * errorBody(new RangeError('options.to is reserved')); // { code: 'ERR_CLI_BAD_INPUT', message: … }
 * ```
 */
export function errorBody(err: unknown): Record<string, unknown> {
  if (err instanceof MandateError) return err.toJSON();
  if (err instanceof TypeError || err instanceof RangeError) {
    return { code: 'ERR_CLI_BAD_INPUT', message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'ERR_CLI_UNEXPECTED', message: `unexpected failure: ${message}` };
}

/**
 * The caret excerpt of a DSL syntax error, found on the error or along its `cause` chain (the
 * delegation layer wraps the scope layer's `ScopeSyntaxError`, which carries it as `excerpt`).
 */
function caretExcerpt(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const excerpt = (e as { excerpt?: unknown }).excerpt;
    if (typeof excerpt === 'string' && excerpt !== '') return excerpt;
  }
  return undefined;
}

/**
 * `JSON.stringify` replacer: bytes never (they would be keys or signatures), bigints as
 * strings (dates are already ISO strings by then).
 *
 * @example
 * ```ts
 * JSON.stringify(value, jsonReplacer, 2);
 * ```
 */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return undefined;
  if (typeof value === 'bigint') return value.toString();
  return value;
}
