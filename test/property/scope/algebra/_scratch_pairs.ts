let seed = 42;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
}
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;

const USERS = ['ana', 'bob', 'chen', 'dee', 'eli'];
const TOOLS = ['fs.read', 'fs.write', 'fs.list', 'bank.transfer', 'bank.get_balance', 'shell.exec', 'http.get', 'mail.send'];

/** A token's scope: up to 10 conditions, ~30 comparisons, globs with up to 5 wildcards. */
function tokenScope(i: number): string[] {
  const user = pick(USERS);
  const limit = 100 + rand(900) + i;
  const day = 1 + rand(27);
  return [
    `tool in [${TOOLS.slice(0, 3 + rand(4)).map((t) => JSON.stringify(t)).join(', ')}]`,
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
    ? [`tool == "fs.read"`, `args.path ~ "/home/${user}/project${i % 50}/src/*.ts"`, `time < 2026-06-01T00:00:00Z`]
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

import { contains } from '../../../../src/scope/algebra/index.js';
const slow: [number, number, string][] = [];
pairs.forEach(([o, i]) => contains(o, i.map((t) => t + ' ')));
pairs.forEach(([o, i], k) => {
  const c = process.cpuUsage(); const t = performance.now();
  const r = contains(o, i);
  const u = process.cpuUsage(c);
  const w = performance.now() - t;
  if ((u.user + u.system) / 1000 > 3 || r.contained === 'unknown') slow.push([w, (u.user + u.system) / 1000, `${k} ${String(r.contained)} ${r.contained === 'unknown' ? r.reason : ''}`]);
});
slow.sort((a, b) => b[1] - a[1]);
for (const s of slow.slice(0, 25)) console.log(s[0].toFixed(1), s[1].toFixed(1), s[2]);
console.log(slow.length);
