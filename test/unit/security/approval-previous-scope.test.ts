/**
 * Regression: an approval must hand the requester no more than (what its token allowed) or
 * (what was granted). Taking "what it allowed" from the requester's last block alone is wrong
 * whenever the grantor's current token is not the prefix the requester's token was derived
 * from — e.g. after the grantor's own authority grew by an escalation — and wrong when the
 * requester routes a request through hops it appended itself (which must not be decidable by
 * the real grantor at all).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { delegate } from '../../../src/delegation/index.js';
import { RequestForbiddenError } from '../../../src/requests/index.js';
import { setup, type Setup } from '../requests/_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

async function approvedToken(id: string): Promise<string> {
  const outcome = (await s.delegator.get(id)).outcome;
  if (outcome?.status !== 'approved') throw new Error(`request ${id} is not approved`);
  return outcome.token;
}

describe('the previous scope kept by an approval', () => {
  it("comes from the requester's whole token, not only its last block", async () => {
    s = await setup({ plannerScope: ['tool == "fs.read"'] });
    // planner hands coder everything it has (an empty block).
    const coder = s.sub('coder', []);
    // planner's own authority then grows: the owner grants it fs.write and fs.list.
    const up = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool in ["fs.write", "fs.list"]'],
      reason: 'more',
    });
    await s.delegator.approve(up.id, { by: 'owner' });
    const planner2 = await approvedToken(up.id);

    // coder asks planner for fs.list only, and planner grants exactly that.
    const ticket = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.list"'],
      reason: 'list',
    });
    await s.delegator.approve(ticket.id, { by: { token: planner2 } });
    const granted = await approvedToken(ticket.id);
    expect(s.allows(granted, 'coder', 'fs.read')).toBe(true);
    expect(s.allows(granted, 'coder', 'fs.list')).toBe(true);
    // fs.write was granted to planner, never to coder.
    expect(s.allows(granted, 'coder', 'fs.write')).toBe(false);
  });

  it('a request routed through hops the requester appended cannot be decided by the real grantor', async () => {
    s = await setup();
    await s.delegator.addPolicy({
      grantor: { token: s.planner },
      effect: 'approve',
      scope: ['tool == "fs.list"', 'args.path ~ "/repo/**"'],
    });
    const coder = s.sub('coder', ['tool == "fs.read"', 'args.path ~ "/repo/docs/**"']);
    // coder appends an empty block to "planner" and an empty one, "by planner", to "evil".
    const forged = delegate(delegate(coder, { to: 'planner', conditions: [] }).token, {
      to: 'evil',
      conditions: [],
    }).token;
    const ticket = await s.delegator.request({
      token: forged,
      principal: 'evil',
      scope: ['tool == "fs.list"', 'args.path ~ "/repo/**"'],
      reason: 'list',
    });
    expect(ticket.status).toBe('pending'); // planner's policy does not speak for this request
    await expect(
      s.delegator.approve(ticket.id, { by: { token: s.planner } }),
    ).rejects.toBeInstanceOf(RequestForbiddenError);
  });
});
