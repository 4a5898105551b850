/**
 * The tool runner: the resource server that every tool call goes through.
 *
 * It holds the registry and the owner's root keys, and binds agents to delegations. It never
 * needs the network to decide a call: the token and the root keys decide it, offline. The
 * clock is injected (`now`), so expiry is testable without waiting.
 */
import { assertFunction, assertObject, describe } from '../_assert.js';
import { mergeLimits } from '../_limits.js';
import {
  principalProblem,
  RootKeyring,
  verifyDelegation,
  type RevocationSource,
  type RootKeys,
} from '../delegation/index.js';
import { assertRootKeys } from '../delegation/keys.js';
import { assertRevocationOptions } from '../delegation/revocation.js';
import { DEFAULT_ARGUMENT_LIMITS, type ArgumentLimits } from './arguments.js';
import type { PermissionBroker } from './broker.js';
import { PrincipalMismatchError } from './errors.js';
import { buildRegistry, type ToolDefinition, type ToolInputSchema } from './registry.js';
import type { ToolMap, ToolMapOf } from './tool-types.js';
import {
  AgentSession,
  type RevocationOptions,
  type RunnerContext,
  type StartAgentOptions,
} from './session.js';

/**
 * Options of `createToolRunner`.
 *
 * @example
 * ```ts
 * createToolRunner({ rootKeys: ring, tools, broker: delegator, now: () => clock.now() });
 * ```
 */
export interface ToolRunnerOptions<
  Tools extends readonly ToolDefinition<never, unknown, string>[] = readonly ToolDefinition<
    never,
    unknown,
    string
  >[],
> {
  /** The root keys that delegations must verify under. */
  readonly rootKeys: RootKeys;
  /**
   * The tools; names must be unique. Schemas are compiled here, once. Typed definitions
   * (`defineTool`) make the runner's sessions check `invoke`'s names, arguments and results.
   */
  readonly tools: Tools;
  /** Routes permission requests to grantors (the requests layer's Delegator). Optional. */
  readonly broker?: PermissionBroker;
  /** The clock used for `time` conditions and expiry. Default: `() => new Date()`. */
  readonly now?: () => Date;
  /** Bounds on each call's arguments. Default `DEFAULT_ARGUMENT_LIMITS`. */
  readonly argumentLimits?: Partial<ArgumentLimits>;
  /**
   * Where to learn of revocations (`delegator.revocations()`, or a `RevocationList` fed by the
   * service's feed): a revoked token is denied every call, and discovery shows every tool denied.
   */
  readonly revocations?: RevocationSource;
  /**
   * With `revocations`: the most its view may lag, in seconds; past it every call is denied
   * (`revocationsStale`) until the view is fresh again. Default: no bound.
   */
  readonly maxRevocationStaleness?: number;
}

/**
 * A registered tool as agents see it.
 *
 * @example
 * ```ts
 * for (const t of runner.tools) console.log(t.name, t.description);
 * ```
 */
export interface ToolDescription {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
}

/**
 * A tool runner. Create one with `createToolRunner`.
 *
 * @example
 * ```ts
 * const runner: ToolRunner = createToolRunner({ rootKeys: ring, tools });
 * const planner = runner.startAgent({ principal: 'planner', token });
 * ```
 */
export interface ToolRunner<T extends ToolMap = ToolMap> {
  /** Every registered tool, in registration order. */
  readonly tools: readonly ToolDescription[];
  /**
   * Binds an agent to its delegation. The token must verify under the runner's keys (else
   * `TokenInvalidError`) and be delegated to `principal` (else `PrincipalMismatchError`); a
   * bearer token (minted without `to`) may be bound to any principal.
   */
  startAgent(options: StartAgentOptions): AgentSession<T>;
}

/**
 * Creates a tool runner over a set of tools.
 *
 * @example
 * ```ts
 * const runner = createToolRunner({ rootKeys: ring, tools: [readFileTool, transferTool] });
 * const token = mintDelegation(ring, { to: 'planner', conditions: ['tool ~ "fs.*"'] });
 * const planner = runner.startAgent({ principal: 'planner', token });
 * console.log(planner.discoverTools());
 * const text = await planner.invoke('fs.read', { path: '/repo/README.md' });
 * ```
 */
export function createToolRunner<
  const Tools extends readonly ToolDefinition<never, unknown, string>[],
>(options: ToolRunnerOptions<Tools>): ToolRunner<ToolMapOf<Tools>> {
  assertObject(options, 'options');
  assertRootKeys(options.rootKeys, 'options.rootKeys');
  const registry = buildRegistry(options.tools);
  const broker = options.broker;
  if (broker !== undefined) {
    assertObject(broker, 'options.broker');
    for (const method of ['request', 'awaitResponse', 'poll']) {
      assertFunction(
        (broker as unknown as Record<string, unknown>)[method],
        `options.broker.${method}`,
      );
    }
  }
  const now = options.now ?? (() => new Date());
  assertFunction(now, 'options.now');
  const argumentLimits = mergeLimits(
    DEFAULT_ARGUMENT_LIMITS,
    options.argumentLimits,
    'options.argumentLimits',
    'an argument limit',
  );
  // A copy of an array of keys: the runner's key set must not change behind its back.
  const rootKeys: RootKeys =
    options.rootKeys instanceof RootKeyring
      ? options.rootKeys
      : Object.freeze([...options.rootKeys]);

  const tools = Object.freeze(
    [...registry.values()].map((t) =>
      Object.freeze({ name: t.name, description: t.description, inputSchema: t.inputSchema }),
    ),
  );

  const startAgent = (start: StartAgentOptions): AgentSession => {
    assertObject(start, 'options');
    const { principal, token } = start;
    if (typeof principal !== 'string')
      throw new TypeError(`options.principal must be a string, got ${describe(principal)}`);
    const problem = principalProblem(principal);
    if (problem !== undefined) throw new RangeError(`options.principal ${problem}`);
    if (typeof token !== 'string' && (typeof token !== 'object' || token === null))
      throw new TypeError(`options.token must be a string, got ${describe(token)}`);
    const verified = verifyDelegation(token, { rootKeys });
    if (verified.principal !== null && verified.principal !== principal) {
      throw new PrincipalMismatchError(principal, verified.principal);
    }
    return new AgentSession(context, principal, verified);
  };

  const revocation = revocationOptions(options);
  const context: RunnerContext = {
    rootKeys,
    registry,
    broker,
    now,
    argumentLimits,
    revocation,
    startAgent,
  };
  return Object.freeze({
    tools,
    startAgent: startAgent as (start: StartAgentOptions) => AgentSession<ToolMapOf<Tools>>,
  });
}

/** The runner's revocation options, checked, as `authorize` takes them (`{}` without). */
function revocationOptions(options: ToolRunnerOptions): RevocationOptions {
  assertRevocationOptions(options);
  const { revocations, maxRevocationStaleness } = options;
  if (revocations === undefined) return {};
  return maxRevocationStaleness === undefined
    ? { revocations }
    : { revocations, maxRevocationStaleness };
}
