/**
 * Whom a grantor's command (`inbox`, `approve`, `deny`, `escalate`, `policy`) acts for: the
 * owner, who holds the home, or an agent, which proves it is one with its own current token
 * (`--token`). `--as` means what it means on every command, the principal you act as; here it
 * is a check on the token (or `owner`), so `inbox --as budget-agent` without the agent's token
 * says what is missing instead of failing on a name read as a token.
 */
import type { Command } from 'commander';
import { inspectToken } from '../delegation/index.js';
import type { GrantorRef } from '../requests/index.js';
import { CliError } from './cli-error.js';
import type { Context } from './context.js';
import { nonBlank, readToken } from './input.js';

/** The options every grantor's command takes. */
export interface ActingOptions {
  /** The acting agent's token, literal, `-` or `@file`. */
  readonly token?: string;
  /** The principal acting: `owner`, or the holder of `token`. */
  readonly as?: string;
}

/**
 * Adds `--token` and `--as` to a grantor's command.
 *
 * @example
 * ```ts
 * withActingOptions(program.command('inbox')).action(…);
 * ```
 */
export function withActingOptions(command: Command): Command {
  return command
    .option(
      '--token <token>',
      'act as the agent holding this token (or - or @file) instead of the owner',
    )
    .option(
      '--as <principal>',
      'the principal you act as: owner (the default), or the holder of --token',
      nonBlank,
    );
}

/**
 * The grantor a command acts for: the owner without `--token`, else the agent whose token it is
 * (which the Delegator authenticates). `--as` must agree with the token's holder.
 *
 * @throws CliError `ERR_CLI_USAGE` for `--as <agent>` without its token, or a token held by
 *   another principal than `--as` names.
 * @example
 * ```ts
 * await delegator.inbox(grantorOf(ctx, { token: '@budget-agent.token' }));
 * ```
 */
export function grantorOf(ctx: Context, options: ActingOptions): GrantorRef {
  const { token: spec, as } = options;
  if (spec === undefined) {
    if (as === undefined || as === 'owner') return 'owner';
    throw new CliError(
      'ERR_CLI_USAGE',
      `to act as ${as}, give ${as}'s token too: --token @<file holding it> (a grantor proves who it is with its token)`,
      { option: '--as' },
    );
  }
  const token = readToken(spec, {}, '--token', ctx.stdin);
  if (as !== undefined) {
    const holder = inspectToken(token).principal ?? 'bearer';
    if (holder !== as) {
      throw new CliError('ERR_CLI_USAGE', `--token is delegated to "${holder}", not "${as}"`, {
        option: '--as',
        holder,
        as,
      });
    }
  }
  return { token };
}

/** The acting options, and the service to act through (`--url`, or `$MANDATE_URL`). */
export interface ServiceActing extends ActingOptions {
  readonly url?: string;
}

/**
 * Adds `--url`: act through a service (`mandate serve`) instead of the home.
 *
 * @example
 * ```ts
 * withServiceUrl(withActingOptions(program.command('inbox')));
 * ```
 */
export function withServiceUrl(command: Command): Command {
  return command.option(
    '--url <url>',
    'act through the service at this URL (mandate serve) instead of the home (default: $MANDATE_URL)',
    nonBlank,
  );
}
