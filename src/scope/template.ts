/**
 * Building caveat text from values without string concatenation. The tagged template `caveat`
 * writes every interpolated value as a DSL literal (strings as JSON strings, so quotes and
 * backslashes in user input cannot end the string or inject an operator), then parses the whole
 * text so that a mistake in the template fails where it is written, not later in a verifier.
 */
import type { ScopeOptions } from './limits.js';
import { formatInstant, isInstantMs } from './instant.js';
import { parseCaveat } from './parse.js';
import { printNumber } from './print.js';

/**
 * A tagged template for caveat text. Interpolated values become literals: a string becomes a
 * JSON string, a number (finite) a number, a boolean or `null` itself, a `Date` an instant, an
 * array a list `[…]` of such values. Anything else is a `TypeError`; a non-finite number, an
 * integer beyond `Number.MAX_SAFE_INTEGER` in size, or an invalid or out-of-range date a
 * `RangeError`. The template's own text is DSL source as written (raw: `\` is not a JavaScript
 * escape there). The result is parsed before it is returned, so a malformed template throws
 * `ScopeSyntaxError`.
 *
 * Inside a glob pattern, pass user text through `globLiteral` so that its `*` and `?` match
 * only themselves.
 *
 * @example
 * ```ts
 * caveat`tool == ${toolName} and args.amount <= ${limit}`;  // 'tool == "bank.transfer" and args.amount <= 100'
 * caveat`args.path ~ ${globLiteral(dir) + '/**'} and time < ${deadline}`;
 * caveat`tool in ${['fs.read', 'fs.list']}`;                 // 'tool in ["fs.read", "fs.list"]'
 * ```
 */
export function caveat(strings: TemplateStringsArray, ...values: unknown[]): string {
  return scopeTemplate(strings, values, undefined);
}

/**
 * `caveat` with options: the text is validated under `options.limits`.
 *
 * @example
 * ```ts
 * caveatWith({ limits: { maxListLength: 5000 } })`tool in ${manyTools}`;
 * ```
 */
export function caveatWith(
  options: ScopeOptions,
): (strings: TemplateStringsArray, ...values: unknown[]) => string {
  return (strings, ...values) => scopeTemplate(strings, values, options);
}

function scopeTemplate(
  strings: TemplateStringsArray,
  values: readonly unknown[],
  options: ScopeOptions | undefined,
): string {
  if (!Array.isArray(strings) || !Array.isArray((strings as { raw?: unknown }).raw)) {
    throw new TypeError('caveat must be used as a tagged template: caveat`…`');
  }
  let text = strings.raw[0] ?? '';
  values.forEach((value, i) => {
    text += quoteValue(value, `values[${i}]`) + (strings.raw[i + 1] ?? '');
  });
  parseCaveat(text, options);
  return text;
}

/**
 * The DSL literal for one value, as `caveat` writes it.
 *
 * @example
 * ```ts
 * quoteValue('say "hi"'); // '"say \\"hi\\""'
 * quoteValue(new Date(0)); // '1970-01-01T00:00:00Z'
 * ```
 */
export function quoteValue(value: unknown, name = 'value'): string {
  if (Array.isArray(value)) {
    return `[${value.map((item, i) => quoteScalar(item, `${name}[${i}]`)).join(', ')}]`;
  }
  return quoteScalar(value, name);
}

function quoteScalar(value: unknown, name: string): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value))
        throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
      // An integer beyond 2^53 may already be a rounded neighbour of the one meant (JSON.parse
      // of an account number does that): refuse it rather than write the neighbour.
      if (Number.isInteger(value) && !Number.isSafeInteger(value))
        throw new RangeError(
          `${name} must be a safe integer (within ±9007199254740991) or a fraction, got ${printNumber(value)}: a larger integer may already have been rounded`,
        );
      return printNumber(value);
    case 'boolean':
      return String(value);
    default:
      if (value === null) return 'null';
      if (value instanceof Date) {
        const ms = value.getTime();
        if (!isInstantMs(ms))
          throw new RangeError(`${name} must be a valid Date in years 0000–9999`);
        return formatInstant(ms);
      }
      throw new TypeError(
        `${name} cannot be written in a caveat: use a string, number, boolean, null, Date or an array of those, got ${
          Array.isArray(value) ? 'a nested array' : typeof value
        }`,
      );
  }
}
