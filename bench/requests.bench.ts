/**
 * The permission-request round trip, in-process: an agent asks, its grantor decides, and the
 * agent receives its new token — with the Delegator on SQLite (synchronous FULL, the default,
 * with an fsync per commit, and NORMAL) beside the in-memory store, so the cost of durability
 * shows as a ratio. Also the throughput of decisions: manual approvals one after another and all at once, and requests
 * decided on arrival by a standing policy. Target: the SQLite round trip under 5 ms median.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delegate } from '../src/delegation/index.js';
import { Delegator } from '../src/requests/index.js';
import { caveat } from '../src/scope/index.js';
import { formatNs, measureAsync, ratio, report, type Measurement } from './_harness.js';

const dir = mkdtempSync(join(tmpdir(), 'mandate-bench-requests-'));

interface Config {
  readonly name: string;
  open(): Promise<Delegator>;
}

const configs: Config[] = [
  { name: 'memory', open: () => Delegator.inMemory({ watchIntervalMs: 0 }) },
  {
    name: 'sqlite (full sync, default)',
    open: () => Delegator.open({ path: join(dir, 'full.db'), watchIntervalMs: 0 }),
  },
  {
    name: 'sqlite normal sync',
    open: () =>
      Delegator.open({
        path: join(dir, 'normal.db'),
        watchIntervalMs: 0,
        sqlite: { synchronous: 'normal' },
      }),
  },
];

let counter = 0;
const ask = (tool: string) => [caveat`tool == ${tool}`, caveat`args.n == ${counter++}`];

const ownerTrips: Measurement[] = [];
const agentTrips: Measurement[] = [];
const throughput: { name: string; perSecond: number }[] = [];

try {
  for (const config of configs) {
    const delegator = await config.open();
    const planner = await delegator.mint({
      to: 'planner',
      conditions: ['tool ~ "fs.*"', 'args.n >= 0'],
    });
    const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;

    ownerTrips.push(
      await measureAsync(`${config.name}: planner → owner`, async () => {
        const { id } = await delegator.request({
          token: planner,
          principal: 'planner',
          scope: ask('bank.list'),
          reason: 'bench',
        });
        await delegator.approve(id, { by: 'owner' });
        const answer = await delegator.poll(id);
        if (!('status' in answer)) throw new Error('not approved');
      }),
    );
    agentTrips.push(
      await measureAsync(`${config.name}: coder → planner`, async () => {
        const { id } = await delegator.request({
          token: coder,
          principal: 'coder',
          scope: ask('fs.write'),
          reason: 'bench',
        });
        await delegator.approve(id, { by: { token: planner } });
        const answer = await delegator.poll(id);
        if (!('status' in answer)) throw new Error('not approved');
      }),
    );

    for (const mode of ['one by one', 'all at once'] as const) {
      const ids: string[] = [];
      for (let i = 0; i < 300; i++) {
        ids.push(
          (
            await delegator.request({
              token: planner,
              principal: 'planner',
              scope: ask('mail.send'),
              reason: 'bench',
            })
          ).id,
        );
      }
      const t0 = performance.now();
      if (mode === 'one by one') for (const id of ids) await delegator.approve(id, { by: 'owner' });
      else await Promise.all(ids.map((id) => delegator.approve(id, { by: 'owner' })));
      throughput.push({
        name: `${config.name}: approve ${mode}`,
        perSecond: (ids.length / (performance.now() - t0)) * 1000,
      });
    }

    await delegator.addPolicy({
      grantor: 'owner',
      effect: 'approve',
      scope: 'tool == "calendar.read"',
    });
    const t0 = performance.now();
    for (let i = 0; i < 300; i++) {
      const ticket = await delegator.request({
        token: planner,
        principal: 'planner',
        scope: ask('calendar.read'),
        reason: 'bench',
      });
      if (ticket.status !== 'approved') throw new Error('the policy did not decide');
    }
    throughput.push({
      name: `${config.name}: request + policy decision`,
      perSecond: (300 / (performance.now() - t0)) * 1000,
    });
    await delegator.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const base = (rows: Measurement[]) => rows[0] as Measurement;
report(
  'Round trip: request → decision → new token (owner approves)',
  ownerTrips,
  Object.fromEntries(
    ownerTrips.map((m) => [
      m.name,
      {
        'vs memory': ratio(m, base(ownerTrips)),
        'target < 5 ms': m.medianNs < 5e6 ? 'met' : 'missed',
      },
    ]),
  ),
);
report(
  'Round trip: request → decision → new token (an agent grantor approves; containment checked)',
  agentTrips,
  Object.fromEntries(
    agentTrips.map((m) => [
      m.name,
      {
        'vs memory': ratio(m, base(agentTrips)),
        'target < 5 ms': m.medianNs < 5e6 ? 'met' : 'missed',
      },
    ]),
  ),
);
console.log('\n## Decisions per second\n');
console.log('| benchmark | decisions/s | per decision |');
console.log('|---|---|---|');
for (const t of throughput)
  console.log(
    `| ${t.name} | ${Math.round(t.perSecond).toLocaleString('en-US')} | ${formatNs(1e9 / t.perSecond)} |`,
  );
