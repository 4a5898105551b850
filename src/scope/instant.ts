/**
 * Instants of the scope DSL: the one text form `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` (RFC 3339, UTC,
 * at most millisecond precision, years 0000–9999), read into milliseconds since the Unix epoch and
 * printed back canonically. Both the parser (instant literals) and the evaluator (an `args`
 * string compared with an instant literal) read instants here, so they accept exactly the same
 * strings. Dates are computed by arithmetic, not `Date.UTC`, which maps years 0–99 to 1900–1999.
 */

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;
const DAY_MS = 86_400_000;

/** The earliest and latest instants the DSL can write: 0000-01-01T00:00:00Z … 9999-12-31T23:59:59.999Z. */
export const MIN_INSTANT_MS = daysFromCivil(0, 1, 1) * DAY_MS;
export const MAX_INSTANT_MS = daysFromCivil(9999, 12, 31) * DAY_MS + DAY_MS - 1;

/**
 * Milliseconds since the epoch for an instant in the DSL's form, or `undefined` when `text` is
 * not exactly that form or names no real date and time (e.g. February 30, hour 24, second 60).
 *
 * @example
 * ```ts
 * readInstant('1970-01-01T00:00:01.5Z'); // 1500
 * readInstant('2026-02-30T00:00:00Z');  // undefined
 * ```
 */
export function readInstant(text: string): number | undefined {
  if (text.length < 20 || text.length > 24) return undefined;
  const m = INSTANT.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
  return (
    daysFromCivil(year, month, day) * DAY_MS +
    ((hour * 60 + minute) * 60 + second) * 1000 +
    fraction
  );
}

/**
 * The canonical text of an instant: `YYYY-MM-DDTHH:MM:SSZ`, with `.fff` when the milliseconds
 * are not zero. `ms` must be an integer between `MIN_INSTANT_MS` and `MAX_INSTANT_MS`.
 *
 * @example
 * ```ts
 * formatInstant(1500); // '1970-01-01T00:00:01.500Z'
 * ```
 */
export function formatInstant(ms: number): string {
  if (!isInstantMs(ms))
    throw new RangeError(
      `instant must be an integer number of milliseconds in years 0000–9999, got ${String(ms)}`,
    );
  const days = Math.floor(ms / DAY_MS);
  let rest = ms - days * DAY_MS;
  const [year, month, day] = civilFromDays(days);
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  const milli = rest - second * 1000;
  const fraction = milli === 0 ? '' : `.${pad(milli, 3)}`;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}T${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${fraction}Z`;
}

/**
 * Whether `ms` is an instant the DSL can write.
 *
 * @example
 * ```ts
 * isInstantMs(0);   // true
 * isInstantMs(0.5); // false
 * ```
 */
export function isInstantMs(ms: unknown): ms is number {
  return (
    typeof ms === 'number' && Number.isInteger(ms) && ms >= MIN_INSTANT_MS && ms <= MAX_INSTANT_MS
  );
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? isLeap(year)
      ? 29
      : 28
    : ([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0);
}

// Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}
