/**
 * Benchmarks of the scope algebra: `contains` on realistic pairs of scopes (a token and its
 * attenuation, a grantor's scope and a requested one; up to 10 conditions and 30 comparisons,
 * globs with up to 5 wildcards), fresh every call (no cache hit) and repeated (cached), next to
 * the DSL's own parse and evaluate of the same scopes as peers; `residual` as tool discovery runs
 * it; and adversarial inputs (exponential globs, case splits, long lists, instants against
 * globs), each of which must return — possibly `'unknown'` — within 100 ms. Prints medians and
 * maxima per case.
 */
import { contains, residual, satisfiable, simplify } from '../src/scope/algebra/index.js';
import { evaluateCaveat, parseCaveat } from '../src/scope/index.js';
import { measure, report, ratio, formatNs } from './_harness.js';

let seed = 42;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;

const USERS = ['ana', 'bob', 'chen', 'dee', 'eli'];
const TOOLS = [
  'fs.read',
  'fs.write',
  'fs.list',
  'bank.transfer',
  'bank.get_balance',
  'shell.exec',
  'http.get',
  'mail.send',
];

/** A token's scope: up to 10 conditions, ~30 comparisons, globs with up to 5 wildcards. */
function tokenScope(i: number): string[] {
  const user = pick(USERS);
  const limit = 100 + rand(900) + i;
  const day = 1 + rand(27);
  return [
    `tool in [${TOOLS.slice(0, 3 + rand(4))
      .map((t) => JSON.stringify(t))
      .join(', ')}]`,
    `tool ~ "fs.*" and args.path ~ "/home/${user}/project${i % 50}/**" or tool !~ "fs.*"`,
    `args.path !~ "/home/${user}/project${i % 50}/**/secret*/**"`,
    `tool != "bank.transfer" or args.amount <= ${limit} and args.to in ["savings", "checking", "${user}"]`,
    `time < 2026-12-${String(day).padStart(2, '0')}T00:00:00Z`,
    `all args.files ~ "/home/${user}/**/*.ts" or tool != "fs.write"`,
    `not (args.mode == "force")`,
    `args.n >= 0 and args.n < ${10 + rand(90)} or tool !~ "shell.*"`,
  ];
}

/** An attenuation of a token scope (contained) or a sideways step (not contained). */
function innerScope(outer: readonly string[], i: number, containedCase: boolean): string[] {
  const user = /\/home\/(\w+)\//.exec(outer[1] as string)?.[1] ?? 'ana';
  const extra = containedCase
    ? [
        `tool == "fs.read"`,
        `args.path ~ "/home/${user}/project${i % 50}/src/*.ts"`,
        `time < 2026-06-01T00:00:00Z`,
      ]
    : [`tool == "fs.read"`, `args.path ~ "/home/${user}/project${(i + 1) % 50}/src/*.ts"`];
  return [...outer.slice(0, 4), ...extra];
}

/** A grantor's scope and a requested scope written independently (no shared text). */
function grantPair(i: number): [string[], string[]] {
  const user = pick(USERS);
  const limit = 500 + rand(500);
  const outer = [
    `tool ~ "bank.*" or tool ~ "fs.*"`,
    `args.amount <= ${limit} or tool !~ "bank.*"`,
    `args.path ~ "/srv/${user}/**" or tool !~ "fs.*"`,
    `time < 2027-01-01T00:00:00Z`,
  ];
  const inner = [
    `tool in ["bank.transfer", "fs.read"]`,
    `tool == "fs.read" and args.path ~ "/srv/${user}/data/???/*.csv" or tool == "bank.transfer" and args.amount <= ${limit - (i % 3 === 0 ? -1 : 10)} and args.amount > 0`,
    `time < 2026-07-01T00:00:00Z and time >= 2026-01-01T00:00:00Z`,
  ];
  return [outer, inner];
}

const POOL = 4000;
const pairs: [string[], string[]][] = [];
for (let i = 0; i < POOL; i++) {
  const kind = i % 3;
  if (kind === 2) pairs.push(grantPair(i));
  else {
    const outer = tokenScope(i);
    pairs.push([outer, innerScope(outer, i, kind === 0)]);
  }
}

// Every call must get an answer; measure each pair once (fresh: nothing cached) for the maximum.
const fresh: number[] = [];
let cpuMax = 0;
const verdicts = { true: 0, false: 0, unknown: 0 };
for (const [outer, inner] of pairs) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = contains(outer, inner);
  const cpu = process.cpuUsage(c0);
  cpuMax = Math.max(cpuMax, (cpu.user + cpu.system) / 1000);
  fresh.push(performance.now() - t0);
  verdicts[String(r.contained) as 'true' | 'false' | 'unknown']++;
}
fresh.sort((a, b) => a - b);

