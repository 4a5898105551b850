/**
 * `mandate console`: into the consent console of a running service (`mandate serve`). It asks
 * the service for a one-time sign-in link with the home's owner credential, prints it, and on a
 * terminal opens it in the default browser (`--no-open` only prints; `--open` opens it from a
 * script too). The link works once,
 * within 10 minutes; opening it signs that browser in as the owner (docs/console.md).
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { DelegatorClient, ServiceError } from '../../server/index.js';
import { withServiceUrl } from '../acting.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { EXIT, type ExitCode } from '../output.js';
import { serviceUrlOf } from '../requester-channel.js';
import { withExamples, type ActionFactory } from '../command.js';

interface ConsoleOptions {
  readonly url?: string;
  readonly open?: boolean;
}

/** Where `mandate serve` listens when given no port. */
const DEFAULT_URL = 'http://127.0.0.1:8410';

/**
 * Registers `console`.
 *
 * @example
 * ```ts
 * registerConsoleCommand(program, action);
 * ```
 */
export function registerConsoleCommand(program: Command, action: ActionFactory): void {
  withExamples(
    withServiceUrl(
      program
        .command('console')
        .description(
          'sign in to the consent console of a running service: print (and open) a one-time link',
        )
        .option('--open', 'open the link in the default browser (the default on a terminal)')
        .option('--no-open', 'only print the link'),
    ),
    ['mandate console', 'mandate console --url http://127.0.0.1:8410 --no-open'],
  ).action(action<ConsoleOptions>((ctx, _args, opts) => signIn(ctx, opts)));
}

async function signIn(ctx: Context, opts: ConsoleOptions): Promise<ExitCode> {
  const url = serviceUrlOf(ctx, opts.url) ?? DEFAULT_URL;
  const home = ctx.home;
  home.requireInitialized();
  const credential = home.readOwnerCredential();
  if (credential === undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      `the home has no owner credential yet: start the service with "mandate serve", which creates it`,
    );
  let link: string;
  try {
    link = await new DelegatorClient(url, { credential }).signinLink();
  } catch (err) {
    if (err instanceof ServiceError && err.code === 'ERR_SERVER_UNAVAILABLE')
      throw new CliError(
        'ERR_CLI_USAGE',
        `no service answers at ${url}: start it with "mandate serve" (or give --url)`,
      );
    throw err;
  }
  const open = opts.open ?? (!ctx.out.json && ctx.io.stdout.isTTY === true);
  ctx.out.data({ url: link });
  ctx.out.line(link);
  ctx.out.note(
    open
      ? 'opening it in your browser; it works once, within 10 minutes'
      : 'open it in your browser; it works once, within 10 minutes',
  );
  if (open) openInBrowser(link, ctx.io.env);
  return EXIT.ok;
}

/** Hands `url` to the system's opener, without waiting and without caring if there is none. */
function openInBrowser(url: string, env: NodeJS.ProcessEnv): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['explorer.exe', [url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore', env });
    child.on('error', () => {});
    child.unref();
  } catch {
    // No opener: the link is printed above.
  }
}
