/**
 * The Delegator: the owner's authorization server, a façade over the request store
 * (`store/`), the rules that decide requests (`decisions/`) and what requesters and grantors
 * read back (`answers/`). Its holder acts as the owner; agents act only by presenting their
 * current token, verified every time. State lives in the store, so another Delegator on the
 * same SQLite file (in this process or another) sees every request, decision and token.
 */
import type {
  PermissionBroker,
  PermissionOutcome,
  PermissionRequestInput,
  PermissionTicket,
  PollAnswer,
} from '../tools/broker.js';
import { assertObject, assertString } from '../_assert.js';
import { listInbox, viewOf } from './answers/inbox.js';
import { pollStep } from './answers/polling.js';
import { previewDecision } from './answers/preview.js';
import { AttachedSessions } from './answers/sessions.js';
import { subscribeInbox, type InboxEvent } from './answers/subscription.js';
import { mapIterator } from './answers/notify.js';
import {
  ticketView,
  type ApprovalPreview,
  type InboxItem,
  type PermissionRequestView,
  type PolicyView,
} from './answers/views.js';
import { awaitOutcome } from './answers/waiter.js';
import { verifyDelegation, type Delegation } from '../delegation/index.js';
import { authenticate } from './decisions/authority.js';
import { DelegatorBase } from './delegator-base.js';
import { cancelRevokedRequests } from './decisions/revoked-requests.js';
import type { Lifecycle } from './decisions/lifecycle.js';
import { checkApprovalTerms, checkEscalation, checkReason, checkRequestInput } from './input.js';
import { inMemoryParts, openParts, wire } from './opening.js';
import type { DelegatorContexts, DelegatorParts } from './opening.js';
import type {
  AddPolicyOptions,
  ApproveRequestOptions,
  AttachableSession,
  CancelRequestOptions,
  DelegatorOptions,
  DenyRequestOptions,
  EscalateRequestOptions,
  GrantorRef,
  OpenOptions,
  WaitOptions,
} from './options.js';
import {
  addStandingPolicy,
  listStandingPolicies,
  removeStandingPolicy,
} from './standing-policies.js';
import type { RequestRecord } from './store/model.js';

