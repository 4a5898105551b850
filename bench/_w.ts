import { authorize, RevocationList, verifyDelegation, delegate, mintDelegation, RootKeyring, createRootKey } from '../src/delegation/index.js';
const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
const NOW = new Date('2026-03-01T12:00:00Z');
const t = delegate(mintDelegation(ring, { to: 'planner', conditions: ['tool ~ "fs.*"', 'args.n <= 100'], now: NOW, expiresIn: 3600 }), { to: 'coder', conditions: ['args.path ~ "/repo/**"', 'args.n >= 0'], now: NOW }).token;
const d = verifyDelegation(t, { rootKeys: ring });
const list = new RevocationList();
list.add(Array.from({ length: 100000 }, (_, i) => ({ seq: i + 1, kind: 'hop' as const, target: `hop_${i.toString(16).padStart(32, '0')}`, delegationId: `m${i}`, by: 'owner', at: 0, reason: 'x' })));
list.add([{ seq: 100001, kind: 'hop', target: 'hop_' + 'f'.repeat(32), delegationId: d.delegationId, by: 'owner', at: 0, reason: 'x' }]);
const req = { tool: 'fs.read', args: { path: '/repo/a', n: 5 }, principal: 'coder' };
const a = { rootKeys: ring, now: NOW }, b = { rootKeys: ring, now: NOW, revocations: list };
if (!authorize(t, req, b).allowed) throw new Error('denied');
for (let round = 0; round < 3; round++) for (const [name, o] of [['without', a], ['with 100k', b]] as const) {
  const N = 1_000_000; const t0 = performance.now(); for (let i = 0; i < N; i++) authorize(t, req, o); console.log(name, ((performance.now() - t0) / N * 1e6).toFixed(0), 'ns');
}
