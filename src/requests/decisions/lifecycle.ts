/**
 * The decisions of the request lifecycle: filing, approve, deny, cancel, expire, reopen, and
 * standing policies. Every decision is a compare-and-set on the request's version, so
 * concurrent deciders (other processes on the same store included) can never both win; the
 * loser gets `RequestNotPendingError`. Only the addressed grantor decides, never the requester
 * itself. An approval checks that the grant lies inside what was asked and inside the
 * grantor's authority, then derives the new token from the grantor's own (`grant.ts`). After
 * each final decision the escalation links are followed (`escalation.ts`).
 */
import { verifyDelegation, type RootKeyring } from '../../delegation/index.js';
import { contains } from '../../scope/index.js';
import { authorityContains, verifyHolder, type Holder } from './authority.js';
import {
  RequestExceedsAuthorityError,
  RequestForbiddenError,
  RequestNotFoundError,
  RequestNotPendingError,
  RequestScopeNotRequestedError,
  RequestTokenError,
} from '../errors.js';
import { Escalations } from './escalation.js';
import { deriveToken, grantCondition } from './grant.js';
import { fingerprint } from '../input.js';
import type { AuditInput, RequestRecord, RequestStatus, StoredOutcome } from '../store/model.js';
import { activePolicies, approvingPolicies, denyingPolicy } from './policies.js';
import {
  actorName,
  holdsGrantorPlace,
  isAddressedGrantor,
  newRecord,
  notPending,
  requestAudit,
  type Actor,
} from './records.js';
import { isOpen } from '../store/state.js';
import type { RequestStore } from '../store/store.js';

/** What the lifecycle needs from its Delegator. */
export interface LifecycleContext {
  readonly store: RequestStore;
  readonly rootKeys: RootKeyring;
  now(): Date;
  /** Wakes local listeners after a write. */
  notify(): Promise<void>;
  /** Hands a grantor's new token to its attached sessions that hold `from`. */
  deliver(principal: string, from: string, to: string): void;
}

/** Options of an approval. */
export interface ApproveOptions {
  /** Conditions granted, inside the requested scope (default: all that was asked). */
  readonly scope?: readonly string[];
  /** End of the time box on the grant (ms), or `null`. */
  readonly timeBox: number | null;
  readonly policyId?: string | null;
  /** How it was decided, for the audit log. */
  readonly via: 'manual' | 'policy' | 'escalation';
  /** Why, for the audit log. */
  readonly reason?: string;
}

/** How many times a decision re-reads and retries when the request changed under it. */
const RETRIES = 3;

/**
 * The decision engine shared by a Delegator's public methods.
 *
 * @example
 * ```ts
 * const lifecycle = new Lifecycle({ store, rootKeys, now: () => new Date(), notify, deliver });
 * await lifecycle.approve(await lifecycle.load(id), { kind: 'owner' }, { timeBox: null, via: 'manual' });
 * ```
 */
export class Lifecycle {
  readonly #ctx: LifecycleContext;
  readonly #escalations: Escalations;

  constructor(context: LifecycleContext) {
    this.#ctx = context;
    this.#escalations = new Escalations(this, context);
  }

  /**
   * The request, expired first if its time is up (and caught up with its escalation, if that
   * was decided by a process that stopped before following it). Throws `RequestNotFoundError`.
   */
  async load(id: string): Promise<RequestRecord> {
    const record = await this.#ctx.store.getRequest(id);
    if (record === undefined) throw new RequestNotFoundError(id);
    return this.refresh(record);
  }

  /** Expires `record` if it is open and its time is up; returns the current record. */
  async refresh(record: RequestRecord): Promise<RequestRecord> {
    if (!isOpen(record.status)) return record;
    if (record.expiresAt > this.#ctx.now().getTime()) return this.#resume(record);
    const expired = await this.#transition(
      record,
      'expired',
      { status: 'expired' },
      'system',
      null,
      {
        kind: 'expire',
        actor: 'system',
        subject: record.requester,
        details: { expiresAt: new Date(record.expiresAt).toISOString() },
      },
    );
    if (expired === undefined) return this.load(record.id);
    await this.#after(expired);
    return expired;
  }

  /**
   * An escalated request whose linked request is already final was left behind by a process
   * that stopped between the two steps: follow the link now, so nothing waits forever.
   */
  async #resume(record: RequestRecord): Promise<RequestRecord> {
    if (record.status !== 'escalated' || record.escalation === null) return record;
    const linked = await this.#ctx.store.getRequest(record.escalation.linkedId);
    if (linked === undefined || isOpen(linked.status)) return record;
    await this.#escalations.follow(linked);
    return (await this.#ctx.store.getRequest(record.id)) ?? record;
  }

