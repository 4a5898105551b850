/**
 * Revocations as an offline verifier sees them. A revocation names a hop (by its id, see
 * hops.ts: that token and every token derived from it are refused) or a principal (every hop
 * delegated to that name, in any chain). A verifier learns of them from a `RevocationSource`:
 * the Delegator provides one over its store, and a `RevocationList` holds the pages of a feed
 * (revocations after a cursor, with the time the feed was known complete) for verifiers
 * elsewhere. `authorize` asks the source only when its `version` changed since it last looked at
 * a token, so the cost on the hot path is one comparison, whatever the list holds.
 */
import { assertObject, describe } from '../_assert.js';
import { chainHops, type Chain } from './_chain.js';
import type { AuthorizationDenied, RevokedHop } from './decision.js';
import { verifiedChain, type Delegation } from './delegation.js';

/**
 * One revocation, final: who took back what, when and why.
 *
 * @example
 * ```ts
 * // { seq: 3, kind: 'hop', target: 'hop_5f0c…', delegationId: 'QmV4…', by: 'owner',
 * //   at: 1767225600000, reason: 'the coder leaked its token' }
 * ```
 */
export interface Revocation {
  /** Its place in the feed: revocations are numbered from 1 in the order they were made. */
  readonly seq: number;
  /** `hop`: one token and everything derived from it; `principal`: every hop delegated to a name. */
  readonly kind: 'hop' | 'principal';
  /** The hop id, or the principal's name. */
  readonly target: string;
  /** For a hop, the delegation id (mint) it belongs to; `null` for a principal. */
  readonly delegationId: string | null;
  /** `owner`, or the principal that revoked what it had delegated. */
  readonly by: string;
  /** When, in ms since the epoch. */
  readonly at: number;
  readonly reason: string;
}

/**
 * Where a verifier learns of revocations. Implementations must answer synchronously (the
 * verifier asks on the call path) and change `version` whenever what they answer changes.
 *
 * @example
 * ```ts
 * authorize(token, request, { rootKeys, revocations: delegator.revocations(), maxRevocationStaleness: 60 });
 * ```
 */
export interface RevocationSource {
  /** Changes whenever the revocations known change: a counter, or the feed's cursor. */
  readonly version: number;
  /**
   * When this view was last known complete (ms since the epoch): every revocation made before
   * then is in it. `null` while it never was.
   */
  readonly completeAt: number | null;
  /** The revocation of this hop id, if it is revoked. */
  hop(id: string): Revocation | undefined;
  /** The revocation of every hop delegated to this principal, if there is one. */
  principal(name: string): Revocation | undefined;
  /** Whether any revoked hop belongs to this mint: when not, its hops need not be computed. */
  touchesMint(delegationId: string): boolean;
}

/**
 * One page of a revocation feed: the revocations after a cursor, in order.
 *
 * @example
 * ```ts
 * let page = await client.revocations(list.cursor);
 * list.apply(page);
 * ```
 */
export interface RevocationFeedPage {
  readonly revocations: readonly Revocation[];
  /** The last `seq` in this page, or the cursor asked for when the page is empty. */
  readonly cursor: number;
  /** Whether more revocations follow after `cursor` (ask again with it). */
  readonly more: boolean;
  /** When the feed was read (ms since the epoch): with `more` false, complete as of then. */
  readonly asOf: number;
}

/**
 * A revocation source held in memory: fed pages of a feed (`apply`) or revocations directly
 * (`add`). Lookups are map reads.
 *
 * @example
 * ```ts
 * const list = new RevocationList();
 * list.apply(await fetchPage(list.cursor));
 * createToolRunner({ rootKeys, tools, revocations: list, maxRevocationStaleness: 30 });
 * ```
 */
export class RevocationList implements RevocationSource {
  readonly #hops = new Map<string, Revocation>();
  readonly #principals = new Map<string, Revocation>();
  readonly #mints = new Set<string>();
  /** Hop revocations whose mint is not known: every mint must be checked while there are any. */
  #unscoped = 0;
  #version = 0;
  #cursor = 0;
  #completeAt: number | null = null;

  get version(): number {
    return this.#version;
  }

  get completeAt(): number | null {
    return this.#completeAt;
  }

  /** The last `seq` applied: where the next page starts. */
  get cursor(): number {
    return this.#cursor;
  }

  /** How many revocations it holds. */
  get size(): number {
    return this.#hops.size + this.#principals.size;
  }

  hop(id: string): Revocation | undefined {
    return this.#hops.get(id);
  }

  principal(name: string): Revocation | undefined {
    return this.#principals.get(name);
  }

  touchesMint(delegationId: string): boolean {
    return this.#unscoped > 0 || this.#mints.has(delegationId);
  }

