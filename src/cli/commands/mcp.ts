/**
 * `mandate mcp [--token T] [--prefix P] [--listen [HOST:]PORT] [--url URL] (-- <command…> |
 * --upstream-url URL)`: the MCP gateway (docs/mcp.md). It runs the upstream MCP server (a
 * command over stdio, or a Streamable HTTP URL) and serves it again, over stdio to one agent
 * holding `--token`, or with `--listen` over Streamable HTTP, where each connection brings its
 * own token. Every `tools/call` is decided first: offline with the home's keys (requests go to
 * the home's store, or to the service with `--url`), or, without keys here, by the service.
 * `--list` prints what the agent would see and exits.
 *
 * Stdout is the protocol in stdio mode: everything the gateway says goes to stderr, a line for
 * a person when it starts and one JSON line per call (no arguments, no token), inert on a
 * terminal. It exits when stdin ends (stdio), on SIGINT or SIGTERM, or when the upstream server
 * cannot be restarted; the upstream child is ended with it.
 */
import type { Command } from 'commander';
import { RevocationList } from '../../delegation/index.js';
import {
  Upstream,
  assertPrefix,
  childEnvironment,
  createGateway,
  listenGateway,
  runnerAuthority,
  serveStdio,
  serviceAuthority,
  type AuthoritySource,
  type ConnectionAuthority,
  type Gateway,
  type UpstreamTarget,
} from '../../mcp/index.js';
import { DelegatorClient } from '../../server/index.js';
import { withServiceUrl } from '../acting.js';
import { CliError } from '../cli-error.js';
import { withExamples, type ActionFactory } from '../command.js';
import type { Context } from '../context.js';
import { parseDuration } from '../duration.js';
import { collect, nonBlank, readToken } from '../input.js';
import { EXIT, jsonLine } from '../output.js';
import { serviceUrlOf } from '../requester-channel.js';
import { gatewayListing } from './mcp-listing.js';

interface McpOptions {
  readonly token?: string;
  readonly prefix: string;
  readonly upstreamUrl?: string;
  readonly upstreamHeader: readonly string[];
  readonly listen?: string;
  readonly url?: string;
  readonly maxRevocationStaleness: string;
  readonly timeout: string;
  readonly list?: boolean;
}

/**
 * Registers `mcp`.
 *
 * @example
 * ```ts
 * registerMcpCommand(program, action);
 * ```
 */
export function registerMcpCommand(program: Command, action: ActionFactory): void {
  withExamples(
    withServiceUrl(
      program
        .command('mcp')
        .description(
          'put an MCP server behind mandate: every tool call runs on the agent’s delegation',
        )
        .option('--token <token>', 'the agent’s token, or @file (default: $MANDATE_TOKEN)')
        .option('--prefix <name>', 'mandate names of the tools: <prefix>.<tool>', nonBlank, 'mcp')
        .option('--upstream-url <url>', 'the upstream server’s Streamable HTTP endpoint', nonBlank)
        .option(
          '--upstream-header <header>',
          'a header for the upstream server ("Name: value"); repeatable',
          collect,
          [],
        )
        .option(
          '--listen <[host:]port>',
          'serve Streamable HTTP at /mcp instead of stdio; each connection brings its own token',
          nonBlank,
        )
        .option(
          '--max-revocation-staleness <duration>',
          'refuse every call while the view of revocations is older than this',
          nonBlank,
          '30s',
        )
        .option(
          '--timeout <duration>',
          'longest an upstream call may go without progress',
          nonBlank,
          '10m',
        )
        .option('--list', 'print every upstream tool with its status under the token, and exit')
        .argument('[command...]', 'the upstream server’s command and arguments, after --'),
    ),
    [
      'mandate mcp --token @coder.token --prefix fs -- npx -y @modelcontextprotocol/server-filesystem /repo',
      'mandate mcp --list --token @coder.token --prefix fs -- mcp-server-filesystem /repo',
      'mandate mcp --listen 8411 --prefix memory -- mcp-server-memory',
      'mandate mcp --url http://127.0.0.1:8410 --token @coder.token --upstream-url http://127.0.0.1:3001/mcp',
    ],
  ).action(
    action<McpOptions>((ctx, args, opts) => mcp(ctx, args[0] as string[], opts), {
      'options.prefix': '--prefix',
    }),
  );
}

