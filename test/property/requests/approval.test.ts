// The law of approvals: whatever an agent grantor approves, the token it yields never allows a
// call that the grantor's own token refuses — over random grantor scopes, requester scopes,
// requested and narrowed scopes and time boxes. And when an approval is refused for exceeding
// the grantor, its witness really is a call the grant allows and the grantor refuses.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize, delegate } from '../../../src/delegation/index.js';
import {
  Delegator,
  RequestExceedsAuthorityError,
  RequestScopeNotRequestedError,
  RequestTokenError,
} from '../../../src/requests/index.js';
import { evaluateCaveat } from '../../../src/scope/index.js';
import { call, scope } from './_arbitraries.js';

const RUNS = Number(process.env['MANDATE_PROPERTY_RUNS'] ?? 100);
const NOW = new Date(Date.UTC(2026, 2, 1, 12));

describe('approval by an agent grantor', () => {
  it('never yields a token that allows a call the approver refuses', async () => {
    const delegator = await Delegator.inMemory({ now: () => NOW, watchIntervalMs: 0 });
    const rootKeys = delegator.rootKeys;
    let approvals = 0;
    let refusals = 0;
    await fc.assert(
      fc.asyncProperty(
        scope(3),
        fc.array(
          fc.constantFrom(...['tool == "fs.read"', 'args.n <= 3', 'args.path ~ "/repo/**"']),
          { maxLength: 2 },
        ),
        scope(3),
        fc.option(scope(2), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
        fc.array(call, { minLength: 30, maxLength: 30 }),
        async (plannerScope, coderScope, requested, narrowed, expiresIn, calls) => {
          const planner = await delegator.mint({ to: 'planner', conditions: plannerScope });
          const coder = delegate(planner, { to: 'coder', conditions: coderScope, now: NOW }).token;
          let id: string;
          try {
            ({ id } = await delegator.request({
              token: coder,
              principal: 'coder',
              scope: requested,
              reason: 'law',
            }));
          } catch (err) {
            if (err instanceof RequestTokenError) return; // a random scope that allows nothing at all
            throw err;
          }
          let token: string;
          try {
            const view = await delegator.approve(id, {
              by: { token: planner },
              ...(narrowed === undefined ? {} : { scope: [...requested, ...narrowed] }),
              ...(expiresIn === undefined ? {} : { expiresIn }),
            });
            if (view.outcome?.status !== 'approved')
              throw new Error('approve returned without an approval');
            token = view.outcome.token;
          } catch (err) {
            if (err instanceof RequestExceedsAuthorityError) {
              refusals += 1;
              // "Unknown" (a limit of the algebra was reached) refuses too, with no witness.
              if (err.witness === null) {
                await delegator.deny(id, { by: { token: planner }, reason: 'cannot tell' });
                return;
              }
              const witness = err.witness as Parameters<typeof evaluateCaveat>[1];
              expect(requested.every((c) => evaluateCaveat(c, witness).holds)).toBe(true);
              expect(
                authorize(
                  planner,
                  { ...witness, principal: 'planner' },
                  { rootKeys, now: witness.time },
                ).allowed,
              ).toBe(false);
              await delegator.deny(id, { by: { token: planner }, reason: 'beyond me' });
              return;
            }
            if (err instanceof RequestScopeNotRequestedError) throw err; // narrowed ⊆ requested by construction
            throw err;
          }
          approvals += 1;
          for (const c of calls) {
            const child = authorize(token, { ...c, principal: 'coder' }, { rootKeys, now: NOW });
            if (!child.allowed) continue;
            const parent = authorize(
              planner,
              { ...c, principal: 'planner' },
              { rootKeys, now: NOW },
            );
            expect(
              parent.allowed,
              `${JSON.stringify(c)} allowed for coder, refused for planner`,
            ).toBe(true);
          }
        },
      ),
      { numRuns: RUNS },
    );
    await delegator.close();
    expect(approvals).toBeGreaterThan(0);
    expect(refusals).toBeGreaterThan(0);
  });
});
