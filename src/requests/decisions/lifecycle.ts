/**
 * The decisions of the request lifecycle: filing, approve, deny, cancel, expire, reopen, and
 * standing policies (whose rules are in `policies.ts`). This is the one place where the rules on
 * deciding live: only the addressed grantor decides (never the requester itself, nor a token
 * that may be the requester's own), only an open request is decided, and
 * every decision is a compare-and-set on the request's version, so concurrent deciders (other
 * processes on the same store included) can never both win; the loser gets
 * `RequestNotPendingError`. An approval checks that the grant lies inside what was asked and
 * inside the grantor's authority, then derives the new token from the grantor's own
 * (`grant.ts`). After each final decision the escalation links are followed (`escalation.ts`).
 * Tokens are verified once per operation and passed on as `Delegation` values.
 */
import { samePlace, verifyDelegation, type Delegation } from '../../delegation/index.js';
import { contains, type Condition, type Containment } from '../../scope/index.js';
import {
  authorityContains,
  placeOf,
  scopeOf,
  verifiedKept,
  type Actor,
  type AgentActor,
} from './authority.js';
import type { ApproveOptions, Decisions, DeniedBy, LifecycleContext } from './context.js';
import {
  RequestExceedsAuthorityError,
  RequestForbiddenError,
  RequestNotFoundError,
  RequestScopeNotRequestedError,
  RequestTokenError,
} from '../errors.js';
import { Escalations } from './escalation.js';
import { deriveToken, planGrant, type GrantPlan } from './grant.js';
import { fingerprint } from '../input.js';
import type {
  AuditInput,
  HopRecord,
  RequestRecord,
  RequestStatus,
  StoredOutcome,
} from '../store/model.js';
import { hopRecords } from './hop-records.js';
import { decideByPolicies } from './policies.js';
import { revokeIfAnsweringRevoked } from './revoke.js';
import {
  isAddressedGrantor,
  mayBeRequester,
  newRecord,
  notPending,
  requestAudit,
  type Filing,
} from './records.js';
import { isOpen } from '../store/state.js';

/** How many times a decision re-reads and retries when the request changed under it. */
const RETRIES = 3;

/**
 * The decision engine shared by a Delegator's public methods.
 *
 * @example
 * ```ts
 * const lifecycle = new Lifecycle({ store, rootKeys, now: () => new Date(), notify, deliver });
 * await lifecycle.approve(await lifecycle.load(id), OWNER, { timeBox: null, via: 'manual' });
 * ```
 */
export class Lifecycle implements Decisions {
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

  /**
   * The requester's token as stored with the request, verified (from the cache of verified
   * chains when it was seen before). `RequestTokenError` when it no longer verifies: with
   * `problem: 'key-retired'` when its root key was retired since (`verifiedKept`).
   */
  requester(record: RequestRecord): Delegation {
    return verifiedKept(record.token, this.#ctx, record);
  }

  /**
   * What approving `record` as `actor` would hand out (`granted`, default the requested scope,
   * until `timeBox`): the plan, and whether its reach lies within `actor`'s authority `at` the
   * current time. Throws `RequestScopeNotRequestedError` when `granted` allows something not
   * asked for, and `RequestTokenError` when the requester's token no longer verifies.
   */
  preview(
    record: RequestRecord,
    actor: Actor,
    granted?: readonly Condition[],
    timeBox: number | null = null,
  ): {
    readonly plan: GrantPlan;
    readonly verdict: Containment;
    readonly at: Date;
    /** The requester's token, verified. */
    readonly requester: Delegation;
  } {
    const asked = scopeOf(record.scope);
    if (granted !== undefined) {
      const inside = contains(asked, [...granted]);
      if (inside.contained !== true) {
        const witness = inside.contained === false ? inside.witness : null;
        const why =
          inside.contained === false ? 'a request it allows was not asked for' : inside.reason;
        throw new RequestScopeNotRequestedError(record.id, witness, why);
      }
    }
    const approver = actor.kind === 'owner' ? undefined : actor.delegation;
    const requester = this.requester(record);
    const plan = planGrant(requester, approver, granted ?? asked, timeBox);
    const at = this.#ctx.now();
    return { plan, verdict: authorityContains(actor, plan.reach, at), at, requester };
  }

  /**
   * Whether `actor` may act as the grantor of `record` (see `isAddressedGrantor`). The owner
   * proves no place, so a request addressed to it stays in its inbox (to read, and to deny)
   * once the requester's token no longer verifies; approving it then says why it cannot be.
   */
  isAddressedTo(record: RequestRecord, actor: Actor): boolean {
    if (record.grantor !== actor.name) return false;
    if (actor.kind === 'owner') return true;
    const requester = this.requesterIfValid(record);
    return requester !== undefined && isAddressedGrantor(record, requester, actor);
  }

  /** `requester(record)`, or `undefined` when its token no longer verifies. */
  requesterIfValid(record: RequestRecord): Delegation | undefined {
    try {
      return this.requester(record);
    } catch (err) {
      if (err instanceof RequestTokenError) return undefined;
      throw err;
    }
  }

  /**
   * Throws unless `actor` may decide `record`: the addressed grantor, and not (possibly) the
   * requester itself (`mayBeRequester`). An agent of the grantor's name that cannot prove its
   * place because the requester's root key was retired is told that.
   */
  checkDecider(record: RequestRecord, actor: Actor): void {
    const name = actor.name;
    if (mayBeRequester(record, actor)) {
      throw new RequestForbiddenError(
        record.id,
        'self-decision',
        name === record.requester
          ? `${name} asked for request ${record.id}: it cannot decide it`
          : `this token's ${name} descends from ${record.requester}, which asked for request ${record.id}: it cannot decide it`,
      );
    }
    if (!this.isAddressedTo(record, actor)) {
      if (record.grantor === name) this.#throwIfKeyRetired(record);
      throw new RequestForbiddenError(
        record.id,
        'not-addressed-grantor',
        record.grantor === name
          ? `request ${record.id} is addressed to the ${name} that delegated to ${record.requester}; this token's ${name} cannot decide it`
          : `request ${record.id} is addressed to ${record.grantor}; ${name} cannot decide it`,
      );
    }
  }

  /**
   * Throws the requester's `key-retired` or `revoked` error, when that is why its kept token
   * fails: the grantor is told why, not that it is the wrong grantor.
   */
  #throwIfKeyRetired(record: RequestRecord): void {
    try {
      this.requester(record);
    } catch (err) {
      if (!(err instanceof RequestTokenError)) throw err;
      if (err.problem === 'key-retired' || err.problem === 'revoked') throw err;
    }
  }

