import fc from 'fast-check';
import { contains, simplify, intersect, union, residual, satisfiable } from '/work/main/src/scope/algebra/index.js';
import { evaluateCaveat, printCaveat } from '/work/main/src/scope/index.js';
import { relatedPairArb, requestFor, scopeArb } from './_generators.js';
import type { Condition, ScopeRequest } from '/work/main/src/scope/ast.js';
const allows = (cs: readonly Condition[], r: ScopeRequest) => cs.every((c) => evaluateCaveat(c, r).holds);
const txt = (cs: readonly Condition[]) => cs.map((c) => printCaveat(c)).join(' ;; ');
let stats = { t: 0, f: 0, u: 0 };
const N = Number(process.argv[2] ?? 300);
const seed = Number(process.argv[3] ?? Date.now() % 100000);
console.log('seed', seed);
fc.assert(fc.property(relatedPairArb(2), fc.context(), ([outer, inner], ctx) => {
  const r = contains(outer, inner, { limits: { timeLimitMs: 5000 } });
  if (r.contained === 'unknown') { stats.u++; console.log('UNKNOWN', r.reason, txt(outer), '|', txt(inner)); return; }
  if (r.contained) stats.t++; else stats.f++;
  const reqs = fc.sample(requestFor([...outer, ...inner]), 40);
  for (const q of reqs) {
    if (r.contained === true && allows(inner, q) && !allows(outer, q)) throw new Error(`UNSOUND contained: outer=${txt(outer)} inner=${txt(inner)} req=${JSON.stringify(q)}`);
  }
  for (const sc of [outer, inner]) {
    const s = simplify(sc);
    for (const q of reqs) if (allows([s.condition], q) !== allows(sc, q)) throw new Error(`SIMPLIFY ${txt(sc)} => ${s.text} req=${JSON.stringify(q)}`);
  }
  const i = intersect(outer, inner), u = union(outer, inner);
  for (const q of reqs) {
    if (allows([i.condition], q) !== (allows(outer, q) && allows(inner, q))) throw new Error(`INTERSECT ${txt(outer)} | ${txt(inner)} => ${i.text} req=${JSON.stringify(q)}`);
    if (allows([u.condition], q) !== (allows(outer, q) || allows(inner, q))) throw new Error(`UNION ${txt(outer)} | ${txt(inner)} => ${u.text} req=${JSON.stringify(q)}`);
    for (const ctx2 of [{ tool: q.tool, time: q.time }, { tool: q.tool }]) {
      const res = residual(inner, ctx2);
      const want = allows(inner, q);
      const got = res.status === 'allowed' ? true : res.status === 'denied' ? false : evaluateCaveat(res.condition!, q).holds;
      if (got !== want) throw new Error(`RESIDUAL ${txt(inner)} ctx=${JSON.stringify(ctx2)} => ${JSON.stringify(res)} req=${JSON.stringify(q)}`);
    }
  }
  const sat = satisfiable(inner);
  if (sat.satisfiable === false) for (const q of reqs) if (allows(inner, q)) throw new Error(`SAT ${txt(inner)}`);
}), { numRuns: N, seed });
console.log(stats);
