/**
 * `mandate authorize` and `mandate contains`: the two questions a script asks from a shell.
 * `authorize` verifies a token under the home's keys and decides one call offline, exiting 0
 * when allowed and 3 when denied (after listing every failed caveat with its author, and the
 * needed scope and whom to ask; or, for a revoked token, which hop was revoked, by whom, when
 * and why). It reads the revocations from the home's store, so a revoked token is denied here
 * as by every verifier the Delegator feeds. `contains` asks the scope algebra whether one scope
 * contains another, exiting 0 when it does and 3 when it does not (with the witness request
 * that separates them) or when the algebra cannot tell within its limits.
 */
import type { Command } from 'commander';
import { authorize, inspectToken } from '../../delegation/index.js';
import { contains } from '../../scope/index.js';
import type { Context } from '../context.js';
import { printDecision, shellWord, witnessText } from '../format.js';
import type { FlagNames } from '../flag-terms.js';
import { checkConditions, nonBlank, readJsonObject, readToken } from '../input.js';
import { EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface AuthorizeOptions {
  readonly tool: string;
  readonly args: string;
  readonly as?: string;
}

/** The library's parameters of `authorize`, by the flags that set them. */
const AUTHORIZE_FLAGS: FlagNames = {
  'request.tool': '--tool',
  'request.args': '--args',
  'request.principal': '--as',
};

/**
 * Registers `authorize` and `contains`.
 *
 * @example
 * ```ts
 * registerAuthorizeCommands(program, action);
 * ```
 */
export function registerAuthorizeCommands(program: Command, action: ActionFactory): void {
  withExamples(
    program
      .command('authorize')
      .description('decide one tool call under a token (exit 0 allowed, 3 denied)')
      .argument('[token]', 'the token, or - (stdin) or @file (default: $MANDATE_TOKEN)')
      .requiredOption('--tool <name>', 'the tool being called', nonBlank)
      .option('--args <json>', 'the call’s arguments: a JSON object, or - or @file', '{}')
      .option(
        '--as <principal>',
        'the calling principal (default: $MANDATE_PRINCIPAL, else the token’s holder)',
        nonBlank,
      ),
    [
      `mandate authorize @agent.token --tool bank.get_balance --args '{"account":"checking"}'`,
      `mandate authorize @agent.token --tool bank.transfer --args '{"account":"checking","to":"savings","amount":80}' --as budget-agent`,
      `mandate authorize "$TOKEN" --tool fs.read --args @call.json --json | jq .failures`,
    ],
  ).action(
    action<AuthorizeOptions>(
      (ctx, args, opts) => decide(ctx, args[0] as string | undefined, opts),
      AUTHORIZE_FLAGS,
    ),
  );

  withExamples(
    program
      .command('contains')
      .description(
        'does <outer> allow every request <inner> allows? (exit 0 yes, 3 no, with a witness)',
      )
      .argument('<outer>', 'a condition (use "and" to combine several)')
      .argument('<inner>', 'a condition'),
    [
      `mandate contains 'args.path ~ "/repo/**"' 'args.path ~ "/repo/src/*.ts"'`,
      `mandate contains 'args.amount <= 100' 'args.amount <= 500'`,
    ],
  ).action(action((ctx, args) => containment(ctx, String(args[0]), String(args[1]))));
}

async function decide(
  ctx: Context,
  spec: string | undefined,
  opts: AuthorizeOptions,
): Promise<ExitCode> {
  const token = readToken(spec, ctx.env, 'token', ctx.stdin);
  const args = readJsonObject(opts.args, '--args', ctx.stdin);
  const principal =
    opts.as ?? nonEmpty(ctx.env['MANDATE_PRINCIPAL']) ?? inspectToken(token).principal ?? undefined;
  const { keyring } = ctx.keys();
  // The home's store holds the revocations: a revoked token is denied here as everywhere else.
  const delegator = await ctx.delegator();
  const decision = authorize(
    token,
    { tool: opts.tool, args, ...(principal === undefined ? {} : { principal }) },
    { rootKeys: keyring, revocations: delegator.revocations(), now: ctx.now() },
  );
  const out = ctx.out;
  out.data({ tool: opts.tool, principal: principal ?? null, ...decision });
  printDecision(out, decision, opts.tool, principal);
  if (!decision.allowed && decision.needed !== undefined) {
    // The same call, so that the request carries it and its grantor sees what was tried.
    const from = spec?.startsWith('@') === true ? spec : '<token>';
    const call =
      opts.args === '{}'
        ? ''
        : ` --args ${shellWord(opts.args === '-' ? JSON.stringify(args) : opts.args)}`;
    out.line();
    out.line(
      out.style.dim(
        `ask with: mandate request ${from} --tool ${shellWord(opts.tool)}${call} --reason '…'`,
      ),
    );
  }
  return decision.allowed ? EXIT.ok : EXIT.denied;
}

function containment(ctx: Context, outer: string, inner: string): ExitCode {
  checkConditions([outer], 'outer scope');
  checkConditions([inner], 'inner scope');
  const result = contains(outer, inner);
  const out = ctx.out;
  out.data(result);
  const s = out.style;
  if (result.contained === true) {
    out.line(
      `${s.green('✓ contained')}: every request the inner scope allows, the outer scope allows`,
    );
    return EXIT.ok;
  }
  if (result.contained === false) {
    out.line(
      `${s.red('✗ not contained')}: a request the inner scope allows and the outer refuses:`,
    );
    out.line(`  ${witnessText(result.witness)}`);
    return EXIT.denied;
  }
  out.line(`${s.yellow('? unknown')}: ${result.reason} (treat as not contained)`);
  return EXIT.denied;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
