/**
 * An agent session: one principal bound to one delegation, and everything that agent does
 * through the runner — discover tools, invoke them, delegate to subagents, and ask for more
 * authority through the permission broker.
 *
 * `invoke` runs the steps in a fixed order and stops at the first that refuses: the tool must
 * be registered, the arguments must be JSON within limits and conform to the tool's schema
 * (both before any policy runs), then the token must authorize the call. Only then does the
 * handler run, with the frozen snapshot of arguments that was authorized. There is no prompt and
 * no pause: a denied call rejects at once with `PermissionDenied`, and asking for more is a
 * separate, asynchronous step (`requestPermission`).
 */
import { assertObject, assertString, describe } from '../_assert.js';
import {
  accessForTools,
  authorize,
  delegate,
  normalizeConditions,
  verifyDelegation,
  type AuthorizationDecision,
  type AuthorizationFailure,
  type Delegation,
  type DelegationResult,
  type DelegationWarning,
  type RevocationSource,
  type RevocationStaleness,
  type RevokedHop,
  type RootKeys,
  type ToolAccess,
} from '../delegation/index.js';
import { snapshotArguments, type ArgumentLimits } from './arguments.js';
import type {
  PermissionBroker,
  PermissionCall,
  PermissionOutcome,
  PermissionTicket,
  PollAnswer,
} from './broker.js';
import {
  InvalidArgumentsError,
  NoBrokerError,
  PermissionDenied,
  PrincipalMismatchError,
  UnknownToolError,
} from './errors.js';
import type { RegisteredTool, ToolInputSchema } from './registry.js';
import type { InvokeArgs, ToolMap } from './tool-types.js';

/**
 * What `runner.startAgent` takes.
 *
 * @example
 * ```ts
 * runner.startAgent({ principal: 'planner', token });
 * ```
 */
export interface StartAgentOptions {
  /** The agent's principal; must be the one the token's last `to` marker names. */
  readonly principal: string;
  /** The agent's delegation: token text, or a `Delegation` from `verifyDelegation`. */
  readonly token: string | Delegation;
}

/** @internal What sessions share with their runner. */
export interface RunnerContext {
  readonly rootKeys: RootKeys;
  readonly registry: ReadonlyMap<string, RegisteredTool>;
  readonly broker: PermissionBroker | undefined;
  readonly now: () => Date;
  readonly argumentLimits: ArgumentLimits;
  /** Passed to every `authorize` and `accessForTools` of the runner's sessions. */
  readonly revocation: RevocationOptions;
  readonly startAgent: (options: StartAgentOptions) => AgentSession;
}

/** @internal The revocation options a runner passes on. */
export interface RevocationOptions {
  readonly revocations?: RevocationSource;
  readonly maxRevocationStaleness?: number;
}

/**
 * A tool as one session sees it: never hidden, always with its status under the delegation.
 *
 * @example
 * ```ts
 * for (const t of session.discoverTools()) console.log(t.name, t.status, t.condition ?? '');
 * ```
 */
export interface ToolStatus {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  /**
   * `allowed`: every call is permitted (schema permitting). `denied`: no call is. `conditional`:
   * calls whose arguments satisfy `condition` are.
   */
  readonly status: 'allowed' | 'denied' | 'conditional';
  /** For `conditional`: the condition left on `args` once the tool and time are fixed. */
  readonly condition?: string;
  /** For `denied`: the caveats that exclude the tool. */
  readonly failures?: readonly AuthorizationFailure[];
  /** For `denied`: the revocation that reaches the session's token, when that is why. */
  readonly revoked?: RevokedHop;
  /** For `denied`: the runner's view of revocations is too old (see `authorize`). */
  readonly revocationsStale?: RevocationStaleness;
}

/**
 * What `session.authorizeCall` says: the call may run with `args` (the frozen snapshot that was
 * authorized), or `error` says why not.
 *
 * @example
 * ```ts
 * const check = session.authorizeCall('fs.read_file', { path: '/repo/a.md' });
 * if (!check.allowed) return { isError: true, text: check.error.message };
 * ```
 */
export type CallCheck =
  | {
      readonly allowed: true;
      readonly args: Readonly<Record<string, unknown>>;
      readonly delegationId: string;
    }
  | { readonly allowed: false; readonly error: PermissionDenied | InvalidArgumentsError };

