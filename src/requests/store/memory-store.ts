/**
 * An in-memory `RequestStore`, for tests and for short-lived harnesses that need no durability.
 * It keeps exactly the semantics of the SQLite store (idempotency among open requests,
 * compare-and-set transitions, one hash-chained append-only log) so that a test against it
 * says something about production. Records are frozen copies: nothing outside can alter them.
 * Several Delegators may share one instance, as several processes share one SQLite file.
 */
import type { ExportedRootKey } from '../../delegation/index.js';
import { GENESIS_HASH, chainEntries } from './audit.js';
import { RequestStoreError } from '../errors.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditInput,
  PolicyRecord,
  RequestFilter,
  RequestRecord,
} from './model.js';
import { assertTransition, isOpen } from './state.js';
import {
  applyTransition,
  settle,
  type EscalateInput,
  type RequestStore,
  type TransitionInput,
} from './store.js';

/**
 * Creates an empty in-memory store.
 *
 * @example
 * ```ts
 * const delegator = await Delegator.open({ store: createMemoryStore() });
 * ```
 */
export function createMemoryStore(): RequestStore {
  return new MemoryStore();
}

class MemoryStore implements RequestStore {
  readonly kind = 'memory';
  readonly #requests = new Map<string, RequestRecord>();
  readonly #openByKey = new Map<string, string>();
  readonly #audit: AuditEntry[] = [];
  readonly #seen = new Set<string>();
  readonly #policies = new Map<string, PolicyRecord>();
  readonly #keys: ExportedRootKey[] = [];
  #closed = false;

  createRequest(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): Promise<{ created: boolean; record: RequestRecord }> {
    return settle(() => {
      this.#check();
      return this.#create(record, audit);
    });
  }

  getRequest(id: string): Promise<RequestRecord | undefined> {
    return settle(() => {
      this.#check();
      return this.#requests.get(id);
    });
  }

  listRequests(filter: RequestFilter): Promise<RequestRecord[]> {
    return settle(() => {
      this.#check();
      const out: RequestRecord[] = [];
      for (const r of this.#requests.values()) {
        if (filter.grantor !== undefined && r.grantor !== filter.grantor) continue;
        if (filter.requester !== undefined && r.requester !== filter.requester) continue;
        if (filter.status !== undefined && !filter.status.includes(r.status)) continue;
        if (filter.escalatedTo !== undefined && r.escalation?.linkedId !== filter.escalatedTo)
          continue;
        if (filter.expiresBy !== undefined && r.expiresAt > filter.expiresBy) continue;
        out.push(r);
      }
      out.sort((a, b) => a.createdAt - b.createdAt);
      return filter.limit === undefined ? out : out.slice(0, filter.limit);
    });
  }

  transition(input: TransitionInput): Promise<RequestRecord | undefined> {
    return settle(() => {
      this.#check();
      const current = this.#requests.get(input.id);
      if (current === undefined || current.version !== input.version) return undefined;
      assertTransition(current.status, input.to);
      const next = applyTransition(current, input);
      this.#put(current, next);
      this.#append(input.audit);
      return next;
    });
  }

  escalate(
    input: EscalateInput,
  ): Promise<{ record: RequestRecord; linked: RequestRecord; created: boolean } | undefined> {
    return settle(() => {
      this.#check();
      const current = this.#requests.get(input.id);
      if (current === undefined || current.version !== input.version) return undefined;
      assertTransition(current.status, 'escalated');
      const { created, record: linked } = this.#create(input.linked, () => []);
      const next = applyTransition(current, {
        id: input.id,
        version: input.version,
        to: 'escalated',
        escalation: { linkedId: linked.id, autoApprove: input.autoApprove },
        audit: [],
      });
      this.#put(current, next);
      this.#append(input.audit(linked, created));
      return { record: next, linked, created };
    });
  }

