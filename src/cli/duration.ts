/**
 * Durations as people type them on a command line (`30d`, `2h`, `15m`, `90s`, `1h30m`), turned
 * into whole seconds for the library's `expiresIn` options. A bare number is refused rather than
 * guessed at: `--expires 30` could mean seconds or days, and a lifetime on a delegation is not
 * something to guess.
 */
import { CliError } from './cli-error.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  w: 604_800,
  d: 86_400,
  h: 3_600,
  m: 60,
  s: 1,
};

/** Ten years: longer lifetimes are almost certainly a typo, and keep dates far from overflow. */
export const MAX_DURATION_SECONDS = 10 * 365 * 86_400;

const PART = /(\d{1,9})([wdhms])/gy;

/**
 * Parses a duration such as `30d`, `2h`, `15m`, `90s` or `1h30m` into seconds.
 *
 * Units: `w` weeks, `d` days, `h` hours, `m` minutes, `s` seconds; parts may be combined,
 * largest first or not. The result is a positive integer of at most ten years.
 *
 * @throws CliError `ERR_CLI_BAD_DURATION` naming the option and the text.
 * @example
 * ```ts
 * parseDuration('2h');    // 7200
 * parseDuration('1h30m'); // 5400
 * ```
 */
export function parseDuration(text: string, option = '--expires'): number {
  const trimmed = text.trim();
  let total = 0;
  let matched = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(trimmed); m !== null; m = PART.exec(trimmed)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? Number.NaN);
    matched = PART.lastIndex;
  }
  if (trimmed === '' || matched !== trimmed.length || !Number.isFinite(total)) {
    throw new CliError(
      'ERR_CLI_BAD_DURATION',
      `${option} "${text}" is not a duration; use e.g. 30d, 2h, 15m, 90s or 1h30m`,
      {
        option,
      },
    );
  }
  if (total <= 0 || total > MAX_DURATION_SECONDS) {
    throw new CliError(
      'ERR_CLI_BAD_DURATION',
      `${option} "${text}" must be more than 0s and at most 10 years`,
      { option },
    );
  }
  return total;
}

/**
 * Parses `--since`: either a duration back from `now` (`2h`, `7d`) or an RFC 3339 instant.
 *
 * @example
 * ```ts
 * parseSince('2h', new Date('2026-01-01T12:00:00Z')); // 2026-01-01T10:00:00.000Z
 * parseSince('2026-01-01T00:00:00Z', new Date());     // that instant
 * ```
 */
export function parseSince(text: string, now: Date): Date {
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(text.trim())) {
    const at = new Date(text.trim());
    if (!Number.isNaN(at.getTime())) return at;
  }
  let seconds: number;
  try {
    seconds = parseDuration(text, '--since');
  } catch {
    throw new CliError(
      'ERR_CLI_BAD_DURATION',
      `--since "${text}" is neither a duration (e.g. 2h, 7d) nor an instant (e.g. 2026-01-01T00:00:00Z)`,
      { option: '--since' },
    );
  }
  return new Date(now.getTime() - seconds * 1000);
}

/**
 * A short human rendering of a number of seconds (`30d`, `1h`, `1h30m`), the inverse of
 * `parseDuration` for output.
 *
 * @example
 * ```ts
 * formatDuration(5400); // "1h30m"
 * ```
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0s';
  let rest = Math.round(seconds);
  let out = '';
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
    // Two units are plenty for a person reading an expiry.
    if (out.length > 0 && out.replace(/\d+/g, '').length === 2) break;
  }
  return out;
}