/**
 * What `session.delegate` and `session.startSubagent` take.
 *
 * @example
 * ```ts
 * session.startSubagent({ to: 'coder', conditions: ['tool == "fs.read"'], expiresIn: 600 });
 * ```
 */
export interface SubagentOptions {
  /** The subagent's principal. */
  readonly to: string;
  /** Conditions (DSL texts) the subagent's token adds; they can only narrow. */
  readonly conditions: readonly string[];
  /** Lifetime in seconds, written into the token as `time < …`. */
  readonly expiresIn?: number;
}

/**
 * What `session.requestPermission` takes.
 *
 * @example
 * ```ts
 * await session.requestPermission({ scope: ['tool == "fs.write"'], reason: 'save the fix', expiresIn: 900 });
 * ```
 */
export interface PermissionRequestOptions {
  /** The scope asked for: one condition or a conjunction of them. */
  readonly scope: string | readonly string[];
  /** Why; shown to the grantor. */
  readonly reason: string;
  /** Lifetime of the request in seconds. */
  readonly expiresIn?: number;
  /**
   * The denied call the request comes from (`{ tool: err.tool, args: err.args }` of a
   * `PermissionDenied`): the grantor sees it and whether the approval would allow it.
   */
  readonly call?: PermissionCall;
}

/**
 * An agent bound to a delegation. Obtain one from `runner.startAgent` or
 * `session.startSubagent`. `T` is the runner's tools (`ToolMapOf` the typed definitions), so
 * `invoke` checks names, arguments and results at compile time.
 *
 * @example
 * ```ts
 * const planner = runner.startAgent({ principal: 'planner', token });
 * for (const t of planner.discoverTools()) console.log(t.name, t.status, t.condition ?? '');
 * try { await planner.invoke('bank.transfer', { to: 'bob', amount: 500 }); }
 * catch (err) { if (err instanceof PermissionDenied) console.log(err.decision.needed); }
 * ```
 */
export class AgentSession<T extends ToolMap = ToolMap> {
  /** The principal this session acts as. */
  readonly principal: string;
  readonly #context: RunnerContext;
  #delegation: Delegation;

  /** @internal Use `runner.startAgent`. */
  constructor(context: RunnerContext, principal: string, delegation: Delegation) {
    this.#context = context;
    this.principal = principal;
    this.#delegation = delegation;
  }

  /** The session's current delegation, verified. */
  get delegation(): Delegation {
    return this.#delegation;
  }

  /**
   * The session's current delegation as token text: after an approval (`awaitResponse`, `poll`)
   * or `updateDelegation`, the new one. Keep it to resume the agent later, or hand it to a
   * grantor's calls (`delegator.inbox({ token })`) when this agent decides its subagents'
   * requests.
   */
  get token(): string {
    return this.#delegation.token;
  }

  /** The delegation id of the current token. */
  get delegationId(): string {
    return this.#delegation.delegationId;
  }

  /**
   * Every registered tool with its status under the current delegation and clock. Discovery
   * never hides a tool: an agent must be able to see what it could ask for.
   *
   * @example
   * ```ts
   * session.discoverTools();
   * // [{ name: 'fs.read', status: 'conditional', condition: 'args.path ~ "/repo/**"', … },
   * //  { name: 'bank.transfer', status: 'denied', failures: [ … ], … }]
   * ```
   */
  discoverTools(): ToolStatus[] {
    const tools = [...this.#context.registry.values()];
    const verdicts = this.accessFor(tools.map((t) => t.name));
    return tools.map((tool, i) => {
      const access = verdicts[i] as ToolAccess;
      const base = {
        name: tool.name,
        description: tool.description,
        inputSchema: tool.inputSchema,
      };
      if (access.status === 'conditional')
        return { ...base, status: access.status, condition: access.condition };
      if (access.status === 'denied')
        return {
          ...base,
          status: access.status,
          failures: access.failures,
          ...(access.revoked === undefined ? {} : { revoked: access.revoked }),
          ...(access.revocationsStale === undefined
            ? {}
            : { revocationsStale: access.revocationsStale }),
        };
      return { ...base, status: access.status };
    });
  }

  /**
   * The status of each named tool under the current delegation and clock, whether or not the
   * runner registers it: discovery for tools that run elsewhere (an MCP server's, an agent
   * SDK's). One call for every tool: one algebra budget for the whole discovery.
   *
   * @example
   * ```ts
   * session.accessFor(['fs.read_file', 'fs.write_file']);
   * // [{ status: 'conditional', condition: 'args.path ~ "/repo/**"' }, { status: 'denied', failures: [ … ] }]
   * ```
   */
  accessFor(tools: readonly string[]): ToolAccess[] {
    const { rootKeys, now, revocation } = this.#context;
    return accessForTools(this.#delegation, tools, {
      rootKeys,
      now: now(),
      principal: this.principal,
      ...revocation,
    });
  }

