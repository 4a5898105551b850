/**
 * `DelegatorClient`: the service, from another process. It is a `PermissionBroker`, so a tool
 * runner in an agent's process asks and waits through it exactly as through an in-process
 * Delegator (`createToolRunner({ broker: new DelegatorClient(url) })`): `request` sends the
 * session's own token as its credential, and `poll` and `awaitResponse` (polling at the interval
 * the service asks for) use the token that asked. With the owner credential (or an agent's token)
 * it also reads an inbox and decides, revokes and reads the revocation feed. Errors the service
 * answers become `ServiceError`s with the service's code and status.
 */
import type {
  AuthorizationDecision,
  Delegation,
  Revocation,
  RevocationFeedPage,
  RevocationList,
  ToolAccess,
} from '../delegation/index.js';
import type { ErrorCode } from '../errors.js';
import type {
  PermissionBroker,
  PermissionOutcome,
  PermissionRequestInput,
  PermissionTicket,
  PollAnswer,
} from '../tools/index.js';
import type {
  ApprovalPreview,
  AuditCheck,
  AuditQuery,
  AuditRecord,
  DelegationNode,
  DelegationQuery,
  InboxItem,
  PermissionRequestView,
  PolicyView,
  RevokeResult,
} from '../requests/index.js';
import { ServiceError } from './errors.js';
import { readEvents } from './sse-reader.js';
import {
  fetchTransport,
  nodeTransport,
  type Transport,
  type TransportAnswer,
} from './transport.js';

/** Options of `DelegatorClient`. */
export interface DelegatorClientOptions {
  /** The credential for grantor calls: the owner credential or an agent's current token. */
  readonly credential?: string;
  /**
   * The `fetch` to send calls with (default: node:http with keep-alive connections, much
   * cheaper per call than Node's `fetch`; streams always use `fetch`).
   */
  readonly fetch?: typeof fetch;
}

/**
 * A client of `mandate serve`.
 *
 * @example
 * ```ts
 * const broker = new DelegatorClient(process.env.MANDATE_URL!);
 * const runner = createToolRunner({ rootKeys, tools, broker });
 * ```
 */
export class DelegatorClient implements PermissionBroker {
  readonly #base: string;
  readonly #credential: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #send: Transport;
  /** The token each request was made with: polls and waits answer to it. */
  readonly #askedWith = new Map<string, string>();

