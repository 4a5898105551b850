/**
 * The delegation tree as the Delegator knows it: every hop it minted, approved or was shown,
 * who gave what to whom, when, until when, and whether it is live, expired or revoked. Hops
 * delegated offline appear once a token holding them reaches the Delegator (a request, a
 * decision, a revocation, an agent authenticating).
 */
import {
  revocationReaching,
  type Revocation,
  type RevocationSource,
} from '../../delegation/index.js';
import { describe } from '../../_assert.js';
import type { HopRecord } from '../store/model.js';
import type { RequestStore } from '../store/store.js';

/** Whether a delegation still allows anything. */
export type DelegationStatus = 'live' | 'expired' | 'revoked';

const STATUSES: readonly DelegationStatus[] = ['live', 'expired', 'revoked'];

/**
 * One hop of the tree: the stored hop (`HopRecord`, without its prefix ids), its times as RFC 3339
 * text, and its status.
 *
 * @example
 * ```ts
 * for (const d of await delegator.delegations({ status: 'live' })) console.log(d.grantor, '→', d.grantee, d.id);
 * ```
 */
export interface DelegationNode extends Omit<HopRecord, 'expiresAt' | 'firstSeenAt' | 'prefixes'> {
  /** When it stops allowing anything (RFC 3339), or `null` for never. */
  readonly expiresAt: string | null;
  /** When the Delegator first learned of it (RFC 3339). */
  readonly firstSeenAt: string;
  readonly status: DelegationStatus;
  /** The revocation that reaches it, when `status` is `revoked`. */
  readonly revoked?: Revocation;
}

/** Which delegations to list. */
export interface DelegationQuery {
  /** Hops delegated to or by this principal. */
  readonly principal?: string;
  /** Only these statuses. */
  readonly status?: DelegationStatus | readonly DelegationStatus[];
}

/**
 * The delegations in `store`, oldest first, with their status at `now` under `revocations`.
 *
 * @example
 * ```ts
 * const revoked = await listDelegations(store, revocations, new Date(), { status: 'revoked' });
 * ```
 */
export async function listDelegations(
  store: RequestStore,
  revocations: RevocationSource,
  now: Date,
  query: DelegationQuery = {},
): Promise<DelegationNode[]> {
  const wanted = statuses(query.status);
  if (query.principal !== undefined && typeof query.principal !== 'string')
    throw new TypeError(`query.principal must be a string, got ${describe(query.principal)}`);
  const hops =
    query.principal === undefined
      ? await store.listHops({})
      : (await store.listHops({})).filter(
          (h) => h.grantee === query.principal || h.grantor === query.principal,
        );
  const out: DelegationNode[] = [];
  for (const hop of hops) {
    const node = nodeOf(hop, revocations, now.getTime());
    if (wanted.has(node.status)) out.push(node);
  }
  return out;
}

function nodeOf(hop: HopRecord, revocations: RevocationSource, now: number): DelegationNode {
  const revoked = revocationOf(hop, revocations);
  const status: DelegationStatus =
    revoked !== undefined
      ? 'revoked'
      : hop.expiresAt !== null && hop.expiresAt <= now
        ? 'expired'
        : 'live';
  return Object.freeze({
    id: hop.id,
    parent: hop.parent,
    via: hop.via,
    delegationId: hop.delegationId,
    keyId: hop.keyId,
    block: hop.block,
    grantor: hop.grantor,
    grantee: hop.grantee,
    place: hop.place,
    conditions: hop.conditions,
    expiresAt: hop.expiresAt === null ? null : new Date(hop.expiresAt).toISOString(),
    firstSeenAt: new Date(hop.firstSeenAt).toISOString(),
    source: hop.source,
    status,
    ...(revoked === undefined ? {} : { revoked }),
  });
}

/** The revocation that reaches a hop: of a grantee on its way, or of one of its prefixes. */
function revocationOf(hop: HopRecord, revocations: RevocationSource): Revocation | undefined {
  return revocationReaching(revocations, {
    grantees: hop.place,
    delegationId: hop.delegationId,
    prefixes: () => hop.prefixes,
  })?.revocation;
}

function statuses(status: DelegationQuery['status']): Set<DelegationStatus> {
  if (status === undefined) return new Set(STATUSES);
  const list: readonly unknown[] = typeof status === 'string' ? [status] : status;
  if (!Array.isArray(list)) throw new TypeError(`query.status must be a status or a list of them`);
  const out = new Set<DelegationStatus>();
  for (const s of list) {
    const known = STATUSES.find((x) => x === s);
    if (known === undefined)
      throw new RangeError(
        `query.status must be one of ${STATUSES.join(', ')}, got ${describe(s)}`,
      );
    out.add(known);
  }
  return out;
}
