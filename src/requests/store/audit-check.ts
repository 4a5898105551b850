/**
 * Checking a store against its own audit log. The log is hash-chained; the requests are not, so
 * a request edited behind the store's back (an approval written in with the `sqlite3` shell, a
 * denial turned into an approval) leaves the chain intact. `checkAudit` verifies the chain
 * (with an expected head, so a log cut short is caught too), then holds every request to the
 * entries that record it: each request has its `request` entry; a final one (approved, denied,
 * expired, cancelled) has exactly one decision entry, of the matching kind and by the same
 * decider, an approval's naming the same token (by fingerprint), scope and end, a denial's the
 * same reason; an open one has none; and every request the log speaks of is in the store. It
 * reads the whole log and every request: an audit, not something to run on each decision.
 */
import { assertObject } from '../../_assert.js';
import { canonicalJson } from '../../_json.js';
import { fingerprint } from '../input.js';
import { readWholeLog, verifyAuditChain } from './audit.js';
import type { AuditEntry, AuditKind, RequestRecord, RequestStatus } from './model.js';
import type { RequestStore } from './store.js';

/** A request that the log does not back up. */
export interface AuditMismatch {
  readonly requestId: string;
  /** The entry concerned, when there is one. */
  readonly seq: number | null;
  /** What disagrees; it names no value an agent wrote. */
  readonly problem: string;
}

/**
 * The result of `delegator.verifyAudit`: the chain's (see `verifyAuditChain`), and the requests
 * the log does not back up. `ok` only when the chain holds, the expected head is in it, and no
 * request disagrees; `seq` is `null` when only requests disagree and the first has no entry.
 */
export type AuditCheck =
  | {
      readonly ok: true;
      /** Entries in the log. */
      readonly count: number;
      /** The last entry's hash: keep it to pass back as `expectHead`. */
      readonly head: string;
      /** Requests checked against the log. */
      readonly requests: number;
      readonly mismatches: readonly AuditMismatch[];
    }
  | {
      readonly ok: false;
      readonly seq: number | null;
      readonly problem: string;
      readonly mismatches: readonly AuditMismatch[];
    };

/** The decision entry each final status is recorded by. */
const DECISION_OF: Readonly<Partial<Record<RequestStatus, AuditKind>>> = {
  approved: 'approve',
  denied: 'deny',
  expired: 'expire',
  cancelled: 'cancel',
};

const DECISION_KINDS: ReadonlySet<AuditKind> = new Set(Object.values(DECISION_OF));

/**
 * Verifies `store`'s audit chain (with `expectHead`, if given) and, when it holds, every request
 * against the entries that record it.
 *
 * @example
 * ```ts
 * const check = await checkAudit(store, { expectHead: keptHead });
 * for (const m of check.mismatches) console.log(m.requestId, m.problem);
 * ```
 */
export async function checkAudit(
  store: Pick<RequestStore, 'queryAudit' | 'listRequests'>,
  options: { readonly expectHead?: string } = {},
): Promise<AuditCheck> {
  assertObject(options, 'options');
  const entries = await readWholeLog(store);
  const chain = verifyAuditChain(entries, options);
  if (!chain.ok) return { ...chain, mismatches: [] };
  const records = await store.listRequests({});
  const mismatches = crossCheck(records, entries);
  const first = mismatches[0];
  if (first === undefined) return { ...chain, requests: records.length, mismatches };
  const n = mismatches.length;
  return {
    ok: false,
    seq: first.seq,
    problem: `${n} ${n === 1 ? 'request disagrees' : 'requests disagree'} with the audit log; first ${first.requestId}: ${first.problem}`,
    mismatches,
  };
}

/**
 * The requests of `records` that the log `entries` does not back up, and the requests the log
 * speaks of that are not among `records`, in the order found.
 *
 * @example
 * ```ts
 * crossCheck(await store.listRequests({}), await readWholeLog(store)); // [] when they agree
 * ```
 */
export function crossCheck(
  records: readonly RequestRecord[],
  entries: readonly AuditEntry[],
): AuditMismatch[] {
  const byRequest = new Map<string, AuditEntry[]>();
  for (const entry of entries) {
    if (entry.requestId === null) continue;
    const own = byRequest.get(entry.requestId);
    if (own === undefined) byRequest.set(entry.requestId, [entry]);
    else own.push(entry);
  }
  const out: AuditMismatch[] = [];
  for (const record of records) {
    const own = byRequest.get(record.id) ?? [];
    const say = (seq: number | null, problem: string) =>
      out.push({ requestId: record.id, seq, problem });
    if (!own.some((e) => e.kind === 'request')) say(null, 'the log has no request entry for it');
    const decisions = own.filter((e) => DECISION_KINDS.has(e.kind));
    const expected = DECISION_OF[record.status];
    const [decision, extra] = decisions;
    if (expected === undefined) {
      if (decision !== undefined)
        say(decision.seq, `it is ${record.status}, but the log records its ${decision.kind}`);
    } else if (decision === undefined) {
      say(null, `it is ${record.status}, but the log has no ${expected} entry for it`);
    } else if (extra !== undefined) {
      say(extra.seq, `the log records ${decisions.length} final decisions for it`);
    } else {
      const problem = decisionProblem(record, decision, expected);
      if (problem !== undefined) say(decision.seq, problem);
    }
  }
  const stored = new Set(records.map((r) => r.id));
  for (const [id, own] of byRequest) {
    if (!stored.has(id))
      out.push({
        requestId: id,
        seq: own[0]?.seq ?? null,
        problem: 'the log records it, but the store has no such request',
      });
  }
  return out;
}

/** What the decision entry of a final request says differently from the request, if anything. */
function decisionProblem(
  record: RequestRecord,
  entry: AuditEntry,
  expected: AuditKind,
): string | undefined {
  if (entry.kind !== expected)
    return `it is ${record.status}, but the log records its ${entry.kind}`;
  if (entry.actor !== record.decidedBy) return 'its decider is not the one the log records';
  const outcome = record.outcome;
  const d = entry.details;
  if (outcome?.status !== record.status)
    return `it is ${record.status} without an outcome to match`;
  if (outcome.status === 'approved') {
    if (d['token'] !== fingerprint(outcome.token))
      return 'its approved token is not the one the log records';
    if (canonicalJson(d['scope'] ?? null) !== canonicalJson([...outcome.scope]))
      return 'its granted scope is not the one the log records';
    const ends = outcome.expiresAt === null ? null : new Date(outcome.expiresAt).toISOString();
    if ((d['expiresAt'] ?? null) !== ends)
      return 'its grant ends at another time than the log records';
  }
  if (outcome.status === 'denied' && d['reason'] !== outcome.reason)
    return 'its denial reason is not the one the log records';
  return undefined;
}
