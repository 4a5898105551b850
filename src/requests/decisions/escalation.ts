/**
 * Escalation: a grantor that cannot (or will not) approve a request alone sends a linked
 * request, with its own current token, to its own grantor, for the scope asked, and the
 * original waits in `escalated`. When the linked request is decided the waiting requests
 * follow: an approval updates the intermediate grantor's token (handed to its attached
 * sessions; its standing policies switch to it) and reopens each waiting request, or approves
 * it at once from the new token when its grantor asked for that, narrowed and time-boxed as
 * the grant above was; a denial denies them ("escalation denied by …"); an expiry or a
 * cancellation reopens them. Each of those is a decision in turn, so a chain resolves
 * bottom-up to the owner and a denial flows all the way down. When an escalated request ends
 * otherwise (cancelled, denied, expired), its linked request is withdrawn unless another
 * request still waits on it.
 */
import { contains } from '../../scope/index.js';
import { placeOf, scopeOf, verifyAgent, type Actor } from './authority.js';
import type { Decisions, LifecycleContext } from './context.js';
import {
  RequestCannotEscalateError,
  RequestExceedsAuthorityError,
  RequestForbiddenError,
  RequestNotPendingError,
  RequestTokenError,
} from '../errors.js';
import { REQUEST_LIMITS } from '../input.js';
import type { RequestRecord, StoredOutcome } from '../store/model.js';
import { newRecord, notPending, requestAudit } from './records.js';
import { isOpen } from '../store/state.js';

/**
 * The escalation half of a Lifecycle.
 *
 * @example
 * ```ts
 * const escalations = new Escalations(lifecycle, context);
 * const linked = await escalations.escalate(record, agent, true);
 * ```
 */
export class Escalations {
  readonly #lifecycle: Decisions;
  readonly #ctx: LifecycleContext;

  constructor(lifecycle: Decisions, context: LifecycleContext) {
    this.#lifecycle = lifecycle;
    this.#ctx = context;
  }

  /**
   * Escalates `record` for its grantor `actor`: a linked request from the grantor (with its
   * current token) to its own grantor, for the scope asked. Returns the linked request.
   */
  async escalate(
    record: RequestRecord,
    actor: Actor,
    autoApprove: boolean,
  ): Promise<RequestRecord> {
    this.#lifecycle.checkDecider(record, actor);
    if (actor.kind === 'owner') throw new RequestCannotEscalateError(record.id);
    if (record.status !== 'pending') throw notPending(record);
    const agent = actor;
    const now = this.#ctx.now().getTime();
    const reason =
      `escalated from ${record.requester} (request ${record.id}): ${record.reason}`.slice(
        0,
        REQUEST_LIMITS.maxReasonLength,
      );
    const { scope, call, expiresAt } = record;
    const linked = newRecord(agent, { scope, reason, call, at: now, expiresAt }, record.id);
    const result = await this.#ctx.store.escalate({
      id: record.id,
      version: record.version,
      linked,
      autoApprove,
      audit: (used, created) => [
        ...(created ? [requestAudit(used, agent, now)] : []),
        {
          at: now,
          kind: 'escalate',
          actor: agent.name,
          subject: agent.delegation.askFrom,
          requestId: record.id,
          details: { linked: used.id, autoApprove, joined: !created, place: placeOf(agent) },
        },
      ],
    });
    if (result === undefined) {
      const current = await this.#lifecycle.load(record.id);
      throw notPending(current);
    }
    await this.#ctx.notify();
    if (result.created) await this.#lifecycle.applyPolicies(result.linked);
    return (await this.#ctx.store.getRequest(result.linked.id)) ?? result.linked;
  }

  /** Carries a final decision on `record` along its escalation links. */
  async follow(record: RequestRecord): Promise<void> {
    await this.#settleWaiting(record);
    await this.#withdrawLinked(record);
  }

  /** The requests escalated to `linked`, now that it is final. */
  async #settleWaiting(linked: RequestRecord): Promise<void> {
    const waiting = await this.#ctx.store.listRequests({
      escalatedTo: linked.id,
      status: ['escalated'],
    });
    if (waiting.length === 0) return;
    const outcome = linked.outcome;
    if (outcome?.status === 'approved') {
      await this.#ctx.store.replacePolicyToken(linked.requester, linked.token, outcome.token);
      this.#ctx.deliver(linked.requester, linked.token, outcome.token);
    }
    for (const record of waiting) {
      try {
        if (outcome?.status === 'approved') await this.#onLinkedApproved(record, linked, outcome);
        else if (outcome?.status === 'denied') {
          const reason =
            `escalation denied by ${linked.decidedBy ?? 'its grantor'}: ${outcome.reason}`.slice(
              0,
              REQUEST_LIMITS.maxReasonLength,
            );
          await this.#lifecycle.denyBy(record, reason, {
            name: linked.decidedBy ?? 'system',
            place: null,
            via: 'escalation',
            policyId: null,
          });
        } else await this.#lifecycle.reopen(record, `the escalation ${linked.id} ${linked.status}`);
      } catch (err) {
        if (!(err instanceof RequestNotPendingError)) throw err;
      }
    }
  }

  async #onLinkedApproved(
    record: RequestRecord,
    linked: RequestRecord,
    outcome: StoredOutcome & { status: 'approved' },
  ): Promise<void> {
    if (record.escalation?.autoApprove !== true) {
      await this.#lifecycle.reopen(record, `the escalation ${linked.id} was approved`);
      return;
    }
    let why: string;
    try {
      const agent = verifyAgent(outcome.token, {
        rootKeys: this.#ctx.rootKeys,
        now: this.#ctx.now(),
        revocations: this.#ctx.revocations,
      });
      const narrowed =
        contains(scopeOf(record.scope), scopeOf(outcome.scope)).contained === true
          ? outcome.scope
          : undefined;
      await this.#lifecycle.approve(record, agent, {
        ...(narrowed === undefined ? {} : { scope: narrowed }),
        timeBox: outcome.expiresAt,
        via: 'escalation',
      });
      return;
    } catch (err) {
      if (err instanceof RequestNotPendingError) throw err;
      if (!(
        err instanceof RequestExceedsAuthorityError ||
        err instanceof RequestTokenError ||
        err instanceof RequestForbiddenError
      )) {
        throw err;
      }
      why = err.message;
    }
    await this.#lifecycle.reopen(record, `automatic approval failed: ${why}`);
  }

  /** When an escalated request ends otherwise, its linked request goes too, unless others wait on it. */
  async #withdrawLinked(record: RequestRecord): Promise<void> {
    const linkedId = record.escalation?.linkedId;
    if (linkedId === undefined || record.status === 'approved') return;
    const linked = await this.#ctx.store.getRequest(linkedId);
    if (linked === undefined || !isOpen(linked.status)) return;
    const others = await this.#ctx.store.listRequests({
      escalatedTo: linkedId,
      status: ['escalated'],
    });
    if (others.length > 0) return;
    try {
      await this.#lifecycle.cancel(
        linked,
        'system',
        `the request it escalated (${record.id}) is ${record.status}`,
      );
    } catch (err) {
      if (!(err instanceof RequestNotPendingError)) throw err;
    }
  }
}