  /**
   * Calls a tool. Resolves to the handler's result (typed by the tool's definition); rejects with `UnknownToolError`,
   * `InvalidArgumentsError` (both before any policy runs), `TokenInvalidError`, or
   * `PermissionDenied` carrying the decision — in every one of those cases the handler did
   * not run.
   *
   * @example
   * ```ts
   * const balance = await session.invoke('bank.list', { account: 'checking' });
   * ```
   */
  async invoke<N extends keyof T & string>(
    tool: N,
    ...rest: InvokeArgs<T, N>
  ): Promise<T[N]['result']> {
    assertString(tool, 'tool');
    const args: unknown = rest[0] === undefined ? {} : rest[0];
    const registered = this.#context.registry.get(tool);
    if (registered === undefined) throw new UnknownToolError(tool);
    const snapshot = snapshotArguments(args, this.#context.argumentLimits);
    if (!snapshot.ok) throw new InvalidArgumentsError(tool, [snapshot.problem]);
    const problems = registered.validate(snapshot.value);
    if (problems.length > 0) throw new InvalidArgumentsError(tool, problems);
    const decision = this.#authorize(tool, snapshot.value);
    if (!decision.allowed) throw new PermissionDenied(tool, decision, snapshot.value);
    return await registered.handler(snapshot.value as never, {
      tool,
      principal: this.principal,
      delegationId: decision.delegationId,
    });
  }

  /**
   * Decides a call of a tool that runs elsewhere (an MCP server's, an agent SDK's), which the
   * runner does not register: the arguments must be JSON within the runner's limits, then the
   * token must authorize the call. Nothing runs; the caller runs the tool only when `allowed`,
   * with the frozen `args` snapshot that was authorized. A refusal is a value, never thrown:
   * `error` is the `PermissionDenied` or `InvalidArgumentsError` that `invoke` would throw.
   *
   * @example
   * ```ts
   * const check = session.authorizeCall('fs.write_file', { path: '/repo/out.md', content: '…' });
   * if (check.allowed) await upstream.callTool('write_file', check.args);
   * else console.log(check.error.message);
   * ```
   */
  authorizeCall(tool: string, args: Readonly<Record<string, unknown>> = {}): CallCheck {
    assertString(tool, 'tool');
    const snapshot = snapshotArguments(args, this.#context.argumentLimits);
    if (!snapshot.ok)
      return { allowed: false, error: new InvalidArgumentsError(tool, [snapshot.problem]) };
    const decision = this.#authorize(tool, snapshot.value);
    if (!decision.allowed)
      return { allowed: false, error: new PermissionDenied(tool, decision, snapshot.value) };
    return { allowed: true, args: snapshot.value, delegationId: decision.delegationId };
  }

  #authorize(tool: string, args: Readonly<Record<string, unknown>>): AuthorizationDecision {
    const { rootKeys, now, revocation } = this.#context;
    return authorize(
      this.#delegation,
      { tool, args, principal: this.principal },
      { rootKeys, now: now(), ...revocation },
    );
  }

  /**
   * Derives a token for a subagent from this session's token: the `to` marker and the
   * conditions are appended, so the subagent can never do what this session cannot.
   * `warnings` reports conditions that leave the new scope empty (allowed, but useless).
   *
   * @example
   * ```ts
   * const { token } = planner.delegate({ to: 'coder', conditions: ['tool ~ "fs.*"'], expiresIn: 3600 });
   * ```
   */
  delegate(options: SubagentOptions): DelegationResult {
    assertObject(options, 'options');
    return delegate(this.#delegation, {
      to: options.to,
      conditions: options.conditions,
      ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
      now: this.#context.now(),
    });
  }

