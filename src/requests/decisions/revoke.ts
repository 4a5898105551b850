/**
 * Revocation: taking back a delegation and everything derived from it, final and audited.
 *
 * A target is a token (text or `Delegation`: its own hop), a hop id, or a principal. Revoking a
 * hop refuses every token whose prefixes include it (verifiers check that offline); approvals
 * are not derived from the token that asked (they are made from the grantor's token), so the
 * approvals that answered a token in the revoked subtree are revoked with it, explicitly, and
 * theirs in turn. The owner may revoke anything; an agent, proven by its current token, only
 * hops below its own place in the tree (what it, or its subagents, delegated); a principal
 * everywhere only the owner. Revoking again changes nothing.
 */
import {
  OWNER_PRINCIPAL,
  isDelegation,
  isHopId,
  principalProblem,
  revocationFor,
  revocationSentence,
  verifyDelegation,
  type Delegation,
  type Revocation,
  type RootKeyring,
} from '../../delegation/index.js';
import { describe } from '../../_assert.js';
import { RequestInvalidError, RevokeForbiddenError } from '../errors.js';
import { checkReason } from '../input.js';
import type { AuditInput, HopRecord, RequestRecord, RevocationInput } from '../store/model.js';
import type { RequestStore } from '../store/store.js';
import { placeOf, verifiedOrInvalid, type Actor } from './authority.js';
import { hopRecords } from './hop-records.js';
import type { StoreRevocations } from './revocations.js';

/** What `revoke` takes back. */
export type RevokeTarget = string | Delegation | { readonly principal: string };

/** What revoking did. */
export interface RevokeOutcome {
  /** The revocation of the target (made now, or earlier when it was revoked already). */
  readonly revocation: Revocation;
  /** Whether the target was revoked already (then nothing changed). */
  readonly already: boolean;
  /** The approvals revoked with it (derived from no revoked token, but answering one). */
  readonly cascaded: readonly Revocation[];
}

/** What revoking needs. */
export interface RevokeContext {
  readonly store: RequestStore;
  readonly rootKeys: RootKeyring;
  readonly revocations: StoreRevocations;
  readonly now: () => Date;
}

/**
 * Revokes `target` as `actor` for `reason`.
 *
 * @example
 * ```ts
 * const { revocation } = await revoke(ctx, coderToken, OWNER, 'the coder leaked its token');
 * ```
 */
export async function revoke(
  ctx: RevokeContext,
  target: RevokeTarget,
  actor: Actor,
  reason: string,
): Promise<RevokeOutcome> {
  checkReason(reason, 'options.reason');
  const at = ctx.now().getTime();
  const resolved = await resolve(ctx, target, at);
  permit(actor, resolved);
  const first: RevocationInput = {
    kind: resolved.kind,
    target: resolved.target,
    delegationId: resolved.delegationId,
    by: actor.name,
    at,
    reason,
  };
  const cascade =
    resolved.kind === 'hop' ? await answeredApprovals(ctx.store, [resolved.target]) : [];
  const inputs = [
    first,
    ...cascade.map((hop): RevocationInput => ({
      kind: 'hop',
      target: hop.id,
      delegationId: hop.delegationId,
      by: actor.name,
      at,
      reason: `answered a request from revoked ${resolved.target}: ${reason}`,
    })),
  ];
  const place = placeOf(actor);
  const { created, existing } = await ctx.store.revoke(inputs, (made) =>
    made.map((r): AuditInput => ({
      at,
      kind: 'revoke',
      actor: actor.name,
      subject: r === made[0] ? resolved.holder : null,
      requestId: null,
      details: {
        kind: r.kind,
        target: r.target,
        delegationId: r.delegationId,
        reason: r.reason,
        place,
        ...(r.target === resolved.target ? {} : { cause: resolved.target }),
      },
    })),
  );
  ctx.revocations.add(created);
  const mine = (r: Revocation) => r.kind === resolved.kind && r.target === resolved.target;
  const made = created.find(mine);
  return {
    revocation: (made ?? existing.find(mine)) as Revocation,
    already: made === undefined,
    cascaded: created.filter((r) => !mine(r)),
  };
}

/**
 * After an approval (whose token's hops were stored with it): if the requester's token was
 * revoked meanwhile (by another process, while the approval was being made), revokes the
 * approval too, so that no approval outlives the token it answered.
 *
 * @example
 * ```ts
 * await revokeIfAnsweringRevoked(ctx, approvedRecord);
 * ```
 */
