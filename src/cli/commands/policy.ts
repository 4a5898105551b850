/**
 * `mandate policy add|list|remove`: a grantor's standing policies, so that people are asked
 * only when it matters. `approve` policies grant requests whose scope lies inside the policy's
 * scope (and inside the grantor's own authority) without asking; `deny` policies refuse
 * requests whose scope overlaps theirs; deny wins; everything else waits in the inbox. Like the
 * other grantor commands they act for the owner, or for an agent with `--token <token>`.
 */
import type { Command } from 'commander';
import type { PolicyView } from '../../requests/index.js';
import { CliError } from '../cli-error.js';
import { withActingOptions, withServiceUrl, type ServiceActing } from '../acting.js';
import { grantorChannel } from '../grantor-channel.js';
import { serviceUrlOf } from '../requester-channel.js';
import type { Context } from '../context.js';
import { formatDuration, parseDuration } from '../duration.js';
import type { FlagNames } from '../flag-terms.js';
import { conjunctionText } from '../format.js';
import { checkConditions, collect } from '../input.js';
import { EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface AddOptions extends ServiceActing {
  readonly scope: readonly string[];
  readonly expires?: string;
  readonly grantExpires?: string;
}

/** The library's parameters of `policy add`, by the flags that set them. */
const ADD_FLAGS: FlagNames = {
  scope: '--scope',
  'options.scope': '--scope',
  expiresIn: '--expires',
  'options.expiresIn': '--expires',
  grantExpiresIn: '--grant-expires',
  'options.grantExpiresIn': '--grant-expires',
};

/**
 * Registers `policy add`, `policy list` and `policy remove`.
 *
 * @example
 * ```ts
 * registerPolicyCommands(program, action);
 * ```
 */
export function registerPolicyCommands(program: Command, action: ActionFactory): void {
  const policy = withExamples(
    program
      .command('policy')
      .description('standing policies: approve or deny matching requests without asking'),
    [`mandate policy add approve --scope 'tool == "bank.get_balance"'`, 'mandate policy list'],
  );
  withExamples(
    withServiceUrl(
      withActingOptions(
        policy
          .command('add')
          .description(
            'add a policy: approve requests inside <scope>, or deny requests that overlap it',
          )
          .argument('<effect>', 'approve or deny')
          .option(
            '--scope <condition>',
            'the policy’s scope; repeat for more (all of them together)',
            collect,
            [],
          )
          .option(
            '--expires <duration>',
            'the policy lapses after this long (default: until removed)',
          )
          .option(
            '--grant-expires <duration>',
            'approve policies: each grant ends after this long (default: with the requester’s token)',
          ),
      ),
    ),
    [
      `mandate policy add approve --scope 'tool == "bank.get_balance"'`,
      `mandate policy add deny --scope 'tool == "bank.transfer" and args.amount > 1000'`,
      `mandate policy add approve --scope 'tool == "bank.list_transactions"' --token @budget-agent.token --expires 7d`,
      `mandate policy add approve --scope 'tool == "bank.get_balance"' --grant-expires 10m`,
    ],
  ).action(action<AddOptions>((ctx, args, opts) => add(ctx, String(args[0]), opts), ADD_FLAGS));
  withExamples(
    withServiceUrl(withActingOptions(policy.command('list').description('the policies in force'))),
    ['mandate policy list', 'mandate policy list --json'],
  ).action(action<ServiceActing>((ctx, _args, opts) => list(ctx, opts)));
  withExamples(
    withServiceUrl(
      withActingOptions(
        policy
          .command('remove')
          .description('remove a policy')
          .argument('<id>', 'the policy id (see mandate policy list)'),
      ),
    ),
    ['mandate policy remove pol_7c0d…'],
  ).action(action<ServiceActing>((ctx, args, opts) => remove(ctx, String(args[0]), opts)));
}

async function add(ctx: Context, effect: string, opts: AddOptions): Promise<ExitCode> {
  if (effect !== 'approve' && effect !== 'deny') {
    throw new CliError('ERR_CLI_USAGE', `the effect must be "approve" or "deny", not "${effect}"`);
  }
  if (opts.scope.length === 0)
    throw new CliError(
      'ERR_CLI_USAGE',
      'give the policy’s scope with at least one --scope <condition>',
    );
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  const view = await channel.addPolicy({
    effect,
    scope: checkConditions(opts.scope, '--scope'),
    ...(opts.expires === undefined ? {} : { expiresIn: parseDuration(opts.expires) }),
    ...(opts.grantExpires === undefined
      ? {}
      : { grantExpiresIn: parseDuration(opts.grantExpires, '--grant-expires') }),
  });
  const out = ctx.out;
  out.data(view);
  out.line(`${out.style.green('✓')} policy ${out.style.bold(view.id)}: ${describe(view)}`);
  return EXIT.ok;
}

async function list(ctx: Context, opts: ServiceActing): Promise<ExitCode> {
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  // Without --token or --as, the owner (who holds the home) sees every grantor's policies.
  const everyone = opts.token === undefined && opts.as === undefined;
  const policies = await channel.policies(everyone);
  const out = ctx.out;
  out.data({ policies });
  if (policies.length === 0) {
    out.line(out.style.dim('no policies: every request waits in the inbox'));
    return EXIT.ok;
  }
  out.table(
    ['ID', 'GRANTOR', 'EFFECT', 'SCOPE', 'UNTIL', 'GRANTS LAST'],
    policies.map((p) => [
      p.id,
      p.grantor,
      p.effect === 'approve' ? out.style.green('approve') : out.style.red('deny'),
      conjunctionText(p.scope),
      p.expiresAt === null ? '-' : p.expiresAt.toISOString(),
      p.grantExpiresIn === null ? '-' : formatDuration(p.grantExpiresIn),
    ]),
  );
  return EXIT.ok;
}

async function remove(ctx: Context, id: string, opts: ServiceActing): Promise<ExitCode> {
  const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
  await channel.removePolicy(id);
  ctx.out.data({ removed: id });
  ctx.out.line(`${ctx.out.style.green('✓')} removed policy ${id}`);
  return EXIT.ok;
}

function describe(view: PolicyView): string {
  const scope = conjunctionText(view.scope);
  const what =
    view.effect === 'approve'
      ? `requests inside ${scope} are approved for ${view.grantor}`
      : `requests overlapping ${scope} are denied for ${view.grantor}`;
  const lasting =
    view.grantExpiresIn === null
      ? what
      : `${what}, each grant for ${formatDuration(view.grantExpiresIn)}`;
  return view.expiresAt === null ? lasting : `${lasting}, until ${view.expiresAt.toISOString()}`;
}
