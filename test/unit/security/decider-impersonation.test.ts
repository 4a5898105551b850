/**
 * Regression: a principal name in a `to` marker is not a credential. Anyone can append
 * `to "planner"` to its own token, so a token whose last marker names the addressed grantor
 * proves nothing unless its chain is the one that wrote the requester's last block. A forged
 * "planner" token must not decide requests addressed to the real planner (its own, or a
 * sibling's), nor manage planner's standing policies, nor read planner's inbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { delegate } from '../../../src/delegation/index.js';
import { RequestForbiddenError } from '../../../src/requests/index.js';
import { setup, type Setup } from '../requests/_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

const READ = ['tool == "fs.read"', 'args.path ~ "/repo/docs/**"'];

describe('a token that merely names the grantor', () => {
  it('cannot approve its holder’s own request', async () => {
    s = await setup();
    const coder = s.sub('coder', READ);
    const ticket = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.list"', 'args.path ~ "/repo/**"'],
      reason: 'list',
    });
    const fakePlanner = delegate(coder, { to: 'planner', conditions: [] }).token;
    await expect(
      s.delegator.approve(ticket.id, { by: { token: fakePlanner } }),
    ).rejects.toBeInstanceOf(RequestForbiddenError);
    await expect(
      s.delegator.deny(ticket.id, { by: { token: fakePlanner }, reason: 'x' }),
    ).rejects.toBeInstanceOf(RequestForbiddenError);
    await expect(
      s.delegator.escalate(ticket.id, { by: { token: fakePlanner } }),
    ).rejects.toBeInstanceOf(RequestForbiddenError);
    expect((await s.delegator.get(ticket.id)).status).toBe('pending');
    // The real planner still can.
    await s.delegator.approve(ticket.id, { by: { token: s.planner } });
    expect((await s.delegator.get(ticket.id)).status).toBe('approved');
  });

  it('cannot decide a sibling’s request, see planner’s inbox, or touch its policies', async () => {
    s = await setup();
    const coder = s.sub('coder', READ);
    const sibling = s.sub('coder-2', ['tool == "fs.read"']);
    const ticket = await s.delegator.request({
      token: sibling,
      principal: 'coder-2',
      scope: ['tool == "fs.write"', 'args.path ~ "/repo/src/**"'],
      reason: 'write',
    });
    const fakePlanner = delegate(coder, { to: 'planner', conditions: [] }).token;
    await expect(
      s.delegator.deny(ticket.id, { by: { token: fakePlanner }, reason: 'no' }),
    ).rejects.toBeInstanceOf(RequestForbiddenError);
    await expect(
      s.delegator.approve(ticket.id, { by: { token: fakePlanner }, scope: READ }),
    ).rejects.toThrow();
    expect((await s.delegator.get(ticket.id)).status).toBe('pending');
    expect(await s.delegator.inbox({ token: fakePlanner })).toEqual([]);
    expect((await s.delegator.inbox({ token: s.planner })).map((i) => i.id)).toEqual([ticket.id]);

    const real = await s.delegator.addPolicy({
      grantor: { token: s.planner },
      effect: 'deny',
      scope: 'tool ~ "shell.*"',
    });
    await expect(
      s.delegator.removePolicy(real.id, { grantor: { token: fakePlanner } }),
    ).rejects.toThrow();
    expect((await s.delegator.policies({ token: s.planner })).map((p) => p.id)).toEqual([real.id]);
    expect(await s.delegator.policies({ token: fakePlanner })).toEqual([]);

    // A deny policy written with the forged token does not deny planner's requests.
    await s.delegator.addPolicy({
      grantor: { token: fakePlanner },
      effect: 'deny',
      scope: 'tool == "fs.write"',
    });
    expect((await s.delegator.get(ticket.id)).status).toBe('pending');
    const again = await s.delegator.request({
      token: sibling,
      principal: 'coder-2',
      scope: ['tool == "fs.write"', 'args.path ~ "/repo/src/x/**"'],
      reason: 'write more',
    });
    expect(again.status).toBe('pending');
  });
});
