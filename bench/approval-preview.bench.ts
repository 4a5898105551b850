/**
 * What a grantor and a denied agent pay under the approval rule (issue 11): the denial's needed
 * permission (`neededScope` and the grantability checks, which now include the restrictions an
 * approval keeps), and an approval's preview (the inbox verdict against the grantor's authority
 * and the effect, one alternative per line), on realistic tokens: a planner held to a project
 * directory, a spending limit, an account list and an expiry; a coder below it; requests for
 * what a denied call needed. Targets: needed and the inbox verdict under 1 ms median. Runs
 * alone: `npx tsx bench/approval-preview.bench.ts`.
 */
import { authorize, delegate } from '../src/delegation/index.js';
import { Delegator } from '../src/requests/index.js';
import { formatNs, measure, report } from './_harness.js';

const NOW = new Date(Date.UTC(2026, 2, 1, 12));
const USERS = ['ana', 'bob', 'chen', 'dee', 'eli'];
const POOL = 200;

const delegator = await Delegator.inMemory({ now: () => NOW, watchIntervalMs: 0 });
const rootKeys = delegator.rootKeys;

interface Case {
  readonly planner: string;
  readonly coder: string;
  readonly call: { tool: string; args: Record<string, unknown>; principal: string };
  readonly id: string;
}

const cases: Case[] = [];
for (let i = 0; i < POOL; i++) {
  const user = USERS[i % USERS.length] as string;
  const planner = await delegator.mint({
    to: 'planner',
    conditions: [
      'tool in ["fs.read", "fs.write", "fs.list", "bank.transfer", "bank.get_balance"]',
      `args.path ~ "/home/${user}/project${i}/**" or tool !~ "fs.*"`,
      `tool != "bank.transfer" or args.amount <= ${100 + i} and args.to in ["savings", "checking"]`,
      'not (args.mode == "force")',
    ],
    expiresIn: 30 * 24 * 3600,
  });
  const coder = delegate(planner, {
    to: 'coder',
    conditions: ['tool in ["fs.read", "fs.list"]', `time < 2026-03-01T13:00:00Z`],
    now: NOW,
  }).token;
  const call =
    i % 2 === 0
      ? {
          tool: 'fs.write',
          args: { path: `/home/${user}/project${i}/out/summary.md`, mode: 'normal' },
        }
      : { tool: 'bank.transfer', args: { to: 'savings', amount: 50 + (i % 40), mode: 'normal' } };
  const denied = authorize(coder, { ...call, principal: 'coder' }, { rootKeys, now: NOW });
  if (denied.allowed || denied.needed === undefined) throw new Error('expected a denial');
  const { id } = await delegator.request({
    token: coder,
    principal: 'coder',
    scope: denied.needed.scope,
    reason: 'bench',
  });
  cases.push({ planner, coder, call: { ...call, principal: 'coder' }, id });
}

let at = 0;
const next = () => cases[at++ % POOL] as Case;
const neededRow = measure('authorize denial with needed (realistic, cycling)', () => {
  const c = next();
  return authorize(c.coder, c.call, { rootKeys, now: NOW });
});

// The preview is async (it reads the store); measure it by hand, each case in turn.
async function timePreviews(rounds: number): Promise<number[]> {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c = next();
    const t0 = performance.now();
    const preview = await delegator.preview(c.id, { by: { token: c.planner } });
    times.push((performance.now() - t0) * 1e6);
    if (preview.verdict.contained !== true)
      throw new Error(
        `expected within authority: ${JSON.stringify({ c, preview, needed: authorize(c.coder, c.call, { rootKeys, now: NOW }) })}`,
      );
  }
  return times.sort((a, b) => a - b);
}
await timePreviews(POOL); // warm-up: each condition text parsed once, as in a long-lived process
const previews = await timePreviews(POOL * 5);
await delegator.close();

report('approval rule: needed permission and preview', [neededRow], {});
const median = previews[Math.floor(previews.length / 2)] ?? NaN;
console.log(
  `\ndelegator.preview (inbox verdict + effect), ${previews.length} previews: median ${formatNs(median)}, ` +
    `p99 ${formatNs(previews[Math.floor(previews.length * 0.99)] ?? NaN)}; ` +
    `needed median ${formatNs(neededRow.medianNs)}. Target: needed and the verdict under 1 ms ` +
    `median: ${neededRow.medianNs <= 1e6 && median <= 1e6 ? 'met' : 'missed'}.`,
);
