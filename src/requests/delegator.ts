/**
 * The Delegator: the owner's authorization server. It owns the root keys, the request store
 * and the audit log; it mints the owner's delegations; it is the `PermissionBroker` agent
 * sessions ask for more authority (`request`, `awaitResponse`, `poll`); and it gives grantors
 * their side: `inbox`, `subscribe`, `approve`, `deny`, `escalate`, standing policies. The
 * holder of a Delegator object acts as the owner (it holds the root key); agents act only by
 * presenting their current token, which is verified every time. State lives in the store, so a
 * Delegator reopened on the same SQLite file (or another process sharing it) sees every
 * pending request, decision and token.
 */
import type { RootKeyring } from '../delegation/index.js';
import type {
  PermissionBroker,
  PermissionOutcome,
  PermissionRequestInput,
  PermissionTicket,
  PollAnswer,
} from '../tools/broker.js';
import { assertObject, describe } from '../_assert.js';
import { readWholeLog, verifyAuditChain, type AuditVerification } from './store/audit.js';
import { authenticate, authorityContains, type Holder } from './decisions/authority.js';
import { RequestForbiddenError, RequestStoreError } from './errors.js';
import { NO_LIMIT, REQUEST_LIMITS, checkLifetime, checkReason, normalizeScope } from './input.js';
import { Lifecycle } from './decisions/lifecycle.js';
import {
  actorName,
  isAddressedGrantor,
  notPending,
  samePlace,
  type Actor,
} from './decisions/records.js';
import { createMemoryStore } from './store/memory-store.js';
import type { RequestRecord } from './store/model.js';
import { AuditTail } from './answers/notify.js';
import { pollStep } from './answers/polling.js';
import type {
  AddPolicyOptions,
  ApproveRequestOptions,
  AttachableSession,
  AuditQuery,
  DelegatorMintOptions,
  DelegatorOptions,
  GrantorRef,
  OpenOptions,
} from './options.js';
import { mintAudited, storedKeys, suppliedKeys } from './root-keys.js';
import { openSqliteStore } from './store/sqlite-store.js';
import { isOpen } from './store/state.js';
import {
  addStandingPolicy,
  listStandingPolicies,
  removeStandingPolicy,
  type PolicyContext,
} from './standing-policies.js';
import { subscribeInbox } from './answers/subscription.js';
import type { RequestStore } from './store/store.js';
import { awaitOutcome } from './answers/waiter.js';
import {
  auditFilter,
  auditView,
  requestView,
  ticketView,
  type AuditRecord,
  type InboxItem,
  type PermissionRequestView,
  type PolicyView,
} from './answers/views.js';

/**
 * The owner's authorization server for permission requests.
 *
 * @example
 * ```ts
 * const delegator = await Delegator.open({ path: 'mandate.db' });
 * const token = await delegator.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'], expiresIn: 3600 });
 * const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools, broker: delegator });
 * const planner = runner.startAgent({ principal: 'planner', token });
 * for await (const request of delegator.subscribe('owner')) {
 *   await delegator.approve(request.id, { by: 'owner', expiresIn: 600 });
 * }
 * ```
 */
export class Delegator implements PermissionBroker {
  readonly #store: RequestStore;
  readonly #ownsStore: boolean;
  readonly #keys: RootKeyring;
  readonly #now: () => Date;
  readonly #tail: AuditTail;
  readonly #lifecycle: Lifecycle;
  readonly #sessions = new Set<AttachableSession>();
  readonly #closers = new Set<() => void>();
  #closed = false;

