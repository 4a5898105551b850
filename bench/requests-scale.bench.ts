/**
 * Requests at scale: whether a decision's cost grows with the store. A Delegator on the
 * in-memory store and on a SQLite file (default full sync) is measured empty and preloaded with
 * 10,000 requests (8,000 pending, the rest decided) and the audit log to match, for a new
 * `request` from an agent token and an agent grantor's `approve` (owner → planner → coder;
 * coder asks for a scope planner holds, planner approves). Each row gives median and p99 and the
 * share of that time spent inside store methods, so a regression can be told apart from the
 * token and DSL work in the decision path. The preload goes through the store API (records
 * cloned from a real request, with their audit entries), because filing 10,000 requests through
 * the Delegator would take longer than the measurement. Targets (issue 10): with 10,000 stored,
 * `request` ≤ 150 µs and agent `approve` ≤ 500 µs median in memory. Runs alone too:
 * `npx tsx bench/requests-scale.bench.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delegate } from '../src/delegation/index.js';
import {
  Delegator,
  createMemoryStore,
  openSqliteStore,
  type AuditInput,
  type RequestRecord,
  type RequestStore,
} from '../src/requests/index.js';
import { caveat } from '../src/scope/index.js';
import { formatNs } from './_harness.js';

const PRELOAD = 10_000;
const PENDING = 8_000;
/** Iterations per row (each files one request and approves it). */
const ROUNDS = Number(process.env['ROUNDS'] ?? 1500);

const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-scale-'));

/** Wall time spent inside store calls (the built-in stores work synchronously), and writes made. */
const storeTime = { ns: 0, writes: 0 };
const WRITES = new Set([
  'createRequest',
  'transition',
  'escalate',
  'touchPoll',
  'appendAudit',
  'markSeen',
  'addPolicy',
  'removePolicy',
  'replacePolicyToken',
  'saveRootKey',
]);

function timed(store: RequestStore): RequestStore {
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (typeof key === 'string' && WRITES.has(key)) storeTime.writes += 1;
        const t0 = performance.now();
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        } finally {
          storeTime.ns += (performance.now() - t0) * 1e6;
        }
      };
    },
  });
}

interface Chain {
  readonly planner: string;
  readonly coder: string;
}

async function chain(delegator: Delegator): Promise<Chain> {
  const planner = await delegator.mint({
    to: 'planner',
    conditions: ['tool ~ "fs.*"', 'args.n >= 0'],
  });
  return {
    planner,
    coder: delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token,
  };
}

let counter = 0;
const ask = () => [caveat`tool == "fs.write"`, caveat`args.n == ${counter++}`];

/**
 * Fills `store` with `PRELOAD` requests cloned from a real one, spread over 100 grantors and
 * 2,000 requesters, with a `request` entry each and a decision entry for the decided ones.
 */
async function preload(store: RequestStore, template: RequestRecord): Promise<void> {
  const now = Date.now();
  for (let i = 0; i < PRELOAD; i++) {
    const grantor = i % 10 === 0 ? 'planner' : `agent-${i % 100}`;
    const requester = i % 10 === 0 ? 'coder' : `worker-${i % 2000}`;
    const record: RequestRecord = {
      ...template,
      id: `req_preload${i.toString().padStart(6, '0')}`,
      requester,
      grantor,
      scope: ['tool == "fs.write"', `args.n == ${-1 - i}`],
      idempotencyKey: `preload-${i}`,
      createdAt: now - (PRELOAD - i) * 1000,
      expiresAt: now + 3_600_000,
    };
    const entry = (kind: AuditInput['kind'], actor: string, subject: string): AuditInput => ({
      at: record.createdAt,
      kind,
      actor,
      subject,
      requestId: record.id,
      details: { scope: [...record.scope], reason: record.reason, token: `fp-${i}` },
    });
    await store.createRequest(record, (r) => [entry('request', r.requester, r.grantor)]);
    if (i < PENDING) continue;
    const approve = i % 2 === 0;
    await store.transition({
      id: record.id,
      version: 1,
      to: approve ? 'approved' : 'denied',
      outcome: approve
        ? { status: 'approved', token: template.token, scope: record.scope, expiresAt: null }
        : { status: 'denied', reason: 'not now' },
      decidedBy: grantor,
      decidedAt: record.createdAt + 500,
      audit: [entry(approve ? 'approve' : 'deny', grantor, requester)],
    });
  }
}

