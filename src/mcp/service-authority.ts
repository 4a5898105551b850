/**
 * Connections decided by the service (`mandate serve`), for a gateway that holds only the
 * agent's token and no root key — the way to keep the keys away from an agent's machine or OS
 * user, since whoever can verify a macaroon can mint one.
 *
 * The trade-off, documented in docs/mcp.md: every call is one round trip to the service
 * (`POST /v1/authorize`), and discovery another (`POST /v1/access`); a call's arguments must fit
 * the service's body limit; the service's rate limit applies; and when the service cannot be
 * reached every call is refused (fail closed). Revocations are the service's own, current at
 * each call. The connection's token changes only through `mandate_check_request`, which installs
 * the approved token the service hands back (checked to name the same principal).
 */
import {
  inspectToken,
  normalizeConditions,
  revocationSentence,
  type ToolAccess,
} from '../delegation/index.js';
import { MandateError } from '../errors.js';
import { MAX_ACCESS_TOOLS } from '../server/schemas.js';
import type { DelegatorClient } from '../server/index.js';
import { snapshotArguments, DEFAULT_ARGUMENT_LIMITS } from '../tools/arguments.js';
import {
  InvalidArgumentsError,
  PermissionDenied,
  PrincipalMismatchError,
  permissionTools,
  type ArgumentLimits,
  type PermissionRequestOptions,
  type PermissionSession,
  type PermissionTicket,
  type PollAnswer,
} from '../tools/index.js';
import {
  BEARER,
  unauthorized,
  type AuthoritySource,
  type CallVerdict,
  type ConnectionAuthority,
} from './authority.js';
import { McpGatewayError } from './errors.js';

/**
 * Options of `serviceAuthority`.
 *
 * @example
 * ```ts
 * serviceAuthority({ client: new DelegatorClient(process.env.MANDATE_URL!) });
 * ```
 */
export interface ServiceAuthorityOptions {
  /** A client of the service (no credential needed: each call carries the connection's token). */
  readonly client: DelegatorClient;
  readonly argumentLimits?: ArgumentLimits;
}

/**
 * Connections whose calls and discovery the service decides.
 *
 * @example
 * ```ts
 * const source = serviceAuthority({ client: new DelegatorClient(url) });
 * const authority = await source.open(agentToken);
 * ```
 */
export function serviceAuthority(options: ServiceAuthorityOptions): AuthoritySource {
  const { client } = options;
  const limits = options.argumentLimits ?? DEFAULT_ARGUMENT_LIMITS;
  return {
    description: 'by the service, with each call',
    async open(token) {
      let principal: string | null;
      try {
        principal = inspectToken(token).principal;
      } catch (err) {
        throw unauthorized('the token cannot be read', err);
      }
      if (principal === null) throw unauthorized(BEARER);
      // One status asks the service to verify the token and whether it is revoked: a revoked
      // token is denied every tool, whatever its name.
      let first: ToolAccess | undefined;
      try {
        [first] = await client.access(token, ['mandate.connect'], principal);
      } catch (err) {
        if (err instanceof MandateError && err.code === 'ERR_SERVER_UNAUTHORIZED')
          throw unauthorized('the service does not accept the token', err);
        throw err;
      }
      if (first?.status === 'denied' && first.revoked !== undefined)
        throw unauthorized(revocationSentence(first.revoked));
      const session = new ServiceSession(client, token, principal);
      return connection(session, limits);
    },
  };
}

function connection(session: ServiceSession, limits: ArgumentLimits): ConnectionAuthority {
  const { principal } = session;
  return {
    principal,
    async access(tools) {
      const out: ToolAccess[] = [];
      for (let i = 0; i < tools.length; i += MAX_ACCESS_TOOLS)
        out.push(
          ...(await session.client.access(
            session.token,
            tools.slice(i, i + MAX_ACCESS_TOOLS),
            principal,
          )),
        );
      return out;
    },
    async check(tool, args): Promise<CallVerdict> {
      const snapshot = snapshotArguments(args, limits);
      if (!snapshot.ok)
        return { allowed: false, error: new InvalidArgumentsError(tool, [snapshot.problem]) };
      try {
        const decision = await session.client.authorize(session.token, {
          tool,
          args: { ...snapshot.value },
          principal,
        });
        if (decision.allowed)
          return { allowed: true, args: snapshot.value, delegationId: decision.delegationId };
        return { allowed: false, error: new PermissionDenied(tool, decision, snapshot.value) };
      } catch (err) {
        const error =
          err instanceof MandateError
            ? err
            : new McpGatewayError('ERR_MCP_UPSTREAM_INVALID', 'the service gave no decision', {
                cause: err,
              });
        return { allowed: false, error, undecided: true };
      }
    },
    permissions: permissionTools(session),
  };
}

/**
 * The asking half of an agent session, through the service: requests carry the connection's
 * current token; an approval that a poll collects becomes the connection's token.
 */
class ServiceSession implements PermissionSession {
  readonly client: DelegatorClient;
  readonly principal: string;
  #token: string;

  constructor(client: DelegatorClient, token: string, principal: string) {
    this.client = client;
    this.#token = token;
    this.principal = principal;
  }

  get token(): string {
    return this.#token;
  }

  requestPermission(options: PermissionRequestOptions): Promise<PermissionTicket> {
    const list: unknown = typeof options.scope === 'string' ? [options.scope] : options.scope;
    if (!Array.isArray(list)) throw new TypeError('scope must be a string or a list of strings');
    if (typeof options.reason !== 'string') throw new TypeError('reason must be a string');
    const { expiresIn, call } = options;
    return this.client.request({
      token: this.#token,
      principal: this.principal,
      scope: normalizeConditions(list, 'scope'),
      reason: options.reason,
      ...(expiresIn === undefined ? {} : { expiresIn }),
      ...(call === undefined ? {} : { call }),
    });
  }

  async poll(id: string): Promise<PollAnswer> {
    const answer = await this.client.poll(id);
    if ('status' in answer) {
      const holder = inspectToken(answer.token).principal;
      if (holder !== this.principal) throw new PrincipalMismatchError(this.principal, holder);
      this.#token = answer.token;
    }
    return answer;
  }
}
