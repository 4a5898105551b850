// Concurrency: 1,000 permission requests from 50 agent sessions at once, through four
// Delegators sharing one SQLite file, decided by standing policies — some on arrival, the rest
// by a policy added at the same moment by three of the Delegators and by a separate process,
// all racing for the same requests. No decision may be lost or duplicated: every request ends
// with exactly one decision, the one its category calls for, every waiting session receives
// it, duplicates of an open request are one request, and the audit chain is intact.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import {
  Delegator,
  authorize,
  caveat,
  createToolRunner,
  defineTool,
  openSqliteStore,
  type AgentSession,
  type RequestStore,
  type PermissionOutcome,
  type PermissionTicket,
} from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-concurrency-'));
const path = join(dir, 'requests.db');
const decider = join(import.meta.dirname, 'fixtures', 'requests-decider.ts');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SESSIONS = 50;
const PER_SESSION = 20;
const tools = ['data.list', 'data.read', 'data.write', 'data.drop'].map((name) =>
  defineTool<{ n: number }, number>({
    name,
    description: name,
    inputSchema: {
      type: 'object',
      properties: { n: { type: 'number' } },
      required: ['n'],
      additionalProperties: false,
    },
    handler: ({ n }) => n,
  }),
);

/** What request `k` of a session asks for, and what the policies must decide. */
function category(k: number): { tool: string; expected: 'approved' | 'denied' } {
  if (k % 5 < 2) return { tool: 'data.read', expected: 'approved' }; // approved on arrival
  if (k % 5 === 2) return { tool: 'data.drop', expected: 'denied' }; // denied on arrival
  return { tool: 'data.write', expected: 'approved' }; // waits, then approved by the racing policies
}

/** `store`, counting the decisions it lost to another decider (a compare-and-set that found the request moved). */
function losses(store: RequestStore, lost: { n: number }): RequestStore {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'transition') {
        return async (input: Parameters<RequestStore['transition']>[0]) => {
          const result = await target.transition(input);
          if (result === undefined) lost.n += 1;
          return result;
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

async function startDecider(): Promise<{ go(): void; done: Promise<string> }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', decider, path, 'tool == "data.write"'],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  expect((await lines.next()).value).toBe('READY');
  return {
    go: () => child.stdin.write('go\n'),
    done: lines.next().then((r) => String(r.value)),
  };
}

describe('1,000 requests from 50 sessions decided concurrently by policy', () => {
  it('loses and duplicates no decision', async () => {
    const owner = await Delegator.open({ path, watchIntervalMs: 20 });
    const lost = { n: 0 };
    const stores = [1, 2, 3].map(() => losses(openSqliteStore(path), lost));
    const others = await Promise.all(
      stores.map((store) => Delegator.open({ store, watchIntervalMs: 20 })),
    );
    const brokers = [owner, ...others];
    await owner.addPolicy({ grantor: 'owner', effect: 'approve', scope: 'tool == "data.read"' });
    await owner.addPolicy({ grantor: 'owner', effect: 'deny', scope: 'tool == "data.drop"' });
    const child = await startDecider();

    const runners = brokers.map((broker) =>
      createToolRunner({ rootKeys: owner.rootKeys, tools, broker }),
    );
    const sessions: AgentSession[] = [];
    for (let i = 0; i < SESSIONS; i++) {
      const principal = `agent-${String(i).padStart(2, '0')}`;
      const token = await owner.mint({ to: principal, conditions: ['tool == "data.list"'] });
      sessions.push(
        (runners[i % runners.length] as (typeof runners)[number]).startAgent({ principal, token }),
      );
    }

    // All at once: 1,000 requests, plus a duplicate of each session's first waiting request.
    const scopeOf = (i: number, k: number) => [
      caveat`tool == ${category(k).tool}`,
      caveat`args.n == ${i * 100 + k}`,
    ];
    const asks = sessions.flatMap((session, i) =>
      Array.from({ length: PER_SESSION }, (_, k) =>
        session.requestPermission({ scope: scopeOf(i, k), reason: `task ${k}` }),
      ),
    );
    const duplicates = sessions.map((session, i) =>
      session.requestPermission({ scope: scopeOf(i, 3), reason: 'again' }),
    );
    const tickets = await Promise.all(asks);
    const dupTickets = await Promise.all(duplicates);
    const ticket = (i: number, k: number) => tickets[i * PER_SESSION + k] as PermissionTicket;

    expect(new Set(tickets.map((t) => t.id)).size).toBe(SESSIONS * PER_SESSION);
    dupTickets.forEach((t, i) => expect(t.id).toBe(ticket(i, 3).id));
    tickets.forEach((t, j) =>
      expect(t.status).toBe(j % 5 < 2 ? 'approved' : j % 5 === 2 ? 'denied' : 'pending'),
    );

    // Every session waits for all its answers while the deciders race.
    const outcomes: Promise<PermissionOutcome[]> = Promise.all(
      tickets.map((t, j) =>
        (sessions[Math.floor(j / PER_SESSION)] as AgentSession).awaitResponse(t.id),
      ),
    );
    child.go();
    await Promise.all([
      ...others.map((d) =>
        d.addPolicy({ grantor: 'owner', effect: 'approve', scope: 'tool == "data.write"' }),
      ),
      child.done,
    ]);
    expect(await child.done).toMatch(/^DONE pol_/);
    const answers = await outcomes;

    answers.forEach((outcome, j) => {
      const i = Math.floor(j / PER_SESSION);
      const k = j % PER_SESSION;
      expect(outcome.status).toBe(category(k).expected);
      if (outcome.status === 'approved') {
        const call = {
          tool: category(k).tool,
          args: { n: i * 100 + k },
          principal: (sessions[i] as AgentSession).principal,
        };
        expect(authorize(outcome.token, call, { rootKeys: owner.rootKeys }).allowed).toBe(true);
      }
    });

    const log = await owner.audit();
    const requested = log.filter((e) => e.kind === 'request');
    expect(requested).toHaveLength(SESSIONS * PER_SESSION);
    const decisions = new Map<string, string[]>();
    for (const e of log) {
      if ((e.kind === 'approve' || e.kind === 'deny') && e.requestId !== null) {
        decisions.set(e.requestId, [...(decisions.get(e.requestId) ?? []), e.kind]);
      }
    }
    expect(decisions.size).toBe(SESSIONS * PER_SESSION);
    for (const [j, t] of tickets.entries()) {
      expect(decisions.get(t.id)).toEqual([
        category(j % PER_SESSION).expected === 'approved' ? 'approve' : 'deny',
      ]);
    }
    const byPolicy = new Set(
      log.filter((e) => e.kind === 'approve').map((e) => e.details['policy']),
    );
    expect(byPolicy.size).toBeGreaterThanOrEqual(2);
    expect(lost.n).toBeGreaterThan(0); // the deciders really did race for the same requests
    expect(await owner.verifyAudit()).toMatchObject({ ok: true, count: log.length });
    for (const d of brokers) await d.close();
    for (const store of stores) await store.close();
  });
});