async function mcp(ctx: Context, command: readonly string[], opts: McpOptions): Promise<number> {
  assertPrefix(opts.prefix, 'options.prefix');
  const target = upstreamTarget(command, opts, ctx.env);
  if (opts.listen !== undefined && opts.list === true)
    throw new CliError(
      'ERR_CLI_USAGE',
      '--list prints what one token sees: give it --token, not --listen',
    );
  if (opts.listen !== undefined && opts.token !== undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      '--listen takes each connection’s token from its Authorization header: drop --token',
    );
  const stdio = opts.listen === undefined && opts.list !== true;
  if (stdio && opts.token === '-')
    throw new CliError('ERR_CLI_USAGE', '--token -: stdin is the MCP connection; use @file');
  const token =
    opts.listen === undefined ? readToken(opts.token, ctx.env, '--token', ctx.stdin) : undefined;
  const staleness = parseDuration(opts.maxRevocationStaleness, '--max-revocation-staleness');
  const timeoutMs = parseDuration(opts.timeout, '--timeout') * 1000;
  const listenOn = opts.listen === undefined ? undefined : listenAddress(opts.listen);
  const stops: (() => void)[] = [];
  try {
    const source = await authoritySource(ctx, opts.url, staleness, token, stops);
    // A token that cannot act fails here, before the upstream server starts.
    const authority = token === undefined ? undefined : await source.open(token);
    const log = (entry: Record<string, unknown>) =>
      ctx.io.stderr.write(`${jsonLine({ at: ctx.now().toISOString(), ...entry })}\n`);
    let fatal: (() => void) | undefined;
    const gaveUp = new Promise<void>((resolve) => (fatal = resolve));
    const listening: { gateway?: Gateway } = {};
    const upstream = await Upstream.start({
      target,
      onToolsChanged: () => listening.gateway?.toolsChanged(),
      onEvent: (event) => {
        log({ ...renamed(event, 'kind'), event: `upstream-${event.kind}` });
        if (event.kind === 'gave-up') fatal?.();
      },
    });
    stops.push(() => void upstream.close());
    const gateway = createGateway({
      upstream,
      prefix: opts.prefix,
      version: '1',
      log,
      callTimeoutMs: timeoutMs,
    });
    listening.gateway = gateway;
    if (opts.list === true) {
      await gatewayListing(ctx, gateway, authority as ConnectionAuthority, describeTarget(target));
      await upstream.close();
      return EXIT.ok;
    }
    const who =
      authority === undefined ? 'each connection as its token’s principal' : authority.principal;
    const shutdown = signalled();
    if (listenOn === undefined) {
      ctx.out.note(
        `mandate mcp: ${describeTarget(target)} for ${who} over stdio; calls decided ${source.description}`,
      );
      const served = await serveStdio(gateway, authority as ConnectionAuthority, {
        stdin: process.stdin,
        stdout: process.stdout,
        onError: (err) => log({ event: 'protocol-error', message: err.message }),
      });
      const ended = await Promise.race([
        served.closed.then(() => 'ended'),
        shutdown.signal,
        gaveUp.then(() => 'gave-up'),
      ]);
      shutdown.dispose();
      await served.close().catch(() => undefined);
      await upstream.close();
      return ended === 'gave-up' ? EXIT.error : EXIT.ok;
    }
    const running = await listenGateway(gateway, source, {
      ...listenOn,
      onSession: (event) => log({ ...event, event: `session-${event.event}` }),
      onError: (err) => log({ event: 'protocol-error', message: err.message }),
    });
    ctx.out.note(
      `mandate mcp: ${describeTarget(target)} at ${running.url}/mcp for ${who} (Authorization: Bearer <token>); calls decided ${source.description}`,
    );
    const ended = await Promise.race([shutdown.signal, gaveUp.then(() => 'gave-up')]);
    shutdown.dispose();
    await running.close();
    await upstream.close();
    return ended === 'gave-up' ? EXIT.error : EXIT.ok;
  } finally {
    for (const stop of stops) stop();
  }
}

