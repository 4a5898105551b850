/**
 * Whether a number literal means exactly the double it is read as. Numbers are IEEE doubles, so
 * `9007199254740993` is read as `9007199254740992`: a caveat `args.account == 9007199254740993`
 * would silently allow the neighbouring account. The parser refuses a literal that lands on an
 * integer it does not spell (fractions such as `0.1` round to a nearby fraction, as everywhere in
 * JSON, and stay allowed), and the printer spells large integers exactly so that the canonical
 * text parses back.
 */

const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** No finite double has more integer digits than this. */
const MAX_DIGITS = 310;

/**
 * Whether the decimal `text` (JSON number syntax) denotes exactly the integer double `value`.
 *
 * @example
 * ```ts
 * spellsInteger('9007199254740992', 9007199254740992); // true
 * spellsInteger('9007199254740993', 9007199254740992); // false
 * spellsInteger('1e21', 1e21);                         // true
 * spellsInteger('0.99999999999999999', 1);             // false
 * ```
 */
export function spellsInteger(text: string, value: number): boolean {
  if (!Number.isInteger(value)) return false;
  if (/^-?\d{1,15}$/.test(text)) return true; // below 2^53: every such integer is exact
  const m = JSON_NUMBER.exec(text);
  if (m === null) return false;
  const fraction = m[3] ?? '';
  let digits = `${m[2] as string}${fraction}`.replace(/^0+/, '');
  if (digits === '') return value === 0;
  const zeros = (/0*$/.exec(digits) as RegExpExecArray)[0].length;
  digits = digits.slice(0, digits.length - zeros);
  const exponent = Number(m[4] ?? '0') - fraction.length + zeros;
  if (exponent < 0 || digits.length + exponent > MAX_DIGITS) return false;
  const magnitude = BigInt(digits) * 10n ** BigInt(exponent);
  return (m[1] === '-' ? -magnitude : magnitude) === BigInt(value);
}

/**
 * The text of an integer double that reads back as exactly that integer: the shortest
 * round-trip form when it is exact (`1e+21`), else every digit (`2 ** 60` is
 * `1152921504606846976`, not `1152921504606847000`).
 *
 * @example
 * ```ts
 * exactIntegerText(2 ** 60); // '1152921504606846976'
 * exactIntegerText(1e21);    // '1e+21'
 * ```
 */
export function exactIntegerText(value: number): string {
  const shortest = String(value);
  return spellsInteger(shortest, value) ? shortest : BigInt(value).toString();
}
