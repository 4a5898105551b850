// The three laws of "an approval widens only what blocked" (docs/requests.md), over random
// grantor scopes, requester scopes, requested scopes and time boxes, checked call by call with
// the real authorize and evaluator:
//   1. the new token never allows anything outside grantor ∧ (previous ∨ granted);
//   2. everything the previous token allowed stays allowed, also after the time box ends;
//   3. a call allowed only through the grant satisfies the granted scope and every condition of
//      the previous token that reads none of the fields the granted scope reads (fields are
//      read off the printed text here, independently of the library's own reading).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize, delegate } from '../../../src/delegation/index.js';
import {
  Delegator,
  RequestExceedsAuthorityError,
  RequestTokenError,
} from '../../../src/requests/index.js';
import { evaluateCaveat } from '../../../src/scope/index.js';
import { call, scope } from './_arbitraries.js';

const RUNS = Number(process.env['MANDATE_PROPERTY_RUNS'] ?? 100);
const NOW = new Date(Date.UTC(2026, 2, 1, 12));

/** The fields a printed condition of the arbitraries' space reads. */
function fieldsOf(text: string): Set<string> {
  return new Set(text.match(/\btool\b|\bargs\.\w+|\btime\b/g) ?? []);
}

const holds = (text: string, c: { tool: string; args: Record<string, unknown> }, time: Date) =>
  evaluateCaveat(text, { ...c, time }).holds;

describe('an approval widens only what blocked', () => {
  it('obeys the three laws for every call', async () => {
    const delegator = await Delegator.inMemory({ now: () => NOW, watchIntervalMs: 0 });
    const rootKeys = delegator.rootKeys;
    let approvals = 0;
    let widened = 0;
    await fc.assert(
      fc.asyncProperty(
        scope(2),
        scope(2),
        scope(2),
        fc.option(fc.integer({ min: 60, max: 3600 }), { nil: undefined }),
        fc.array(call, { minLength: 40, maxLength: 40 }),
        async (plannerScope, coderScope, requested, expiresIn, calls) => {
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
            if (err instanceof RequestTokenError) return; // a coder scope that allows nothing
            throw err;
          }
          let token: string;
          try {
            const view = await delegator.approve(id, {
              by: { token: planner },
              ...(expiresIn === undefined ? {} : { expiresIn }),
            });
            if (view.outcome?.status !== 'approved') throw new Error('not approved');
            token = view.outcome.token;
          } catch (err) {
            if (!(err instanceof RequestExceedsAuthorityError)) throw err;
            await delegator.deny(id, { by: { token: planner }, reason: 'beyond me' });
            return;
          }
          approvals += 1;
          const previous = [...plannerScope, ...coderScope];
          const grantFields = new Set(requested.flatMap((t) => [...fieldsOf(t)]));
          if (expiresIn !== undefined) grantFields.add('time');
          const kept = previous.filter((t) => [...fieldsOf(t)].every((f) => !grantFields.has(f)));
          const later = new Date(NOW.getTime() + ((expiresIn ?? 0) + 1) * 1000);
          for (const c of calls) {
            for (const time of expiresIn === undefined ? [NOW] : [NOW, later]) {
              const options = { rootKeys, now: time };
              const asCoder = { ...c, principal: 'coder' };
              const after = authorize(token, asCoder, options).allowed;
              const before = authorize(coder, asCoder, options).allowed;
              const grantor = authorize(planner, { ...c, principal: 'planner' }, options).allowed;
              const granted = requested.every((t) => holds(t, c, time));
              const inBox = expiresIn === undefined || time < later;
              const at = `${JSON.stringify(c)} at ${time.toISOString()}`;
              // 1. Never wider than grantor ∧ (previous ∨ granted within its box).
              if (after) expect(grantor && (before || (granted && inBox)), at).toBe(true);
              // 2. What the previous token allowed stays allowed.
              if (before) expect(after, at).toBe(true);
              // 3. Allowed only through the grant: the grant and every restriction it left alone.
              if (after && !before) {
                widened += 1;
                expect(granted, at).toBe(true);
                for (const t of kept) expect(holds(t, c, time), `${at}: ${t}`).toBe(true);
              }
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    await delegator.close();
    expect(approvals).toBeGreaterThan(0);
    expect(widened).toBeGreaterThan(0);
  });
});