  /** Throws unless `actor` may decide `record`: the addressed grantor, and not the requester. */
  checkDecider(record: RequestRecord, actor: Actor): void {
    const name = actorName(actor);
    if (record.requester === name) {
      throw new RequestForbiddenError(
        record.id,
        'self-decision',
        `${name} asked for request ${record.id}: it cannot decide it`,
      );
    }
    if (!isAddressedGrantor(record, actor)) {
      throw new RequestForbiddenError(
        record.id,
        'not-addressed-grantor',
        record.grantor === name
          ? `request ${record.id} is addressed to the ${name} that delegated to ${record.requester}; this token's ${name} cannot decide it`
          : `request ${record.id} is addressed to ${record.grantor}; ${name} cannot decide it`,
      );
    }
  }

  /** Approves `record` (pending, or escalated for an automatic approval) as `actor`. */
  async approve(
    record: RequestRecord,
    actor: Actor,
    options: ApproveOptions,
  ): Promise<RequestRecord> {
    let current = record;
    for (let attempt = 0; ; attempt++) {
      this.checkDecider(current, actor);
      const outcome = this.#grant(current, actor, options);
      const updated = await this.#transition(
        current,
        'approved',
        outcome,
        actorName(actor),
        options.policyId ?? null,
        {
          kind: 'approve',
          actor: actorName(actor),
          subject: current.requester,
          details: {
            scope: [...outcome.scope],
            expiresAt:
              outcome.expiresAt === null ? null : new Date(outcome.expiresAt).toISOString(),
            token: fingerprint(outcome.token),
            via: options.via,
            ...(options.reason === undefined ? {} : { reason: options.reason }),
            ...(options.policyId === undefined || options.policyId === null
              ? {}
              : { policy: options.policyId }),
          },
        },
      );
      if (updated !== undefined) {
        await this.#after(updated);
        return updated;
      }
      current = await this.#reread(current, attempt, [
        'pending',
        ...(options.via === 'escalation' ? ['escalated' as const] : []),
      ]);
    }
  }

  /** Denies `record` (pending or escalated) as `decidedBy`, with a reason the requester reads. */
  async deny(
    record: RequestRecord,
    decidedBy: string,
    reason: string,
    policyId: string | null,
    via: string,
  ): Promise<RequestRecord> {
    let current = record;
    for (let attempt = 0; ; attempt++) {
      const updated = await this.#transition(
        current,
        'denied',
        { status: 'denied', reason },
        decidedBy,
        policyId,
        {
          kind: 'deny',
          actor: decidedBy,
          subject: current.requester,
          details: { reason, via, ...(policyId === null ? {} : { policy: policyId }) },
        },
      );
      if (updated !== undefined) {
        await this.#after(updated);
        return updated;
      }
      current = await this.#reread(current, attempt, ['pending', 'escalated']);
    }
  }

  /** Cancels `record` on its requester's behalf (or the system's, when an escalation is withdrawn). */
  async cancel(record: RequestRecord, by: string, why: string): Promise<RequestRecord> {
    let current = record;
    for (let attempt = 0; ; attempt++) {
      const updated = await this.#transition(
        current,
        'cancelled',
        { status: 'cancelled' },
        by,
        null,
        {
          kind: 'cancel',
          actor: by,
          subject: current.grantor,
          details: { why },
        },
      );
      if (updated !== undefined) {
        await this.#after(updated);
        return updated;
      }
      current = await this.#reread(current, attempt, ['pending', 'escalated']);
    }
  }

  /** Escalates `record` (see `escalation.ts`). Returns the linked request. */
  escalate(record: RequestRecord, actor: Actor, autoApprove: boolean): Promise<RequestRecord> {
    return this.#escalations.escalate(record, actor, autoApprove);
  }

  /**
   * Files a new request from `holder` (or returns the open one with the same token and scope),
   * then lets the addressed grantor's standing policies decide it if they can.
   */
  async file(
    holder: Holder,
    scope: readonly string[],
    reason: string,
    at: number,
    expiresAt: number,
  ): Promise<RequestRecord> {
    const record = newRecord(holder, scope, reason, at, expiresAt, null);
    const { created, record: stored } = await this.#ctx.store.createRequest(record, (r) => [
      requestAudit(r, holder, at),
    ]);
    if (!created) return this.refresh(stored);
    await this.#ctx.notify();
    return this.applyPolicies(stored);
  }

  /**
   * Decides a pending request by its grantor's standing policies, if one applies: deny when a
   * deny policy intersects it, else approve by the first approve policy that contains it and
   * whose grantor authority still does. Returns the request as it now stands.
   */
  async applyPolicies(record: RequestRecord): Promise<RequestRecord> {
    if (record.status !== 'pending') return record;
    const now = this.#ctx.now();
    // A policy speaks for the grantor only when it was written from the place in the tree
    // that delegated to the requester (see `holdsGrantorPlace`).
    const policies = activePolicies(
      await this.#ctx.store.listPolicies(record.grantor),
      now.getTime(),
    ).filter((p) => p.token === null || holdsGrantorPlace(p.token, record.token));
    if (policies.length === 0) return record;
    const deny = denyingPolicy(policies, record.scope);
    try {
      if (deny !== undefined) {
        if (record.requester === record.grantor) return record;
        return await this.deny(
          record,
          record.grantor,
          `denied by standing policy ${deny.id}`,
          deny.id,
          'policy',
        );
      }
      for (const policy of approvingPolicies(policies, record.scope)) {
        const actor = this.#policyActor(policy.grantor, policy.token, now);
        if (actor === undefined) continue;
        try {
          return await this.approve(record, actor, {
            timeBox: null,
            policyId: policy.id,
            via: 'policy',
          });
        } catch (err) {
          if (err instanceof RequestExceedsAuthorityError || err instanceof RequestForbiddenError)
            continue;
          throw err;
        }
      }
    } catch (err) {
      if (err instanceof RequestNotPendingError) return this.load(record.id);
      throw err;
    }
    return record;
  }

  #policyActor(grantor: string, token: string | null, now: Date): Actor | undefined {
    if (grantor === 'owner') return { kind: 'owner' };
    if (token === null) return undefined;
    try {
      const holder = verifyHolder(token, { rootKeys: this.#ctx.rootKeys, now });
      return holder.principal === grantor ? { kind: 'agent', holder } : undefined;
    } catch (err) {
      if (err instanceof RequestTokenError) return undefined;
      throw err;
    }
  }

  /** The approval's outcome: checks the scope and the authority, and derives the new token. */
  #grant(
    record: RequestRecord,
    actor: Actor,
    options: ApproveOptions,
  ): StoredOutcome & { status: 'approved' } {
    const now = this.#ctx.now();
    const granted = options.scope ?? record.scope;
    if (options.scope !== undefined) {
      const inside = contains([...record.scope], [...granted]);
      if (inside.contained !== true) {
        const witness = inside.contained === false ? inside.witness : null;
        const why =
          inside.contained === false ? 'a request it allows was not asked for' : inside.reason;
        throw new RequestScopeNotRequestedError(record.id, witness, why);
      }
    }
    const authority = authorityContains(
      actor.kind === 'owner' ? 'owner' : actor.holder,
      granted,
      now,
    );
    if (authority.contained !== true) {
      const witness = authority.contained === false ? authority.witness : null;
      const why =
        authority.contained === false
          ? 'its token refuses a request the grant allows'
          : authority.reason;
      throw new RequestExceedsAuthorityError(record.id, actorName(actor), witness, why);
    }
    // What the requester could already do is the conjunction of *every* condition of its token,
    // not just its last block's: the approver's current token need not be the prefix the
    // requester's token was derived from (its authority may have grown by an escalation since),
    // so the earlier blocks' restrictions must be kept. A condition the approver's own token
    // also carries is implied by the new token's prefix and may be left out.
    let previous: readonly string[];
    try {
      const blocks = verifyDelegation(record.token, { rootKeys: this.#ctx.rootKeys }).blocks;
      const implied = new Set(actor.kind === 'owner' ? [] : actor.holder.conditions);
      previous = blocks.flatMap((b) => b.conditions).filter((c) => !implied.has(c));
    } catch {
      throw new RequestTokenError('invalid', 'token is invalid');
    }
    const condition = grantCondition(previous, granted, options.timeBox);
    const approver =
      actor.kind === 'owner'
        ? { kind: 'owner' as const, rootKeys: this.#ctx.rootKeys }
        : { kind: 'agent' as const, token: actor.holder.token };
    const token = deriveToken(approver, record.requester, condition);
    return { status: 'approved', token, scope: granted, expiresAt: options.timeBox };
  }

  async #transition(
    record: RequestRecord,
    to: RequestStatus,
    outcome: StoredOutcome | null,
    decidedBy: string,
    policyId: string | null,
    audit: Omit<AuditInput, 'at' | 'requestId'>,
  ): Promise<RequestRecord | undefined> {
    const at = this.#ctx.now().getTime();
    const final = !isOpen(to);
    return this.#ctx.store.transition({
      id: record.id,
      version: record.version,
      to,
      ...(outcome === null ? {} : { outcome }),
      ...(final ? { decidedBy, decidedAt: at, policyId } : {}),
      audit: [{ ...audit, at, requestId: record.id }],
    });
  }

  /** After a lost compare-and-set: the current record, or the error that explains why not. */
  async #reread(
    previous: RequestRecord,
    attempt: number,
    allowed: readonly RequestStatus[],
  ): Promise<RequestRecord> {
    const current = await this.load(previous.id);
    if (!allowed.includes(current.status) || attempt + 1 >= RETRIES) throw notPending(current);
    return current;
  }

  /** Notifies, then carries a decision along the escalation links. */
  async #after(record: RequestRecord): Promise<void> {
    await this.#ctx.notify();
    if (!isOpen(record.status)) {
      await this.#escalations.follow(record);
    }
  }

  /** Back to `pending` (the escalation ended without deciding it), then its grantor's policies. */
  async reopen(record: RequestRecord, why: string): Promise<void> {
    const reopened = await this.#transition(record, 'pending', null, 'system', null, {
      kind: 'reopen',
      actor: 'system',
      subject: record.grantor,
      details: { why },
    });
    if (reopened === undefined) throw notPending(await this.load(record.id));
    await this.#ctx.notify();
    await this.applyPolicies(reopened);
  }
}
