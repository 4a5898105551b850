/**
 * What approving a request would do, worked out without deciding it: the verdict against the
 * grantor's authority, the effect (what the requester gains, one alternative per line), when
 * the grant would end, whether a time box was cut to the grantor's own expiry, and whether the
 * denied call the request came from would then be allowed.
 */
import type { Delegation } from '../../delegation/index.js';
import { compileCaveat, type Condition } from '../../scope/index.js';
import { scopeOf, type Actor } from '../decisions/authority.js';
import { grantEffect, type GrantPlan } from '../decisions/grant.js';
import type { Lifecycle } from '../decisions/lifecycle.js';
import { notPending } from '../decisions/records.js';
import { RequestTokenError } from '../errors.js';
import type { ApprovalTerms, RequestCall } from '../input.js';
import type { RequestRecord } from '../store/model.js';
import type { ApprovalPreview } from './views.js';

/**
 * The preview of approving `record` as `actor`, with `granted` (default: as asked) until
 * `timeBox` (ms, or `null`). A requester whose token no longer verifies gains nothing, and the
 * verdict is `'unknown'`, saying why when its root key was retired (else only that it no
 * longer verifies).
 *
 * @example
 * ```ts
 * const { verdict, effect } = approvalPreview(lifecycle, record, OWNER);
 * ```
 */
export function approvalPreview(
  lifecycle: Lifecycle,
  record: RequestRecord,
  actor: Actor,
  granted?: readonly Condition[],
  timeBox: number | null = null,
): ApprovalPreview {
  let requester: Delegation;
  try {
    requester = lifecycle.requester(record);
  } catch (err) {
    if (!(err instanceof RequestTokenError)) throw err;
    const reason =
      err.problem === 'key-retired' ? err.message : "the requester's token no longer verifies";
    return {
      verdict: { contained: 'unknown', reason },
      effect: { alternatives: [], complete: true },
      grantEnds: null,
      timeBoxCut: false,
      callAllowedAfter: record.call === null ? null : false,
    };
  }
  const { plan, verdict, at } = lifecycle.preview(record, actor, granted, timeBox);
  const approver = actor.kind === 'owner' ? undefined : actor.delegation;
  return {
    verdict,
    effect: grantEffect(plan, requester, approver),
    grantEnds: plan.ends === null ? null : new Date(plan.ends),
    timeBoxCut: plan.cut,
    callAllowedAfter: record.call === null ? null : callAllowedBy(record.call, approver, plan, at),
  };
}

/**
 * Whether `call` at `at` satisfies every condition of the token the approval would hand out:
 * the approver's (none for the owner) and the new block's. It fails closed: a token with a
 * caveat nobody here can evaluate allows nothing, and a condition that is unknown for the call,
 * or too large to compile (the approval would fail too), counts as refusing it.
 */
function callAllowedBy(
  call: RequestCall,
  approver: Delegation | undefined,
  plan: GrantPlan,
  at: Date,
): boolean {
  if (approver?.hasUnknownCaveats === true) return false;
  const conditions = [...(approver?.scope ?? []), ...(plan.condition ? [plan.condition] : [])];
  const request = { tool: call.tool, args: call.args, time: at };
  try {
    return conditions.every((condition) => compileCaveat(condition)(request));
  } catch {
    return false;
  }
}

/**
 * The preview `delegator.preview` gives: only the addressed grantor, only of a pending
 * request, with the approval's checked terms.
 *
 * @example
 * ```ts
 * const preview = previewDecision(lifecycle, record, OWNER, { timeBox: null });
 * ```
 */
export function previewDecision(
  lifecycle: Lifecycle,
  record: RequestRecord,
  actor: Actor,
  terms: ApprovalTerms,
): ApprovalPreview {
  lifecycle.checkDecider(record, actor);
  if (record.status !== 'pending') throw notPending(record);
  const granted = terms.scope === undefined ? undefined : scopeOf(terms.scope);
  return approvalPreview(lifecycle, record, actor, granted, terms.timeBox);
}
