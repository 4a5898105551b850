/**
 * The grantor's side of permission requests: `inbox`, `approve` (with `--dry-run`), `deny` and
 * `escalate`, acting as the owner (the home's holder) or, with `--token <token>`, as an agent
 * that authenticates with its own current token (see `acting.ts`). Before deciding, the grantor
 * sees what approving would do (the verdict against its own authority, what the requester may
 * then do that it cannot now, when the grant ends); `approve` prints the same effect after
 * committing.
 */
import type { Command } from 'commander';
import type { ApprovalPreview, InboxItem, PermissionRequestView } from '../../requests/index.js';
import { withActingOptions, withServiceUrl, type ServiceActing } from '../acting.js';
import { grantorChannel } from '../grantor-channel.js';
import { serviceUrlOf } from '../requester-channel.js';
import type { Context } from '../context.js';
import { parseDuration } from '../duration.js';
import type { FlagNames } from '../flag-terms.js';
import { printRequest } from '../format.js';
import { checkConditions, collect, nonBlank } from '../input.js';
import { EXIT, type ExitCode } from '../output.js';
import { printEffect, verdictText } from '../preview.js';
import { withExamples, type ActionFactory } from '../command.js';

interface ApproveOptions extends ServiceActing {
  readonly allow: readonly string[];
  readonly expires?: string;
  readonly dryRun?: boolean;
}

/** The library's parameters of `approve` and `deny`, by the flags that set them. */
const DECISION_FLAGS: FlagNames = {
  scope: '--allow',
  'options.scope': '--allow',
  expiresIn: '--expires',
  'options.expiresIn': '--expires',
  reason: '--reason',
  'options.reason': '--reason',
};

/**
 * Registers `inbox`, `approve`, `deny` and `escalate`.
 *
 * @example
 * ```ts
 * registerGrantorCommands(program, action);
 * ```
 */
export function registerGrantorCommands(program: Command, action: ActionFactory): void {
  withExamples(
    withServiceUrl(
      withActingOptions(
        program
          .command('inbox')
          .description(
            'the open requests addressed to you, each with whether it lies within your authority and what approving it would allow',
          ),
      ),
    ),
    [
      'mandate inbox',
      'mandate inbox --token @budget-agent.token',
      'mandate inbox --json | jq ".requests[].effect.alternatives"',
    ],
  ).action(action<ServiceActing>((ctx, _args, opts) => inbox(ctx, opts)));

  withExamples(
    withServiceUrl(
      withActingOptions(
        program
          .command('approve')
          .description(
            'approve a request, possibly narrower (--allow) and time-boxed (--expires); --dry-run shows the effect and decides nothing',
          )
          .argument('<id>', 'the request id')
          .option(
            '--allow <condition>',
            'grant only this (inside what was asked); repeat for more',
            collect,
            [],
          )
          .option('--expires <duration>', 'time box on the grant, e.g. 1h')
          .option('--dry-run', 'show what the approval would allow, and decide nothing'),
      ),
    ),
    [
      'mandate approve req_4f1c…',
      `mandate approve req_4f1c… --allow 'tool == "bank.transfer" and args.amount <= 100' --expires 1h --dry-run`,
      `mandate approve req_4f1c… --allow 'tool == "bank.transfer" and args.amount <= 100' --expires 1h`,
      'mandate approve req_9a2e… --token @budget-agent.token',
    ],
  ).action(
    action<ApproveOptions>(
      (ctx, args, opts) => approve(ctx, String(args[0]), opts),
      DECISION_FLAGS,
    ),
  );

  withExamples(
    withServiceUrl(
      withActingOptions(
        program
          .command('deny')
          .description('deny a request with a reason the requester reads')
          .argument('<id>', 'the request id')
          .requiredOption('--reason <text>', 'why', nonBlank),
      ),
    ),
    [`mandate deny req_4f1c… --reason 'no transfers this month'`],
  ).action(
    action<ServiceActing & { reason: string }>(
      (ctx, args, opts) => deny(ctx, String(args[0]), opts),
      DECISION_FLAGS,
    ),
  );

  withExamples(
    withServiceUrl(
      withActingOptions(
        program
          .command('escalate')
          .description('pass a request you cannot grant to your own grantor (a linked request)')
          .argument('<id>', 'the request id')
          .option(
            '--auto-approve',
            'approve the original request as soon as the linked one is approved',
          ),
      ),
    ),
    [
      'mandate escalate req_9a2e… --token @budget-agent.token --auto-approve',
      'LINKED=$(mandate escalate req_9a2e… --token @budget-agent.token)',
    ],
  ).action(
    action<ServiceActing & { autoApprove?: boolean }>((ctx, args, opts) =>
      escalate(ctx, String(args[0]), opts),
    ),
  );
}

