/**
 * An in-memory `RequestStore`, for tests and for short-lived harnesses that need no durability.
 * It keeps exactly the semantics of the SQLite store (idempotency among open requests,
 * compare-and-set transitions, one hash-chained append-only log) so that a test against it
 * says something about production: both run the same compare-and-set core (`_core.ts`), and
 * this one only supplies its tables. Records are frozen copies: nothing outside can alter them.
 * Several Delegators may share one instance, as several processes share one SQLite file. Each
 * method runs synchronously to its end, which is what makes it atomic here without locks.
 */
import type { ExportedRootKey } from '../../delegation/index.js';
import { RequestStoreError } from '../errors.js';
import {
  addPolicyStep,
  appendStep,
  createStep,
  escalateStep,
  freezeRecord,
  markSeenStep,
  recordHopsStep,
  removePolicyStep,
  revokeStep,
  retireRootKeyStep,
  runSync,
  saveRootKeyStep,
  transitionStep,
  type Step,
  type SyncRequestTables,
} from './_core.js';
import { MemoryAuditLog } from './_memory-audit.js';
import { MemoryHops } from './_memory-hops.js';
import { MemoryRequests } from './_memory-requests.js';
import type {
  AuditEntry,
  AuditFilter,
  AuditInput,
  HopFilter,
  HopRecord,
  PolicyRecord,
  RequestFilter,
  RequestRecord,
  Revocation,
  RevocationInput,
} from './model.js';
import { settle, type EscalateInput, type RequestStore, type TransitionInput } from './store.js';

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
  readonly #requests = new MemoryRequests();
  readonly #audit = new MemoryAuditLog();
  readonly #seen = new Set<string>();
  readonly #policies = new Map<string, PolicyRecord>();
  readonly #keys: ExportedRootKey[] = [];
  readonly #hops = new MemoryHops();
  readonly #tables: SyncRequestTables = {
    getRequest: (id) => this.#requests.get(id),
    findOpenRequest: (key) => this.#requests.findOpen(key),
    insertRequest: (record) => this.#requests.insert(record),
    updateRequest: (before, after) => this.#requests.update(before, after),
    auditHead: () => this.#audit.head(),
    insertAudit: (entries) => this.#audit.push(entries),
    insertSeen: (fingerprint) => {
      if (this.#seen.has(fingerprint)) return false;
      this.#seen.add(fingerprint);
      return true;
    },
    insertPolicy: (policy) => {
      if (this.#policies.has(policy.id)) throw new RangeError(`policy ${policy.id} already exists`);
      this.#policies.set(
        policy.id,
        Object.freeze({ ...policy, scope: Object.freeze([...policy.scope]) }),
      );
    },
    deletePolicy: (id, grantor) => {
      if (this.#policies.get(id)?.grantor !== grantor) return false;
      return this.#policies.delete(id);
    },
    insertRootKey: (key, onlyIfNone) => {
      if (this.#keys.some((k) => k.id === key.id) || (onlyIfNone && this.#keys.length > 0))
        return false;
      this.#keys.push(Object.freeze({ ...key }));
      return true;
    },
    deleteRootKey: (id) => {
      const at = this.#keys.findIndex((k) => k.id === id);
      if (at >= 0) this.#keys.splice(at, 1);
    },
    insertHops: (hops) => this.#hops.insertHops(hops),
    findRevocation: (kind, target) => this.#hops.findRevocation(kind, target),
    revocationHead: () => this.#hops.revocationHead(),
    insertRevocation: (revocation) => this.#hops.insertRevocation(revocation),
  };
  #closed = false;

  createRequest(
    record: RequestRecord,
    audit: (record: RequestRecord) => readonly AuditInput[],
  ): Promise<{ created: boolean; record: RequestRecord }> {
    return this.#run(createStep(this.#tables, record, audit));
  }

  getRequest(id: string): Promise<RequestRecord | undefined> {
    return this.#whileOpen(() => this.#requests.get(id));
  }

  listRequests(filter: RequestFilter): Promise<RequestRecord[]> {
    return this.#whileOpen(() => this.#requests.list(filter));
  }

  transition(input: TransitionInput): Promise<RequestRecord | undefined> {
    return this.#run(transitionStep(this.#tables, input));
  }

  escalate(
    input: EscalateInput,
  ): Promise<{ record: RequestRecord; linked: RequestRecord; created: boolean } | undefined> {
    return this.#run(escalateStep(this.#tables, input));
  }

  touchPoll(id: string, at: number, interval: number): Promise<void> {
    return this.#whileOpen(() => {
      const current = this.#requests.get(id);
      if (current !== undefined)
        this.#requests.update(current, freezeRecord({ ...current, lastPolledAt: at, interval }));
    });
  }

  appendAudit(entries: readonly AuditInput[]): Promise<AuditEntry[]> {
    return this.#run(appendStep(this.#tables, entries));
  }

  queryAudit(filter: AuditFilter): Promise<AuditEntry[]> {
    return this.#whileOpen(() => this.#audit.query(filter));
  }

  lastAuditSeq(): Promise<number> {
    return this.#whileOpen(() => this.#audit.head()?.seq ?? 0);
  }

  markSeen(
    fingerprint: string,
    audit: AuditInput,
    hops?: () => readonly HopRecord[],
  ): Promise<boolean> {
    return this.#run(markSeenStep(this.#tables, fingerprint, audit, hops));
  }

  addPolicy(policy: PolicyRecord, audit: AuditInput): Promise<void> {
    return this.#run(addPolicyStep(this.#tables, policy, audit));
  }

  removePolicy(id: string, grantor: string, audit: AuditInput): Promise<boolean> {
    return this.#run(removePolicyStep(this.#tables, id, grantor, audit));
  }

  listPolicies(grantor?: string): Promise<PolicyRecord[]> {
    return this.#whileOpen(() =>
      [...this.#policies.values()]
        .filter((p) => grantor === undefined || p.grantor === grantor)
        .sort((a, b) => a.createdAt - b.createdAt),
    );
  }

  replacePolicyToken(grantor: string, from: string, to: string): Promise<void> {
    return this.#whileOpen(() => {
      for (const [id, p] of this.#policies) {
        if (p.grantor === grantor && p.token === from)
          this.#policies.set(id, Object.freeze({ ...p, token: to }));
      }
    });
  }

  loadRootKeys(): Promise<ExportedRootKey[]> {
    return this.#whileOpen(() => [...this.#keys]);
  }

  saveRootKey(
    key: ExportedRootKey,
    audit: AuditInput,
    options: { readonly onlyIfNone?: boolean } = {},
  ): Promise<void> {
    return this.#run(saveRootKeyStep(this.#tables, key, audit, options.onlyIfNone === true));
  }

  retireRootKey(id: string, audit: AuditInput): Promise<void> {
    return this.#run(retireRootKeyStep(this.#tables, id, audit));
  }

  recordHops(hops: readonly HopRecord[]): Promise<void> {
    return this.#run(recordHopsStep(this.#tables, hops));
  }

  listHops(filter: HopFilter): Promise<HopRecord[]> {
    return this.#whileOpen(() => this.#hops.listHops(filter));
  }

  revoke(
    inputs: readonly RevocationInput[],
    audit: (created: readonly Revocation[]) => readonly AuditInput[],
  ): Promise<{ created: Revocation[]; existing: Revocation[] }> {
    return this.#run(revokeStep(this.#tables, inputs, audit));
  }

  revocationsSince(cursor: number, limit: number): Promise<Revocation[]> {
    return this.#whileOpen(() => this.#hops.revocationsSince(cursor, limit));
  }

  close(): Promise<void> {
    return settle(() => {
      this.#closed = true;
    });
  }

  #run<T>(step: Step<T>): Promise<T> {
    return this.#whileOpen(() => runSync(step));
  }

  /** Runs `fn` (a read, or a write: nothing interleaves with a synchronous call) unless closed. */
  #whileOpen<T>(fn: () => T): Promise<T> {
    return settle(() => {
      if (this.#closed) throw new RequestStoreError('the store is closed');
      return fn();
    });
  }
}
