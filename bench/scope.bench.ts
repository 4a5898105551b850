/**
 * Benchmarks of the scope DSL: parsing, compiling (cache miss and hit) and evaluating typical
 * caveats of 1, 3 and 10 comparisons, a path glob and an `in` list of 100; the explaining
 * evaluator on a denial; pathological globs against a 10 KB value; and the adversarial caveat of
 * issue 12 (29 long non-matching globs ORed, against a 1 MB argument), whose cost the glob work
 * budget bounds. There is no peer library for this DSL, so each row shows its target from the
 * issue instead of a ratio.
 * Run: `npx tsx bench/scope.bench.ts` (or `npm run bench -- scope`).
 */
import { measure, report } from './_harness.js';
import type { Measurement } from './_harness.js';
import {
  DEFAULT_SCOPE_LIMITS,
  compileCaveat,
  evaluateCaveat,
  globWork,
  matchGlob,
  parseCaveat,
} from '../src/scope/index.js';
import type { ScopeRequest } from '../src/scope/index.js';

const NOW = new Date('2026-06-01T00:00:00Z');

const TOOLS = Array.from({ length: 100 }, (_, i) => `tool.number_${i}`);
const CAVEATS: Record<string, string> = {
  '1 comparison': 'args.amount <= 100',
  '3 comparisons': 'tool == "bank.transfer" and args.to == "savings" and args.amount <= 100',
  '10 comparisons':
    'tool == "bank.transfer" and args.to == "savings" and args.amount <= 100 and args.amount > 0 and ' +
    'args.currency in ["EUR", "USD"] and args.memo != "x" and args.from ~ "acct-*" and ' +
    'time < 2027-01-01T00:00:00Z and args.approved == true and args.note !~ "*secret*"',
  'path glob': 'tool ~ "fs.*" and args.path ~ "/home/ana/project/**"',
  'in list of 100': `tool in [${TOOLS.map((t) => JSON.stringify(t)).join(', ')}]`,
};
const REQUESTS: Record<string, ScopeRequest> = {
  '1 comparison': { tool: 'bank.transfer', args: { amount: 50 }, time: NOW },
  '3 comparisons': { tool: 'bank.transfer', args: { to: 'savings', amount: 50 }, time: NOW },
  '10 comparisons': {
    tool: 'bank.transfer',
    args: {
      to: 'savings',
      amount: 50,
      currency: 'USD',
      memo: 'rent',
      from: 'acct-42',
      approved: true,
      note: 'monthly',
    },
    time: NOW,
  },
  'path glob': {
    tool: 'fs.read',
    args: { path: '/home/ana/project/src/scope/glob.ts' },
    time: NOW,
  },
  'in list of 100': { tool: 'tool.number_99', args: {}, time: NOW },
};

const rows: Measurement[] = [];
const extra: Record<string, Record<string, string>> = {};
function row(m: Measurement, target: string, targetNs?: number): void {
  rows.push(m);
  extra[m.name] = {
    target,
    met: targetNs === undefined ? '' : m.medianNs < targetNs ? 'yes' : 'NO',
  };
}

// Warm up the (large) generated parser and the compiler on every shape first, so that the
// first rows measure optimized code rather than the JIT at work.
let warm = 0;
for (const text of Object.values(CAVEATS)) {
  measure('warm-up', () => compileCaveat(`${text} and args.w${String(warm++)} != 0`), {
    timeMs: 300,
  });
}

for (const [name, text] of Object.entries(CAVEATS)) {
  row(
    measure(`parse ${name}`, () => parseCaveat(text)),
    name === 'in list of 100' ? '' : '< 20 µs',
    name === 'in list of 100' ? undefined : 20_000,
  );
}
report('scope: parse', rows.splice(0), extra);

for (const [name, text] of Object.entries(CAVEATS)) {
  // Distinct texts, more than the cache holds, so every call compiles (parse + build closures).
  const variants = Array.from({ length: 4096 }, (_, i) => `${text} and args.v${i} != 0`);
  let i = 0;
  row(
    measure(`compile ${name} (cache miss)`, () =>
      compileCaveat(variants[i++ % variants.length] as string),
    ),
    '',
  );
  row(
    measure(`compile ${name} (cached)`, () => compileCaveat(text)),
    '',
  );
}
report('scope: compile', rows.splice(0), extra);

for (const [name, text] of Object.entries(CAVEATS)) {
  const allows = compileCaveat(text);
  const request = REQUESTS[name] as ScopeRequest;
  if (!allows(request)) throw new Error(`benchmark request does not satisfy ${name}`);
  row(
    measure(`evaluate compiled ${name}`, () => allows(request)),
    name === '3 comparisons' ? '< 200 ns' : '',
    name === '3 comparisons' ? 200 : undefined,
  );
}
{
  const denied: ScopeRequest = {
    tool: 'bank.transfer',
    args: { to: 'savings', amount: 500 },
    time: NOW,
  };
  const text = CAVEATS['3 comparisons'] as string;
  row(
    measure('evaluateCaveat 3 comparisons, denied (with reason)', () =>
      evaluateCaveat(text, denied),
    ),
    '',
  );
  const allowed = REQUESTS['3 comparisons'] as ScopeRequest;
  row(
    measure('evaluateCaveat 3 comparisons, allowed', () => evaluateCaveat(text, allowed)),
    '',
  );
}
report('scope: evaluate', rows.splice(0), extra);