interface Row {
  readonly name: string;
  readonly op: 'request' | 'approve';
  readonly median: number;
  readonly p99: number;
  readonly storeShare: number;
  readonly writes: number;
  /** SQLite only: the median of one bare write transaction (an audit append) on the same file. */
  readonly commit?: number;
}

async function measureRounds(name: string, delegator: Delegator, c: Chain): Promise<Row[]> {
  const times = { request: [] as number[], approve: [] as number[] };
  const inStore = { request: 0, approve: 0 };
  const writes = { request: 0, approve: 0 };
  const warmup = Math.min(200, ROUNDS);
  for (let i = 0; i < warmup + ROUNDS; i++) {
    const s0 = storeTime.ns;
    const w0 = storeTime.writes;
    const t0 = performance.now();
    const { id } = await delegator.request({
      token: c.coder,
      principal: 'coder',
      scope: ask(),
      reason: 'bench',
    });
    const t1 = performance.now();
    const s1 = storeTime.ns;
    const w1 = storeTime.writes;
    const view = await delegator.approve(id, { by: { token: c.planner } });
    const t2 = performance.now();
    if (view.status !== 'approved') throw new Error('not approved');
    if (i < warmup) continue;
    times.request.push((t1 - t0) * 1e6);
    times.approve.push((t2 - t1) * 1e6);
    inStore.request += s1 - s0;
    inStore.approve += storeTime.ns - s1;
    writes.request += w1 - w0;
    writes.approve += storeTime.writes - w1;
  }
  return (['request', 'approve'] as const).map((op) => {
    const sorted = times[op].sort((a, b) => a - b);
    const total = sorted.reduce((a, b) => a + b, 0);
    return {
      name,
      op,
      median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
      p99: sorted[Math.floor(sorted.length * 0.99)] ?? NaN,
      storeShare: inStore[op] / total,
      writes: writes[op] / ROUNDS,
    };
  });
}

async function run(kind: 'memory' | 'sqlite', stored: boolean): Promise<Row[]> {
  const name = `${kind}, ${stored ? '10,000 stored' : 'empty'}`;
  const path = join(dir, `${kind}-${stored ? 'full' : 'empty'}.db`);
  // SQLite is preloaded with normal sync (fast), then reopened with the default full sync.
  const raw =
    kind === 'memory' ? createMemoryStore() : openSqliteStore(path, { synchronous: 'normal' });
  const setup = await Delegator.open({ store: raw, watchIntervalMs: 0 });
  const c = await chain(setup);
  if (stored) {
    const { id } = await setup.request({
      token: c.coder,
      principal: 'coder',
      scope: ask(),
      reason: 'a template',
    });
    const template = await raw.getRequest(id);
    if (template === undefined) throw new Error('no template');
    await preload(raw, template);
  }
  let store = raw;
  if (kind === 'sqlite') {
    await setup.close();
    await raw.close();
    store = openSqliteStore(path);
  }
  const delegator = await Delegator.open({ store: timed(store), watchIntervalMs: 0 });
  try {
    const rows = await measureRounds(name, delegator, c);
    if (kind === 'memory') return rows;
    const commit = await commitCost(store);
    return rows.map((r) => ({ ...r, commit }));
  } finally {
    await delegator.close();
    await store.close();
  }
}

/** The median of one bare write transaction: the floor under any SQLite write. */
async function commitCost(store: RequestStore): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const t0 = performance.now();
    await store.appendAudit([
      {
        at: Date.now(),
        kind: 'mint',
        actor: 'owner',
        subject: 'bench',
        requestId: null,
        details: {},
      },
    ]);
    times.push((performance.now() - t0) * 1e6);
  }
  return times.sort((a, b) => a - b)[150] ?? NaN;
}

const rows: Row[] = [];
try {
  for (const kind of ['memory', 'sqlite'] as const) {
    for (const stored of [false, true]) rows.push(...(await run(kind, stored)));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const target = (r: Row) => {
  if (r.name !== 'memory, 10,000 stored') return '';
  const limit = r.op === 'request' ? 150e3 : 500e3;
  return `${r.median <= limit ? 'met' : 'missed'} (≤ ${formatNs(limit)})`;
};
console.log(`\n## Requests at scale (${ROUNDS} rounds each; agent grantor approves)\n`);
console.log('| store | operation | median | p99 | in the store | writes | one commit | target |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.name} | ${r.op} | ${formatNs(r.median)} | ${formatNs(r.p99)} | ${(r.storeShare * 100).toFixed(0)}% | ` +
      `${r.writes.toFixed(1)} | ${r.commit === undefined ? '' : formatNs(r.commit)} | ${target(r)} |`,
  );
}
