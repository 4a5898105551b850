/**
 * The permission-request commands, both sides of them, over the home's SQLite store so that
 * separate processes (an agent asking, the owner deciding in another terminal) share one state:
 *
 * - the requester: `request` (exit 4 while pending; `--wait` blocks until decided) and `status`
 *   (one RFC 8628 poll: `authorization_pending`/`slow_down` exit 4, `access_denied` exit 3,
 *   `expired_token` exit 1, approval prints the new token and exits 0);
 * - a grantor: `inbox`, `approve`, `deny`, `escalate`, acting as the owner (the home's holder)
 *   or, with `--as <token>`, as an agent that authenticates with its own current token.
 */
import type { Command } from 'commander';
import { inspectToken, verifyDelegation } from '../../delegation/index.js';
import type { GrantorRef, InboxItem, PermissionRequestView } from '../../requests/index.js';
import type { PermissionOutcome, PollAnswer } from '../../tools/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { parseDuration } from '../duration.js';
import { conjunctionText, printRequest, relative, witnessText } from '../format.js';
import { checkConditions, collect, readToken } from '../input.js';
import { EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface RequestOptions {
  readonly allow: readonly string[];
  readonly reason: string;
  readonly as?: string;
  readonly expires?: string;
  readonly wait?: boolean;
  readonly timeout?: string;
}

interface ActAs {
  readonly as?: string;
}

interface ApproveOptions extends ActAs {
  readonly allow: readonly string[];
  readonly expires?: string;
}

const AS_TOKEN = 'act as the agent holding this token (or - or @file) instead of the owner';

/**
 * Registers `request`, `status`, `inbox`, `approve`, `deny` and `escalate`.
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
        'ask the grantor of a token for more scope (exit 4 while pending, 0 approved, 3 denied)',
      )
      .argument('[token]', 'the requester’s current token, or - or @file (default: $MANDATE_TOKEN)')
      .option(
        '--allow <condition>',
        'a condition asked for; repeat for more (all of them together)',
        collect,
        [],
      )
      .requiredOption('--reason <text>', 'why, in words the grantor will read')
      .option('--as <principal>', 'the requesting principal (default: the token’s holder)')
      .option('--expires <duration>', 'how long the request stays open (default 1h, at most 7d)')
      .option('--wait', 'wait for the decision and print the new token when approved')
      .option('--timeout <duration>', 'with --wait: give up after this long (exit 4)'),
    [
      `mandate request @agent.token --allow 'tool == "bank.transfer" and args.amount <= 100' --reason 'move savings for the electricity bill'`,
      `NEW=$(mandate request @agent.token --allow 'tool == "bank.transfer"' --reason 'pay rent' --wait --timeout 10m)`,
    ],
  ).action(
    action<RequestOptions>((ctx, args, opts) => request(ctx, args[0] as string | undefined, opts)),
  );

  withExamples(
    program
      .command('status')
      .description(
        'poll a request: authorization_pending (4), slow_down (4), access_denied (3), expired_token (1), or the new token (0)',
      )
      .argument('<id>', 'the request id'),
    ['mandate status req_4f1c…', 'NEW=$(mandate status req_4f1c…) && echo "$NEW" > agent.token'],
  ).action(action((ctx, args) => status(ctx, String(args[0]))));

  withExamples(
    program
      .command('inbox')
      .description(
        'the open requests addressed to you, each with whether it lies within your authority',
      )
      .option('--as <token>', AS_TOKEN),
    [
      'mandate inbox',
      'mandate inbox --as @budget-agent.token',
      'mandate inbox --json | jq ".requests[].id"',
    ],
  ).action(action<ActAs>((ctx, _args, opts) => inbox(ctx, opts)));

  withExamples(
    program
      .command('approve')
      .description('approve a request, possibly narrower (--allow) and time-boxed (--expires)')
      .argument('<id>', 'the request id')
      .option(
        '--allow <condition>',
        'grant only this (inside what was asked); repeat for more',
        collect,
        [],
      )
      .option('--expires <duration>', 'time box on the grant, e.g. 1h')
      .option('--as <token>', AS_TOKEN),
    [
      'mandate approve req_4f1c…',
      `mandate approve req_4f1c… --allow 'tool == "bank.transfer" and args.amount <= 100' --expires 1h`,
      'mandate approve req_9a2e… --as @budget-agent.token',
    ],
  ).action(action<ApproveOptions>((ctx, args, opts) => approve(ctx, String(args[0]), opts)));

  withExamples(
    program
      .command('deny')
      .description('deny a request with a reason the requester reads')
      .argument('<id>', 'the request id')
      .requiredOption('--reason <text>', 'why')
      .option('--as <token>', AS_TOKEN),
    [`mandate deny req_4f1c… --reason 'no transfers this month'`],
  ).action(
    action<ActAs & { reason: string }>((ctx, args, opts) => deny(ctx, String(args[0]), opts)),
  );

  withExamples(
    program
      .command('escalate')
      .description('pass a request you cannot grant to your own grantor (a linked request)')
      .argument('<id>', 'the request id')
      .option(
        '--auto-approve',
        'approve the original request as soon as the linked one is approved',
      )
      .option('--as <token>', AS_TOKEN),
    ['mandate escalate req_9a2e… --as @budget-agent.token --auto-approve'],
  ).action(
    action<ActAs & { autoApprove?: boolean }>((ctx, args, opts) =>
      escalate(ctx, String(args[0]), opts),
    ),
  );
}

/**
 * `--as <token>` as a grantor reference: the owner when absent.
 *
 * @example
 * ```ts
 * await delegator.inbox(grantorOf(ctx, opts.as));
 * ```
 */
export function grantorOf(ctx: Context, as: string | undefined): GrantorRef {
  return as === undefined ? 'owner' : { token: readToken(as, {}, '--as token', ctx.io.stdin) };
}

async function request(
  ctx: Context,
  spec: string | undefined,
  opts: RequestOptions,
): Promise<ExitCode> {
  const token = readToken(spec, ctx.env, 'token', ctx.io.stdin);
  if (opts.allow.length === 0)
    throw new CliError(
      'ERR_CLI_USAGE',
      'say what you ask for with at least one --allow <condition>',
    );
  const principal = opts.as ?? inspectToken(token).principal;
  if (principal === null) {
    throw new CliError(
      'ERR_CLI_USAGE',
      'this is a bearer token (delegated to nobody): only a named principal can ask for more',
    );
  }
  const delegator = await ctx.delegator();
  const ticket = await delegator.request({
    token,
    principal,
    scope: checkConditions(opts.allow, '--allow'),
    reason: opts.reason,
    ...(opts.expires === undefined ? {} : { expiresIn: parseDuration(opts.expires) }),
  });
  const view = await delegator.get(ticket.id);
  const out = ctx.out;
  if (ticket.status === 'pending' || ticket.status === 'escalated') {
    if (opts.wait !== true) {
      out.data({ ...ticket, requester: view.requester, grantor: view.grantor });
      if (!out.json) out.raw(ticket.id);
      pendingNote(ctx, view, ticket.interval);
      return EXIT.pending;
    }
    out.note(
      out.errStyle.dim(
        `request ${ticket.id} sent to ${view.grantor}; waiting for the decision (Ctrl-C to stop)…`,
      ),
    );
    const outcome = await waitFor(
      ctx,
      ticket.id,
      opts.timeout === undefined ? undefined : parseDuration(opts.timeout, '--timeout'),
    );
    if (outcome === undefined) {
      out.data({ ...ticket, requester: view.requester, grantor: view.grantor });
      if (!out.json) out.raw(ticket.id);
      pendingNote(ctx, view, ticket.interval);
      return EXIT.pending;
    }
    return printOutcome(ctx, ticket.id, outcome);
  }
  return printAnswer(ctx, ticket.id, await delegator.poll(ticket.id));
}

/** Waits for the outcome; `undefined` when the timeout passes or the user presses Ctrl-C. */
async function waitFor(
  ctx: Context,
  id: string,
  timeoutSeconds: number | undefined,
): Promise<PermissionOutcome | undefined> {
  const delegator = await ctx.delegator();
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  const timer = timeoutSeconds === undefined ? undefined : setTimeout(stop, timeoutSeconds * 1000);
  try {
    return await delegator.awaitResponse(id, { signal: controller.signal });
  } catch (err) {
    if (controller.signal.aborted) return undefined;
    throw err;
  } finally {
    process.removeListener('SIGINT', stop);
    if (timer !== undefined) clearTimeout(timer);
  }
}

function pendingNote(ctx: Context, view: PermissionRequestView, interval: number): void {
  const s = ctx.out.errStyle;
  ctx.out.note(
    s.yellow(`pending: request ${view.id} from ${view.requester} is waiting for ${view.grantor}`),
  );
  ctx.out.note(s.dim(`poll with: mandate status ${view.id}   (at most every ${interval}s)`));
}

async function status(ctx: Context, id: string): Promise<ExitCode> {
  const delegator = await ctx.delegator();
  return printAnswer(ctx, id, await delegator.poll(id));
}

function printAnswer(ctx: Context, id: string, answer: PollAnswer): ExitCode {
  if ('status' in answer) return printOutcome(ctx, id, answer);
  const out = ctx.out;
  out.data({ id, ...answer });
  const s = out.style;
  switch (answer.error) {
    case 'authorization_pending':
    case 'slow_down':
      out.line(`${s.yellow(answer.error)}  ${s.dim(`poll again in ${answer.interval}s`)}`);
      return EXIT.pending;
    case 'access_denied':
      out.line(`${s.red('access_denied')}  ${answer.reason}`);
      return EXIT.denied;
    case 'expired_token':
      out.line(
        `${s.red('expired_token')}  ${s.dim('the request expired before anyone decided it; ask again')}`,
      );
      return EXIT.error;
  }
}

function printOutcome(ctx: Context, id: string, outcome: PermissionOutcome): ExitCode {
  const out = ctx.out;
  switch (outcome.status) {
    case 'approved': {
      out.data({ id, ...outcome });
      if (out.json) return EXIT.ok;
      out.raw(outcome.token);
      const s = out.errStyle;
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
      return printAnswer(ctx, id, { error: 'access_denied', reason: outcome.reason });
    case 'cancelled':
      return printAnswer(ctx, id, {
        error: 'access_denied',
        reason: 'the request was cancelled by its requester',
      });
    case 'expired':
      return printAnswer(ctx, id, { error: 'expired_token' });
  }
}

async function inbox(ctx: Context, opts: ActAs): Promise<ExitCode> {
  const grantor = grantorOf(ctx, opts.as);
  const delegator = await ctx.delegator();
  const items = await delegator.inbox(grantor);
  // The inbox verified the token already: this reads it from the cache of verified chains.
  const name =
    grantor === 'owner'
      ? 'owner'
      : (verifyDelegation(grantor.token, { rootKeys: delegator.rootKeys }).principal ?? 'bearer');
  const out = ctx.out;
  out.data({ grantor: name, requests: items });
  if (items.length === 0) {
    out.line(out.style.dim(`no open requests for ${name}`));
    return EXIT.ok;
  }
  out.heading(`${items.length} open request${items.length === 1 ? '' : 's'} for ${name}`);
  const now = ctx.now();
  for (const item of items) {
    out.line();
    printRequest(out, item, now, '  ');
    out.line(`    ${verdictText(ctx, item)}`);
  }
  return EXIT.ok;
}

function verdictText(ctx: Context, item: InboxItem): string {
  const s = ctx.out.style;
  const as = ctx.out.style.dim;
  if (item.status === 'escalated')
    return as(`escalated; waiting for ${item.escalatedTo ?? 'the linked request'}`);
  const verdict = item.verdict;
  if (verdict.contained === true)
    return `${s.green('✓ within your authority')}  ${as(`mandate approve ${item.id}`)}`;
  const why = verdict.contained === false ? `e.g. ${witnessText(verdict.witness)}` : verdict.reason;
  const escalate = item.grantor === 'owner' ? '' : `  ${as(`mandate escalate ${item.id}`)}`;
  return `${s.red('✗ exceeds your authority')} ${as(`(${why})`)}${escalate}`;
}

async function approve(ctx: Context, id: string, opts: ApproveOptions): Promise<ExitCode> {
  const by = grantorOf(ctx, opts.as);
  const delegator = await ctx.delegator();
  const view = await delegator.approve(id, {
    by,
    ...(opts.allow.length === 0 ? {} : { scope: checkConditions(opts.allow, '--allow') }),
    ...(opts.expires === undefined ? {} : { expiresIn: parseDuration(opts.expires) }),
  });
  return printDecided(ctx, view, 'approved');
}

async function deny(ctx: Context, id: string, opts: ActAs & { reason: string }): Promise<ExitCode> {
  const delegator = await ctx.delegator();
  const view = await delegator.deny(id, { by: grantorOf(ctx, opts.as), reason: opts.reason });
  return printDecided(ctx, view, 'denied');
}

async function escalate(
  ctx: Context,
  id: string,
  opts: ActAs & { autoApprove?: boolean },
): Promise<ExitCode> {
  const delegator = await ctx.delegator();
  const linked = await delegator.escalate(id, {
    by: grantorOf(ctx, opts.as),
    autoApprove: opts.autoApprove === true,
  });
  const out = ctx.out;
  out.data({ id, linked });
  const s = out.style;
  out.line(`${s.yellow('↑ escalated')} ${id} to ${s.bold(linked.grantor)} as ${s.bold(linked.id)}`);
  out.line(
    s.dim(
      opts.autoApprove === true
        ? `when ${linked.grantor} approves ${linked.id}, ${id} is approved too`
        : `when ${linked.grantor} approves ${linked.id}, ${id} comes back to your inbox`,
    ),
  );
  out.line(s.dim(`your new token, once approved: mandate status ${linked.id}`));
  return EXIT.ok;
}

function printDecided(
  ctx: Context,
  view: PermissionRequestView,
  verb: 'approved' | 'denied',
): ExitCode {
  const out = ctx.out;
  out.data(view);
  const s = out.style;
  const mark = verb === 'approved' ? s.green('✓ approved') : s.red('✗ denied');
  out.line(`${mark} ${view.id} from ${s.bold(view.requester)}`);
  printRequest(out, view, ctx.now(), '  ');
  if (verb === 'approved')
    out.line(s.dim(`the requester picks up its new token with: mandate status ${view.id}`));
  return EXIT.ok;
}