  /**
   * Approves `record` as `actor`: it must be pending (or escalated, for an automatic approval
   * when the escalation above it was approved) and addressed to `actor`.
   */
  approve(record: RequestRecord, actor: Actor, options: ApproveOptions): Promise<RequestRecord> {
    const open: RequestStatus[] =
      options.via === 'escalation' ? ['pending', 'escalated'] : ['pending'];
    // Who decides does not change between versions of a request: checked once.
    this.checkDecider(record, actor);
    return this.#decide(record, open, (current) => {
      const { outcome, granted, requester } = this.#grant(current, actor, options);
      // The new token's hops join the delegation tree in the approval's own transaction.
      const hops = hopRecords(granted, {
        source: 'approval',
        at: this.#ctx.now().getTime(),
        via: requester.hops.id,
      });
      return this.#transition(
        current,
        'approved',
        outcome,
        actor.name,
        options.policyId ?? null,
        {
          kind: 'approve',
          actor: actor.name,
          subject: current.requester,
          details: {
            scope: [...outcome.scope],
            expiresAt:
              outcome.expiresAt === null ? null : new Date(outcome.expiresAt).toISOString(),
            token: fingerprint(outcome.token),
            hop: granted.hops.id,
            via: options.via,
            place: placeOf(actor),
            ...(options.reason === undefined ? {} : { reason: options.reason }),
            ...(options.policyId === undefined || options.policyId === null
              ? {}
              : { policy: options.policyId }),
          },
        },
        hops,
      );
    });
  }

  /** Denies `record` (pending or escalated) as its addressed grantor `actor`. */
  deny(record: RequestRecord, actor: Actor, reason: string): Promise<RequestRecord> {
    this.checkDecider(record, actor);
    const by = { name: actor.name, place: placeOf(actor), via: 'manual', policyId: null } as const;
    return this.denyBy(record, reason, by);
  }

  /**
   * Denies `record` (pending or escalated) in the name of `by` — its grantor, a standing policy
   * of its grantor or a denial coming down an escalation — with a reason the requester reads.
   */
  denyBy(record: RequestRecord, reason: string, by: DeniedBy): Promise<RequestRecord> {
    const { name, place, via, policyId } = by;
    return this.#decide(record, ['pending', 'escalated'], (current) =>
      this.#transition(current, 'denied', { status: 'denied', reason }, name, policyId, {
        kind: 'deny',
        actor: name,
        subject: current.requester,
        details: {
          reason,
          via,
          ...(place === null ? {} : { place: [...place] }),
          ...(policyId === null ? {} : { policy: policyId }),
        },
      }),
    );
  }

  /**
   * Withdraws `record` on behalf of its requester: `actor` must be the agent that asked, at the
   * same place in the delegation tree (a current token of the same principal and chain).
   */
  withdraw(record: RequestRecord, actor: Actor): Promise<RequestRecord> {
    const requester = this.requesterIfValid(record);
    if (
      actor.kind !== 'agent' ||
      actor.name !== record.requester ||
      requester === undefined ||
      !samePlace(actor.delegation, requester)
    ) {
      throw new RequestForbiddenError(
        record.id,
        'not-requester',
        `request ${record.id} was made by ${record.requester}; ${actor.name} cannot cancel it`,
      );
    }
    if (!isOpen(record.status)) throw notPending(record);
    return this.cancel(record, actor.name, 'cancelled by its requester');
  }

  /** Expires every open request whose time is up at `now`; returns how many it expired. */
  async expireDue(now: number): Promise<number> {
    const due = await this.#ctx.store.listRequests({
      status: ['pending', 'escalated'],
      expiresBy: now,
    });
    let expired = 0;
    for (const record of due) {
      const current = await this.refresh(record);
      if (current.status === 'expired' && current.version !== record.version) expired += 1;
    }
    return expired;
  }

  /** Cancels `record` on its requester's behalf (or the system's, when an escalation is withdrawn). */
  cancel(record: RequestRecord, by: string, why: string): Promise<RequestRecord> {
    return this.#decide(record, ['pending', 'escalated'], (current) =>
      this.#transition(current, 'cancelled', { status: 'cancelled' }, by, null, {
        kind: 'cancel',
        actor: by,
        subject: current.grantor,
        details: { why },
      }),
    );
  }

  /** Escalates `record` (see `escalation.ts`). Returns the linked request. */
  escalate(record: RequestRecord, actor: Actor, autoApprove: boolean): Promise<RequestRecord> {
    return this.#escalations.escalate(record, actor, autoApprove);
  }

  /**
   * Files a new request from `agent` (or returns the open one with the same token and scope),
   * then lets the addressed grantor's standing policies decide it if they can.
   */
  async file(agent: AgentActor, filing: Filing): Promise<RequestRecord> {
    const record = newRecord(agent, filing, null);
    const { created, record: stored } = await this.#ctx.store.createRequest(record, (r) => [
      requestAudit(r, agent, filing.at),
    ]);
    if (!created) return this.refresh(stored);
    await this.#ctx.notify();
    return this.applyPolicies(stored);
  }

  /** Decides a pending request by its grantor's standing policies, if one applies (`policies.ts`). */
  applyPolicies(record: RequestRecord): Promise<RequestRecord> {
    return decideByPolicies(this, this.#ctx, record);
  }

  /**
   * The approval's outcome: checks the scope and the authority, and derives the new token
   * (returned verified too), with the requester's token as the check read it.
   */
  #grant(
    record: RequestRecord,
    actor: Actor,
    options: ApproveOptions,
  ): {
    readonly outcome: StoredOutcome & { status: 'approved' };
    readonly granted: Delegation;
    readonly requester: Delegation;
  } {
    const scope = options.scope ?? record.scope;
    const {
      plan,
      verdict: authority,
      requester,
    } = this.preview(
      record,
      actor,
      options.scope === undefined ? undefined : scopeOf(options.scope),
      options.timeBox,
    );
    if (authority.contained !== true) {
      const witness = authority.contained === false ? authority.witness : null;
      const why =
        authority.contained === false
          ? 'its token refuses a request the grant allows'
          : authority.reason;
      throw new RequestExceedsAuthorityError(record.id, actor.name, witness, why);
    }
    const approver = actor.kind === 'owner' ? undefined : actor.delegation;
    const token = deriveToken(
      approver === undefined
        ? { kind: 'owner', rootKeys: this.#ctx.rootKeys }
        : { kind: 'agent', delegation: approver },
      record.requester,
      plan.condition,
    );
    return {
      outcome: { status: 'approved', token, scope, expiresAt: plan.ends },
      granted: verifyDelegation(token, { rootKeys: this.#ctx.rootKeys }),
      requester,
    };
  }

  /**
   * One decision as a compare-and-set, retried on a lost race while the request is still in
   * one of the `open` statuses; then the notification and the escalation links.
   */
  async #decide(
    record: RequestRecord,
    open: readonly RequestStatus[],
    attempt: (current: RequestRecord) => Promise<RequestRecord | undefined>,
  ): Promise<RequestRecord> {
    let current = record;
    for (let tries = 1; ; tries++) {
      if (!open.includes(current.status)) throw notPending(current);
      const updated = await attempt(current);
      if (updated !== undefined) {
        await this.#after(updated);
        return updated;
      }
      current = await this.load(current.id);
      if (tries >= RETRIES) throw notPending(current);
    }
  }

  async #transition(
    record: RequestRecord,
    to: RequestStatus,
    outcome: StoredOutcome | null,
    decidedBy: string,
    policyId: string | null,
    audit: Omit<AuditInput, 'at' | 'requestId'>,
    hops: readonly HopRecord[] = [],
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
      ...(hops.length === 0 ? {} : { hops }),
    });
  }

  /** Notifies, then carries a decision along the escalation links. */
  async #after(record: RequestRecord): Promise<void> {
    if (record.status === 'approved') await revokeIfAnsweringRevoked(this.#ctx, record);
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
