/**
 * Words and times as the console shows them: instants as UTC text with their distance from now
 * ("in 59m", "3m ago"), durations, a tool call as `tool {"arg":…}`, and the verdict of an
 * approval in a few words, matching what the CLI says (`cli/preview.ts`).
 */
import type { Containment, RequestCall } from './types.js';

/**
 * A number of seconds in its two largest units: `1d2h`, `59m`, `30s`.
 *
 * @example
 * ```ts
 * duration(3600); // '1h'
 * ```
 */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const units: [number, string][] = [
    [86_400, 'd'],
    [3_600, 'h'],
    [60, 'm'],
    [1, 's'],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [size, name] of units) {
    if (rest >= size || (parts.length === 0 && size === 1)) {
      parts.push(`${Math.floor(rest / size)}${name}`);
      rest %= size;
    }
    if (parts.length === 2) break;
  }
  return parts.join('');
}

/**
 * "in 59m" / "3m ago" / "now" for an instant.
 *
 * @example
 * ```ts
 * relative(new Date(Date.now() + 3_600_000).toISOString()); // 'in 1h'
 * ```
 */
export function relative(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (seconds === 0) return 'now';
  return seconds > 0 ? `in ${duration(seconds)}` : `${duration(-seconds)} ago`;
}

/**
 * An instant as UTC text to the second.
 *
 * @example
 * ```ts
 * utc('2026-03-01T09:00:00.000Z'); // '2026-03-01 09:00:00 UTC'
 * ```
 */
export function utc(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/**
 * An instant as UTC text to the second, with its distance from now.
 *
 * @example
 * ```ts
 * when('2026-03-01T09:00:00.000Z'); // '2026-03-01 09:00:00 UTC (in 1h)'
 * ```
 */
export function when(iso: string, now: number = Date.now()): string {
  const text = utc(iso);
  return text === iso ? iso : `${text} (${relative(iso, now)})`;
}

/**
 * A tool call as one line: the tool, then its arguments as JSON.
 *
 * @example
 * ```ts
 * callText({ tool: 'fs.write', args: { path: '/repo/a.md' } }); // 'fs.write {"path":"/repo/a.md"}'
 * ```
 */
export function callText(call: RequestCall): string {
  return `${call.tool} ${JSON.stringify(call.args)}`;
}

/**
 * The verdict on an approval against the grantor's authority, in words, and whether it is good.
 *
 * @example
 * ```ts
 * verdictText({ contained: true }); // { ok: true, text: '✓ within your authority' }
 * ```
 */
export function verdictText(verdict: Containment): {
  readonly ok: boolean;
  readonly text: string;
} {
  if (verdict.contained === true) return { ok: true, text: '✓ within your authority' };
  if (verdict.contained === false)
    return { ok: false, text: '✗ beyond your authority: escalate it to your grantor' };
  return { ok: false, text: `? unknown, treat as beyond: ${verdict.reason}` };
}

/** Time boxes offered when approving, in seconds (`null`: none). */
export const TIME_BOXES: readonly (readonly [string, number | null])[] = [
  ['no time box (until the requester’s own token ends)', null],
  ['15 minutes', 900],
  ['1 hour', 3_600],
  ['8 hours', 28_800],
  ['1 day', 86_400],
  ['7 days', 604_800],
  ['30 days', 2_592_000],
];
