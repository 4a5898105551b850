// A revoked hop's descendants are never allowed, and nothing else is refused: over random
// delegation trees (subagent hops and in-place attenuations) with random revocations, a token
// is refused exactly when it, or a token it was derived from, or a grantee on its way, is revoked.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RevocationList,
  RootKeyring,
  authorize,
  createRootKey,
  delegate,
  mintDelegation,
  verifyDelegation,
} from '../../../src/delegation/index.js';
import {
  addFirstPartyCaveat,
  decodeMacaroon,
  encodeMacaroon,
} from '../../../src/macaroon/index.js';

const ring = new RootKeyring([createRootKey({ id: 'prop' })]);
const RUNS = Number(process.env['MANDATE_PROPERTY_RUNS'] ?? 100);
const NOW = new Date('2026-03-01T12:00:00Z');

interface Node {
  readonly token: string;
  readonly principal: string;
  /** Indices of the nodes it was derived from (its ancestors), and itself. */
  readonly lineage: readonly number[];
  /** The grantees on its way. */
  readonly place: readonly string[];
}

/** Step k derives a token from node `from`: a subagent hop (to a name) or an attenuation. */
const step = fc.record({
  from: fc.nat(),
  kind: fc.constantFrom('hop', 'attenuate'),
  name: fc.constantFrom('a', 'b', 'c', 'd'),
});

function grow(steps: readonly { from: number; kind: string; name: string }[]): Node[] {
  const root = mintDelegation(ring, {
    to: 'root',
    conditions: ['tool ~ "fs.*"'],
    now: NOW,
    expiresIn: 3600,
  });
  const nodes: Node[] = [{ token: root, principal: 'root', lineage: [0], place: ['root'] }];
  for (const s of steps) {
    const parent = nodes[s.from % nodes.length] as Node;
    const k = nodes.length;
    const token =
      s.kind === 'hop'
        ? delegate(parent.token, { to: s.name, conditions: [`args.n != ${k}`], now: NOW }).token
        : encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(parent.token), `args.m != ${k}`));
    nodes.push({
      token,
      principal: s.kind === 'hop' ? s.name : parent.principal,
      lineage: [...parent.lineage, k],
      place: s.kind === 'hop' ? [...parent.place, s.name] : parent.place,
    });
  }
  return nodes;
}

describe('revocation laws', () => {
  it('refuses exactly the descendants of revoked tokens and the hops of revoked principals', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.option(fc.constantFrom('a', 'b', 'c', 'd'), { nil: undefined }),
        (steps, picks, principal) => {
          const nodes = grow(steps);
          const revoked = new Set(picks.map((p) => p % nodes.length));
          const list = new RevocationList();
          let seq = 0;
          list.add(
            [...revoked].map((i) => {
              const d = verifyDelegation((nodes[i] as Node).token, { rootKeys: ring });
              return {
                seq: ++seq,
                kind: 'hop' as const,
                target: d.hops.id,
                delegationId: d.delegationId,
                by: 'owner',
                at: 0,
                reason: 'r',
              };
            }),
          );
          if (principal !== undefined)
            list.add([
              {
                seq: ++seq,
                kind: 'principal',
                target: principal,
                delegationId: null,
                by: 'owner',
                at: 0,
                reason: 'r',
              },
            ]);
          for (const node of nodes) {
            const expected =
              !node.lineage.some((i) => revoked.has(i)) &&
              (principal === undefined || !node.place.includes(principal));
            const d = authorize(
              node.token,
              { tool: 'fs.read', args: { n: -1, m: -1 }, principal: node.principal },
              { rootKeys: ring, now: NOW, revocations: list },
            );
            expect(d.allowed).toBe(expected);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