async function inbox(ctx: Context, opts: ServiceActing): Promise<ExitCode> {
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  const items = await channel.inbox();
  const name = channel.name;
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
    out.line(`    ${itemVerdict(ctx, item)}`);
    printEffect(out, item, item, 'would', now, '    ');
  }
  return EXIT.ok;
}

function itemVerdict(ctx: Context, item: InboxItem): string {
  const dim = ctx.out.style.dim;
  if (item.status === 'escalated')
    return dim(`escalated; waiting for ${item.escalatedTo ?? 'the linked request'}`);
  const verdict = verdictText(ctx.out, item.verdict);
  if (item.verdict.contained === true) return `${verdict}  ${dim(`mandate approve ${item.id}`)}`;
  return item.grantor === 'owner' ? verdict : `${verdict}  ${dim(`mandate escalate ${item.id}`)}`;
}

async function approve(ctx: Context, id: string, opts: ApproveOptions): Promise<ExitCode> {
  const terms = {
    ...(opts.allow.length === 0 ? {} : { scope: checkConditions(opts.allow, '--allow') }),
    ...(opts.expires === undefined ? {} : { expiresIn: parseDuration(opts.expires) }),
  };
  ctx.holdClock();
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  const preview = await channel.preview(id, terms);
  if (opts.dryRun === true) return printDryRun(ctx, await channel.view(id), preview);
  const view = await channel.approve(id, terms);
  return printDecided(ctx, view, 'approved', preview);
}

function printDryRun(
  ctx: Context,
  view: PermissionRequestView,
  preview: ApprovalPreview,
): ExitCode {
  const out = ctx.out;
  out.data({ ...view, ...preview });
  const s = out.style;
  out.line(s.dim(`dry run: ${view.id} is not decided`));
  printRequest(out, view, ctx.now(), '  ');
  out.line(verdictText(out, preview.verdict));
  printEffect(out, view, preview, 'would', ctx.now());
  if (preview.verdict.contained !== true) {
    const next = view.grantor === 'owner' ? '' : `; escalate instead: mandate escalate ${view.id}`;
    out.line(s.red(`approve would fail (ERR_REQUEST_EXCEEDS_AUTHORITY)${next}`));
  }
  return EXIT.ok;
}

async function deny(
  ctx: Context,
  id: string,
  opts: ServiceActing & { reason: string },
): Promise<ExitCode> {
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  return printDecided(ctx, await channel.deny(id, opts.reason), 'denied');
}

async function escalate(
  ctx: Context,
  id: string,
  opts: ServiceActing & { autoApprove?: boolean },
): Promise<ExitCode> {
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  const linked = await channel.escalate(id, opts.autoApprove === true);
  const out = ctx.out;
  out.data({ id, linked });
  // Like `request`, stdout is only the new request's id, so `LINKED=$(mandate escalate …)` works.
  if (!out.json) out.raw(linked.id);
  const s = out.errStyle;
  out.note(`${s.yellow('↑ escalated')} ${id} to ${s.bold(linked.grantor)} as ${s.bold(linked.id)}`);
  out.note(
    s.dim(
      opts.autoApprove === true
        ? `when ${linked.grantor} approves ${linked.id}, ${id} is approved too`
        : `when ${linked.grantor} approves ${linked.id}, ${id} comes back to your inbox`,
    ),
  );
  out.note(s.dim(`your new token, once approved: mandate status ${linked.id}`));
  return EXIT.ok;
}

function printDecided(
  ctx: Context,
  view: PermissionRequestView,
  verb: 'approved' | 'denied',
  preview?: ApprovalPreview,
): ExitCode {
  const out = ctx.out;
  out.data(preview === undefined ? view : { ...view, ...preview });
  const s = out.style;
  const mark = verb === 'approved' ? s.green('✓ approved') : s.red('✗ denied');
  out.line(`${mark} ${view.id} from ${s.bold(view.requester)}`);
  printRequest(out, view, ctx.now(), '  ');
  if (preview !== undefined) printEffect(out, view, preview, 'now', ctx.now());
  if (verb === 'approved')
    out.line(s.dim(`the requester picks up its new token with: mandate status ${view.id}`));
  return EXIT.ok;
}