  constructor(url: string, options: DelegatorClientOptions = {}) {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url))
      throw new TypeError(`url must be an http(s) URL, got ${JSON.stringify(url)}`);
    this.#base = url.replace(/\/+$/, '');
    this.#credential = options.credential;
    this.#fetch = options.fetch ?? fetch;
    this.#send = options.fetch === undefined ? nodeTransport() : fetchTransport(options.fetch);
  }

  async request(input: PermissionRequestInput): Promise<PermissionTicket> {
    const token = tokenText(input.token);
    const ticket = await this.#call<PermissionTicket & { expiresAt: string }>(
      'POST',
      '/v1/requests',
      token,
      {
        scope: input.scope,
        reason: input.reason,
        ...(input.expiresIn === undefined ? {} : { expiresIn: input.expiresIn }),
        ...(input.call === undefined ? {} : { call: input.call }),
      },
    );
    this.#askedWith.set(ticket.id, token);
    return { ...ticket, expiresAt: new Date(ticket.expiresAt) };
  }

  async poll(id: string): Promise<PollAnswer> {
    const res = await this.#exchange(
      'GET',
      `/v1/requests/${encodeURIComponent(id)}`,
      this.#tokenFor(id),
    );
    const body = parse(res.text) as Record<string, unknown>;
    if (res.status === 200) return approval(body);
    if (res.status === 400 && typeof body['error'] === 'string') {
      switch (body['error']) {
        case 'authorization_pending':
        case 'slow_down':
          return { error: body['error'], interval: Number(body['interval']) };
        case 'access_denied':
          return {
            error: 'access_denied',
            reason: typeof body['error_description'] === 'string' ? body['error_description'] : '',
          };
        case 'expired_token':
          return { error: 'expired_token' };
      }
    }
    throw failure(res.status, body);
  }

  /**
   * Waits for the request's outcome: on the service's stream (one event once it is decided),
   * falling back to polling at the interval the service asks for when the stream cannot be had
   * or drops. Rejects with the signal's reason when `signal` aborts.
   */
  async awaitResponse(
    id: string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<PermissionOutcome> {
    const streamed = await this.#outcomeStream(id, options.signal);
    if (streamed !== undefined) return streamed;
    for (;;) {
      options.signal?.throwIfAborted();
      const answer = await this.poll(id);
      if ('status' in answer) return answer;
      if (answer.error === 'access_denied') return { status: 'denied', reason: answer.reason };
      if (answer.error === 'expired_token') return { status: 'expired' };
      await sleep(answer.interval * 1000, options.signal);
    }
  }

  /** The outcome from the service's stream, or `undefined` when the stream gave none. */
  async #outcomeStream(
    id: string,
    signal: AbortSignal | undefined,
  ): Promise<PermissionOutcome | undefined> {
    let res: Response;
    try {
      res = await this.#fetch(`${this.#base}/v1/requests/${encodeURIComponent(id)}`, {
        headers: { accept: 'text/event-stream', authorization: `Bearer ${this.#tokenFor(id)}` },
        ...(signal === undefined ? {} : { signal }),
      });
    } catch {
      // Unreachable for now: fall back to polling, which says so if it lasts.
      signal?.throwIfAborted();
      return undefined;
    }
    if (res.status === 401 || res.status === 404)
      throw failure(res.status, await res.json().catch(() => null));
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      return undefined;
    }
    try {
      for await (const e of readEvents(res.body)) {
        if (e.event !== 'outcome') continue;
        const outcome = JSON.parse(e.data) as PermissionOutcome & { expiresAt?: string };
        return outcome.status === 'approved' && typeof outcome.expiresAt === 'string'
          ? { ...outcome, expiresAt: new Date(outcome.expiresAt) }
          : outcome;
      }
    } catch {
      signal?.throwIfAborted();
    }
    return undefined;
  }

  /** Withdraws a request made through this client. */
  async cancel(id: string): Promise<PermissionRequestView> {
    return viewTimes(
      await this.#call('DELETE', `/v1/requests/${encodeURIComponent(id)}`, this.#tokenFor(id)),
    );
  }

  /** The pending requests addressed to this client's credential. */
  async inbox(): Promise<InboxItem[]> {
    const items = await this.#call<InboxItem[]>('GET', '/v1/inbox', this.#grantor());
    return items.map(viewTimes);
  }

  /** What approving would do, as this client's credential. */
  async preview(id: string, terms: ApprovalTerms = {}): Promise<ApprovalPreview> {
    return viewTimes(
      await this.#call(
        'POST',
        `/v1/requests/${encodeURIComponent(id)}/preview`,
        this.#grantor(),
        terms,
      ),
    );
  }

  async approve(id: string, terms: ApprovalTerms = {}): Promise<PermissionRequestView> {
    return viewTimes(
      await this.#call(
        'POST',
        `/v1/requests/${encodeURIComponent(id)}/approve`,
        this.#grantor(),
        terms,
      ),
    );
  }

  async deny(id: string, reason: string): Promise<PermissionRequestView> {
    return viewTimes(
      await this.#call('POST', `/v1/requests/${encodeURIComponent(id)}/deny`, this.#grantor(), {
        reason,
      }),
    );
  }

  /** Escalates a request to this grantor's own grantor; returns the linked request. */
  async escalate(
    id: string,
    options: { readonly autoApprove?: boolean } = {},
  ): Promise<PermissionRequestView> {
    return viewTimes(
      await this.#call(
        'POST',
        `/v1/requests/${encodeURIComponent(id)}/escalate`,
        this.#grantor(),
        options,
      ),
    );
  }

  /** This grantor's standing policies. */
  async policies(): Promise<PolicyView[]> {
    const views = await this.#call<PolicyView[]>('GET', '/v1/policies', this.#grantor());
    return views.map(viewTimes);
  }

  /** Adds a standing policy for this grantor. */
  async addPolicy(terms: PolicyTerms): Promise<PolicyView> {
    return viewTimes(await this.#call('POST', '/v1/policies', this.#grantor(), terms));
  }

  /** Removes one of this grantor's policies. */
  async removePolicy(id: string): Promise<void> {
    await this.#call('DELETE', `/v1/policies/${encodeURIComponent(id)}`, this.#grantor());
  }

  /** Audit entries (owner credential only), filtered as `delegator.audit` is. */
  async audit(query: AuditQuery = {}): Promise<AuditRecord[]> {
    const params = new URLSearchParams();
    if (query.since !== undefined) params.set('since', query.since.toISOString());
    if (query.until !== undefined) params.set('until', query.until.toISOString());
    if (query.requestId !== undefined) params.set('requestId', query.requestId);
    if (query.principal !== undefined) params.set('principal', query.principal);
    if (query.kind !== undefined) params.set('kind', query.kind);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const search = params.size === 0 ? '' : `?${params.toString()}`;
    const entries = await this.#call<AuditRecord[]>('GET', `/v1/audit${search}`, this.#grantor());
    return entries.map((e) => ({ ...e, at: new Date(e.at) }));
  }

  /** Verifies the audit log's hash chain (owner credential only). */
  verifyAudit(options: { readonly expectHead?: string } = {}): Promise<AuditCheck> {
    return this.#call('POST', '/v1/audit/verify', this.#grantor(), options);
  }

  /** Revokes a token or hop id (`target`), or with `{ principal }` every hop of a principal. */
  revoke(target: string | { readonly principal: string }, reason: string): Promise<RevokeResult> {
    const body =
      typeof target === 'string' ? { target, reason } : { principal: target.principal, reason };
    return this.#call('POST', '/v1/revoke', this.#grantor(), body);
  }

  /** A one-time sign-in link to the console (owner credential only). */
  async signinLink(): Promise<string> {
    return (await this.#call<{ url: string }>('POST', '/v1/signin-links', this.#grantor())).url;
  }

  /** One page of the revocation feed after `cursor`: apply it to a `RevocationList`. */
  revocationFeed(cursor = 0): Promise<RevocationFeedPage> {
    return this.#call('GET', `/v1/revocations?cursor=${cursor}`, this.#grantor());
  }

  /**
   * Keeps `list` up to date from the service's revocation stream until `signal` aborts: each
   * revocation is added as it is made, and each `complete` event marks the list complete as of
   * the service's time, so a verifier's `maxRevocationStaleness` holds while the stream is up
   * (and fails closed when it is not). Reconnects after a dropped stream, from the list's cursor.
   */
  async followRevocations(
    list: RevocationList,
    options: { readonly signal: AbortSignal; readonly retryMs?: number },
  ): Promise<void> {
    const { signal } = options;
    while (!signal.aborted) {
      try {
        const res = await this.#fetch(`${this.#base}/v1/revocations?cursor=${list.cursor}`, {
          headers: { accept: 'text/event-stream', authorization: `Bearer ${this.#grantor()}` },
          signal,
        });
        if (!res.ok || res.body === null)
          throw failure(res.status, await res.json().catch(() => null));
        for await (const e of readEvents(res.body)) {
          if (e.event === 'revocation') list.add([JSON.parse(e.data) as Revocation]);
          else if (e.event === 'complete')
            list.markComplete((JSON.parse(e.data) as { asOf: number }).asOf);
        }
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ServiceError && err.status >= 400 && err.status < 500) throw err;
      }
      await sleep(options.retryMs ?? 1000, signal).catch(() => undefined);
    }
  }

  /** The delegation tree (owner credential only), filtered as `delegator.delegations` is. */
  delegations(query: DelegationQuery = {}): Promise<DelegationNode[]> {
    const params = new URLSearchParams();
    if (query.principal !== undefined) params.set('principal', query.principal);
    const statuses =
      query.status === undefined
        ? []
        : typeof query.status === 'string'
          ? [query.status]
          : query.status;
    for (const status of statuses) params.append('status', status);
    const search = params.size === 0 ? '' : `?${params.toString()}`;
    return this.#call('GET', `/v1/delegations${search}`, this.#grantor());
  }

  /** The service's decision on a call under `token` (no credential needed). */
  authorize(
    token: string,
    call: {
      readonly tool: string;
      readonly args: Record<string, unknown>;
      readonly principal?: string;
    },
  ): Promise<AuthorizationDecision> {
    return this.#call('POST', '/v1/authorize', undefined, { token, ...call });
  }

  /** Each named tool's status under `token`, as the service sees it (no credential needed). */
  access(token: string, tools: readonly string[], principal?: string): Promise<ToolAccess[]> {
    const body = { token, tools, ...(principal === undefined ? {} : { principal }) };
    return this.#call('POST', '/v1/access', undefined, body);
  }

  #tokenFor(id: string): string {
    return this.#askedWith.get(id) ?? this.#grantor();
  }

  #grantor(): string {
    if (this.#credential === undefined)
      throw new TypeError(
        'this DelegatorClient has no credential: pass { credential } to act as a grantor',
      );
    return this.#credential;
  }

  async #call<T>(
    method: string,
    path: string,
    bearer: string | undefined,
    body?: unknown,
  ): Promise<T> {
    const res = await this.#exchange(method, path, bearer, body);
    const parsed = parse(res.text);
    if (res.status < 200 || res.status > 299) throw failure(res.status, parsed);
    return parsed as T;
  }

  async #exchange(
    method: string,
    path: string,
    bearer: string | undefined,
    body?: unknown,
  ): Promise<TransportAnswer> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (bearer !== undefined) headers['authorization'] = `Bearer ${bearer}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.#send(
        method,
        `${this.#base}${path}`,
        headers,
        body === undefined ? undefined : JSON.stringify(body),
      );
    } catch (err) {
      throw new ServiceError(
        'ERR_SERVER_UNAVAILABLE',
        `the service at ${this.#base} cannot be reached`,
        503,
        {
          cause: err,
        },
      );
    }
  }
}

