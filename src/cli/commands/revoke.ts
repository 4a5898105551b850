/**
 * `mandate revoke`: taking a delegation back. The target is a token (literal, `-` or `@file`)
 * or its hop id (`hop_…`, as `inspect`, `delegations` and a denial show it): that token and
 * every token derived from it are refused from then on, and the approvals that answered a
 * request from one of them are revoked with it. `--principal <name>` is the owner's kill
 * switch: every delegation to that name, in every chain. Like the other grantor commands it
 * acts for the owner, or with `--token <token>` for an agent, which may revoke only what it (or
 * its subagents) delegated. Revoking again is harmless: it says so and changes nothing. The
 * rule of who may revoke what is the Delegator's; this module translates and prints.
 */
import type { Command } from 'commander';
import { HOP_ID_PATTERN, inspectToken, isHopId, type Revocation } from '../../delegation/index.js';
import type { RevokeResult } from '../../requests/index.js';
import { ServiceError } from '../../server/index.js';
import { withActingOptions, withServiceUrl, type ServiceActing } from '../acting.js';
import { grantorChannel, type GrantorChannel } from '../grantor-channel.js';
import { serviceUrlOf } from '../requester-channel.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import type { FlagNames } from '../flag-terms.js';
import { relative } from '../format.js';
import { nonBlank, readToken } from '../input.js';
import { EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface RevokeCommandOptions extends ServiceActing {
  readonly principal?: string;
  readonly reason: string;
}

/** The library's parameters of `revoke`, by the flags that set them. */
const REVOKE_FLAGS: FlagNames = {
  reason: '--reason',
  'options.reason': '--reason',
  'options.by': '--token',
};

/** What to revoke, read from the command line, and what is known of it before revoking. */
interface Target {
  readonly value: string | { readonly principal: string };
  /** Grantor and grantee of the revoked hop, when the target is a token. */
  readonly hop?: { readonly grantor: string; readonly grantee: string | null };
}

/**
 * Registers `revoke`.
 *
 * @example
 * ```ts
 * registerRevokeCommand(program, action);
 * ```
 */
export function registerRevokeCommand(program: Command, action: ActionFactory): void {
  withExamples(
    withServiceUrl(
      withActingOptions(
        program
          .command('revoke')
          .description(
            'revoke a delegation and every token derived from it, or (owner only, --principal) every delegation to a principal',
          )
          .argument(
            '[target]',
            'the token (or - or @file), or its hop id (hop_…, from inspect, delegations or a denial)',
          )
          .option(
            '--principal <name>',
            'revoke every delegation to this principal, in every chain (the kill switch; owner only)',
            nonBlank,
          )
          .requiredOption(
            '--reason <text>',
            'why: recorded, and shown with every denial it causes',
            nonBlank,
          ),
      ),
    ),
    [
      `mandate revoke @coder.token --reason 'the coder leaked its token'`,
      `mandate revoke hop_5f0c1d2e3f405162738495a6b7c8d9e0 --reason 'task finished'`,
      `mandate revoke @helper.token --token @coder.token --reason 'no longer needed'`,
      `mandate revoke --principal coder --reason 'compromised'`,
    ],
  ).action(
    action<RevokeCommandOptions>(
      (ctx, args, opts) => revoke(ctx, args[0] as string | undefined, opts),
      REVOKE_FLAGS,
    ),
  );
}

async function revoke(
  ctx: Context,
  spec: string | undefined,
  opts: RevokeCommandOptions,
): Promise<ExitCode> {
  const target = targetOf(ctx, spec, opts.principal);
  // One instant for the revocation and the "(now)" printed beside it.
  ctx.holdClock();
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  const outcome = await channel.revoke(target.value, opts.reason);
  const known = await knownHops(channel, outcome, target);
  const hop = target.hop ?? known.get(outcome.revocation.target);
  const holder =
    outcome.revocation.kind === 'principal' ? outcome.revocation.target : (hop?.grantee ?? null);
  const out = ctx.out;
  out.data({ ...outcome, holder });
  const s = out.style;
  const r = outcome.revocation;
  const what =
    r.kind === 'principal'
      ? `every delegation to ${s.bold(r.target)}`
      : `${s.bold(r.target)}${hop === undefined ? '' : ` (${hopText(hop)})`}`;
  out.line(
    outcome.already
      ? `${s.yellow('already revoked')}: ${what}; nothing changed`
      : `${s.green('✓ revoked')} ${what}`,
  );
  const at = new Date(r.at);
  out.fields(
    [
      [
        'holder',
        holder ??
          (hop === undefined
            ? s.dim('unknown: no token this home has seen holds it')
            : 'any holder (bearer)'),
      ],
      ['by', r.by],
      ['at', `${at.toISOString()} (${relative(at, ctx.now())})`],
      ['reason', r.reason],
      ...(outcome.already
        ? []
        : [['with it', approvalsText(outcome.cascaded.length, r.kind)] as const]),
    ],
    '  ',
  );
  for (const c of outcome.cascaded) {
    const answered = known.get(c.target);
    out.line(`    ${c.target}${answered === undefined ? '' : `  ${hopText(answered)}`}`);
  }
  if (outcome.cancelledRequests > 0)
    out.line(
      `  ${outcome.cancelledRequests} open ${outcome.cancelledRequests === 1 ? 'request' : 'requests'} from it cancelled`,
    );
  if (!outcome.already)
    out.line(
      s.dim(
        r.kind === 'principal'
          ? `every token delegated to ${r.target} is refused from now on`
          : 'it and every token derived from it are refused from now on; see: mandate delegations --status revoked',
      ),
    );
  return EXIT.ok;
}

/**
 * The target given: exactly one of a token (or `-`/`@file`) or hop id, and `--principal`. A
 * file or stdin may hold a hop id as well as a token.
 */
function targetOf(ctx: Context, spec: string | undefined, principal: string | undefined): Target {
  if (spec !== undefined && principal !== undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      'give either a token or hop id to revoke, or --principal <name>, not both',
      { option: '--principal' },
    );
  if (principal !== undefined) return { value: { principal } };
  if (spec === undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      'say what to revoke: a token (or - or @file), its hop id (hop_…), or --principal <name>',
    );
  if (/^hop_/i.test(spec) && !HOP_ID_PATTERN.test(spec))
    throw new CliError(
      'ERR_CLI_BAD_INPUT',
      `${spec.slice(0, 40)} is not a hop id: hop_ followed by 32 lowercase hex digits`,
    );
  const text = isHopId(spec) ? spec : readToken(spec, {}, 'token', ctx.stdin);
  if (isHopId(text)) return { value: text };
  const last = inspectToken(text).blocks.at(-1);
  return {
    value: text,
    ...(last === undefined ? {} : { hop: { grantor: last.grantor, grantee: last.grantee } }),
  };
}

/**
 * Who gave and who holds the hops the outcome names (the target given by id, the approvals
 * revoked with it), as far as this home knows them; looked up only when needed.
 */
async function knownHops(
  channel: GrantorChannel,
  outcome: RevokeResult,
  target: Target,
): Promise<Map<string, { grantor: string; grantee: string | null }>> {
  const known = new Map<string, { grantor: string; grantee: string | null }>();
  const byId = outcome.revocation.kind === 'hop' && target.hop === undefined;
  if (!byId && outcome.cascaded.length === 0) return known;
  // Only the owner reads the tree: an agent revoking through a service goes without the names.
  const nodes = await channel.delegations({}).catch((err: unknown) => {
    if (err instanceof ServiceError && err.status === 403) return [];
    throw err;
  });
  for (const node of nodes) known.set(node.id, node);
  return known;
}

function hopText(hop: { readonly grantor: string; readonly grantee: string | null }): string {
  return `${hop.grantor} → ${hop.grantee ?? 'any holder (bearer)'}`;
}

function approvalsText(count: number, kind: Revocation['kind']): string {
  if (kind === 'principal') return 'every hop delegated to that name, in every chain';
  if (count === 0) return 'no approval answered a request from it';
  return `${count} approval${count === 1 ? '' : 's'} that answered a request from it, revoked too:`;
}