let at = 0;
const request = {
  tool: 'fs.read',
  args: { path: '/home/ana/project1/src/a.ts', amount: 5, files: [] },
  time: new Date(Date.UTC(2026, 2, 1)),
};
const rows = [
  measure('contains, realistic pair (cycling 4000 pairs)', () => {
    const [o, i] = pairs[at++ % POOL] as [string[], string[]];
    return contains(o, i);
  }),
  measure('contains, one pair repeated (warm caches)', () =>
    contains(pairs[1]?.[0] as string[], pairs[1]?.[1] as string[]),
  ),
  measure('peer: parseCaveat of the inner scope (uncached text)', () => {
    const [, i] = pairs[at++ % POOL] as [string[], string[]];
    return i.map((t) => parseCaveat(`${t} `));
  }),
  measure('peer: evaluateCaveat of the inner scope on one request', () => {
    const [, i] = pairs[at++ % POOL] as [string[], string[]];
    return i.map((t) => evaluateCaveat(t, request));
  }),
  measure('residual for one tool (token scope)', () =>
    residual(pairs[at++ % POOL]?.[0] as string[], { tool: pick(TOOLS) }),
  ),
  measure('simplify (token scope)', () => simplify(pairs[at++ % POOL]?.[0] as string[])),
];
report('scope algebra: realistic scopes', rows, {
  [rows[0]?.name ?? '']: {
    'vs parse': ratio(rows[0]!, rows[2]!),
    'vs evaluate': ratio(rows[0]!, rows[3]!),
  },
});
console.log(
  `\ncontains, each of ${POOL} pairs once: median ${formatNs(fresh[Math.floor(fresh.length / 2)]! * 1e6)}, ` +
    `p99 ${formatNs(fresh[Math.floor(fresh.length * 0.99)]! * 1e6)}, max ${formatNs(fresh[fresh.length - 1]! * 1e6)} ` +
    `(largest CPU time of one call ${formatNs(cpuMax * 1e6)}); ` +
    `verdicts ${JSON.stringify(verdicts)}`,
);

/** n pigeons in n - 1 holes, no two in one hole: unsatisfiable, and hard for case splitting. */
function pigeonhole(n: number, key: string): string[] {
  const holes = Array.from({ length: n - 1 }, (_, h) => h + 1);
  const out = Array.from({ length: n }, (_, i) => `args.${key}${i} in [${holes.join(', ')}]`);
  for (const h of holes) {
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++)
        out.push(`args.${key}${i} != ${h} or args.${key}${j} != ${h}`);
    }
  }
  return out;
}

// Adversarial inputs: each must return within 100 ms, possibly 'unknown'. Run k uses its own
// key names and literals, so that no run is answered from a cache.
const adversarial: [
  string,
  (k: number) => {
    contained?: boolean | 'unknown';
    satisfiable?: boolean | 'unknown';
    text?: string;
  },
][] = [
  [
    'exponential glob **a?????????????? vs its complement',
    (k) => contains(`args.p${k} ~ "**a??????????????"`, `args.p${k} !~ "**b??????????????"`),
  ],
  [
    'exponential glob, contained (needs the whole automaton)',
    (k) => contains(`args.p ~ "**${k}????????????"`, `args.p ~ "**${k}a???????????"`),
  ],
  [
    'many globs on one path',
    (k) =>
      contains(
        Array.from({ length: 12 }, (_, i) => `args.p !~ "**${'?'.repeat(i)}a*b${k}*"`),
        'args.p ~ "**"',
      ),
  ],
  [
    '2^24 case splits',
    (k) =>
      contains(
        `args.z == ${k}`,
        Array.from({ length: 24 }, (_, i) => `args.a${i} == ${k} or args.b${i} == 1`),
      ),
  ],
  [
    'pigeonhole: 7 pigeons, 6 holes (unsatisfiable)',
    (k) => satisfiable(pigeonhole(7, `p${k}_`), { limits: { maxComparisons: 10_000 } }),
  ],
  [
    '1024-value lists',
    (k) =>
      contains(
        `args.x in [${Array.from({ length: 1024 }, (_, i) => `"${(i + k * 2048).toString(36)}"`).join(', ')}]`,
        `args.x not in [${Array.from({ length: 1024 }, (_, i) => `"${(i + k * 2048 + 1024).toString(36)}"`).join(', ')}]`,
      ),
  ],
  [
    'instants against globs',
    (k) =>
      contains(
        `args.d ~ "20??-0?-1?T*"`,
        `args.d >= 2026-01-${String(1 + (k % 28)).padStart(2, '0')}T00:00:00Z and args.d < 2027-01-01T00:00:00Z and args.d !~ "*:3?:*"`,
      ),
  ],
  [
    'deep nesting',
    (k) => contains(`args.x == ${k}`, `${'not ('.repeat(30)}args.x == ${k}${')'.repeat(30)}`),
  ],
  [
    'quantifier mix',
    (k) =>
      contains(
        Array.from({ length: 10 }, (_, i) => `any args.xs ~ "*${i}*${k}"`),
        Array.from(
          { length: 10 },
          (_, i) => `all args.xs !~ "*${i + 5}*" or any args.xs == "${i}${k}"`,
        ),
      ),
  ],
  [
    'simplify of 60 overlapping conditions',
    (k) =>
      simplify(
        Array.from({ length: 60 }, (_, i) => `args.a${i % 7} > ${i + k} or tool ~ "t${i % 5}.*"`),
      ),
  ],
];
console.log('\n## adversarial inputs (20 runs each, no two alike)\n');
console.log('| input | median | max | answers |');
console.log('|---|---|---|---|');
for (const [name, fn] of adversarial) {
  const times: number[] = [];
  const answers = new Set<string>();
  for (let k = 0; k < 20; k++) {
    const t0 = performance.now();
    const r = fn(k);
    times.push(performance.now() - t0);
    answers.add(
      r.contained !== undefined
        ? String(r.contained)
        : r.satisfiable !== undefined
          ? String(r.satisfiable)
          : `${(r.text ?? '').length} chars`,
    );
  }
  times.sort((a, b) => a - b);
  console.log(
    `| ${name} | ${formatNs(times[10]! * 1e6)} | ${formatNs(times[19]! * 1e6)} | ${[...answers].join(', ')} |`,
  );
}
