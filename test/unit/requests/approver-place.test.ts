/**
 * Issue 12, audit attribution: a coder that appended `to "planner"` then `to "coder"` to its own
 * token could approve its own request "as planner" (the token ending in `to "planner"` stands
 * exactly at the place that wrote the request's last block), and the audit log said "planner
 * approved". A principal can write every place below one it holds, so an approver whose place
 * passes through the requester's name may be the requester itself: it is refused for every
 * decision (approve, deny, escalate, and a standing policy's), and such a request is in no
 * inbox of such a place. Decision entries record the decider's place (the grantees of its
 * token's blocks), not just a name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { delegate } from '../../../src/delegation/index.js';
import { setup, type Setup } from './_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

/** `token` with a bare `to "<name>"` block appended by its holder. */
function append(token: string, to: string): string {
  return delegate(token, { to, conditions: [], now: s.clock.now() }).token;
}

/** The coder (under planner), and the two tokens of its self-approval attempt. */
function forgedChain(): { coder: string; asPlanner: string; asCoder: string } {
  const coder = s.sub('coder', ['tool in ["fs.read", "fs.write"]']);
  const asPlanner = append(coder, 'planner');
  const asCoder = append(asPlanner, 'coder');
  return { coder, asPlanner, asCoder };
}

const WRITE = 'tool == "fs.write"';

describe('an approver whose place passes through the requester', () => {
  it('cannot approve, deny or escalate the request, and does not see it', async () => {
    s = await setup();
    const { asPlanner, asCoder } = forgedChain();
    const { id } = await s.delegator.request({
      token: asCoder,
      principal: 'coder',
      scope: [WRITE],
      reason: 'write the fix',
    });
    expect((await s.delegator.get(id)).grantor).toBe('planner');
    const by = { token: asPlanner };
    await expect(s.delegator.approve(id, { by })).rejects.toMatchObject({
      code: 'ERR_REQUEST_FORBIDDEN',
      reason: 'self-decision',
    });
    await expect(s.delegator.approve(id, { by })).rejects.toThrow(
      /this token's planner descends from coder, which asked for request req_\w+: it cannot decide it/,
    );
    await expect(s.delegator.deny(id, { by, reason: 'no' })).rejects.toMatchObject({
      reason: 'self-decision',
    });
    await expect(s.delegator.escalate(id, { by })).rejects.toMatchObject({
      reason: 'self-decision',
    });
    await expect(s.delegator.preview(id, { by })).rejects.toMatchObject({
      reason: 'self-decision',
    });
    expect(await s.delegator.inbox(by)).toEqual([]);
    expect((await s.delegator.get(id)).status).toBe('pending');
    expect(await s.delegator.audit({ kind: 'approve' })).toEqual([]);
  });

  it('cannot approve it through a standing policy either', async () => {
    s = await setup();
    const { asPlanner, asCoder } = forgedChain();
    await s.delegator.addPolicy({
      grantor: { token: asPlanner },
      effect: 'approve',
      scope: [WRITE],
    });
    const ticket = await s.delegator.request({
      token: asCoder,
      principal: 'coder',
      scope: [WRITE],
      reason: 'write the fix',
    });
    expect(ticket.status).toBe('pending');
    await s.delegator.addPolicy({ grantor: { token: asPlanner }, effect: 'deny', scope: [WRITE] });
    expect((await s.delegator.get(ticket.id)).status).toBe('pending');
  });

  it('is decided by nobody else: the real planner stands elsewhere, and only the requester withdraws it', async () => {
    s = await setup();
    const { asCoder } = forgedChain();
    const { id } = await s.delegator.request({
      token: asCoder,
      principal: 'coder',
      scope: [WRITE],
      reason: 'write the fix',
    });
    // The real planner's token stands at ["planner"], not at the place that wrote the last block.
    await expect(s.delegator.approve(id, { by: { token: s.planner } })).rejects.toMatchObject({
      reason: 'not-addressed-grantor',
    });
    await expect(s.delegator.approve(id, { by: 'owner' })).rejects.toMatchObject({
      reason: 'not-addressed-grantor',
    });
    expect((await s.delegator.cancel(id, { by: { token: asCoder } })).status).toBe('cancelled');
  });
});

describe('the decider’s place in the audit log', () => {
  it('records the place of whoever approves, denies or escalates', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const helper = delegate(coder, { to: 'helper', conditions: [], now: s.clock.now() }).token;
    const ask = (token: string, principal: string, scope: string) =>
      s.delegator.request({ token, principal, scope: [scope], reason: 'need it' });

    const a = await ask(helper, 'helper', 'tool == "fs.read" and args.path == "/repo/a"');
    await s.delegator.approve(a.id, { by: { token: coder } });
    const b = await ask(coder, 'coder', 'tool == "fs.list"');
    await s.delegator.deny(b.id, { by: { token: s.planner }, reason: 'not now' });
    const c = await ask(coder, 'coder', 'tool == "fs.write"');
    const linked = await s.delegator.escalate(c.id, { by: { token: s.planner } });
    await s.delegator.approve(linked.id, { by: 'owner' });

    const places = (await s.delegator.audit())
      .filter((e) => ['approve', 'deny', 'escalate'].includes(e.kind))
      .map((e) => [e.kind, e.actor, e.details['place']]);
    expect(places).toEqual([
      ['approve', 'coder', ['planner', 'coder']],
      ['deny', 'planner', ['planner']],
      ['escalate', 'planner', ['planner']],
      ['approve', 'owner', []],
    ]);
  });

  it('records the place of a standing policy’s author', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    await s.delegator.addPolicy({
      grantor: { token: s.planner },
      effect: 'approve',
      scope: 'tool == "fs.list"',
    });
    await s.delegator.addPolicy({ grantor: { token: s.planner }, effect: 'deny', scope: [WRITE] });
    await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.list"'],
      reason: 'look around',
    });
    await s.delegator.request({ token: coder, principal: 'coder', scope: [WRITE], reason: 'save' });
    const decisions = (await s.delegator.audit())
      .filter((e) => e.kind === 'approve' || e.kind === 'deny')
      .map((e) => [e.kind, e.details['via'], e.details['place']]);
    expect(decisions).toEqual([
      ['approve', 'policy', ['planner']],
      ['deny', 'policy', ['planner']],
    ]);
  });
});
