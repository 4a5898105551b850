/**
 * `mandate serve`: the home's Delegator as an HTTP service (docs/server.md), on 127.0.0.1 (a
 * port, or 0 for any free one) or a Unix socket, keeping its state in the home's SQLite file or,
 * with `--store` (or `$MANDATE_STORE`), in a PostgreSQL database that several instances share
 * (docs/postgres.md; the URL is printed without its password). It prints the URL and where the owner
 * credential is (created in the home, 0600, on first use; `mandate credential rotate` replaces
 * it, and the service takes the new one at once), logs one JSON line per call to stderr (no
 * token, no credential, no body), and on SIGTERM or SIGINT stops accepting, ends its streams and
 * lets the calls in flight finish before exiting 0. `mandate credential rotate` writes a fresh
 * owner credential.
 */
import type { Command } from 'commander';
import {
  DEFAULT_SESSION_LIMITS,
  Sessions,
  createOwnerCredential,
  createServiceApp,
  listen,
  ownerCheck,
} from '../../server/index.js';
import { redactUrl } from '../../requests/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import type { Home } from '../home.js';
import { EXIT, jsonLine, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface ServeOptions {
  readonly port?: string;
  readonly host?: string;
  readonly socket?: string;
  readonly store?: string;
}

/**
 * Registers `serve` and `credential rotate`.
 *
 * @example
 * ```ts
 * registerServeCommands(program, action);
 * ```
 */
export function registerServeCommands(program: Command, action: ActionFactory): void {
  withExamples(
    program
      .command('serve')
      .description(
        "serve the home's Delegator over HTTP: agents with their tokens, the owner with its credential",
      )
      .option('--port <port>', 'TCP port on the host (default 8410; 0 picks a free one)')
      .option('--host <host>', 'address to listen on (default 127.0.0.1)')
      .option('--socket <path>', 'listen on a Unix socket instead of a TCP port')
      .option(
        '--store <url>',
        "keep state in PostgreSQL (postgres://user@host/db), shared by several instances, instead of the home's SQLite file (default: $MANDATE_STORE; the password from PGPASSWORD or ~/.pgpass)",
      ),
    [
      'mandate serve',
      'mandate serve --port 0',
      'mandate serve --socket /run/mandate.sock',
      'mandate serve --store postgres://mandate@db.internal/mandate',
    ],
  ).action(action<ServeOptions>((ctx, _args, opts) => serve(ctx, opts)));

  const credential = program
    .command('credential')
    .description('the owner credential the service accepts (not a root key)');
  withExamples(
    credential
      .command('rotate')
      .description('replace the owner credential; the old one stops working at once'),
    ['mandate credential rotate'],
  ).action(action((ctx) => rotate(ctx)));
}

async function serve(ctx: Context, opts: ServeOptions): Promise<ExitCode> {
  if (opts.socket !== undefined && (opts.port !== undefined || opts.host !== undefined))
    throw new CliError(
      'ERR_CLI_USAGE',
      '--socket listens on a Unix socket: give it without --port and --host',
    );
  const port = opts.port === undefined ? 8410 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new CliError(
      'ERR_CLI_USAGE',
      `--port must be a port number, got ${JSON.stringify(opts.port)}`,
    );
  const store = ctx.storeUrl(opts.store);
  if (store !== undefined && !/^postgres(ql)?:\/\//.test(store))
    throw new CliError(
      'ERR_CLI_USAGE',
      "--store must be a postgres:// URL (without it, the home's SQLite file is used)",
    );
  const home = ctx.home;
  home.requireInitialized();
  const created = ensureCredential(home);
  const delegator = await ctx.delegator(store);
  const sessions = new Sessions(DEFAULT_SESSION_LIMITS, () => Date.now());
  const app = createServiceApp({
    delegator,
    sessions,
    isOwner: ownerCheck(() => home.readOwnerCredential()),
    // The caller's name is an agent's text: the line is inert on the operator's terminal.
    log: (entry) => ctx.io.stderr.write(`${jsonLine(entry)}\n`),
  });
  const running = await listen(
    app,
    opts.socket !== undefined ? { socket: opts.socket } : { port, host: opts.host ?? '127.0.0.1' },
    () => ctx.close(),
  );
  const out = ctx.out;
  const where = store === undefined ? home.path : redactUrl(store);
  out.data({
    url: running.url,
    ownerCredentialFile: home.ownerCredentialFile,
    ...(store === undefined ? {} : { store: where }),
  });
  out.line(`${out.style.green('✓')} serving ${out.style.bold(where)} at ${running.url}`);
  out.fields(
    [
      [
        'owner',
        `Authorization: Bearer $(cat ${home.ownerCredentialFile})${created ? ' (created now)' : ''}`,
      ],
      ['agents', 'Authorization: Bearer <their own token>'],
      ['API', `${running.url}/v1/openapi.json`],
      ...(running.url.startsWith('http')
        ? ([
            [
              'sign in',
              `${running.url}/v1/signin?code=${sessions.issueLink()} (once, within 10 minutes)`,
            ],
          ] as const)
        : []),
    ],
    '  ',
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void running.close().then(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  out.note('stopped');
  return EXIT.ok;
}

function rotate(ctx: Context): ExitCode {
  const home = ctx.home;
  home.requireInitialized();
  home.writeOwnerCredential(createOwnerCredential());
  ctx.out.data({ ownerCredentialFile: home.ownerCredentialFile });
  ctx.out.line(
    `${ctx.out.style.green('✓')} new owner credential in ${home.ownerCredentialFile} (0600); the old one no longer works`,
  );
  return EXIT.ok;
}

/** Creates the owner credential when the home has none; whether it did. */
function ensureCredential(home: Home): boolean {
  if (home.readOwnerCredential() !== undefined) return false;
  home.writeOwnerCredential(createOwnerCredential());
  return true;
}
