/**
 * The PostgreSQL store's cost, with SQLite (default full sync, the embedded default) as the peer
 * in the same run. Services run in processes of their own (`_service.ts`) and their clients in
 * another (`_service-client.mjs`), as agents and grantors do.
 *
 * 1. request → approve → new token through one service on loopback, after a second's warm-up
 *    (target on PostgreSQL: ≤ 10 ms median).
 * 2. Approvals per second across two service instances: two processes on one database (on one
 *    SQLite file for the peer), each request filed on one and approved on the other, 64 in
 *    flight (target: ≥ 500/s), with the CPU time each approval costs the services, the load
 *    generator and PostgreSQL's processes (read from /proc on Linux), which bounds what the
 *    machine's cores can do.
 * 3. How long the owner's decision on instance B takes to reach an agent waiting on instance A's
 *    outcome stream, and a request filed on B to reach the owner's inbox stream on A (target:
 *    ≤ 100 ms; PostgreSQL's NOTIFY against SQLite's 250 ms polling).
 * 4. The cost of a decision (an agent's request and its grantor's approval, in process) with 10
 *    and with 100,000 requests stored, rounds taken in turn on each: it must not grow with the
 *    store.
 *
 * Needs PostgreSQL: `MANDATE_BENCH_PG_URL` names a server where this user may create a database
 * (default: the local socket as this operating-system user, which `.ci/run` sets up); the
 * benchmark makes a throwaway database and drops it. Without a server it fails, saying why
 * and how to start one. `npx tsx bench/postgres.bench.ts` (or `npm run bench -- postgres`).
 * With `MANDATE_BENCH_PROFILE=<dir>`, each service writes its CPU profile into `dir`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { delegate } from '../src/delegation/index.js';
import {
  Delegator,
  openPostgresStore,
  redactUrl,
  type AuditInput,
  type RequestRecord,
} from '../src/requests/index.js';
import { caveat } from '../src/scope/index.js';
import { createOwnerCredential } from '../src/server/index.js';
import { formatNs } from './_harness.js';

const ADMIN_URL =
  process.env['MANDATE_BENCH_PG_URL'] ??
  `postgres:///postgres?host=/var/run/postgresql&user=${encodeURIComponent(userInfo().username)}`;
const STORED = Number(process.env['STORED'] ?? 100_000);
const ROUNDS = Number(process.env['ROUNDS'] ?? 300);
/** Node's options that profile each service into `MANDATE_BENCH_PROFILE` (a directory), if set. */
const PROFILE = process.env['MANDATE_BENCH_PROFILE']
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env['MANDATE_BENCH_PROFILE']}`]
  : [];
const CLIENT = join(import.meta.dirname, '_service-client.mjs');
const SERVICE = join(import.meta.dirname, '_service.ts');
const owner = createOwnerCredential();
const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-pg-'));
const database = `mandate_bench_${randomBytes(4).toString('hex')}`;

/** Runs a child to its end and parses the JSON line it prints. */
function runJson<T>(args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(text) as T) : reject(new Error(`${args[0]} exited ${code}`)),
    );
  });
}

/** CPU seconds a process has used so far (Linux: /proc), or NaN where that cannot be read. */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** CPU seconds every PostgreSQL server process has used so far (Linux), NaN elsewhere. */
function postgresCpuSeconds(): number {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .reduce((sum, d) => {
        try {
          return readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')
            ? sum + cpuSeconds(Number(d))
            : sum;
        } catch {
          return sum; // the process ended meanwhile
        }
      }, 0);
  } catch {
    return NaN;
  }
}

interface Service {
  readonly url: string;
  /** CPU seconds the service's process has used so far. */
  cpu(): number;
  stop(): Promise<void>;
}

/** A service process on `store`; resolves once it prints its URL. */
function service(store: string): Promise<Service> {
  const child = spawn(process.execPath, [...PROFILE, '--import', 'tsx', SERVICE, store], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, MANDATE_BENCH_OWNER: owner },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /^(http:\S+)$/m.exec(out)?.[1];
      if (url !== undefined)
        resolve({
          url,
          cpu: () => cpuSeconds(child.pid),
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
    });
    child.once('exit', (code) => reject(new Error(`service exited ${code}: ${out}`)));
  });
}

/** The tokens every measurement uses, minted on `store` (whose keys the services then load). */
async function tokens(store: string) {
  const d = await Delegator.open(store.startsWith('postgres') ? { url: store } : { path: store });
  const planner = await d.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'], expiresIn: 3600 });
  const worker = await d.mint({ to: 'worker', conditions: ['tool == "fs.read"'], expiresIn: 3600 });
  await d.close();
  const coders = Array.from(
    { length: 16 },
    (_, i) => delegate(planner, { to: `coder-${i}`, conditions: ['tool == "fs.read"'] }).token,
  );
  return { planner, worker, coders };
}

interface Row {
  readonly store: string;
  readonly roundTripMs: number;
  readonly approvalsPerSecond: number;
  /** CPU ms per approval: both services, the load generator, and PostgreSQL's processes. */
  readonly cpuMs: { readonly services: number; readonly client: number; readonly postgres: number };
  readonly outcome: { readonly median: number; readonly p99: number };
  readonly inbox: { readonly median: number; readonly p99: number };
}

/** Measurements 1 to 3 on one kind of store. */
async function services(name: string, store: string): Promise<Row> {
  const t = await tokens(store);
  const a = await service(store);
  const b = await service(store);
  try {
    const trip = await runJson<{ medianMs: number }>([
      CLIENT,
      'round-trips',
      a.url,
      t.coders[0] as string,
      t.planner,
      '5',
    ]);
    const codersFile = join(dir, `coders-${name}.json`);
    writeFileSync(codersFile, JSON.stringify(t.coders));
    const before = { a: a.cpu(), b: b.cpu(), postgres: postgresCpuSeconds() };
    const load = await runJson<{ perSecond: number; approvals: number; cpuMs: number }>([
      CLIENT,
      'approvals',
      a.url,
      b.url,
      t.planner,
      codersFile,
      '64',
      '10',
    ]);
    const per = (seconds: number) => (seconds * 1000) / load.approvals;
    const cpuMs = {
      services: per(a.cpu() - before.a + b.cpu() - before.b),
      client: load.cpuMs / load.approvals,
      // SQLite works inside the services' processes.
      postgres: store.startsWith('postgres') ? per(postgresCpuSeconds() - before.postgres) : NaN,
    };
    const wake = await runJson<Pick<Row, 'outcome' | 'inbox'>>([
      CLIENT,
      'wake',
      a.url,
      b.url,
      owner,
      t.worker,
      '100',
    ]);
    return {
      store: name,
      roundTripMs: trip.medianMs,
      approvalsPerSecond: load.perSecond,
      cpuMs,
      ...wake,
    };
  } finally {
    await a.stop();
    await b.stop();
  }
}

/**
 * For measurement 4: a Delegator on a schema holding `stored` requests (cloned from a real one
 * through the store, 80% pending), and one timed round on it: an agent's request and its
 * grantor's approval, in process.
 */
async function storeWith(store: string, stored: number) {
  const delegator = await Delegator.open({ url: store, watchIntervalMs: 0 });
  const planner = await delegator.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'] });
  const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
  let n = 0;
  const ask = () =>
    delegator.request({
      token: coder,
      principal: 'coder',
      scope: [caveat`tool == "fs.write"`, caveat`args.n == ${n++}`],
      reason: 'bench',
    });
  const raw = await openPostgresStore(store);
  const template = (await raw.getRequest((await ask()).id)) as RequestRecord;
  const entry = (r: RequestRecord, kind: 'request' | 'deny'): AuditInput => ({
    at: r.createdAt,
    kind,
    actor: kind === 'request' ? r.requester : r.grantor,
    subject: kind === 'request' ? r.grantor : r.requester,
    requestId: r.id,
    details: {},
  });
  const started = performance.now();
  for (let from = 0; from < stored; from += 2000) {
    await Promise.all(
      Array.from({ length: Math.min(2000, stored - from) }, async (_, k) => {
        const i = from + k;
        const record: RequestRecord = {
          ...template,
          id: `req_stored${i}`,
          requester: `worker-${i % 2000}`,
          grantor: `agent-${i % 100}`,
          scope: ['tool == "fs.write"', `args.n == ${-1 - i}`],
          idempotencyKey: `stored-${i}`,
        };
        await raw.createRequest(record, (r) => [entry(r, 'request')]);
        if (i % 5 === 0)
          await raw.transition({
            id: record.id,
            version: 1,
            to: 'denied',
            outcome: { status: 'denied', reason: 'no' },
            audit: [entry(record, 'deny')],
          });
      }),
    );
  }
  const preloadS = (performance.now() - started) / 1000;
  await raw.close();
  const times = { request: [] as number[], approve: [] as number[] };
  /** One request and its approval, timed (`keep`) or not (warming up). */
  const round = async (keep: boolean) => {
    const t0 = performance.now();
    const { id } = await ask();
    const t1 = performance.now();
    await delegator.approve(id, { by: { token: planner } });
    const t2 = performance.now();
    if (!keep) return;
    times.request.push((t1 - t0) * 1e6);
    times.approve.push((t2 - t1) * 1e6);
  };
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? NaN;
  return {
    stored,
    preloadS,
    round,
    result: () => ({ request: median(times.request), approve: median(times.approve) }),
    close: () => delegator.close(),
  };
}

/**
 * Measurement 4 on `stores` (each holding some number of requests): rounds taken in turn on
 * each, after a warm-up, so that the machine's ups and downs fall on all of them alike.
 */
async function decisionCosts(stores: Awaited<ReturnType<typeof storeWith>>[]) {
  for (let i = 0; i < 50; i++) for (const s of stores) await s.round(false);
  for (let i = 0; i < ROUNDS; i++) for (const s of stores) await s.round(true);
  for (const s of stores) await s.close();
  return stores.map((s) => ({ stored: s.stored, preloadS: s.preloadS, ...s.result() }));
}

/** The run's database with `schema` as its parameter. */
function schemaUrl(schema: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  url.searchParams.set('schema', schema);
  return url.toString();
}

const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
admin.on('error', () => undefined);
try {
  await admin.connect();
} catch (err) {
  console.error(
    `bench/postgres.bench.ts: PostgreSQL is not reachable at ${redactUrl(ADMIN_URL)} (${(err as Error).message}). ` +
      'Start it (.ci/run does: pg_ctlcluster --skip-systemctl-redirect 15 main start, and a role for your user), ' +
      'or point MANDATE_BENCH_PG_URL at a server where you may CREATE DATABASE.',
  );
  rmSync(dir, { recursive: true, force: true });
  process.exit(1);
}
await admin.query(`CREATE DATABASE ${database}`);
try {
  const rows = [
    await services('PostgreSQL', schemaUrl('services')),
    await services('SQLite (full sync)', join(dir, 'services.db')),
  ];
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  console.log('\n## Two service instances on one store (clients in another process)\n');
  console.log(
    '| store | request → approve → token (median) | approvals/s across both (64 in flight) | CPU per approval: services / load generator / database | decision on B → agent waiting on A (median / p99) | request on B → inbox stream on A (median / p99) |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.store} | ${ms(r.roundTripMs)} | ${Math.round(r.approvalsPerSecond).toLocaleString('en-US')} | ${ms(r.cpuMs.services)} / ${ms(r.cpuMs.client)} / ${Number.isNaN(r.cpuMs.postgres) ? '–' : ms(r.cpuMs.postgres)} | ${ms(r.outcome.median)} / ${ms(r.outcome.p99)} | ${ms(r.inbox.median)} / ${ms(r.inbox.p99)} |`,
    );
  console.log(
    `\nWhile it ran: load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} on ${availableParallelism()} cores.`,
  );
  console.log(
    '\nTargets on PostgreSQL: ≤ 10 ms median round trip, ≥ 500 approvals/s, ≤ 100 ms to the other instance.',
  );

  const costs = await decisionCosts([
    await storeWith(schemaUrl('few'), 10),
    await storeWith(schemaUrl('many'), STORED),
  ]);
  console.log('\n## A decision with few and many requests stored (PostgreSQL, in process)\n');
  console.log('| stored | request (median) | approve (median) | preload |');
  console.log('|---|---|---|---|');
  for (const c of costs)
    console.log(
      `| ${c.stored.toLocaleString('en-US')} | ${formatNs(c.request)} | ${formatNs(c.approve)} | ${c.preloadS.toFixed(0)} s |`,
    );
  const [few, many] = costs as [(typeof costs)[0], (typeof costs)[0]];
  console.log(
    `\n${STORED.toLocaleString('en-US')} stored against 10: request ×${(many.request / few.request).toFixed(2)}, approve ×${(many.approve / few.approve).toFixed(2)} (target ≈ ×1)`,
  );
} finally {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  await admin.end();
  rmSync(dir, { recursive: true, force: true });
}
