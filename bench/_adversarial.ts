/**
 * The worst an agent can make one call cost, for bench/authorize.bench.ts. The agent holds an
 * ordinary delegated token and appends, offline, whatever conditions it likes up to the token's
 * limits (16,384 characters, 128 caveats), then calls with arguments of its choosing up to the runner's
 * limits (1 MiB of text). Each case is timed on fresh tokens (new literals, so no cache
 * answers): `authorize` on new token text (decode, HMAC chain and reading every caveat
 * included), `authorize` on a token verified beforehand (the first call, then the same call
 * again), `invoke` through a runner (the session's token verified at `startAgent`), and
 * `discoverTools` over 20 tools. The target is 10 ms for any authorize or invoke.
 */
import { performance } from 'node:perf_hooks';
import { authorize, verifyDelegation } from '../src/delegation/index.js';
import { createToolRunner, defineTool } from '../src/tools/index.js';
// The hostile tokens the delegation tests bound by CPU time, measured here on the wall clock.
import {
  NOW,
  appendUntilFull,
  coderChain,
  hardCondition as hard,
} from '../test/unit/delegation/_hard-tokens.js';
const INSTANCES = 8;

interface Case {
  readonly name: string;
  /** The caveats the agent appends (as many as fit), for instance `seed`. */
  readonly caveats: (seed: number) => (k: number) => string;
  readonly args: Readonly<Record<string, unknown>>;
}

const pigeonhole = (seed: number): string[] => {
  const holes = [1, 2, 3, 4, 5, 6].map((h) => h + seed * 10);
  const out = Array.from({ length: 7 }, (_, i) => `args.q${i} in [${holes.join(', ')}]`);
  for (const h of holes)
    for (let i = 0; i < 7; i++)
      for (let j = i + 1; j < 7; j++) out.push(`args.q${i} != ${h} or args.q${j} != ${h}`);
  return out;
};

const big = Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((i) => [`a${i}`, 1e9]));
const CASES: readonly Case[] = [
  {
    name: 'hard conditions that read tool',
    caveats: (seed) => (k) => `tool != "fs.read" or (${hard(seed * 1000 + k)})`,
    args: { path: '/etc/hosts', amount: 500, ...big },
  },
  {
    name: 'hard conditions on args only',
    caveats: (seed) => (k) => hard(seed * 1000 + k),
    args: { path: '/etc/hosts', amount: 500, ...big },
  },
  {
    name: 'most tools excluded, hard conditions beside',
    caveats: (seed) => (k) => (k === 0 ? 'tool !~ "fs.t*"' : hard(seed * 1000 + k)),
    args: { path: '/etc/hosts', amount: 500, ...big },
  },
  {
    name: 'a pigeonhole (unsatisfiable, hard to prove)',
    caveats: (seed) => {
      const all = pigeonhole(seed);
      return (k) => (k < all.length ? (all[k] as string) : `args.z${k} != ${seed}`);
    },
    args: { path: '/etc/hosts', amount: 500 },
  },
  {
    name: '120 failing caveats of 12 globs each',
    caveats: (seed) => (k) =>
      `tool != "fs.read" or (${Array.from({ length: 12 }, (_, i) => `args.p${k} !~ "**${'?'.repeat(i)}a*b${seed}*"`).join(' and ')})`,
    args: { path: '/etc/hosts', amount: 500 },
  },
  {
    name: '29 ORed globs against a 1 MiB argument',
    caveats: (seed) => (k) =>
      k === 0
        ? Array.from({ length: 29 }, (_, i) => `args.path ~ "**${i}*${seed}*a?b?c*d"`).join(' or ')
        : `args.x${k} != ${seed}`,
    args: { path: `/repo/${'ab'.repeat(524_000)}`, amount: 5 },
  },
];

interface Timing {
  readonly median: number;
  readonly max: number;
}

/** Runs every case and prints one table; returns the slowest authorize or invoke seen. */
export async function adversarialCases(): Promise<number> {
  const { ring, coder } = coderChain();
  const names = [...Array.from({ length: 19 }, (_, i) => `fs.t${i}`), 'fs.read'];
  const tools = names.map((name) =>
    defineTool({ name, description: name, inputSchema: { type: 'object' }, handler: () => name }),
  );
  const runner = createToolRunner({ rootKeys: ring, tools, now: () => NOW });

  console.log('\n## adversarial: what an agent can make one call cost\n');
  console.log(
    `(${INSTANCES} fresh tokens for each column, so that no cache answers; wall clock, ms: median (max))\n`,
  );
  console.log(
    '| case | token | authorize, new token text | authorize, token verified | authorize, repeated | invoke | discoverTools (20 tools) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  let worst = 0;
  for (const c of CASES) {
    const runs: Record<Column, number[]> = {
      text: [],
      first: [],
      again: [],
      invoke: [],
      discover: [],
    };
    let size = 0;
    const request = { tool: 'fs.read', args: c.args, principal: 'coder' };
    const options = { rootKeys: ring, now: NOW };
    for (let i = 0; i < INSTANCES; i++) {
      // Three tokens per instance: each column meets its token fresh.
      const [a, b, d] = [0, 1, 2].map((k) => appendUntilFull(coder, [], c.caveats(i * 3 + k))) as [
        string,
        string,
        string,
      ];
      size = a.length;
      runs.text.push(time(() => authorize(a, request, options)));
      const verified = verifyDelegation(b, { rootKeys: ring });
      runs.first.push(time(() => authorize(verified, request, options)));
      runs.again.push(time(() => authorize(verified, request, options)));
      const session = runner.startAgent({ principal: 'coder', token: d });
      const t0 = performance.now();
      await session.invoke('fs.read', c.args).then(
        () => {
          throw new Error(`${c.name}: the call was allowed`);
        },
        (err: unknown) => {
          if ((err as { code?: string }).code !== 'ERR_PERMISSION_DENIED') throw err;
        },
      );
      runs.invoke.push(performance.now() - t0);
      const other = runner.startAgent({
        principal: 'coder',
        token: appendUntilFull(coder, [], c.caveats(INSTANCES * 3 + i)),
      });
      runs.discover.push(time(() => other.discoverTools()));
    }
    const cells = COLUMNS.map((k) => summary(runs[k]));
    worst = Math.max(worst, ...cells.slice(0, 4).map((t) => t.max));
    console.log(
      `| ${c.name} | ${size.toLocaleString('en-US')} chars | ${cells.map(cell).join(' | ')} |`,
    );
  }
  console.log(`\nslowest authorize or invoke: ${worst.toFixed(1)} ms (target ≤ 10 ms)`);
  return worst;
}

type Column = 'text' | 'first' | 'again' | 'invoke' | 'discover';
const COLUMNS: readonly Column[] = ['text', 'first', 'again', 'invoke', 'discover'];

function time(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function summary(times: readonly number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

function cell(t: Timing): string {
  return `${t.median.toFixed(1)} (max ${t.max.toFixed(1)})`;
}