  touchPoll(id: string, at: number, interval: number): Promise<void> {
    return settle(() => {
      this.#check();
      const current = this.#requests.get(id);
      if (current !== undefined)
        this.#requests.set(id, Object.freeze({ ...current, lastPolledAt: at, interval }));
    });
  }

  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return settle(() => {
      this.#check();
      return this.#append(entries);
    });
  }

  queryAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    return settle(() => {
      this.#check();
      const start = filter.afterSeq ?? 0;
      const out: AuditEntry[] = [];
      for (let i = Math.max(0, start); i < this.#audit.length; i++) {
        const e = this.#audit[i] as AuditEntry;
        if (filter.since !== undefined && e.at < filter.since) continue;
        if (filter.until !== undefined && e.at >= filter.until) continue;
        if (filter.requestId !== undefined && e.requestId !== filter.requestId) continue;
        if (
          filter.principal !== undefined &&
          e.actor !== filter.principal &&
          e.subject !== filter.principal
        )
          continue;
        if (filter.kind !== undefined && e.kind !== filter.kind) continue;
        out.push(e);
        if (filter.limit !== undefined && out.length >= filter.limit) break;
      }
      return out;
    });
  }

  lastAuditSeq(): Promise<number> {
    return settle(() => {
      this.#check();
      return this.#audit.length;
    });
  }

  markSeen(fingerprint: string, audit: AuditInput): Promise<boolean> {
    return settle(() => {
      this.#check();
      if (this.#seen.has(fingerprint)) return false;
      this.#seen.add(fingerprint);
      this.#append([audit]);
      return true;
    });
  }

  addPolicy(policy: PolicyRecord, audit: AuditInput): Promise<void> {
    return settle(() => {
      this.#check();
      if (this.#policies.has(policy.id)) throw new RangeError(`policy ${policy.id} already exists`);
      this.#policies.set(
        policy.id,
        Object.freeze({ ...policy, scope: Object.freeze([...policy.scope]) }),
      );
      this.#append([audit]);
    });
  }

  removePolicy(id: string, grantor: string, audit: AuditInput): Promise<boolean> {
    return settle(() => {
      this.#check();
      const policy = this.#policies.get(id);
      if (policy === undefined || policy.grantor !== grantor) return false;
      this.#policies.delete(id);
      this.#append([audit]);
      return true;
    });
  }

  listPolicies(grantor?: string): Promise<PolicyRecord[]> {
    return settle(() => {
      this.#check();
      const all = [...this.#policies.values()].filter(
        (p) => grantor === undefined || p.grantor === grantor,
      );
      return all.sort((a, b) => a.createdAt - b.createdAt);
    });
  }

  replacePolicyToken(grantor: string, from: string, to: string): Promise<void> {
    return settle(() => {
      this.#check();
      for (const [id, p] of this.#policies) {
        if (p.grantor === grantor && p.token === from)
          this.#policies.set(id, Object.freeze({ ...p, token: to }));
      }
    });
  }

  loadRootKeys(): Promise<ExportedRootKey[]> {
    return settle(() => {
      this.#check();
      return [...this.#keys];
    });
  }

  saveRootKey(key: ExportedRootKey, audit: AuditInput): Promise<void> {
    return settle(() => {
      this.#check();
      if (this.#keys.some((k) => k.id === key.id)) return;
      this.#keys.push(Object.freeze({ ...key }));
      this.#append([audit]);
    });
  }

  close(): Promise<void> {
    return settle(() => {
      this.#closed = true;
    });
  }

  #create(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): { created: boolean; record: RequestRecord } {
    const existingId = this.#openByKey.get(record.idempotencyKey);
    const existing = existingId === undefined ? undefined : this.#requests.get(existingId);
    if (existing !== undefined && isOpen(existing.status))
      return { created: false, record: existing };
    if (this.#requests.has(record.id)) throw new RangeError(`request ${record.id} already exists`);
    const frozen = freezeRecord(record);
    this.#requests.set(frozen.id, frozen);
    if (isOpen(frozen.status)) this.#openByKey.set(frozen.idempotencyKey, frozen.id);
    this.#append(audit(frozen));
    return { created: true, record: frozen };
  }

  #put(before: RequestRecord, after: RequestRecord): void {
    this.#requests.set(after.id, after);
    if (!isOpen(after.status) && this.#openByKey.get(before.idempotencyKey) === before.id) {
      this.#openByKey.delete(before.idempotencyKey);
    }
  }

  #append(inputs: readonly AuditInput[]): AuditEntry[] {
    const last = this.#audit[this.#audit.length - 1];
    const entries = chainEntries(last?.seq ?? 0, last?.hash ?? GENESIS_HASH, inputs);
    this.#audit.push(...entries);
    return entries;
  }

  #check(): void {
    if (this.#closed) throw new RequestStoreError('the store is closed');
  }
}

function freezeRecord(record: RequestRecord): RequestRecord {
  return Object.freeze({ ...record, scope: Object.freeze([...record.scope]) });
}