const TEN_KB = 'a'.repeat(10_240);
const TEN_KB_PATH = `${'aaaaaaa/'.repeat(1_280)}`;
// A value that lacks one of the pattern's literals is refused by `indexOf` before the automaton
// runs; the "(literals present)" rows end the value with them behind a `/` that `*` cannot
// cross, so the automaton reads the whole 10 KB.
const PATHOLOGICAL: [string, string, string][] = [
  ['*a*a*a*a*a*a*a*a*a*a*a (match)', '*a*a*a*a*a*a*a*a*a*a*a', TEN_KB],
  ['*a*a*a*a*a*a*a*a*a*a*?c* (no match)', '*a*a*a*a*a*a*a*a*a*a*?c*', TEN_KB],
  [
    '*a*a*a*a*a*a*a*a*a*a*?c* (no match, literals present)',
    '*a*a*a*a*a*a*a*a*a*a*?c*',
    `${TEN_KB}/bc`,
  ],
  ['**a**a**a**a**a**a**c** (no match, 10 KB path)', '**a**a**a**a**a**a**c**', TEN_KB_PATH],
  ['(*a)×127*c* : 256-char pattern (no match)', `${'*a'.repeat(127)}*c*`, TEN_KB],
  [
    '(*a)×127*c* : 256-char pattern (no match, literals present)',
    `${'*a'.repeat(127)}*c*`,
    `${TEN_KB}/c`,
  ],
];
for (const [name, pattern, value] of PATHOLOGICAL) {
  row(
    measure(`glob ${name} vs 10 KB`, () => matchGlob(pattern, value)),
    '< 1 ms',
    1_000_000,
  );
}
report('scope: pathological globs', rows.splice(0), extra);

// Issue 12: one caveat ORs 29 long globs that do not match, against a 1 MB argument. Each
// pattern is distinct, so no prefix or suffix peeling helps.
const ADVERSARIAL = Array.from(
  { length: 29 },
  (_, i) => `args.x ~ ${JSON.stringify(`${'*a'.repeat(120)}*c${i}*`)}`,
).join(' or ');
const ONE_MB: ScopeRequest = { tool: 't', args: { x: 'a'.repeat(1 << 20) }, time: NOW };
{
  const allows = compileCaveat(ADVERSARIAL);
  row(
    measure('29 globs × 1 MB argument, compiled', () => allows(ONE_MB), { timeMs: 2000 }),
    '< 10 ms',
    10_000_000,
  );
  row(
    measure(
      '29 globs × 1 MB argument, evaluateCaveat (denied, with reason)',
      () => evaluateCaveat(ADVERSARIAL, ONE_MB),
      { timeMs: 2000 },
    ),
    '< 10 ms',
    10_000_000,
  );
}
// The worst this evaluator lets a request cost: caveats priced just under maxGlobWork (the
// long-pattern OR above, one short pattern, 128 short patterns), against a value that holds every
// literal of every pattern behind a `/` that their `*` cannot cross, so each automaton reads the
// value to that `/` and the `indexOf` prefilter cannot help.
const BUDGET = DEFAULT_SCOPE_LIMITS.maxGlobWork;
const WITHIN: [string, string, number, string][] = [
  [
    '29 globs of 244 characters',
    ADVERSARIAL,
    29 * 8,
    Array.from({ length: 29 }, (_, i) => `c${i}`).join(''),
  ],
  ['one glob "*PRIVATE KEY*"', 'args.x !~ "*PRIVATE KEY*"', 1, 'PRIVATE KEY'],
  [
    '128 short globs',
    Array.from({ length: 128 }, (_, i) => `args.x ~ ${JSON.stringify(`*a*c${i}*`)}`).join(' or '),
    128,
    Array.from({ length: 128 }, (_, i) => `c${i}`).join(''),
  ],
];
for (const [name, text, weight, literals] of WITHIN) {
  const allows = compileCaveat(text);
  const tail = `/${literals}`;
  const request: ScopeRequest = {
    tool: 't',
    args: { x: 'a'.repeat(Math.floor(BUDGET / weight) - 1 - tail.length) + tail },
    time: NOW,
  };
  if (globWork(allows.condition, request) > BUDGET) throw new Error(`${name} is over budget`);
  if (allows.truth(request) === undefined) throw new Error(`${name} was not matched`);
  row(
    measure(`${name}, just within maxGlobWork`, () => allows(request), { timeMs: 1000 }),
    '< 10 ms',
    10_000_000,
  );
  // A denial matches twice: the verdict, then the walk that finds the reason.
  row(
    measure(
      `${name}, just within maxGlobWork, evaluateCaveat`,
      () => evaluateCaveat(text, request),
      {
        timeMs: 1000,
      },
    ),
    '< 10 ms',
    10_000_000,
  );
}
report('scope: adversarial caveat', rows.splice(0), extra);
