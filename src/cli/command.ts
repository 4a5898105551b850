/**
 * What a command module needs to register itself: the action wrapper's type (the program owns
 * the wrapper, which turns results and errors into output and exit codes) and the helper that
 * adds examples to `--help`. Kept apart from `program.ts`, which imports every command module,
 * so that the command modules do not import the program back.
 */
import type { Command } from 'commander';
import type { Context } from './context.js';
import type { FlagNames } from './flag-terms.js';

/**
 * What a command's action does: everything but printing errors and exiting. It returns one of
 * the documented exit codes (`run` returns its child's).
 */
export type ActionBody<O> = (
  ctx: Context,
  args: readonly unknown[],
  options: O,
) => Promise<number> | number;

/**
 * Wraps an action body into a commander action that records the exit code. `flags` says which
 * flag sets which library parameter, so that a failure names the flag (see `flag-terms.ts`).
 */
export type ActionFactory = <O>(
  body: ActionBody<O>,
  flags?: FlagNames,
) => (...commanderArgs: unknown[]) => Promise<void>;

/** A command group's registration function. */
export type Registrar = (program: Command, action: ActionFactory) => void;

/**
 * Adds an "Examples:" section to a command's `--help`.
 *
 * @example
 * ```ts
 * withExamples(cmd, ['mandate init', 'mandate init --home ./demo-home']);
 * ```
 */
export function withExamples(command: Command, lines: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`);
}
