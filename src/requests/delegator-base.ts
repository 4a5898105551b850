/**
 * The Delegator's verbs on the owner's records, apart from the request lifecycle: root keys and
 * minting, the delegation tree and revocation, and the audit log. `Delegator` extends it with
 * the requests; both act on one opened store (`opening.ts`).
 */
import {
  revocationFor,
  type Delegation,
  type RevocationFeedPage,
  type RevocationSource,
  type RevokedHop,
  type RootKey,
  type RootKeyring,
} from '../delegation/index.js';
import { assertObject } from '../_assert.js';
import {
  listDelegations,
  type DelegationNode,
  type DelegationQuery,
} from './answers/delegation-tree.js';
import { MAX_FEED_PAGE, feedPage } from './answers/revocation-feed.js';
import { auditRecords, type AuditRecord } from './answers/views.js';
import { actorFrom, verifiedOrInvalid, type Actor } from './decisions/authority.js';
import { revoke, type RevokeOutcome, type RevokeTarget } from './decisions/revoke.js';
import { RequestStoreError } from './errors.js';
import type { DelegatorParts } from './opening.js';
import type {
  AuditQuery,
  DelegatorMintOptions,
  GrantorRef,
  RotateKeyOptions,
  VerifyAuditOptions,
} from './options.js';
import { mintAudited, retireRootKey, rotateRootKey } from './root-keys.js';
import { checkAudit, type AuditCheck } from './store/audit-check.js';

/** Options of `delegator.revoke`. */
export interface RevokeOptions {
  /** Who revokes: the owner, or an agent by its current token (only what it delegated). */
  readonly by: GrantorRef;
  /** Why, recorded and shown with every denial the revocation causes. */
  readonly reason: string;
}

/** What `delegator.revoke` did: the revocation, those cascaded, and the requests it cancelled. */
export type RevokeResult = RevokeOutcome & {
  /** Open requests from tokens the revocation reaches, now cancelled. */
  readonly cancelledRequests: number;
};

/**
 * The owner's records: keys, mints, the delegation tree, revocations and the audit log.
 *
 * @example
 * ```ts
 * const delegator = await Delegator.open({ path: 'mandate.db' });
 * await delegator.revoke(coderToken, { by: 'owner', reason: 'the coder leaked its token' });
 * ```
 */
export abstract class DelegatorBase {
  protected readonly parts: DelegatorParts;
  protected closed = false;

  protected constructor(parts: DelegatorParts) {
    this.parts = parts;
  }

  /** The live root keys, for `createToolRunner({ rootKeys })`. */
  get rootKeys(): RootKeyring {
    return this.parts.keys;
  }

  /**
   * Adds a fresh root key that signs from now on (older ones verify until retired), audited as
   * `key-add`; keys supplied change in the caller's ring, for it to persist. Returns the key.
   *
   * @example
   * ```ts
   * const key = await delegator.rotateKey({ id: '2026-06' });
   * ```
   */
  async rotateKey(options: RotateKeyOptions = {}): Promise<RootKey> {
    this.check();
    return rotateRootKey(this.parts, options);
  }

  /**
   * Retires a live root key, audited as `key-retire`: every token it signed stops verifying at
   * once, and a request kept with such a token says so. Returns the retired key.
   *
   * @example
   * ```ts
   * await delegator.retireKey(previous.id);
   * ```
   */
  async retireKey(id: string): Promise<RootKey> {
    this.check();
    return retireRootKey(this.parts, id);
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
    this.check();
    const token = await mintAudited(this.parts, options);
    await this.parts.tail.pump();
    return token;
  }

  /**
   * Revokes a delegation and everything derived from it, or (owner only) every hop delegated to
   * a principal: `target` is a token (text or `Delegation`), a hop id (`hop_…`, from `inspect`,
   * a denial, the audit log or `delegations()`), or `{ principal }`. The approvals that answered
   * a token in the revoked subtree are revoked with it. Final and audited (`revoke`); revoking
   * again changes nothing (`already: true`). The owner revokes anything; an agent, by its
   * current token, only hops below its own place (`RevokeForbiddenError` otherwise). Open
   * requests from revoked tokens are cancelled, so their requesters learn at once.
   *
   * @example
   * ```ts
   * await delegator.revoke(coderToken, { by: 'owner', reason: 'the coder leaked its token' });
   * await delegator.revoke({ principal: 'coder' }, { by: 'owner', reason: 'compromised' });
   * ```
   */
  async revoke(target: RevokeTarget, options: RevokeOptions): Promise<RevokeResult> {
    assertObject(options, 'options');
    const actor = await this.actor(options.by);
    const { store, keys, revocations, now } = this.parts;
    const outcome = await revoke(
      { store, rootKeys: keys, revocations, now },
      target,
      actor,
      options.reason,
    );
    const cancelledRequests = await this.cancelRevokedRequests();
    await this.parts.tail.pump();
    return { ...outcome, cancelledRequests };
  }

