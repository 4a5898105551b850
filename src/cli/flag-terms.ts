/**
 * The one place where the library's words for a value become the command line's. The library
 * checks its arguments and names them as a program sees them (`options.to is reserved`,
 * `expiresIn must be at most 604800 seconds`); a person typed `--to` and `--expires 8d`. Each
 * command declares which flag stands for which library parameter, and the action wrapper
 * passes every failure through `inFlagTerms`, which rewrites a message that starts with one of
 * those parameters to start with the flag instead, and for a duration flag says the limit as a
 * duration (`--expires must be at most 7d`). Anything else passes through unchanged.
 */
import { MandateError } from '../errors.js';
import { CliError, ContextualError } from './cli-error.js';
import { formatDuration } from './duration.js';

/** A command's library parameters (`options.to`, `expiresIn`) and the flags that set them. */
export type FlagNames = Readonly<Record<string, string>>;

/** Flags that take a duration, whose limits are said as durations rather than seconds. */
const DURATION_FLAGS: ReadonlySet<string> = new Set(['--expires', '--grant-expires', '--timeout']);

/**
 * `err` in the command's terms: a `TypeError`/`RangeError` or a `MandateError` whose message
 * names one of `flags`' parameters, reworded to name the flag (and given an `option` field);
 * anything else as it is.
 *
 * @example
 * ```ts
 * inFlagTerms(new RangeError('options.to is reserved'), { 'options.to': '--to' });
 * // CliError ERR_CLI_BAD_INPUT: "--to is reserved", { option: '--to' }
 * ```
 */
export function inFlagTerms(err: unknown, flags: FlagNames): unknown {
  if (!(err instanceof Error)) return err;
  const reworded = reword(err.message, flags);
  if (reworded === undefined) return err;
  const { message, flag } = reworded;
  if (err instanceof MandateError) return new ContextualError(err, message, { option: flag });
  if (err instanceof TypeError || err instanceof RangeError)
    return new CliError('ERR_CLI_BAD_INPUT', message, { option: flag }, { cause: err });
  return err;
}

function reword(
  message: string,
  flags: FlagNames,
): { readonly message: string; readonly flag: string } | undefined {
  // The longest parameter first, so that `call tool` wins over `call`.
  const params = Object.keys(flags).sort((a, b) => b.length - a.length);
  for (const param of params) {
    const flag = flags[param] as string;
    if (!startsWithName(message, param)) continue;
    const rest = message.slice(param.length);
    return {
      flag,
      message: `${flag}${DURATION_FLAGS.has(flag) ? inDurations(rest) : rest}`,
    };
  }
  return undefined;
}

/** Whether `message` starts with the whole name `param` (`options.to`, not `options.token`). */
function startsWithName(message: string, param: string): boolean {
  return message.startsWith(param) && /^(?:$|[\s/[.:])/.test(message.slice(param.length));
}

function inDurations(text: string): string {
  return text
    .replace(/\b(\d+) seconds?\b/g, (_, n: string) => formatDuration(Number(n)))
    .replace(/\bnumber of seconds\b/g, 'duration');
}
