/**
 * Who decides a connection's calls. Each downstream connection acts with one token, as the
 * principal that token names; its `ConnectionAuthority` answers discovery (each tool's status),
 * decides each call (never running it), and carries mandate's two request tools, which install
 * an approved token for that connection only.
 *
 * `runnerAuthority` decides offline, with the root keys (the home's, on the owner's machine), as
 * a tool runner does: `AgentSession.authorizeCall` and `accessFor`, with the revocations of the
 * Delegator or of the service's feed. `serviceAuthority` (service-authority.ts) asks the service
 * instead, for a gateway that holds only the agent's token.
 */
import {
  revocationFor,
  revocationSentence,
  verifyDelegation,
  type Delegation,
  type RevocationSource,
  type RootKeys,
  type ToolAccess,
} from '../delegation/index.js';
import type { MandateError } from '../errors.js';
import {
  createToolRunner,
  permissionTools,
  type AgentSession,
  type ArgumentLimits,
  type CallCheck,
  type PermissionBroker,
  type PermissionTools,
} from '../tools/index.js';
import { McpGatewayError } from './errors.js';

/**
 * A call's fate: `CallCheck` (allowed with the authorized arguments, or refused with the denial
 * or the argument problem), or refused because the decision could not be had (the service did
 * not answer): the gateway fails closed.
 *
 * @example
 * ```ts
 * const verdict = await authority.check('fs.write_file', args);
 * if (verdict.allowed) await upstream.call('write_file', verdict.args);
 * ```
 */
export type CallVerdict =
  CallCheck | { readonly allowed: false; readonly error: MandateError; readonly undecided: true };

/**
 * One connection's authority: its principal, its current token's verdicts, and its request tools.
 *
 * @example
 * ```ts
 * const authority = await source.open(token);
 * const [status] = await authority.access(['fs.read_text_file']);
 * ```
 */
export interface ConnectionAuthority {
  readonly principal: string;
  /** Each named tool's status under the connection's current token, in order. */
  access(tools: readonly string[]): Promise<readonly ToolAccess[]>;
  /** Decides one call of `tool` (a mandate tool name) with `args`; runs nothing. */
  check(tool: string, args: Readonly<Record<string, unknown>>): Promise<CallVerdict>;
  /** `mandate_request_permission`, `mandate_check_request` and the text of a refusal. */
  readonly permissions: PermissionTools;
}

/**
 * Opens connections: binds a token to a `ConnectionAuthority`.
 *
 * @example
 * ```ts
 * const source = runnerAuthority({ rootKeys: delegator.rootKeys, broker: delegator });
 * const authority = await source.open(token);
 * ```
 */
export interface AuthoritySource {
  /**
   * The authority of a connection made with `token`. Rejects with `ERR_MCP_UNAUTHORIZED` for a
   * token that does not verify, names no principal (a bearer token), or is revoked; the message
   * says which, for the operator's log (a client over HTTP gets one fixed answer instead).
   */
  open(token: string): Promise<ConnectionAuthority>;
  /** How calls are decided, in a few words, for the gateway's first log line. */
  readonly description: string;
}

/**
 * Options of `runnerAuthority`.
 *
 * @example
 * ```ts
 * runnerAuthority({ rootKeys: ring, broker: delegator, revocations: delegator.revocations(), maxRevocationStaleness: 10 });
 * ```
 */
export interface RunnerAuthorityOptions {
  readonly rootKeys: RootKeys;
  /** Where permission requests go: a `Delegator`, or a `DelegatorClient`. */
  readonly broker: PermissionBroker;
  readonly revocations?: RevocationSource;
  /** With `revocations`: the most its view may lag, in seconds, before every call is refused. */
  readonly maxRevocationStaleness?: number;
  readonly now?: () => Date;
  readonly argumentLimits?: Partial<ArgumentLimits>;
  /** Names the source in the log line. Default: "offline, with the root keys". */
  readonly description?: string;
}

/**
 * Connections decided offline with the root keys, each an agent session of one tool runner
 * (which runs no tool itself: the upstream server does).
 *
 * @example
 * ```ts
 * const source = runnerAuthority({ rootKeys: delegator.rootKeys, broker: delegator, revocations: delegator.revocations() });
 * ```
 */
export function runnerAuthority(options: RunnerAuthorityOptions): AuthoritySource {
  const { rootKeys, revocations } = options;
  const runner = createToolRunner({
    rootKeys,
    tools: [],
    broker: options.broker,
    ...(revocations === undefined ? {} : { revocations }),
    ...(options.maxRevocationStaleness === undefined
      ? {}
      : { maxRevocationStaleness: options.maxRevocationStaleness }),
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.argumentLimits === undefined ? {} : { argumentLimits: options.argumentLimits }),
  });
  return {
    description: options.description ?? 'offline, with the root keys',
    open(token) {
      let delegation: Delegation;
      try {
        delegation = verifyDelegation(token, { rootKeys });
      } catch (err) {
        return Promise.reject(unauthorized('the token does not verify under these root keys', err));
      }
      const principal = delegation.principal;
      if (principal === null) return Promise.reject(unauthorized(BEARER));
      const revoked =
        revocations === undefined ? undefined : revocationFor(delegation, revocations);
      if (revoked !== undefined) return Promise.reject(unauthorized(revocationSentence(revoked)));
      return Promise.resolve(sessionAuthority(runner.startAgent({ principal, token: delegation })));
    },
  };
}

/**
 * The authority of one agent session: its discovery, `authorizeCall`, and `permissionTools`.
 *
 * @example
 * ```ts
 * const authority = sessionAuthority(runner.startAgent({ principal: 'coder', token }));
 * ```
 */
export function sessionAuthority(session: AgentSession): ConnectionAuthority {
  return {
    principal: session.principal,
    access: (tools) => Promise.resolve(session.accessFor(tools)),
    check: (tool, args) => Promise.resolve(session.authorizeCall(tool, args)),
    permissions: permissionTools(session),
  };
}

/**
 * Why a bearer token cannot open a connection.
 *
 * @example
 * ```ts
 * if (delegation.principal === null) throw unauthorized(BEARER);
 * ```
 */
export const BEARER =
  'the token is delegated to nobody (minted without --to): the gateway acts as the principal its token names';

/**
 * The error of a connection that is refused.
 *
 * @example
 * ```ts
 * throw unauthorized('the token is revoked');
 * ```
 */
export function unauthorized(message: string, cause?: unknown): McpGatewayError {
  return new McpGatewayError(
    'ERR_MCP_UNAUTHORIZED',
    message,
    cause === undefined ? undefined : { cause },
  );
}
