// Durability: a child process streams permission requests and decisions into a SQLite file and
// is killed with SIGKILL mid-stream, several times over the same file. After each kill the file
// is reopened here, and every request and decision the child had acknowledged must be present
// and consistent: the same status and token, the audit log's chain intact, exactly one decision
// entry per decided request, nothing half-written, and the pending ones in the owner's inbox.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { authorize } from '../../src/delegation/index.js';
import { Delegator, openSqliteStore } from '../../src/requests/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-durability-'));
const path = join(dir, 'requests.db');
const fixture = join(import.meta.dirname, 'fixtures', 'requests-writer.ts');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Acked {
  readonly requests: Map<string, { principal: string; n: number }>;
  readonly approved: Map<string, string>;
  readonly denied: Set<string>;
  readonly cancelled: Set<string>;
}

/** Runs the writer until it has acknowledged `target` requests, waits `jitterMs`, and kills it. */
async function runAndKill(target: number, jitterMs: number): Promise<Acked> {
  const acked: Acked = {
    requests: new Map(),
    approved: new Map(),
    denied: new Set(),
    cancelled: new Set(),
  };
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  let killed = false;
  for await (const line of createInterface({ input: child.stdout })) {
    const [word, id, a, b] = line.split(' ');
    if (word === 'REQ' && id !== undefined)
      acked.requests.set(id, { principal: a as string, n: Number(b) });
    else if (word === 'APPROVED' && id !== undefined) acked.approved.set(id, a as string);
    else if (word === 'DENIED' && id !== undefined) acked.denied.add(id);
    else if (word === 'CANCELLED' && id !== undefined) acked.cancelled.add(id);
    if (!killed && acked.requests.size >= target) {
      killed = true;
      setTimeout(() => child.kill('SIGKILL'), jitterMs);
    }
  }
  const signal = await exited;
  expect(signal, stderr).toBe('SIGKILL');
  return acked;
}

describe('a Delegator process killed with SIGKILL', () => {
  const all: Acked = {
    requests: new Map(),
    approved: new Map(),
    denied: new Set(),
    cancelled: new Set(),
  };

  it.each([
    [60, 0],
    [45, 3],
    [80, 1],
  ])(
    'loses nothing it acknowledged (round of %i requests, killed %i ms later)',
    async (target, jitter) => {
      const acked = await runAndKill(target, jitter);
      for (const [id, v] of acked.requests) all.requests.set(id, v);
      for (const [id, v] of acked.approved) all.approved.set(id, v);
      for (const id of acked.denied) all.denied.add(id);
      for (const id of acked.cancelled) all.cancelled.add(id);

      const raw = new Database(path, { readonly: true });
      try {
        expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        raw.close();
      }

      const delegator = await Delegator.open({ path, watchIntervalMs: 0 });
      const store = openSqliteStore(path);
      try {
        // Everything acknowledged, in every round so far, is there as acknowledged.
        for (const [id, { principal, n }] of all.requests) {
          const view = await delegator.get(id);
          expect(view.requester).toBe(principal);
          expect(view.scope).toEqual([`tool == "svc.write" and args.n == ${n}`]);
          if (all.approved.has(id)) {
            expect(view.status).toBe('approved');
            const outcome = view.outcome;
            if (outcome?.status !== 'approved') throw new Error('no token');
            expect(bytesToHex(sha256(utf8ToBytes(outcome.token)))).toBe(all.approved.get(id));
            const call = { tool: 'svc.write', args: { n }, principal };
            expect(authorize(outcome.token, call, { rootKeys: delegator.rootKeys }).allowed).toBe(
              true,
            );
          } else if (all.denied.has(id)) {
            expect(view.outcome).toEqual({ status: 'denied', reason: `no ${n}` });
          } else if (all.cancelled.has(id)) {
            expect(view.status).toBe('cancelled');
          } else if (n % 4 === 3) {
            expect(view.status).toBe('pending');
          }
        }

        // The state and the log agree, for every request in the file, acknowledged or not.
        const records = await store.listRequests({});
        expect(records.length - all.requests.size).toBeLessThanOrEqual(3); // at most the one in flight per round
        const log = await delegator.audit();
        const decisions = new Map<string, number>();
        for (const e of log) {
          if (
            (e.kind === 'approve' || e.kind === 'deny' || e.kind === 'cancel') &&
            e.requestId !== null
          ) {
            decisions.set(e.requestId, (decisions.get(e.requestId) ?? 0) + 1);
          }
        }
        for (const r of records) {
          expect(decisions.get(r.id) ?? 0, r.id).toBe(r.status === 'pending' ? 0 : 1);
          expect(log.filter((e) => e.kind === 'request' && e.requestId === r.id)).toHaveLength(1);
        }
        expect(await delegator.verifyAudit()).toMatchObject({ ok: true, count: log.length });
        const pending = records.filter((r) => r.status === 'pending').map((r) => r.id);
        expect((await delegator.inbox('owner')).map((i) => i.id).sort()).toEqual(pending.sort());
      } finally {
        await store.close();
        await delegator.close();
      }
    },
  );
});