/**
 * The owner's authorization server: the `PermissionBroker` agent sessions ask (`request`,
 * `awaitResponse`, `poll`, `cancel`), and the grantor's side (`inbox`, `subscribe`, `approve`,
 * `deny`, `escalate`, standing policies), with the audit log.
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
export class Delegator extends DelegatorBase implements PermissionBroker {
  readonly #sessions = new AttachedSessions();
  readonly #closers = new Set<() => void>();
  readonly #lifecycle: Lifecycle;
  readonly #ctx: DelegatorContexts;

  private constructor(parts: DelegatorParts) {
    super(parts);
    this.#ctx = wire(parts, {
      deliver: (principal, from, to) => this.#sessions.deliver(principal, from, to),
      closers: this.#closers,
      closed: () => this.closed,
    });
    this.#lifecycle = this.#ctx.lifecycle;
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
    return new Delegator(await openParts(options));
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
    return new Delegator(await inMemoryParts(options));
  }

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
    this.check();
    const arrival = checkRequestInput(input, this.parts.now().getTime());
    const holder = await authenticate(this.parts.store, input.token, {
      rootKeys: this.parts.keys,
      revocations: this.parts.revocations,
      now: new Date(arrival.at),
      claimed: arrival.principal,
    });
    return ticketView(await this.#lifecycle.file(holder, arrival));
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
  async awaitResponse(id: string, options: WaitOptions = {}): Promise<PermissionOutcome> {
    this.check();
    assertString(id, 'id');
    return awaitOutcome(this.#ctx.waiter, id, options.signal);
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
    const record = await this.#load(id);
    const { answer, touch } = pollStep(record, this.parts.now().getTime());
    if (touch !== undefined) await this.parts.store.touchPoll(id, touch.at, touch.interval);
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
  async cancel(id: string, options: CancelRequestOptions): Promise<PermissionRequestView> {
    assertObject(options, 'options');
    const actor = await this.actor(options.by);
    const record = await this.#load(id);
    return this.#view(await this.#lifecycle.withdraw(record, actor));
  }

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
    return listInbox(this.#ctx.inbox, await this.actor(grantor, 'grantor'));
  }

  /**
   * New requests addressed to a grantor as they arrive (or come back when an escalation ends
   * undecided), from any process sharing the store. Ends when `signal` aborts or the loop breaks.
   *
   * @example
   * ```ts
   * for await (const request of delegator.subscribe('owner', { signal })) console.log(request.requester, request.scope);
   * ```
   */
  subscribe(grantor: GrantorRef, options: WaitOptions = {}): AsyncIterableIterator<InboxItem> {
    const events = this.inboxEvents(grantor, options);
    return mapIterator(events, (e) => e.item);
  }

  /**
   * `subscribe` with each request's audit position (`seq`), resumable: with `afterSeq` (the last
   * `seq` received, or the audit head read with `inboxSnapshot`) the requests that arrived since
   * are delivered first, none twice. This is what the service's inbox stream serves.
   *
   * @example
   * ```ts
   * for await (const { seq, item } of delegator.inboxEvents('owner', { afterSeq: last })) last = seq;
   * ```
   */
  inboxEvents(
    grantor: GrantorRef,
    options: WaitOptions & { readonly afterSeq?: number } = {},
  ): AsyncIterableIterator<InboxEvent> {
    this.check();
    if (
      options.afterSeq !== undefined &&
      (!Number.isSafeInteger(options.afterSeq) || options.afterSeq < 0)
    )
      throw new RangeError('options.afterSeq must be a non-negative integer');
    return subscribeInbox(this.#ctx.subscriptions, this.actor(grantor, 'grantor'), options);
  }

  /**
   * The grantor's inbox with the audit position it was read at: resume `inboxEvents` after
   * `seq` and nothing is missed (a request arriving during the read may come in both).
   *
   * @example
   * ```ts
   * const { seq, items } = await delegator.inboxSnapshot('owner');
   * ```
   */
  async inboxSnapshot(
    grantor: GrantorRef,
  ): Promise<{ readonly seq: number; readonly items: InboxItem[] }> {
    this.check();
    const seq = await this.parts.store.lastAuditSeq();
    return { seq, items: await this.inbox(grantor) };
  }

  /**
   * One request, as the owner sees it (with its outcome, including an approved token).
   *
   * @example
   * ```ts
   * const { status, decidedBy } = await delegator.get(ticket.id);
   * ```
   */
  async get(id: string): Promise<PermissionRequestView> {
    return this.#view(await this.#load(id));
  }

  /**
   * Whether `token` (a verified `Delegation`) belongs to the agent that asked for request `id`
   * (the same place in the tree): who may read its answer. Cheaper than `get`: no view is built.
   *
   * @example
   * ```ts
   * if (!(await delegator.isRequester(id, delegation))) return notFound();
   * ```
   */
  async isRequester(id: string, token: Delegation): Promise<boolean> {
    const record = await this.#load(id);
    const asked = verifyDelegation(record.token, { rootKeys: this.parts.keys }).place;
    const mine = token.place;
    return asked.length === mine.length && asked.every((g, i) => g === mine[i]);
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
    const { record, actor, terms } = await this.#approval(id, options);
    return this.#view(await this.#lifecycle.approve(record, actor, { ...terms, via: 'manual' }));
  }

  /**
   * What `approve` with the same options would do, without deciding: the verdict against the
   * grantor's authority, what the requester could do after it that it cannot do now (one
   * alternative per line), when the grant would end, and whether the time box was cut.
   *
   * @example
   * ```ts
   * const { verdict, effect } = await delegator.preview(id, { by: 'owner', expiresIn: 3600 });
   * for (const line of effect.alternatives) console.log(line);
   * ```
   */
  async preview(id: string, options: ApproveRequestOptions): Promise<ApprovalPreview> {
    const { record, actor, terms } = await this.#approval(id, options);
    return previewDecision(this.#lifecycle, record, actor, terms);
  }

  /**
   * Denies a request as its addressed grantor, with a reason the requester reads.
   *
   * @example
   * ```ts
   * await delegator.deny(id, { by: 'owner', reason: 'no transfers this month' });
   * ```
   */
  async deny(id: string, options: DenyRequestOptions): Promise<PermissionRequestView> {
    assertObject(options, 'options');
    const actor = await this.actor(options.by);
    const reason = checkReason(options.reason, 'reason');
    const record = await this.#load(id);
    return this.#view(await this.#lifecycle.deny(record, actor, reason));
  }

  /**
   * Escalates a request the grantor cannot (or will not) approve alone: a linked request goes
   * from the grantor, with its current token, to its own grantor. When that is approved the
   * grantor's token is updated (delivered to its attached sessions) and the request reopened, or
   * approved at once with `autoApprove`; a denial above denies it. Returns the linked request.
   *
   * @example
   * ```ts
   * const linked = await delegator.escalate(id, { by: { token: plannerToken }, autoApprove: true });
   * ```
   */
  async escalate(id: string, options: EscalateRequestOptions): Promise<PermissionRequestView> {
    const autoApprove = checkEscalation(options);
    const actor = await this.actor(options.by);
    const record = await this.#load(id);
    return this.#view(await this.#lifecycle.escalate(record, actor, autoApprove));
  }

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
    assertObject(options, 'options');
    const actor = await this.actor(options.grantor, 'options.grantor');
    return addStandingPolicy(this.#ctx.policies, actor, options);
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
    this.check();
    const actor = grantor === undefined ? undefined : await this.actor(grantor, 'grantor');
    return listStandingPolicies(this.#ctx.policies, actor);
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
    assertString(id, 'id');
    assertObject(options, 'options');
    const actor = await this.actor(options.grantor, 'options.grantor');
    await removeStandingPolicy(this.#ctx.policies, actor, id);
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
    this.check();
    assertObject(session, 'session');
    return this.#sessions.attach(session);
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
    this.check();
    return this.#lifecycle.expireDue(this.parts.now().getTime());
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
    if (this.closed) return;
    this.closed = true;
    for (const close of [...this.#closers]) close();
    this.parts.tail.close();
    this.parts.revocations.stop();
    this.#sessions.clear();
    if (this.parts.ownsStore) await this.parts.store.close();
  }

  protected cancelRevokedRequests(): Promise<number> {
    return cancelRevokedRequests(this.parts.store, this.#lifecycle);
  }

  /** The public view of a request, with the chain of its requester's verified token. */
  #view(record: RequestRecord): PermissionRequestView {
    return viewOf(this.#lifecycle, record);
  }

  /** The request `id`, expired first if its time is up (on an open Delegator). */
  #load(id: unknown): Promise<RequestRecord> {
    this.check();
    assertString(id, 'id');
    return this.#lifecycle.load(id);
  }

  /** An approval's (or its preview's) request, grantor and checked terms. */
  async #approval(id: unknown, options: ApproveRequestOptions) {
    assertObject(options, 'options');
    const terms = checkApprovalTerms(options, this.parts.now().getTime());
    return { terms, actor: await this.actor(options.by), record: await this.#load(id) };
  }
}
