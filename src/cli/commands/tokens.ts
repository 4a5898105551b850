/**
 * `mandate mint`, `mandate delegate`, `mandate inspect` and `mandate scope`: making and reading
 * delegations. `mint` needs the home (it signs with the newest root key and records the mint in
 * the audit log); `delegate` is offline attenuation and needs nothing but the token; `inspect`
 * reads a token's blocks with their hop ids (what `revoke` takes) and says plainly whether that
 * view was verified (a home with the key is available) or not; `scope` shows what the token
 * allows as a whole, simplified, one alternative per line (so does the end of `inspect`). A
 * command whose result is a token prints only the token on stdout, so `T=$(mandate mint …)`
 * works, and describes it on stderr. `mint` never makes an all-powerful or never-expiring token
 * by omission: it needs `--allow` or `--allow-all`, and `--expires` or `--no-expiry`.
 */
import type { Command } from 'commander';
import {
  delegate,
  inspectToken,
  TokenInvalidError,
  verifyDelegation,
  type Delegation,
  type TokenView,
} from '../../delegation/index.js';
import { alternatives, type Alternatives } from '../../scope/index.js';
import type { Context } from '../context.js';
import { parseDuration } from '../duration.js';
import { expiryOf, expiryText, printAlternatives, printBlocks } from '../format.js';
import { CliError } from '../cli-error.js';
import type { FlagNames } from '../flag-terms.js';
import { checkConditions, collect, nonBlank, readToken } from '../input.js';
import { abbreviateToken, EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface GrantOptions {
  readonly to?: string;
  readonly allow: readonly string[];
  readonly expires?: string;
}

interface MintOptions extends GrantOptions {
  readonly allowAll?: boolean;
  /** `false` with `--no-expiry`. */
  readonly expiry: boolean;
}

/** The library's parameters of `mint` and `delegate`, by the flags that set them. */
const GRANT_FLAGS: FlagNames = {
  'options.to': '--to',
  'options.conditions': '--allow',
  'options.expiresIn': '--expires',
};

/**
 * Registers `mint`, `delegate`, `inspect` and `scope`.
 *
 * @example
 * ```ts
 * registerTokenCommands(program, action);
 * ```
 */
export function registerTokenCommands(program: Command, action: ActionFactory): void {
  withExamples(
    program
      .command('mint')
      .description('mint an owner delegation under the newest root key and print the token')
      .option(
        '--to <principal>',
        'the agent it is for (omit for a bearer token that anyone holding it may use)',
        nonBlank,
      )
      .option(
        '--allow <condition>',
        'a condition of the scope DSL; repeat for more (all must hold)',
        collect,
        [],
      )
      .option('--allow-all', 'no conditions: the token may do everything the owner can')
      .option(
        '--expires <duration>',
        'lifetime, e.g. 30d, 2h, 15m, 90s (written into the token as time < …)',
      )
      .option('--no-expiry', 'the token never expires (until its root key is retired)'),
    [
      `mandate mint --to budget-agent --allow 'tool in ["bank.list_transactions", "bank.get_balance"]' --allow 'args.account == "checking"' --expires 30d`,
      `TOKEN=$(mandate mint --to planner --allow 'tool ~ "fs.*" and args.path ~ "/repo/**"' --expires 8h)`,
      `mandate mint --to ops-agent --allow-all --expires 1h`,
    ],
  ).action(action<MintOptions>((ctx, _args, opts) => mint(ctx, opts), GRANT_FLAGS));

  withExamples(
    program
      .command('delegate')
      .description(
        'attenuate a token for a subagent, offline: append "to <principal>" and conditions',
      )
      .argument('[token]', 'the parent token, or - (stdin) or @file (default: $MANDATE_TOKEN)')
      .requiredOption('--to <principal>', 'the subagent', nonBlank)
      .option(
        '--allow <condition>',
        'a condition the subagent gets (it can only narrow); repeat for more',
        collect,
        [],
      )
      .option('--expires <duration>', 'lifetime, e.g. 1h'),
    [
      `mandate delegate @agent.token --to reporter --allow 'tool == "bank.list_transactions"' --expires 1h`,
      `echo "$TOKEN" | mandate delegate - --to coder --allow 'args.path ~ "/repo/src/**"'`,
    ],
  ).action(
    action<GrantOptions>(
      (ctx, args, opts) => attenuate(ctx, args[0] as string | undefined, opts),
      GRANT_FLAGS,
    ),
  );

  withExamples(
    program
      .command('inspect')
      .description(
        'show who granted what to whom, and until when; verified only when this home holds the key',
      )
      .argument('[token]', 'the token, or - (stdin) or @file (default: $MANDATE_TOKEN)'),
    [
      'mandate inspect @agent.token',
      'mandate inspect - < agent.token',
      'mandate inspect "$TOKEN" --json',
    ],
  ).action(action((ctx, args) => inspect(ctx, args[0] as string | undefined)));

  withExamples(
    program
      .command('scope')
      .description(
        'what a token allows, simplified, one alternative per line; verified only when this home holds the key',
      )
      .argument('[token]', 'the token, or - (stdin) or @file (default: $MANDATE_TOKEN)'),
    [
      'mandate scope @agent.token',
      'mandate scope - < agent.token',
      'mandate scope @agent.token --json',
    ],
  ).action(action((ctx, args) => scopeOf(ctx, args[0] as string | undefined)));
}

async function mint(ctx: Context, opts: MintOptions): Promise<ExitCode> {
  requireExplicitChoices(opts);
  const expiresIn = opts.expires === undefined ? undefined : parseDuration(opts.expires);
  const delegator = await ctx.delegator();
  const token = await delegator.mint({
    ...(opts.to === undefined ? {} : { to: opts.to }),
    conditions: checkConditions(opts.allow, '--allow'),
    ...(expiresIn === undefined ? {} : { expiresIn }),
  });
  const view = verifyDelegation(token, { rootKeys: delegator.rootKeys }).toJSON();
  return printToken(ctx, token, view, 'minted');
}

/**
 * A token with no conditions may do everything, and one without an expiry lasts until its key
 * is retired: neither is made because a flag was forgotten.
 */
function requireExplicitChoices(opts: MintOptions): void {
  const usage = (message: string) => new CliError('ERR_CLI_USAGE', message);
  if (opts.allowAll === true && opts.allow.length > 0)
    throw usage('--allow-all and --allow contradict each other: give one of them');
  if (opts.allowAll !== true && opts.allow.length === 0) {
    throw usage(
      'say what the token allows: --allow <condition> (repeat for more), or --allow-all for everything the owner can do',
    );
  }
  if (!opts.expiry && opts.expires !== undefined)
    throw usage('--expires and --no-expiry contradict each other: give one of them');
  if (opts.expiry && opts.expires === undefined) {
    throw usage(
      'say how long the token lasts: --expires <duration> (e.g. 30d), or --no-expiry for a token that never expires',
    );
  }
}

function attenuate(ctx: Context, spec: string | undefined, opts: GrantOptions): ExitCode {
  const parent = readToken(spec, ctx.env, 'token', ctx.stdin);
  const expiresIn = opts.expires === undefined ? undefined : parseDuration(opts.expires);
  const result = delegate(parent, {
    to: opts.to as string,
    conditions: checkConditions(opts.allow, '--allow'),
    ...(expiresIn === undefined ? {} : { expiresIn }),
    now: ctx.now(),
  });
  const out = ctx.out;
  for (const warning of result.warnings)
    out.note(`${out.errStyle.yellow('warning:')} ${warning.message}`);
  return printToken(ctx, result.token, inspectToken(result.token), 'delegated', result.warnings);
}

function printToken(
  ctx: Context,
  token: string,
  view: TokenView,
  verb: string,
  warnings: readonly unknown[] = [],
): ExitCode {
  const out = ctx.out;
  const block = view.blocks[view.blocks.length - 1];
  const expiresAt = expiryOf(view.blocks.flatMap((b) => b.conditions));
  out.data({
    token,
    keyId: view.keyId,
    delegationId: view.delegationId,
    principal: view.principal,
    expiresAt: expiresAt ?? null,
    blocks: view.blocks,
    warnings,
  });
  if (out.json) return EXIT.ok;
  out.raw(token);
  const s = out.errStyle;
  const to = view.principal === null ? 'any holder (bearer token)' : view.principal;
  out.note(
    s.dim(
      `${verb} for ${to}: ${block?.conditions.length ?? 0} condition(s), key ${view.keyId}, delegation ${view.delegationId}`,
    ),
  );
  out.note(
    s.dim(
      `expires: ${expiresAt === undefined ? 'never' : expiresAt.toISOString()}; inspect it with: mandate inspect <token>`,
    ),
  );
  return EXIT.ok;
}

/** A token read for display: verified when the home's keys verify it, else as it claims. */
interface ReadToken {
  readonly token: string;
  readonly view: TokenView;
  /** The verified value, when the home's keys verify the token. */
  readonly delegation?: Delegation;
  /** Why the home's keys refuse it, when there is a home and they do. */
  readonly problem?: string;
}

function readForDisplay(ctx: Context, spec: string | undefined): ReadToken {
  const token = readToken(spec, ctx.env, 'token', ctx.stdin);
  const unverified = inspectToken(token);
  if (!ctx.hasHome()) return { token, view: unverified };
  try {
    const delegation = verifyDelegation(token, { rootKeys: ctx.keys().keyring });
    return { token, view: delegation.toJSON(), delegation };
  } catch (err) {
    if (!(err instanceof TokenInvalidError)) throw err;
    return {
      token,
      view: unverified,
      problem: `does not verify under the keys in ${ctx.home.path} (wrong owner, retired key or altered token)`,
    };
  }
}

/** `valid` in JSON: `true` verified, `false` refused by the home's keys, `null` not checked. */
function validity(read: ReadToken): boolean | null {
  return read.problem !== undefined ? false : read.view.verified ? true : null;
}

function printVerification(ctx: Context, read: ReadToken, what: string): void {
  const s = ctx.out.style;
  ctx.out.line(
    read.view.verified
      ? s.green(`✓ verified under root key ${read.view.keyId} in ${ctx.home.path}`)
      : read.problem !== undefined
        ? s.red(`✗ INVALID: ${read.problem}`)
        : s.yellow(
            `⚠ UNVERIFIED: no home with root keys here, so anyone could have written this ${what}`,
          ),
  );
}

/**
 * The token's whole scope simplified, one alternative per line: from the verified delegation,
 * or from the conditions the token claims. A caveat that cannot be evaluated allows nothing.
 */
function effectiveScope(read: ReadToken): Alternatives {
  const unknown = read.view.blocks.some((b) => b.unknownCaveats.length > 0);
  if (unknown) return { alternatives: [], complete: true };
  return alternatives(read.delegation?.scope ?? read.view.blocks.flatMap((b) => b.conditions));
}

function printScope(ctx: Context, read: ReadToken, scope: Alternatives, indent: string): void {
  const out = ctx.out;
  const s = out.style;
  const holder = s.bold(read.view.principal ?? 'any holder (bearer token)');
  const claimed = read.view.verified ? '' : s.yellow(' (as the token claims)');
  if (scope.alternatives.length === 0) {
    const unknown = read.view.blocks.some((b) => b.unknownCaveats.length > 0);
    out.line(
      `${indent}${holder} may do ${s.red('nothing')}${claimed}: ${
        unknown
          ? 'a caveat this verifier cannot evaluate denies every request'
          : 'no request meets every condition'
      }`,
    );
  } else if (scope.alternatives[0] === 'true') {
    out.line(
      `${indent}${holder} may do ${s.yellow('anything')}${claimed}: the token has no conditions`,
    );
  } else {
    out.line(`${indent}${holder} may do${claimed}, one alternative per line:`);
    printAlternatives(out, scope, `${indent}  `);
  }
}

function inspect(ctx: Context, spec: string | undefined): ExitCode {
  const read = readForDisplay(ctx, spec);
  const { token, view } = read;
  const now = ctx.now();
  const expiresAt = expiryOf(view.blocks.flatMap((b) => b.conditions));
  const scope = effectiveScope(read);
  const out = ctx.out;
  out.data({
    ...view,
    valid: validity(read),
    expiresAt: expiresAt ?? null,
    scope,
    token: abbreviateToken(token),
  });
  printVerification(ctx, read, 'view');
  out.fields([
    ['token', abbreviateToken(token)],
    ['key id', view.keyId],
    ['delegation', view.delegationId],
    ['id', view.id],
    ['holder', view.principal ?? 'any holder (bearer token)'],
    ['asks', `${view.askFrom} (grantor of the last block)`],
    ['expires', expiryText(out, expiresAt, now)],
  ]);
  out.line();
  printBlocks(out, view.blocks, now);
  out.line();
  printScope(ctx, read, scope, '  ');
  return read.problem === undefined ? EXIT.ok : EXIT.error;
}

function scopeOf(ctx: Context, spec: string | undefined): ExitCode {
  const read = readForDisplay(ctx, spec);
  const scope = effectiveScope(read);
  const out = ctx.out;
  out.data({
    verified: read.view.verified,
    valid: validity(read),
    keyId: read.view.keyId,
    delegationId: read.view.delegationId,
    principal: read.view.principal,
    askFrom: read.view.askFrom,
    ...scope,
  });
  printVerification(ctx, read, 'scope');
  printScope(ctx, read, scope, '');
  return read.problem === undefined ? EXIT.ok : EXIT.error;
}
