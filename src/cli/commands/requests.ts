/**
 * The requester's side of permission requests, over the home's SQLite store so that separate
 * processes (an agent asking, the owner deciding in another terminal) share one state:
 * `request` (for a denied call, `--tool`/`--args`, whose needed scope it asks for and which it
 * sends along; or for `--allow` conditions; exit 4 while pending; `--wait` blocks until
 * decided) and `status` (one RFC 8628 poll: `authorization_pending`/`slow_down` exit 4,
 * `access_denied` exit 3, `expired_token` exit 1, approval prints the new token and exits 0).
 * Stdout carries the new token and nothing else (or, for a pending `request` without `--wait`,
 * the request id), so a redirect or `$(…)` never captures `authorization_pending`; everything
 * said to a person goes to stderr. `--out FILE` writes the token atomically, mode 0600, and only
 * on approval, because `status $ID > agent.token` empties the file before anything is decided.
 * The grantor's side is `grantor.ts`.
 */
import type { Command } from 'commander';
import { inspectToken } from '../../delegation/index.js';
import { caveat } from '../../scope/index.js';
import type { PermissionOutcome, PermissionTicket, PollAnswer } from '../../tools/index.js';
import { writeFileAtomically } from '../atomic-file.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { parseDuration } from '../duration.js';
import type { FlagNames } from '../flag-terms.js';
import { conjunctionText, relative } from '../format.js';
import { checkConditions, collect, nonBlank, readJsonObject, readToken } from '../input.js';
import { EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';
import {
  requesterChannel,
  serviceUrlOf,
  type PendingView,
  type RequesterChannel,
} from '../requester-channel.js';

interface RequestOptions {
  readonly allow: readonly string[];
  readonly tool?: string;
  readonly args?: string;
  readonly reason: string;
  readonly as?: string;
  readonly expires?: string;
  readonly wait?: boolean;
  readonly timeout?: string;
  readonly out?: string;
  readonly url?: string;
}

/** Where the new token goes: stdout, or the `--out` file. */
interface TokenDestination {
  readonly out?: string;
}

/** `status`'s options: where the token goes, and the service with the requester's token. */
interface StatusOptions extends TokenDestination {
  readonly url?: string;
  readonly token?: string;
}

const URL_HELP =
  'ask the service at this URL (mandate serve) instead of the home (default: $MANDATE_URL)';

/** The library's parameters of `request`, by the flags that set them. */
const REQUEST_FLAGS: FlagNames = {
  scope: '--allow',
  reason: '--reason',
  expiresIn: '--expires',
  principal: '--as',
  'input.principal': '--as',
  'call tool': '--tool',
  'input.call.tool': '--tool',
  'call args': '--args',
  'input.call.args': '--args',
  // The call as a whole (its size): the arguments are what make it large.
  call: '--args',
};

const OUT_HELP = 'write the new token to this file (atomically, mode 0600), only on approval';

/**
 * Registers `request` and `status`.
 *
 * @example
 * ```ts
 * registerRequestCommands(program, action);
 * ```
 */
export function registerRequestCommands(program: Command, action: ActionFactory): void {
  withExamples(
    program
      .command('request')
      .description(
        'ask the grantor of a token for a denied call or more scope (exit 4 while pending, 0 approved, 3 denied)',
      )
      .argument('[token]', 'the requester’s current token, or - or @file (default: $MANDATE_TOKEN)')
      .option(
        '--tool <name>',
        'the denied call’s tool: ask for what it needs, and show the call',
        nonBlank,
      )
      .option('--args <json>', 'the denied call’s arguments: a JSON object, or - or @file')
      .option(
        '--allow <condition>',
        'a condition asked for (default with --tool: the call’s needed scope); repeat for more',
        collect,
        [],
      )
      .requiredOption('--reason <text>', 'why, in words the grantor will read', nonBlank)
      .option(
        '--as <principal>',
        'the requesting principal (default: the token’s holder)',
        nonBlank,
      )
      .option('--expires <duration>', 'how long the request stays open (default 1h, at most 7d)')
      .option('--wait', 'wait for the decision and print the new token when approved')
      .option('--timeout <duration>', 'with --wait: give up after this long (exit 4)')
      .option('--out <file>', OUT_HELP)
      .option('--url <url>', URL_HELP, nonBlank),
    [
      `mandate request @agent.token --allow 'tool == "bank.transfer" and args.amount <= 100' --reason 'move savings for the electricity bill'`,
      `ID=$(mandate request @agent.token --tool bank.transfer --args '{"account":"checking","to":"savings","amount":80}' --reason 'cover the electricity bill')`,
      `mandate request @agent.token --allow 'tool == "bank.transfer"' --reason 'pay rent' --wait --timeout 10m --out agent.token`,
    ],
  ).action(
    action<RequestOptions>(
      (ctx, args, opts) => request(ctx, args[0] as string | undefined, opts),
      REQUEST_FLAGS,
    ),
  );

  withExamples(
    program
      .command('status')
      .description(
        'poll a request: authorization_pending (4), slow_down (4), access_denied (3), expired_token (1), or the new token (0)',
      )
      .argument('<id>', 'the request id')
      .option('--out <file>', OUT_HELP)
      .option('--url <url>', URL_HELP, nonBlank)
      .option(
        '--token <token>',
        'with a service: the requester’s token, or - or @file (default: $MANDATE_TOKEN)',
      ),
    [
      'mandate status req_4f1c… --out agent.token',
      'NEW=$(mandate status req_4f1c…)',
      'mandate status req_4f1c… --url http://127.0.0.1:8410 --token @agent.token',
    ],
  ).action(action<StatusOptions>((ctx, args, opts) => status(ctx, String(args[0]), opts)));
}

async function request(
  ctx: Context,
  spec: string | undefined,
  opts: RequestOptions,
): Promise<ExitCode> {
  const token = readToken(spec, ctx.env, 'token', ctx.stdin);
  if (opts.args !== undefined && opts.tool === undefined)
    throw new CliError('ERR_CLI_USAGE', '--args describes a call: give its --tool too');
  if (opts.allow.length === 0 && opts.tool === undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      'say what you ask for: the denied call (--tool and --args), or --allow <condition>',
    );
  const principal = opts.as ?? inspectToken(token).principal;
  if (principal === null) {
    throw new CliError(
      'ERR_CLI_USAGE',
      'this is a bearer token (delegated to nobody): only a named principal can ask for more',
    );
  }
  const allow = checkConditions(opts.allow, '--allow');
  const call =
    opts.tool === undefined
      ? undefined
      : { tool: opts.tool, args: readJsonObject(opts.args ?? '{}', '--args', ctx.stdin) };
  const channel = await requesterChannel(ctx, serviceUrlOf(ctx, opts.url), token);
  const scope =
    call === undefined ? allow : await askedFor(ctx, channel, token, principal, call, allow);
  const input = {
    token,
    principal,
    scope,
    reason: opts.reason,
    ...(call === undefined ? {} : { call }),
    ...(opts.expires === undefined ? {} : { expiresIn: parseDuration(opts.expires) }),
  };
  const ticket = await channel.request(input);
  const view = await channel.pending(ticket, input);
  const out = ctx.out;
  if (ticket.status === 'pending' || ticket.status === 'escalated') {
    if (opts.wait !== true) {
      return printPending(ctx, ticket, view, true);
    }
    out.note(
      out.errStyle.dim(
        `request ${ticket.id} sent to ${view.grantor}; waiting for the decision (Ctrl-C to stop)…`,
      ),
    );
    const outcome = await waitFor(
      channel,
      ticket.id,
      opts.timeout === undefined ? undefined : parseDuration(opts.timeout, '--timeout'),
    );
    if (outcome === undefined) {
      // The result of --wait is a token: the id goes to stderr with how to follow it.
      return printPending(ctx, ticket, view, false);
    }
    return printOutcome(ctx, ticket.id, outcome, opts);
  }
  return printAnswer(ctx, ticket.id, await channel.poll(ticket.id), opts);
}

/**
 * The scope to ask for a denied call: `--allow` when given, else the needed scope of the call's
 * denial under the home's keys. A call the token already allows needs no request. A denial
 * without a needed scope (an expired token, another principal's token, a caveat that cannot be
 * evaluated) is filed as the call's tool alone, so that the Delegator refuses it with its own
 * error, which says what to do instead.
 */
async function askedFor(
  ctx: Context,
  channel: RequesterChannel,
  token: string,
  principal: string,
  call: { readonly tool: string; readonly args: Record<string, unknown> },
  allow: readonly string[],
): Promise<readonly string[]> {
  const decision = await channel.decide(token, { ...call, principal });
  if (decision.allowed) {
    throw new CliError(
      'ERR_CLI_USAGE',
      `${principal} may already call ${call.tool} with these arguments: there is nothing to ask for`,
    );
  }
  if (allow.length > 0) return allow;
  const needed = decision.needed?.scope;
  if (needed === undefined) return [caveat`tool == ${call.tool}`];
  ctx.out.note(ctx.out.errStyle.dim(`asking for: ${conjunctionText(needed)}`));
  return needed;
}

/**
 * Prints a request still waiting: its ticket (with `idOnStdout`, the id alone on stdout, for
 * `ID=$(mandate request …)`), and how to follow it.
 */
function printPending(
  ctx: Context,
  ticket: PermissionTicket,
  view: PendingView,
  idOnStdout: boolean,
): ExitCode {
  const out = ctx.out;
  out.data({
    ...ticket,
    requester: view.requester,
    grantor: view.grantor,
    scope: view.scope,
    call: view.call,
  });
  if (!out.json && idOnStdout) out.raw(ticket.id);
  pendingNote(ctx, view, ticket.interval);
  return EXIT.pending;
}

/** Waits for the outcome; `undefined` when the timeout passes or the user presses Ctrl-C. */
async function waitFor(
  channel: RequesterChannel,
  id: string,
  timeoutSeconds: number | undefined,
): Promise<PermissionOutcome | undefined> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  const timer = timeoutSeconds === undefined ? undefined : setTimeout(stop, timeoutSeconds * 1000);
  try {
    return await channel.awaitResponse(id, { signal: controller.signal });
  } catch (err) {
    if (controller.signal.aborted) return undefined;
    throw err;
  } finally {
    process.removeListener('SIGINT', stop);
    if (timer !== undefined) clearTimeout(timer);
  }
}

