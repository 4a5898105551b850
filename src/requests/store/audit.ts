/**
 * The audit log's hash chain. Each entry's hash is SHA-256 over the previous entry's hash and
 * the entry's canonical JSON (keys sorted, no whitespace), so editing, deleting or reordering
 * any stored entry breaks every hash after it. The stores refuse UPDATE and DELETE on the log;
 * the chain is what makes tampering *detectable* by someone who goes around the store (for
 * example with the `sqlite3` shell). A log cut short after its last entry, or a tail rewritten
 * with the chain recomputed, still chains: keep a copy of `head` somewhere else (a ticket, a log
 * shipper) and pass it back as `expectHead`, and the log must still hold the entry it names.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe } from '../../_assert.js';
import { canonicalJson, freezeJson } from '../../_json.js';
import type { AuditEntry, AuditInput } from './model.js';
import type { RequestStore } from './store.js';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of an entry numbered `seq` that follows an entry hashed `prevHash`.
 *
 * @example
 * ```ts
 * const hash = auditHash(GENESIS_HASH, 1, input);
 * ```
 */
export function auditHash(prevHash: string, seq: number, input: AuditInput): string {
  const body = canonicalJson({
    seq,
    at: input.at,
    kind: input.kind,
    actor: input.actor,
    subject: input.subject,
    requestId: input.requestId,
    details: input.details,
  });
  return bytesToHex(sha256(utf8ToBytes(`${prevHash}\n${body}`)));
}

/**
 * Numbers and chains `inputs` after the entry `(lastSeq, lastHash)`. Stores call this inside
 * the transaction that appends, so concurrent writers still produce one unbroken chain.
 *
 * @example
 * ```ts
 * const [entry] = chainEntries(0, GENESIS_HASH, [input]); // entry.seq === 1
 * ```
 */
export function chainEntries(
  lastSeq: number,
  lastHash: string,
  inputs: readonly AuditInput[],
): AuditEntry[] {
  const out: AuditEntry[] = [];
  let seq = lastSeq;
  let prevHash = lastHash;
  for (const input of inputs) {
    seq += 1;
    const hash = auditHash(prevHash, seq, input);
    out.push(Object.freeze({ ...input, details: freezeJson(input.details), seq, prevHash, hash }));
    prevHash = hash;
  }
  return out;
}

/** The result of checking a log against its chain. */
export type AuditVerification =
  | { readonly ok: true; readonly count: number; readonly head: string }
  | { readonly ok: false; readonly seq: number; readonly problem: string };

/**
 * Re-computes the chain over `entries` (in `seq` order, from the first) and reports the first
 * entry that does not fit: a gap in the numbering, a `prevHash` that is not the hash before it,
 * or a hash that does not match the entry's content. With `expectHead` (a `head` kept from an
 * earlier check: 64 hex digits), the log must also hold the entry with that hash (or be a log
 * that has grown from empty, for `GENESIS_HASH`); otherwise entries were cut from its end, or it
 * was rewritten, and the problem is reported at the entry after the last one.
 *
 * @example
 * ```ts
 * const result = verifyAuditChain(await store.queryAudit({}), { expectHead: keptHead });
 * if (!result.ok) console.error(`audit log tampered at entry ${result.seq}: ${result.problem}`);
 * ```
 */
export function verifyAuditChain(
  entries: Iterable<AuditEntry>,
  options: { readonly expectHead?: string } = {},
): AuditVerification {
  const expectHead = checkHead(options.expectHead);
  let found = expectHead === undefined || expectHead === GENESIS_HASH;
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq)
      return { ok: false, seq: entry.seq, problem: `expected entry ${expectedSeq}` };
    if (entry.prevHash !== prevHash)
      return { ok: false, seq: entry.seq, problem: 'prevHash does not match the entry before' };
    if (auditHash(prevHash, entry.seq, entry) !== entry.hash) {
      return { ok: false, seq: entry.seq, problem: 'content does not match its hash' };
    }
    prevHash = entry.hash;
    expectedSeq += 1;
    if (entry.hash === expectHead) found = true;
  }
  if (!found) {
    return {
      ok: false,
      seq: expectedSeq,
      problem: `the log does not hold the expected head ${expectHead}: entries were removed from its end, or it was rewritten`,
    };
  }
  return { ok: true, count: expectedSeq - 1, head: prevHash };
}

/** `expectHead` checked: 64 hex digits (either case), lower-cased; `undefined` when absent. */
function checkHead(head: unknown): string | undefined {
  if (head === undefined) return undefined;
  if (typeof head !== 'string')
    throw new TypeError(`options.expectHead must be a string, got ${describe(head)}`);
  if (!/^[0-9a-f]{64}$/i.test(head))
    throw new RangeError('options.expectHead must be a head hash: 64 hex digits');
  return head.toLowerCase();
}

/**
 * Every entry of a store's log, in order, read in pages.
 *
 * @example
 * ```ts
 * const result = verifyAuditChain(await readWholeLog(store));
 * ```
 */
export async function readWholeLog(store: Pick<RequestStore, 'queryAudit'>): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  for (let after = 0; ;) {
    const page = await store.queryAudit({ afterSeq: after, limit: 5000 });
    all.push(...page);
    const last = page[page.length - 1];
    if (page.length < 5000 || last === undefined) return all;
    after = last.seq;
  }
}