  /**
   * `delegate`, then `startAgent` for the subagent on the same runner.
   *
   * @example
   * ```ts
   * const { session: coder } = planner.startSubagent({ to: 'coder', conditions: ['tool == "fs.read"'] });
   * await coder.invoke('fs.read', { path: 'src/index.ts' });
   * ```
   */
  startSubagent(options: SubagentOptions): {
    readonly session: AgentSession<T>;
    readonly token: string;
    readonly warnings: readonly DelegationWarning[];
  } {
    const { token, warnings } = this.delegate(options);
    const session = this.#context.startAgent({ principal: options.to, token }) as AgentSession<T>;
    return { session, token, warnings };
  }

  /**
   * Swaps in a newer token (text or `Delegation`) for this principal (for instance one a
   * grantor approved). It must verify under the runner's keys (`TokenInvalidError`) and its last `to` marker must name this
   * session's principal (`PrincipalMismatchError`); otherwise the old token stays.
   *
   * @example
   * ```ts
   * session.updateDelegation(approvedToken);
   * ```
   */
  updateDelegation(token: string | Delegation): void {
    const verified = verifyDelegation(token, { rootKeys: this.#context.rootKeys });
    if (verified.principal !== this.principal)
      throw new PrincipalMismatchError(this.principal, verified.principal);
    this.#delegation = verified;
  }

  /**
   * Asks the grantor for more authority, asynchronously; returns the ticket at once. The
   * scope's conditions are checked to parse before anything is sent; a `call`'s shape is
   * checked here and its content (JSON, size) by the broker.
   *
   * @example
   * ```ts
   * const ticket = await session.requestPermission({
   *   scope: denial.decision.needed.scope,
   *   call: { tool: denial.tool, args: denial.args },
   *   reason: 'pay the invoice',
   * });
   * const outcome = await session.awaitResponse(ticket.id);
   * ```
   */
  async requestPermission(options: PermissionRequestOptions): Promise<PermissionTicket> {
    assertObject(options, 'options');
    const list: unknown = typeof options.scope === 'string' ? [options.scope] : options.scope;
    if (!Array.isArray(list))
      throw new TypeError(
        `options.scope must be a string or an array of strings, got ${describe(list)}`,
      );
    const scope = normalizeConditions(list, 'options.scope');
    if (scope.length === 0) throw new RangeError('options.scope must name at least one condition');
    assertString(options.reason, 'options.reason');
    if (options.reason.trim() === '') throw new RangeError('options.reason must not be empty');
    const { expiresIn } = options;
    if (
      expiresIn !== undefined &&
      (typeof expiresIn !== 'number' || !(expiresIn > 0) || !Number.isFinite(expiresIn))
    ) {
      throw new RangeError('options.expiresIn must be a positive number of seconds');
    }
    const { call } = options;
    if (call !== undefined) {
      assertObject(call, 'options.call');
      assertString(call.tool, 'options.call.tool');
      assertObject(call.args, 'options.call.args');
    }
    const broker = this.#broker();
    return broker.request({
      token: this.#delegation,
      principal: this.principal,
      scope,
      reason: options.reason,
      ...(expiresIn === undefined ? {} : { expiresIn }),
      ...(call === undefined ? {} : { call: { tool: call.tool, args: call.args } }),
    });
  }

  /**
   * Waits for the answer to a request. On approval the new token is installed (as by
   * `updateDelegation`) before the promise resolves, so the next `invoke` uses it.
   *
   * @example
   * ```ts
   * const outcome = await session.awaitResponse(ticket.id, { signal: AbortSignal.timeout(60_000) });
   * if (outcome.status === 'denied') console.log(outcome.reason);
   * ```
   */
  async awaitResponse(
    id: string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<PermissionOutcome> {
    assertString(id, 'id');
    assertObject(options, 'options');
    const broker = this.#broker();
    const outcome = await broker.awaitResponse(
      id,
      options.signal === undefined ? {} : { signal: options.signal },
    );
    if (outcome.status === 'approved') this.updateDelegation(outcome.token);
    return outcome;
  }

  /**
   * Polls a request (RFC 8628 words). On approval the new token is installed before returning.
   *
   * @example
   * ```ts
   * const answer = await session.poll(ticket.id);
   * if ('status' in answer) await session.invoke(tool, args);
   * ```
   */
  async poll(id: string): Promise<PollAnswer> {
    assertString(id, 'id');
    const broker = this.#broker();
    const answer = await broker.poll(id);
    if ('status' in answer && answer.status === 'approved') this.updateDelegation(answer.token);
    return answer;
  }

  #broker() {
    const broker = this.#context.broker;
    if (broker === undefined) throw new NoBrokerError();
    return broker;
  }
}