/**
 * Who decides calls: the home's keys (requests to its store, or to the service with a URL), or,
 * with a service and no keys here, the service.
 */
async function authoritySource(
  ctx: Context,
  urlOption: string | undefined,
  staleness: number,
  token: string | undefined,
  stops: (() => void)[],
): Promise<AuthoritySource> {
  const url = serviceUrlOf(ctx, urlOption);
  if (url === undefined) {
    const delegator = await ctx.delegator();
    return runnerAuthority({
      rootKeys: ctx.keys().keyring,
      broker: delegator,
      revocations: delegator.revocations(),
      maxRevocationStaleness: staleness,
      now: () => ctx.now(),
      description: `offline with the keys of ${ctx.home.path}; requests go to its store`,
    });
  }
  const client = new DelegatorClient(url);
  if (!ctx.hasHome()) return serviceAuthority({ client });
  const credential = ctx.home.readOwnerCredential() ?? token;
  if (credential === undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      `--listen with --url needs ${ctx.home.ownerCredentialFile} (mandate serve writes it) to follow the service's revocations`,
    );
  const feed = new DelegatorClient(url, { credential });
  const revocations = new RevocationList();
  for (;;) {
    const page = await feed.revocationFeed(revocations.cursor);
    revocations.apply(page);
    if (!page.more) break;
  }
  const following = new AbortController();
  stops.push(() => following.abort());
  void feed.followRevocations(revocations, { signal: following.signal }).catch(() => undefined);
  return runnerAuthority({
    rootKeys: ctx.keys().keyring,
    broker: client,
    revocations,
    maxRevocationStaleness: staleness,
    now: () => ctx.now(),
    description: `offline with the keys of ${ctx.home.path}; requests and revocations from ${url}`,
  });
}

function upstreamTarget(
  command: readonly string[],
  opts: McpOptions,
  env: NodeJS.ProcessEnv,
): UpstreamTarget {
  const [file, ...args] = command;
  if (opts.upstreamUrl !== undefined) {
    if (file !== undefined)
      throw new CliError(
        'ERR_CLI_USAGE',
        'give the upstream server as a command after -- or as --upstream-url, not both',
      );
    if (!/^https?:\/\/\S+$/.test(opts.upstreamUrl))
      throw new CliError(
        'ERR_CLI_USAGE',
        `--upstream-url must be an http(s) URL, got ${JSON.stringify(opts.upstreamUrl)}`,
      );
    return { url: opts.upstreamUrl, headers: headersOf(opts.upstreamHeader) };
  }
  if (file === undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      'name the upstream MCP server: a command after --, or --upstream-url',
    );
  if (opts.upstreamHeader.length > 0)
    throw new CliError('ERR_CLI_USAGE', '--upstream-header goes with --upstream-url');
  return { command: file, args, env: childEnvironment(env) };
}

function headersOf(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(line);
    if (match === null)
      throw new CliError('ERR_CLI_USAGE', '--upstream-header must look like "Name: value"', {
        option: '--upstream-header',
      });
    headers[match[1] as string] = match[2] as string;
  }
  return headers;
}

function listenAddress(text: string): { port: number; host: string } {
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (match === null || !Number.isInteger(port) || port > 65_535)
    throw new CliError(
      'ERR_CLI_USAGE',
      `--listen must be a port or host:port, got ${JSON.stringify(text)}`,
      { option: '--listen' },
    );
  return { port, host: (match[1] ?? '127.0.0.1').replace(/^\[(.*)\]$/, '$1') };
}

function describeTarget(target: UpstreamTarget): string {
  return 'url' in target ? target.url : [target.command, ...target.args].join(' ');
}

/** SIGINT or SIGTERM, once. */
function signalled(): { readonly signal: Promise<string>; dispose(): void } {
  let stop: () => void = () => undefined;
  const signal = new Promise<string>((resolve) => {
    stop = () => resolve('signal');
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

/** An upstream event's fields, without its `kind` (the log line's `event` names it). */
function renamed(event: object, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([name]) => name !== key));
}