export async function revokeIfAnsweringRevoked(
  ctx: RevokeContext,
  record: RequestRecord,
): Promise<void> {
  const outcome = record.outcome;
  if (outcome?.status !== 'approved') return;
  await ctx.revocations.refresh();
  const requester = verifyDelegation(record.token, { rootKeys: ctx.rootKeys });
  const revoked = revocationFor(requester, ctx.revocations);
  if (revoked === undefined) return;
  const system: Actor = { kind: 'owner', name: OWNER_PRINCIPAL };
  const approved = verifyDelegation(outcome.token, { rootKeys: ctx.rootKeys });
  await revoke(
    ctx,
    approved,
    system,
    `answered a request from a revoked token: ${revocationSentence(revoked)}`.slice(0, 2000),
  );
}

interface Resolved {
  readonly kind: 'hop' | 'principal';
  readonly target: string;
  readonly delegationId: string | null;
  /** Where the hop sits (the grantees of its blocks), when known. */
  readonly place: readonly (string | null)[] | null;
  /** Who holds it, for the audit log's subject. */
  readonly holder: string | null;
}

async function resolve(ctx: RevokeContext, target: RevokeTarget, at: number): Promise<Resolved> {
  if (typeof target === 'object' && target !== null && !isDelegation(target)) {
    const principal = (target as { principal?: unknown }).principal;
    if (typeof principal !== 'string')
      throw new TypeError(
        `target must be a token, a hop id or { principal }, got ${describe(target)}`,
      );
    const problem = principalProblem(principal);
    if (problem !== undefined) throw new RequestInvalidError('target.principal', problem);
    return {
      kind: 'principal',
      target: principal,
      delegationId: null,
      place: null,
      holder: principal,
    };
  }
  if (typeof target === 'string' && isHopId(target)) {
    const [known] = await ctx.store.listHops({ ids: [target] });
    if (known !== undefined)
      return {
        kind: 'hop',
        target,
        delegationId: known.delegationId,
        place: known.place,
        holder: known.grantee,
      };
    const [derived] = await ctx.store.listHops({ derivedFrom: [target] });
    return {
      kind: 'hop',
      target,
      delegationId: derived?.delegationId ?? null,
      place: null,
      holder: null,
    };
  }
  if (typeof target !== 'string' && !isDelegation(target))
    throw new TypeError(
      `target must be a token, a hop id or { principal }, got ${describe(target)}`,
    );
  const delegation = verifiedOrInvalid(target, ctx.rootKeys);
  await ctx.store.recordHops(hopRecords(delegation, { source: 'seen', at }));
  return {
    kind: 'hop',
    target: delegation.hops.id,
    delegationId: delegation.delegationId,
    place: delegation.place,
    holder: delegation.principal,
  };
}

/** The owner revokes anything; an agent only a known hop strictly below its own place. */
function permit(actor: Actor, resolved: Resolved): void {
  if (actor.kind === 'owner') return;
  if (resolved.kind === 'principal')
    throw new RevokeForbiddenError(
      `only the owner revokes a principal everywhere; ${JSON.stringify(actor.name)} may revoke the hops it delegated, by token or hop id`,
    );
  if (resolved.place === null)
    throw new RevokeForbiddenError(
      `${resolved.target} is not a hop this Delegator knows, so ${JSON.stringify(actor.name)} cannot show it delegated it: revoke it with its token`,
    );
  const mine = actor.delegation.place;
  const below =
    resolved.place.length > mine.length &&
    mine.every((grantee, i) => resolved.place?.[i] === grantee);
  if (!below)
    throw new RevokeForbiddenError(
      `${JSON.stringify(actor.name)} may revoke only what it delegated: ${resolved.target} is held at ${placeText(resolved.place)}, not below ${placeText(mine)}`,
    );
}

function placeText(place: readonly (string | null)[]): string {
  return ['owner', ...place.map((p) => p ?? '(bearer)')].join(' → ');
}

/**
 * The approvals that answered a token derived from any of `revoked`, and the approvals that
 * answered theirs, breadth first.
 */
async function answeredApprovals(
  store: RequestStore,
  revoked: readonly string[],
): Promise<HopRecord[]> {
  const found: HopRecord[] = [];
  const seen = new Set<string>(revoked);
  let frontier = [...revoked];
  while (frontier.length > 0) {
    const derived = await store.listHops({ derivedFrom: frontier });
    const answered = new Set([...frontier, ...derived.map((h) => h.id)]);
    const approvals = await store.listHops({ via: [...answered] });
    frontier = [];
    for (const a of approvals) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      found.push(a);
      frontier.push(a.id);
    }
  }
  return found;
}