  private constructor(
    store: RequestStore,
    ownsStore: boolean,
    keys: RootKeyring,
    now: () => Date,
    tail: AuditTail,
  ) {
    this.#store = store;
    this.#ownsStore = ownsStore;
    this.#keys = keys;
    this.#now = now;
    this.#tail = tail;
    this.#lifecycle = new Lifecycle({
      store,
      rootKeys: keys,
      now,
      notify: () => tail.pump(),
      deliver: (principal, from, to) => this.#deliver(principal, from, to),
    });
  }

  /**
   * Opens a Delegator on a SQLite file (`{ path }`, created mode 0600 in WAL mode) or on any
   * store (`{ store }`, which stays the caller's to close).
   *
   * @example
   * ```ts
   * const delegator = await Delegator.open({ path: `${home}/.mandate/requests.db`, rootKeys: ring });
   * ```
   */
  static async open(options: OpenOptions): Promise<Delegator> {
    assertObject(options, 'options');
    if ((options.path === undefined) === (options.store === undefined)) {
      throw new TypeError('options must have exactly one of path (a SQLite file) and store');
    }
    if (options.store !== undefined) return Delegator.#create(options.store, false, options);
    const store = openSqliteStore(options.path, options.sqlite);
    try {
      return await Delegator.#create(store, true, options);
    } catch (err) {
      await store.close();
      throw err;
    }
  }

  /**
   * A Delegator on a fresh in-memory store: for tests and throwaway harnesses.
   *
   * @example
   * ```ts
   * const delegator = await Delegator.inMemory({ now: () => clock });
   * ```
   */
  static async inMemory(options: DelegatorOptions = {}): Promise<Delegator> {
    assertObject(options, 'options');
    return Delegator.#create(createMemoryStore(), true, options);
  }

  static async #create(
    store: RequestStore,
    owns: boolean,
    options: DelegatorOptions,
  ): Promise<Delegator> {
    const now = options.now ?? (() => new Date());
    if (typeof now !== 'function')
      throw new TypeError(`options.now must be a function, got ${describe(now)}`);
    const watch = options.watchIntervalMs ?? 250;
    if (!Number.isSafeInteger(watch) || watch < 0)
      throw new RangeError('options.watchIntervalMs must be a non-negative integer');
    const keys =
      options.rootKeys === undefined
        ? await storedKeys(store, now)
        : suppliedKeys(options.rootKeys);
    const tail = new AuditTail(store, { intervalMs: watch });
    await tail.start();
    return new Delegator(store, owns, keys, now, tail);
  }

  /** The live root keys, for `createToolRunner({ rootKeys })`. */
  get rootKeys(): RootKeyring {
    return this.#keys;
  }

  /**
   * Mints an owner delegation under the signing key, and records it in the audit log.
   *
   * @example
   * ```ts
   * const token = await delegator.mint({ to: 'planner', conditions: ['tool in ["fs.read", "fs.list"]'], expiresIn: 8 * 3600 });
   * ```
   */
  async mint(options: DelegatorMintOptions): Promise<string> {
    this.#check();
    assertObject(options, 'options');
    const token = await mintAudited(this.#store, this.#keys, this.#now(), options);
    await this.#tail.pump();
    return token;
  }

  // ─── The requester's side (PermissionBroker) ────────────────────────────────────────────

  /**
   * Files a permission request for the holder of `input.token`, addressed to the grantor of
   * its last block. The same token asking for the same scope while an earlier request is still
   * open gets that request back. Standing policies may decide it at once (see `status`).
   *
   * @example
   * ```ts
   * const ticket = await delegator.request({ token, principal: 'coder', scope: ['tool == "fs.write"'], reason: 'save the fix' });
   * ```
   */
  async request(input: PermissionRequestInput): Promise<PermissionTicket> {
    this.#check();
    assertObject(input, 'input');
    if (typeof input.principal !== 'string')
      throw new TypeError(`input.principal must be a string, got ${describe(input.principal)}`);
    const scope = normalizeScope(input.scope, 'scope');
    const reason = checkReason(input.reason, 'reason');
    const now = this.#now();
    const lifetime = checkLifetime(
      input.expiresIn,
      'expiresIn',
      REQUEST_LIMITS.defaultRequestLifetime,
      REQUEST_LIMITS.maxRequestLifetime,
      now.getTime(),
    );
    const holder = await this.#authenticate(input.token, input.principal);
    const at = now.getTime();
    return ticketView(
      await this.#lifecycle.file(holder, scope, reason, at, at + Math.round(lifetime * 1000)),
    );
  }

  /**
   * Resolves with the request's final outcome: approved (with the new token), denied, expired
   * or cancelled. Rejects with the signal's reason when `signal` aborts.
   *
   * @example
   * ```ts
   * const outcome = await delegator.awaitResponse(ticket.id, { signal: AbortSignal.timeout(60_000) });
   * ```
   */
  async awaitResponse(
    id: string,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<PermissionOutcome> {
    this.#check();
    assertId(id);
    return awaitOutcome(
      {
        store: this.#store,
        tail: this.#tail,
        lifecycle: this.#lifecycle,
        now: this.#now,
        closers: this.#closers,
        closed: () => this.#closed,
      },
      id,
      options.signal,
    );
  }

  /**
   * Answers a poll in RFC 8628's words: `authorization_pending` or `slow_down` (with the
   * interval to wait), `access_denied` (with the reason), `expired_token`, or the approval.
   *
   * @example
   * ```ts
   * const answer = await delegator.poll(ticket.id);
   * if ('status' in answer) session.updateDelegation(answer.token);
   * ```
   */
  async poll(id: string): Promise<PollAnswer> {
    this.#check();
    assertId(id);
    const record = await this.#lifecycle.load(id);
    const { answer, touch } = pollStep(record, this.#now().getTime());
    if (touch !== undefined) await this.#store.touchPoll(id, touch.at, touch.interval);
    return answer;
  }

  /**
   * Withdraws a request; only its requester may, with a current token of the same principal.
   *
   * @example
   * ```ts
   * await delegator.cancel(ticket.id, { by: { token: session.token } });
   * ```
   */
  async cancel(
    id: string,
    options: { readonly by: { readonly token: string } },
  ): Promise<PermissionRequestView> {
    this.#check();
    assertId(id);
    assertObject(options, 'options');
    const actor = await this.#actor(options.by);
    const record = await this.#lifecycle.load(id);
    if (
      actor.kind !== 'agent' ||
      actor.holder.principal !== record.requester ||
      !samePlace(actor.holder.token, record.token)
    ) {
      throw new RequestForbiddenError(
        record.id,
        'not-requester',
        `request ${record.id} was made by ${record.requester}; ${actorName(actor)} cannot cancel it`,
      );
    }
    if (!isOpen(record.status)) throw notPending(record);
    return requestView(
      await this.#lifecycle.cancel(record, actor.holder.principal, 'cancelled by its requester'),
    );
  }

  // ─── The grantor's side ─────────────────────────────────────────────────────────────────

  /**
   * The open requests (pending or escalated) addressed to a grantor, oldest first, each with
   * the algebra's verdict against that grantor's own authority.
   *
   * @example
   * ```ts
   * for (const item of await delegator.inbox({ token: plannerToken })) {
   *   if (item.verdict.contained === true) await delegator.approve(item.id, { by: { token: plannerToken } });
   *   else await delegator.escalate(item.id, { by: { token: plannerToken }, autoApprove: true });
   * }
   * ```
   */
  async inbox(grantor: GrantorRef): Promise<InboxItem[]> {
    this.#check();
    const actor = await this.#actor(grantor, 'grantor');
    const records = await this.#store.listRequests({
      grantor: actorName(actor),
      status: ['pending', 'escalated'],
    });
    const items: InboxItem[] = [];
    for (const record of records) {
      if (!isAddressedGrantor(record, actor)) continue;
      const current = await this.#lifecycle.refresh(record);
      if (isOpen(current.status)) items.push(this.#inboxItem(current, actor));
    }
    return items;
  }

  /**
   * New requests addressed to a grantor as they arrive (and requests that come back to it when
   * an escalation ends without deciding them), from this process or any other sharing the
   * store. Ends when `signal` aborts or the loop breaks.
   *
   * @example
   * ```ts
   * for await (const request of delegator.subscribe('owner', { signal })) console.log(request.requester, request.scope);
   * ```
   */
  subscribe(
    grantor: GrantorRef,
    options: { readonly signal?: AbortSignal } = {},
  ): AsyncIterableIterator<InboxItem> {
    this.#check();
    return subscribeInbox(
      {
        store: this.#store,
        tail: this.#tail,
        closers: this.#closers,
        view: (record, actor) => this.#inboxItem(record, actor),
        accepts: isAddressedGrantor,
      },
      this.#actor(grantor, 'grantor'),
      options.signal,
    );
  }

  /**
   * One request, as the owner sees it (with its outcome, including an approved token).
   *
   * @example
   * ```ts
   * const view = await delegator.get(ticket.id);
   * console.log(view.status, view.decidedBy);
   * ```
   */
  async get(id: string): Promise<PermissionRequestView> {
    this.#check();
    assertId(id);
    return requestView(await this.#lifecycle.load(id));
  }

  /**
   * Approves a request as its addressed grantor, possibly narrower (`scope`, inside what was
   * asked) and time-boxed (`expiresIn`). The grantor's current token must contain the grant,
   * else `RequestExceedsAuthorityError` says to escalate. Returns the request with its outcome.
   *
   * @example
   * ```ts
   * await delegator.approve(id, { by: 'owner', scope: 'tool == "bank.transfer" and args.amount <= 100', expiresIn: 3600 });
   * ```
   */
  async approve(id: string, options: ApproveRequestOptions): Promise<PermissionRequestView> {
    this.#check();
    assertId(id);
    assertObject(options, 'options');
    const reason =
      options.reason === undefined ? undefined : checkReason(options.reason, 'options.reason');
    const actor = await this.#actor(options.by);
    const scope = options.scope === undefined ? undefined : normalizeScope(options.scope, 'scope');
    const now = this.#now().getTime();
    const expiresIn = checkLifetime(options.expiresIn, 'options.expiresIn', 0, NO_LIMIT, now);
    const record = await this.#lifecycle.load(id);
    this.#lifecycle.checkDecider(record, actor);
    if (record.status !== 'pending') throw notPending(record);
    const approved = await this.#lifecycle.approve(record, actor, {
      ...(scope === undefined ? {} : { scope }),
      timeBox: options.expiresIn === undefined ? null : now + Math.round(expiresIn * 1000),
      via: 'manual',
      ...(reason === undefined ? {} : { reason }),
    });
    return requestView(approved);
  }

  /**
   * Denies a request as its addressed grantor, with a reason the requester reads.
   *
   * @example
   * ```ts
   * await delegator.deny(id, { by: 'owner', reason: 'no transfers this month' });
   * ```
   */
  async deny(
    id: string,
    options: { readonly by: GrantorRef; readonly reason: string },
  ): Promise<PermissionRequestView> {
    this.#check();
    assertId(id);
    assertObject(options, 'options');
    const actor = await this.#actor(options.by);
    const reason = checkReason(options.reason, 'reason');
    const record = await this.#lifecycle.load(id);
    this.#lifecycle.checkDecider(record, actor);
    if (!isOpen(record.status)) throw notPending(record);
    return requestView(
      await this.#lifecycle.deny(record, actorName(actor), reason, null, 'manual'),
    );
  }

  /**
   * Escalates a request the grantor cannot (or will not) approve alone: a linked request goes
   * from the grantor, with its current token, to its own grantor for the scope asked. When that
   * is approved the grantor's token is updated (delivered to its attached sessions and to
   * `awaitResponse` on the linked id) and the request is reopened, or approved at once when
   * `autoApprove` is set. A denial above denies it too. Returns the linked request.
   *
   * @example
   * ```ts
   * const linked = await delegator.escalate(id, { by: { token: plannerToken }, autoApprove: true });
   * ```
   */
  async escalate(
    id: string,
    options: { readonly by: GrantorRef; readonly autoApprove?: boolean },
  ): Promise<PermissionRequestView> {
    this.#check();
    assertId(id);
    assertObject(options, 'options');
    if (options.autoApprove !== undefined && typeof options.autoApprove !== 'boolean') {
      throw new TypeError(
        `options.autoApprove must be a boolean, got ${describe(options.autoApprove)}`,
      );
    }
    const actor = await this.#actor(options.by);
    const record = await this.#lifecycle.load(id);
    return requestView(await this.#lifecycle.escalate(record, actor, options.autoApprove === true));
  }

  // ─── Standing policies ──────────────────────────────────────────────────────────────────

  /**
   * Adds a standing policy for a grantor, then applies it to that grantor's pending requests.
   * `approve`: requests whose scope lies inside `scope` (and inside the grantor's authority)
   * are approved without asking; `deny`: requests whose scope intersects `scope` are denied.
   * Deny wins.
   *
   * @example
   * ```ts
   * await delegator.addPolicy({ grantor: 'owner', effect: 'approve', scope: 'tool in ["fs.read", "fs.list"]' });
   * await delegator.addPolicy({ grantor: 'owner', effect: 'deny', scope: 'tool ~ "shell.*"' });
   * ```
   */
  async addPolicy(options: AddPolicyOptions): Promise<PolicyView> {
    this.#check();
    assertObject(options, 'options');
    if (options.effect !== 'approve' && options.effect !== 'deny') {
      throw new TypeError(`options.effect must be 'approve' or 'deny'`);
    }
    const actor = await this.#actor(options.grantor, 'options.grantor');
    return addStandingPolicy(this.#policyContext(), actor, options);
  }

  /**
   * The policies in force for a grantor (or every grantor's, for the owner's harness).
   *
   * @example
   * ```ts
   * for (const p of await delegator.policies('owner')) console.log(p.id, p.effect, p.scope);
   * ```
   */
  async policies(grantor?: GrantorRef): Promise<PolicyView[]> {
    this.#check();
    const actor = grantor === undefined ? undefined : await this.#actor(grantor, 'grantor');
    return listStandingPolicies(this.#policyContext(), actor);
  }

  /**
   * Removes a policy of the grantor; `RequestNotFoundError` when it has none with that id.
   *
   * @example
   * ```ts
   * await delegator.removePolicy(policy.id, { grantor: 'owner' });
   * ```
   */
  async removePolicy(id: string, options: { readonly grantor: GrantorRef }): Promise<void> {
    this.#check();
    assertId(id);
    assertObject(options, 'options');
    const actor = await this.#actor(options.grantor, 'options.grantor');
    await removeStandingPolicy(this.#policyContext(), actor, id);
  }

  // ─── Audit, sessions, housekeeping ──────────────────────────────────────────────────────

  /**
   * Audit entries, oldest first: every key added, mint, first sighting of a delegation,
   * request, decision (who, what, when, why), escalation, reopening, expiry, cancellation and
   * policy change.
   *
   * @example
   * ```ts
   * for (const e of await delegator.audit({ requestId: id })) console.log(e.at, e.kind, e.actor, e.details);
   * ```
   */
  async audit(query: AuditQuery = {}): Promise<AuditRecord[]> {
    this.#check();
    const entries = await this.#store.queryAudit(auditFilter(query));
    return entries.map(auditView);
  }

  /**
   * Re-computes the audit log's hash chain from its first entry and reports the first entry
   * that was altered, removed or inserted, if any.
   *
   * @example
   * ```ts
   * const check = await delegator.verifyAudit();
   * if (!check.ok) alert(`audit log tampered at ${check.seq}`);
   * ```
   */
  async verifyAudit(): Promise<AuditVerification> {
    this.#check();
    return verifyAuditChain(await readWholeLog(this.#store));
  }

  /**
   * Lets the Delegator hand a grantor's session its new token when an escalation it made is
   * approved (only sessions still holding the token that escalated). Returns the detach function.
   *
   * @example
   * ```ts
   * const detach = delegator.attach(plannerSession);
   * ```
   */
  attach(session: AttachableSession): () => void {
    this.#check();
    assertObject(session, 'session');
    if (typeof session.updateDelegation !== 'function')
      throw new TypeError('session must have updateDelegation(token)');
    this.#sessions.add(session);
    return () => {
      this.#sessions.delete(session);
    };
  }

  /**
   * Expires every open request whose time is up; returns how many. Requests also expire
   * lazily whenever they are read, so calling this is only needed to notify waiters promptly.
   *
   * @example
   * ```ts
   * setInterval(() => void delegator.sweep(), 60_000).unref();
   * ```
   */
  async sweep(): Promise<number> {
    this.#check();
    const due = await this.#store.listRequests({
      status: ['pending', 'escalated'],
      expiresBy: this.#now().getTime(),
    });
    let expired = 0;
    for (const record of due) {
      const current = await this.#lifecycle.refresh(record);
      if (current.status === 'expired' && current.version !== record.version) expired += 1;
    }
    return expired;
  }

  /**
   * Stops notifications, rejects pending `awaitResponse` calls, ends subscriptions, and closes
   * the store if the Delegator opened it.
   *
   * @example
   * ```ts
   * await delegator.close();
   * ```
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const close of [...this.#closers]) close();
    this.#tail.close();
    this.#sessions.clear();
    if (this.#ownsStore) await this.#store.close();
  }

  #policyContext(): PolicyContext {
    return {
      store: this.#store,
      lifecycle: this.#lifecycle,
      now: this.#now,
      notify: () => this.#tail.pump(),
    };
  }

  #inboxItem(record: RequestRecord, actor: Actor): InboxItem {
    const holder = actor.kind === 'owner' ? 'owner' : actor.holder;
    return {
      ...requestView(record),
      verdict: authorityContains(holder, record.scope, this.#now()),
    };
  }

  /** Verifies a token presented by an agent and records its first sighting. */
  #authenticate(token: unknown, claimed?: string): Promise<Holder> {
    return authenticate(this.#store, token, {
      rootKeys: this.#keys,
      now: this.#now(),
      ...(claimed === undefined ? {} : { claimed }),
    });
  }

  async #actor(by: unknown, field = 'options.by'): Promise<Actor> {
    if (by === 'owner') return { kind: 'owner' };
    if (
      typeof by !== 'object' ||
      by === null ||
      typeof (by as { token?: unknown }).token !== 'string'
    ) {
      throw new TypeError(`${field} must be 'owner' or { token }, got ${describe(by)}`);
    }
    return { kind: 'agent', holder: await this.#authenticate((by as { token: string }).token) };
  }

  #deliver(principal: string, from: string, to: string): void {
    for (const session of this.#sessions) {
      if (session.principal !== principal || session.token !== from) continue;
      try {
        session.updateDelegation(to);
      } catch {
        // A session that refuses the token (another runner's keys) keeps its own: nothing to undo.
      }
    }
  }

  #check(): void {
    if (this.#closed) throw new RequestStoreError('the delegator is closed');
  }
}

function assertId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new TypeError(`id must be a string, got ${describe(id)}`);
}