  /** Cancels the open requests whose requester's token a revocation now reaches. */
  protected abstract cancelRevokedRequests(): Promise<number>;

  /**
   * The Delegator's view of revocations, for verifiers in this process: pass it as
   * `revocations` to `authorize`, `accessForTools` or `createToolRunner`. It holds every
   * revocation in the store, adds this Delegator's own at once, and re-reads the store every
   * `revocationRefreshMs` (1 s by default) for other processes' (its `completeAt` says when).
   *
   * @example
   * ```ts
   * createToolRunner({ rootKeys: delegator.rootKeys, tools, revocations: delegator.revocations() });
   * ```
   */
  revocations(): RevocationSource {
    this.check();
    return this.parts.revocations;
  }

  /**
   * One page of the revocation feed after `cursor` (0 for the start), at most `limit`
   * (1 to 1,000) revocations: what a verifier elsewhere applies to its `RevocationList`.
   *
   * @example
   * ```ts
   * list.apply(await delegator.revocationFeed(list.cursor));
   * ```
   */
  async revocationFeed(cursor = 0, limit = MAX_FEED_PAGE): Promise<RevocationFeedPage> {
    this.check();
    return feedPage(this.parts.store, cursor, limit, this.parts.now());
  }

  /**
   * The revocation that reaches a token, if any: the hop revoked, by whom, when and why.
   *
   * @example
   * ```ts
   * const revoked = delegator.revocationOf(token);
   * ```
   */
  revocationOf(token: string | Delegation): RevokedHop | undefined {
    this.check();
    return revocationFor(verifiedOrInvalid(token, this.parts.keys), this.parts.revocations);
  }

  /**
   * Every delegation the Delegator minted, approved or was shown, oldest first, as hops of a
   * tree (`id`, `parent`, `via` for approvals) with who gave what to whom, when, until when,
   * and whether it is live, expired or revoked. Filter by principal (given or held) and status.
   *
   * @example
   * ```ts
   * const live = await delegator.delegations({ principal: 'coder', status: 'live' });
   * ```
   */
  async delegations(query: DelegationQuery = {}): Promise<DelegationNode[]> {
    this.check();
    return listDelegations(this.parts.store, this.parts.revocations, this.parts.now(), query);
  }

  /**
   * Audit entries, oldest first: every key added or retired, mint, first sighting of a token,
   * request, decision (who, from where, what, when, why), escalation, reopening, expiry,
   * cancellation and policy change.
   *
   * @example
   * ```ts
   * for (const e of await delegator.audit({ requestId: id })) console.log(e.at, e.kind, e.actor, e.details);
   * ```
   */
  async audit(query: AuditQuery = {}): Promise<AuditRecord[]> {
    this.check();
    return auditRecords(this.parts.store, query);
  }

  /**
   * Re-computes the audit log's hash chain and reports the first entry altered, removed or
   * inserted; with `expectHead` (a `head` kept from before) a log cut short is caught too. Then
   * holds every request to the entries that record it (`mismatches`).
   *
   * @example
   * ```ts
   * const check = await delegator.verifyAudit({ expectHead: keptHead });
   * if (!check.ok) alert(`audit log tampered with: ${check.problem}`);
   * ```
   */
  async verifyAudit(options: VerifyAuditOptions = {}): Promise<AuditCheck> {
    this.check();
    return checkAudit(this.parts.store, options);
  }

  /** Who `by` names, authenticated (on an open Delegator). */
  protected actor(by: unknown, field = 'options.by'): Promise<Actor> {
    this.check();
    const { store, keys, now, revocations } = this.parts;
    return actorFrom(store, by, field, { rootKeys: keys, now: now(), revocations });
  }

  protected check(): void {
    if (this.closed) throw new RequestStoreError('the delegator is closed');
  }
}