/** An answer's JSON (`null` for an empty one); a `ServiceError` for one that is not JSON. */
function parse(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ServiceError(
      'ERR_SERVER_INTERNAL',
      'the service answered something that is not JSON',
      502,
    );
  }
}

/** A standing policy to add. */
export interface PolicyTerms {
  readonly effect: 'approve' | 'deny';
  readonly scope: readonly string[];
  readonly expiresIn?: number;
  readonly grantExpiresIn?: number;
}

/** The terms of an approval (or its preview). */
export interface ApprovalTerms {
  readonly scope?: readonly string[];
  readonly expiresIn?: number;
  readonly reason?: string;
}

/** The times of a request's view (or an inbox item, or a preview), back from JSON to `Date`s. */
function viewTimes<T>(value: T): T {
  const v = value as Record<string, unknown>;
  const out: Record<string, unknown> = { ...v };
  for (const key of ['createdAt', 'expiresAt', 'decidedAt', 'grantEnds'])
    if (typeof v[key] === 'string') out[key] = new Date(v[key]);
  const outcome = v['outcome'] as Record<string, unknown> | null | undefined;
  if (outcome !== null && typeof outcome === 'object' && typeof outcome['expiresAt'] === 'string')
    out['outcome'] = { ...outcome, expiresAt: new Date(outcome['expiresAt']) };
  return out as T;
}

function tokenText(token: string | Delegation): string {
  return typeof token === 'string' ? token : token.token;
}

function approval(body: Record<string, unknown>): PollAnswer {
  return {
    status: 'approved',
    token: String(body['token']),
    scope: (body['scope'] as string[] | undefined) ?? [],
    ...(typeof body['expiresAt'] === 'string' ? { expiresAt: new Date(body['expiresAt']) } : {}),
  };
}

/** The service's error answer as a `ServiceError` with its code (when it is one of mandate's). */
function failure(status: number, body: unknown): ServiceError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  // The service answers mandate's own codes; anything else is reported as the service failing.
  const code =
    typeof b['code'] === 'string' && /^ERR_[A-Z]+_[A-Z_]+$/.test(b['code'])
      ? (b['code'] as ErrorCode)
      : 'ERR_SERVER_INTERNAL';
  const message =
    typeof b['message'] === 'string' ? b['message'] : `the service answered ${status}`;
  return new ServiceError(code, message, status);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort(): void {
      clearTimeout(timer);
      const reason: unknown = signal?.reason;
      reject(reason instanceof Error ? reason : new Error('aborted', { cause: reason }));
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