function pendingNote(ctx: Context, view: PendingView, interval: number): void {
  const s = ctx.out.errStyle;
  ctx.out.note(
    s.yellow(`pending: request ${view.id} from ${view.requester} is waiting for ${view.grantor}`),
  );
  ctx.out.note(s.dim(`poll with: mandate status ${view.id}   (at most every ${interval}s)`));
}

async function status(ctx: Context, id: string, opts: StatusOptions): Promise<ExitCode> {
  const url = serviceUrlOf(ctx, opts.url);
  // Over a service the requester's token proves who polls; the home needs none.
  const token = url === undefined ? '' : readToken(opts.token, ctx.env, '--token', ctx.stdin);
  const channel = await requesterChannel(ctx, url, token);
  return printAnswer(ctx, id, await channel.poll(id), opts);
}

/** An RFC 8628 answer: the token on approval; anything else said on stderr, with its exit code. */
function printAnswer(
  ctx: Context,
  id: string,
  answer: PollAnswer,
  destination: TokenDestination,
): ExitCode {
  if ('status' in answer) return printOutcome(ctx, id, answer, destination);
  const out = ctx.out;
  out.data({ id, ...answer });
  const s = out.errStyle;
  switch (answer.error) {
    case 'authorization_pending':
    case 'slow_down':
      out.note(`${s.yellow(answer.error)}  ${s.dim(`poll again in ${answer.interval}s`)}`);
      return EXIT.pending;
    case 'access_denied':
      out.note(`${s.red('access_denied')}  ${answer.reason}`);
      return EXIT.denied;
    case 'expired_token':
      out.note(
        `${s.red('expired_token')}  ${s.dim('the request expired before anyone decided it; ask again')}`,
      );
      return EXIT.error;
  }
}

