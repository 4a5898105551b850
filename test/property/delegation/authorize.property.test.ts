// Laws of authorize over random chains (fast-check): the decision is the conjunction of every
// condition plus the principal rule, and a denial that asking could help carries its needed
// permission (never neededUnavailable); appending conditions never turns a denial into an
// allow; every reported failure fails on its own; flipping any byte of a token is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RootKeyring,
  TokenInvalidError,
  authorize,
  type AuthorizationDecision,
  createRootKey,
  delegate,
  mintDelegation,
} from '../../../src/delegation/index.js';
import {
  addFirstPartyCaveat,
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
} from '../../../src/macaroon/index.js';
import { chainSpec, conditionText, requestSpec } from './_arbitraries.js';
import { buildChain, expectedFailures, toRequest } from './_chains.js';

const ring = new RootKeyring([createRootKey({ id: 'prop' })]);
const RUNS = Number(process.env['MANDATE_PROPERTY_RUNS'] ?? 150);

describe('authorize laws', () => {
  it('equals the conjunction of all conditions and the principal rule, with exact places and authors', () => {
    fc.assert(
      fc.property(chainSpec, requestSpec, (spec, reqSpec) => {
        const chain = buildChain(ring, spec);
        const { request, now } = toRequest(reqSpec);
        const decision = authorize(chain.token, request, { rootKeys: ring, now });
        const expected = expectedFailures(chain, reqSpec);
        expect(decision.allowed).toBe(expected.length === 0);
        expect(decision.failures.map((f) => f.index)).toEqual(expected);
        for (const f of decision.failures) {
          if (f.kind === 'principal') {
            expect(f).toMatchObject({ block: chain.marker?.block, author: chain.marker?.author });
          } else {
            const c = chain.conditions.find((x) => x.index === f.index);
            expect(f).toMatchObject({
              kind: 'condition',
              block: c?.block,
              author: c?.author,
              caveat: c?.text,
            });
          }
        }
        // A denial that asking could help always says what to ask for; computing it never
        // fails (it would be reported as neededUnavailable, not thrown).
        if (!decision.allowed) {
          expect(decision.neededUnavailable).toBeUndefined();
          if (decision.failures.every((f) => f.kind === 'condition'))
            expect(decision.needed ?? decision.expired).toBeDefined();
        }
        // The cached path decides the same (up to what a spent algebra budget left undecided:
        // a garbage collection landing in one call can spend its budget and not the other's).
        const fresh = authorize(chain.token, request, { rootKeys: ring, now, cache: false });
        if (cut(fresh) || cut(decision)) expect(settled(fresh)).toEqual(settled(decision));
        else expect(fresh).toEqual(decision);
      }),
      { numRuns: RUNS },
    );
  });

  it('is monotone: appending conditions never turns a denial into an allow', () => {
    fc.assert(
      fc.property(
        chainSpec,
        requestSpec,
        fc.array(conditionText, { maxLength: 3 }),
        (spec, reqSpec, extra) => {
          const chain = buildChain(ring, spec);
          const { request, now } = toRequest(reqSpec);
          const before = authorize(chain.token, request, { rootKeys: ring, now });
          // Raw appends (no marker): the same principal rule applies.
          let raw = decodeMacaroon(chain.token);
          for (const text of extra) raw = addFirstPartyCaveat(raw, text);
          const after = authorize(encodeMacaroon(raw), request, { rootKeys: ring, now });
          if (!before.allowed) expect(after.allowed).toBe(false);
          // A delegation hop, used by the holder's delegate: denied for the holder ⇒ denied for it.
          const holder = chain.marker?.principal ?? reqSpec.principal ?? 'alice';
          const asHolder = authorize(
            chain.token,
            { ...request, principal: holder },
            { rootKeys: ring, now },
          );
          const hop = delegate(chain.token, { to: 'dave', conditions: extra }).token;
          const viaHop = authorize(hop, { ...request, principal: 'dave' }, { rootKeys: ring, now });
          if (!asHolder.allowed) expect(viaHop.allowed).toBe(false);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('reports only failures that fail on their own', () => {
    fc.assert(
      fc.property(chainSpec, requestSpec, (spec, reqSpec) => {
        const chain = buildChain(ring, spec);
        const { request, now } = toRequest(reqSpec);
        const decision = authorize(chain.token, request, { rootKeys: ring, now });
        for (const f of decision.failures) {
          if (f.kind === 'condition') {
            const alone = mintDelegation(ring, { conditions: [f.caveat] });
            const d = authorize(alone, request, { rootKeys: ring, now });
            expect(d.allowed).toBe(false);
            expect(d.failures.map((g) => [g.caveat, g.reason])).toEqual([[f.caveat, f.reason]]);
          } else {
            const principal = chain.marker?.principal ?? '';
            const alone = mintDelegation(ring, { to: principal, conditions: [] });
            expect(authorize(alone, request, { rootKeys: ring, now }).allowed).toBe(false);
          }
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a token with any byte flipped', () => {
    fc.assert(
      fc.property(chainSpec, fc.nat(), fc.integer({ min: 1, max: 255 }), (spec, at, mask) => {
        const chain = buildChain(ring, spec);
        const bytes = encodeMacaroonBinary(decodeMacaroon(chain.token));
        const i = at % bytes.length;
        bytes[i] = (bytes[i] as number) ^ mask;
        const tampered = Buffer.from(bytes).toString('base64url');
        expect(() =>
          authorize(tampered, { tool: 'fs.read', args: {} }, { rootKeys: ring }),
        ).toThrow(TokenInvalidError);
      }),
      { numRuns: RUNS * 2 },
    );
  });
});

function cut(decision: AuthorizationDecision): boolean {
  return !decision.allowed && decision.needed?.incomplete !== undefined;
}

/** A denial's needed permission without what a spent budget may cut (grantable, suggestions). */
function settled(decision: AuthorizationDecision): unknown {
  if (decision.allowed || decision.needed === undefined) return decision;
  const { scope, unexpressible, askFrom, grantableBy } = decision.needed;
  return { ...decision, needed: { scope, unexpressible, askFrom, grantableBy } };
}
