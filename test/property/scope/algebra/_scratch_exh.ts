import fc from 'fast-check';
import { contains } from '../../../../src/scope/algebra/index.js';
import { evaluateCaveat, printCaveat } from '../../../../src/scope/index.js';
import { samePathPairArb, universeFor, TOOLS, INSTANTS } from './_generators.js';
import type { Condition, ScopeRequest } from '../../../../src/scope/ast.js';
const N = Number(process.argv[2] ?? 300);
const seed = Number(process.argv[3] ?? 1);
let st = { t: 0, f: 0 };
fc.assert(fc.property(samePathPairArb, ([c, d]) => {
  const r = contains([c], [d], { limits: { timeLimitMs: 5000 } });
  if (r.contained === 'unknown') throw new Error('unknown');
  if (r.contained) st.t++; else st.f++;
  const path = c.kind === 'compare' || c.kind === 'member' ? c.path : null;
  if (path === null) return;
  let requests: ScopeRequest[];
  if (path.root === 'tool') requests = universeFor([c, d]).filter((v): v is string => typeof v === 'string').concat(TOOLS).map((tool) => ({ tool, args: {}, time: new Date(0) }));
  else if (path.root === 'time') requests = INSTANTS.flatMap((ms) => [ms - 1, ms, ms + 1]).map((ms) => ({ tool: 't', args: {}, time: new Date(ms) }));
  else {
    const put = (v: unknown) => { const args: Record<string, unknown> = {}; let o = args; path.keys.forEach((k, i) => { if (i === path.keys.length - 1) o[k] = v; else { o[k] = {}; o = o[k] as Record<string, unknown>; } }); return args; };
    requests = [...universeFor([c, d]).map((v) => ({ tool: 't', args: put(v), time: new Date(0) })), { tool: 't', args: {}, time: new Date(0) }];
  }
  for (const q of requests) {
    const sep = evaluateCaveat(d, q).holds && !evaluateCaveat(c, q).holds;
    if (sep && r.contained === true) throw new Error(`UNSOUND ${printCaveat(c)} ⊇ ${printCaveat(d)} but ${JSON.stringify(q)}`);
  }
}), { numRuns: N, seed });
console.log(st);