function printOutcome(
  ctx: Context,
  id: string,
  outcome: PermissionOutcome,
  destination: TokenDestination,
): ExitCode {
  const out = ctx.out;
  switch (outcome.status) {
    case 'approved': {
      const file = destination.out;
      if (file !== undefined) writeToken(file, outcome.token, id);
      out.data(
        file === undefined ? { id, ...outcome } : { id, ...outcome, token: undefined, out: file },
      );
      if (out.json) return EXIT.ok;
      const s = out.errStyle;
      if (file === undefined) out.raw(outcome.token);
      else out.note(s.dim(`the new token is in ${file} (mode 0600)`));
      out.note(s.green(`approved: ${conjunctionText(outcome.scope)}`));
      if (outcome.expiresAt !== undefined)
        out.note(
          s.dim(
            `the grant ends ${outcome.expiresAt.toISOString()} (${relative(outcome.expiresAt, ctx.now())})`,
          ),
        );
      return EXIT.ok;
    }
    case 'denied':
      return printAnswer(ctx, id, { error: 'access_denied', reason: outcome.reason }, destination);
    case 'cancelled':
      return printAnswer(
        ctx,
        id,
        { error: 'access_denied', reason: 'the request was cancelled by its requester' },
        destination,
      );
    case 'expired':
      return printAnswer(ctx, id, { error: 'expired_token' }, destination);
  }
}

/**
 * Writes `token` to the `--out` file; a failure names the option and the file, and how to
 * fetch the token again (a decided request keeps answering every poll).
 */
function writeToken(file: string, token: string, id: string): void {
  try {
    writeFileAtomically(file, `${token}\n`);
  } catch (err) {
    throw new CliError(
      'ERR_CLI_BAD_INPUT',
      `--out ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? 'error'}); fetch the token again with: mandate status ${id} --out <file>`,
      { option: '--out', path: file },
      { cause: err },
    );
  }
}