  /**
   * Adds revocations (from any source; a second one for the same target is ignored). Does not
   * change `completeAt`.
   */
  add(revocations: readonly Revocation[]): void {
    let changed = false;
    for (const r of revocations) {
      assertRevocation(r);
      const into = r.kind === 'hop' ? this.#hops : this.#principals;
      if (!into.has(r.target)) {
        into.set(r.target, Object.freeze({ ...r }));
        if (r.delegationId !== null) this.#mints.add(r.delegationId);
        else if (r.kind === 'hop') this.#unscoped++;
        changed = true;
      }
      if (r.seq > this.#cursor) this.#cursor = r.seq;
    }
    if (changed) this.#version++;
  }

  /**
   * Applies the next page of a feed: its revocations and, when nothing more follows, the time
   * the feed was complete. A page that starts past this list's cursor (a gap) is refused with a
   * `RangeError`, so that no revocation is skipped; one read twice changes nothing.
   */
  apply(page: RevocationFeedPage): void {
    assertObject(page, 'page');
    if (!Array.isArray(page.revocations)) throw new TypeError('page.revocations must be an array');
    const first = page.revocations[0] as { seq?: unknown } | undefined;
    if (first !== undefined && typeof first.seq === 'number' && first.seq > this.#cursor + 1) {
      throw new RangeError(
        `the page starts at revocation ${first.seq}, but this list has read up to ${this.#cursor}: pages must be applied in order`,
      );
    }
    this.add(page.revocations);
    if (!page.more) this.markComplete(page.asOf);
  }

  /** Records that every revocation made before `at` (ms) is in this list. */
  markComplete(at: number): void {
    if (!Number.isFinite(at)) throw new TypeError(`at must be a time in ms, got ${describe(at)}`);
    if (this.#completeAt === null || at > this.#completeAt) this.#completeAt = at;
  }
}

function assertRevocation(r: unknown): asserts r is Revocation {
  assertObject(r, 'revocation');
  const v = r;
  if (
    !Number.isSafeInteger(v['seq']) ||
    (v['kind'] !== 'hop' && v['kind'] !== 'principal') ||
    typeof v['target'] !== 'string' ||
    (v['delegationId'] !== null && typeof v['delegationId'] !== 'string') ||
    typeof v['by'] !== 'string' ||
    !Number.isFinite(v['at']) ||
    typeof v['reason'] !== 'string'
  )
    throw new TypeError(
      'a revocation must have seq, kind, target, delegationId, by, at and reason',
    );
}

/**
 * The revocation that reaches `chain`, if any: of one of its prefixes (itself or a token it was
 * derived from) or of one of its grantees. Remembered on the chain until the source's `version`
 * changes.
 */
export function revocationOf(chain: Chain, source: RevocationSource): RevokedHop | undefined {
  const memo = chain.memo.revocation;
  const version = source.version;
  if (memo !== undefined && memo.source === source && memo.version === version)
    return memo.revoked as RevokedHop | undefined;
  const revoked = findRevocation(chain, source);
  chain.memo.revocation = { source, version, revoked };
  return revoked;
}

function findRevocation(chain: Chain, source: RevocationSource): RevokedHop | undefined {
  const found = revocationReaching(source, {
    grantees: chain.blocks.map((b) => b.grantee),
    delegationId: chain.delegationId,
    prefixes: () => chainHops(chain).prefixes,
  });
  if (found === undefined) return undefined;
  if (found.grantee !== undefined) {
    const block = found.grantee;
    const marker = chain.caveats.find((c) => c.block === block && c.analysis.kind === 'marker');
    return shown(chain, block, marker?.index ?? 0, found.revocation);
  }
  // Prefix i ends with caveat i - 1 (prefix 0, the bare mint, is reported at caveat 0).
  const index = Math.max(0, (found.prefix ?? 0) - 1);
  return shown(chain, chain.caveats[index]?.block ?? 0, index, found.revocation);
}

/**
 * The revocation that reaches a token (or a hop of the delegation tree): of a grantee on its way
 * (`grantee`: that block), else, when a revoked hop belongs to its mint, of one of its prefixes
 * (`prefix`: which one; `prefixes` is asked for only then, since computing them costs a hash
 * per caveat).
 *
 * @example
 * ```ts
 * const found = revocationReaching(list, { grantees: ['planner', 'coder'], delegationId, prefixes: () => ids });
 * ```
 */
export function revocationReaching(
  source: RevocationSource,
  token: {
    readonly grantees: readonly (string | null)[];
    readonly delegationId: string;
    readonly prefixes: () => readonly string[];
  },
):
  | { readonly revocation: Revocation; readonly grantee?: number; readonly prefix?: number }
  | undefined {
  for (let block = 0; block < token.grantees.length; block++) {
    const grantee = token.grantees[block];
    const r = grantee === null || grantee === undefined ? undefined : source.principal(grantee);
    if (r !== undefined) return { revocation: r, grantee: block };
  }
  if (!source.touchesMint(token.delegationId)) return undefined;
  const prefixes = token.prefixes();
  for (let i = 0; i < prefixes.length; i++) {
    const r = source.hop(prefixes[i] as string);
    if (r !== undefined) return { revocation: r, prefix: i };
  }
  return undefined;
}

function shown(chain: Chain, block: number, index: number, r: Revocation): RevokedHop {
  const b = chain.blocks[block];
  return Object.freeze({
    target: r.target,
    kind: r.kind,
    block,
    index,
    grantor: b?.grantor ?? 'owner',
    grantee: b?.grantee ?? null,
    by: r.by,
    at: new Date(r.at).toISOString(),
    reason: r.reason,
  });
}

/**
 * The revocation that reaches a verified `Delegation` under `source`, if any (as `authorize`
 * finds it): for services that refuse revoked tokens outside `authorize`.
 *
 * @example
 * ```ts
 * const revoked = revocationFor(verifyDelegation(token, { rootKeys }), delegator.revocations());
 * if (revoked) console.log(`revoked by ${revoked.by}: ${revoked.reason}`);
 * ```
 */
export function revocationFor(
  delegation: Delegation,
  source: RevocationSource,
): RevokedHop | undefined {
  assertRevocationSource(source, 'source');
  return revocationOf(verifiedChain(delegation, 'delegation'), source);
}

/**
 * A sentence saying what a revocation took back, by whom, when and why.
 *
 * @example
 * ```ts
 * revocationSentence(revoked); // 'this delegation (hop_…) was revoked by "owner" at …: "leaked"'
 * ```
 */
export function revocationSentence(revoked: RevokedHop): string {
  const what =
    revoked.kind === 'principal'
      ? `every delegation to ${JSON.stringify(revoked.target)}`
      : `this delegation (${revoked.target})`;
  return `${what} was revoked by ${JSON.stringify(revoked.by)} at ${revoked.at}: ${JSON.stringify(revoked.reason)}`;
}

/**
 * Checks the shape of a revocation source given as an option.
 *
 * @example
 * ```ts
 * if (options.revocations !== undefined) assertRevocationSource(options.revocations, 'options.revocations');
 * ```
 */
export function assertRevocationSource(
  source: unknown,
  name: string,
): asserts source is RevocationSource {
  assertObject(source, name);
  const s = source;
  if (
    typeof s['hop'] !== 'function' ||
    typeof s['principal'] !== 'function' ||
    typeof s['touchesMint'] !== 'function' ||
    typeof s['version'] !== 'number' ||
    (s['completeAt'] !== null && typeof s['completeAt'] !== 'number')
  )
    throw new TypeError(
      `${name} must be a RevocationSource (version, completeAt, hop, principal, touchesMint), got ${describe(source)}`,
    );
}

/**
 * Checks the revocation options of a verifier (`authorize`, `accessForTools`, the tool runner):
 * a source, and a staleness bound only with a source.
 *
 * @example
 * ```ts
 * assertRevocationOptions({ revocations: list, maxRevocationStaleness: 30 });
 * ```
 */
export function assertRevocationOptions(options: {
  readonly revocations?: unknown;
  readonly maxRevocationStaleness?: unknown;
}): void {
  const source = options.revocations;
  // A `RevocationList` (the Delegator's view is one) is known good: no property read per call.
  if (source !== undefined && !(source instanceof RevocationList))
    assertRevocationSource(source, 'options.revocations');
  const max = options.maxRevocationStaleness;
  if (max === undefined) return;
  if (options.revocations === undefined)
    throw new TypeError('options.maxRevocationStaleness needs options.revocations');
  if (typeof max !== 'number' || !Number.isFinite(max) || max <= 0)
    throw new RangeError(
      `options.maxRevocationStaleness must be a positive number of seconds, got ${describe(max)}`,
    );
}

/**
 * The denial of a token that revocations refuse (stale view, or a revoked hop or grantee), if
 * they do. Checked before any condition: nothing a request could change makes it allowed.
 *
 * @example
 * ```ts
 * const refused = revocationDenial(chain, list, 30, new Date());
 * if (refused !== undefined) return refused;
 * ```
 */
export function revocationDenial(
  chain: Chain,
  source: RevocationSource,
  maxStaleness: number | undefined,
  now: Date,
): AuthorizationDenied | undefined {
  if (maxStaleness !== undefined) {
    const completeAt = source.completeAt;
    if (completeAt === null || now.getTime() - completeAt > maxStaleness * 1000) {
      return {
        allowed: false,
        keyId: chain.keyId,
        delegationId: chain.delegationId,
        failures: [],
        revocationsStale: {
          completeAt: completeAt === null ? null : new Date(completeAt).toISOString(),
          maxStaleness,
        },
      };
    }
  }
  const revoked = revocationOf(chain, source);
  if (revoked === undefined) return undefined;
  const at = chain.caveats[revoked.index];
  const reason = revocationSentence(revoked);
  return {
    allowed: false,
    keyId: chain.keyId,
    delegationId: chain.delegationId,
    failures: [
      {
        kind: 'revoked',
        block: revoked.block,
        index: revoked.index,
        caveat: at?.analysis.text ?? '',
        author: at?.author ?? revoked.grantor,
        reason,
      },
    ],
    revoked,
  };
}
