/**
 * Escalation: a linked request up the chain; the intermediate grantor's token updated when it
 * is approved (to attached sessions, awaiters and policies); the original reopened or approved
 * automatically; denials flowing down; longer chains resolving bottom-up; withdrawal; and
 * idempotency of linked requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { authorize, delegate, mintDelegation } from '../../../src/delegation/index.js';
import { Delegator, createMemoryStore } from '../../../src/requests/index.js';
import { Clock, PLANNER_SCOPE, setup, type Setup } from './_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

const SHELL = ['tool == "shell.exec"', 'args.cmd == "make test"'];

async function coderAsksForShell(): Promise<{ coder: string; id: string }> {
  const coder = s.sub('coder', ['tool == "fs.read"']);
  const { id } = await s.delegator.request({
    token: coder,
    principal: 'coder',
    scope: SHELL,
    reason: 'run the tests',
  });
  return { coder, id };
}

function approvedToken(outcome: unknown): string {
  const o = outcome as { status: string; token?: string };
  if (o.status !== 'approved' || o.token === undefined)
    throw new Error(`not approved: ${JSON.stringify(o)}`);
  return o.token;
}

describe('escalate', () => {
  it('opens a linked request from the grantor to its grantor, for the scope asked', async () => {
    s = await setup();
    const { id } = await coderAsksForShell();
    const linked = await s.delegator.escalate(id, { by: { token: s.planner } });
    expect(linked).toMatchObject({
      status: 'pending',
      requester: 'planner',
      grantor: 'owner',
      scope: SHELL,
      escalationOf: id,
    });
    expect(linked.reason).toContain('run the tests');
    expect(linked.expiresAt).toEqual((await s.delegator.get(id)).expiresAt);
    expect(await s.delegator.get(id)).toMatchObject({
      status: 'escalated',
      escalatedTo: linked.id,
    });
    expect((await s.delegator.inbox('owner')).map((i) => i.id)).toEqual([linked.id]);
    expect(await s.delegator.poll(id)).toMatchObject({ error: 'authorization_pending' });
    await expect(s.delegator.approve(id, { by: { token: s.planner } })).rejects.toMatchObject({
      code: 'ERR_REQUEST_NOT_PENDING',
      status: 'escalated',
    });
  });

  it('reopens the original when approved above, with the new token delivered; then the grantor approves', async () => {
    s = await setup();
    const { id } = await coderAsksForShell();
    const delivered: string[] = [];
    const plannerSession = {
      principal: 'planner',
      token: s.planner,
      updateDelegation: (t: string) => delivered.push(t),
    };
    const stranger = {
      principal: 'planner',
      token: 'another chain',
      updateDelegation: (t: string) => delivered.push(`x${t}`),
    };
    s.delegator.attach(plannerSession);
    s.delegator.attach(stranger);
    const linked = await s.delegator.escalate(id, { by: { token: s.planner } });
    const plannerWaits = s.delegator.awaitResponse(linked.id);
    await s.delegator.approve(linked.id, { by: 'owner' });
    const newPlanner = approvedToken(await plannerWaits);
    expect(delivered).toEqual([newPlanner]);
    expect(await s.delegator.get(id)).toMatchObject({ status: 'pending' });
    expect((await s.delegator.inbox({ token: newPlanner }))[0]).toMatchObject({
      id,
      verdict: { contained: true },
    });
    await s.delegator.approve(id, { by: { token: newPlanner } });
    const coderToken = approvedToken((await s.delegator.get(id)).outcome);
    expect(
      s.allows(coderToken, 'coder', 'shell.exec', { path: '/repo/test/run', cmd: 'make test' }),
    ).toBe(true);
    expect(
      s.allows(coderToken, 'coder', 'shell.exec', { path: '/repo/test/run', cmd: 'rm -rf /' }),
    ).toBe(false);
    expect((await s.delegator.audit({ requestId: id })).map((e) => e.kind)).toEqual([
      'request',
      'escalate',
      'reopen',
      'approve',
    ]);
  });

  it('approves the original automatically when asked to, following a narrower, time-boxed grant', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "shell.exec"'],
      reason: 'run things',
    });
    const coderWaits = s.delegator.awaitResponse(id);
    const linked = await s.delegator.escalate(id, { by: { token: s.planner }, autoApprove: true });
    await s.delegator.approve(linked.id, { by: 'owner', scope: SHELL, expiresIn: 600 });
    const outcome = await coderWaits;
    expect(outcome).toMatchObject({
      status: 'approved',
      scope: SHELL,
      expiresAt: new Date(s.clock.ms + 600_000),
    });
    const token = approvedToken(outcome);
    expect(
      s.allows(token, 'coder', 'shell.exec', { path: '/repo/test/run', cmd: 'make test' }),
    ).toBe(true);
    expect(
      s.allows(token, 'coder', 'shell.exec', { path: '/repo/test/run', cmd: 'make deploy' }),
    ).toBe(false);
    s.clock.advance(600);
    expect(
      s.allows(token, 'coder', 'shell.exec', { path: '/repo/test/run', cmd: 'make test' }),
    ).toBe(false);
    const approval = (await s.delegator.audit({ requestId: id, kind: 'approve' }))[0];
    expect(approval).toMatchObject({ actor: 'planner', details: { via: 'escalation' } });
  });

  it('flows a denial above down to the original', async () => {
    s = await setup();
    const { id } = await coderAsksForShell();
    const coderWaits = s.delegator.awaitResponse(id);
    const linked = await s.delegator.escalate(id, { by: { token: s.planner }, autoApprove: true });
    await s.delegator.deny(linked.id, { by: 'owner', reason: 'no shells' });
    expect(await coderWaits).toEqual({
      status: 'denied',
      reason: 'escalation denied by owner: no shells',
    });
  });

  it('resolves a longer chain bottom-up: owner → planner → coder → tester', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const tester = s.sub('tester', ['tool == "fs.read"', 'args.path ~ "/repo/test/**"'], coder);
    const { id } = await s.delegator.request({
      token: tester,
      principal: 'tester',
      scope: SHELL,
      reason: 'run tests',
    });
    expect((await s.delegator.get(id)).grantor).toBe('coder');
    const testerWaits = s.delegator.awaitResponse(id);
    const up1 = await s.delegator.escalate(id, { by: { token: coder }, autoApprove: true });
    expect(up1).toMatchObject({ requester: 'coder', grantor: 'planner' });
    const up2 = await s.delegator.escalate(up1.id, { by: { token: s.planner }, autoApprove: true });
    expect(up2).toMatchObject({ requester: 'planner', grantor: 'owner' });
    await s.delegator.approve(up2.id, { by: 'owner' });
    const token = approvedToken(await testerWaits);
    expect(
      s.allows(token, 'tester', 'shell.exec', { path: '/repo/test/run', cmd: 'make test' }),
    ).toBe(true);
    expect(s.allows(token, 'tester', 'fs.read', { path: '/repo/test/a' })).toBe(true);
    expect(s.allows(token, 'tester', 'fs.read', { path: '/repo/src/a' })).toBe(false);
    expect((await s.delegator.get(up1.id)).status).toBe('approved');
  });

  it('flows a denial down a longer chain', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const tester = s.sub('tester', ['tool == "fs.read"'], coder);
    const { id } = await s.delegator.request({
      token: tester,
      principal: 'tester',
      scope: SHELL,
      reason: 'x',
    });
    const up1 = await s.delegator.escalate(id, { by: { token: coder } });
    const up2 = await s.delegator.escalate(up1.id, { by: { token: s.planner } });
    await s.delegator.deny(up2.id, { by: 'owner', reason: 'never' });
    expect((await s.delegator.get(up1.id)).status).toBe('denied');
    expect(await s.delegator.poll(id)).toEqual({
      error: 'access_denied',
      reason: 'escalation denied by owner: escalation denied by owner: never',
    });
  });

  it('shares one linked request between requests escalated for the same scope', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const tester = s.sub('tester', ['tool == "fs.list"']);
    const a = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: SHELL,
      reason: 'a',
    });
    const b = await s.delegator.request({
      token: tester,
      principal: 'tester',
      scope: SHELL,
      reason: 'b',
    });
    const la = await s.delegator.escalate(a.id, { by: { token: s.planner }, autoApprove: true });
    const lb = await s.delegator.escalate(b.id, { by: { token: s.planner }, autoApprove: true });
    expect(lb.id).toBe(la.id);
    await s.delegator.approve(la.id, { by: 'owner' });
    expect((await s.delegator.get(a.id)).status).toBe('approved');
    expect((await s.delegator.get(b.id)).status).toBe('approved');
  });

  it('withdraws the linked request when the original is cancelled, and reopens on expiry above', async () => {
    s = await setup();
    const { coder, id } = await coderAsksForShell();
    const linked = await s.delegator.escalate(id, { by: { token: s.planner } });
    await s.delegator.cancel(id, { by: { token: coder } });
    expect(await s.delegator.get(linked.id)).toMatchObject({
      status: 'cancelled',
      decidedBy: 'system',
    });

    const again = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: SHELL,
      reason: 'again',
    });
    const up = await s.delegator.escalate(again.id, { by: { token: s.planner } });
    await s.delegator.cancel(up.id, { by: { token: s.planner } });
    expect((await s.delegator.get(again.id)).status).toBe('pending');
    await s.delegator.deny(again.id, { by: { token: s.planner }, reason: 'changed my mind' });
  });

  it('lets the owner neither escalate nor escalate for others', async () => {
    s = await setup();
    const { id: mine } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: SHELL,
      reason: 'x',
    });
    await expect(s.delegator.escalate(mine, { by: 'owner' })).rejects.toMatchObject({
      code: 'ERR_REQUEST_CANNOT_ESCALATE',
    });
    const { id } = await coderAsksForShell();
    await expect(s.delegator.escalate(id, { by: 'owner' })).rejects.toMatchObject({
      code: 'ERR_REQUEST_FORBIDDEN',
    });
    await expect(
      s.delegator.escalate(id, { by: { token: s.planner }, autoApprove: 'yes' as never }),
    ).rejects.toThrow(TypeError);
  });

  it('switches the grantor policies to its new token', async () => {
    s = await setup();
    await s.delegator.addPolicy({
      grantor: { token: s.planner },
      effect: 'approve',
      scope: 'tool ~ "shell.*"',
    });
    const { id } = await coderAsksForShell();
    expect((await s.delegator.get(id)).status).toBe('pending');
    const linked = await s.delegator.escalate(id, { by: { token: s.planner } });
    await s.delegator.approve(linked.id, { by: 'owner' });
    // Reopened, then approved by planner's policy acting with planner's new token.
    expect(await s.delegator.get(id)).toMatchObject({ status: 'approved', decidedBy: 'planner' });
  });

  it('catches up with an escalation decided by a process that stopped before following it', async () => {
    const clock = new Clock();
    const store = createMemoryStore();
    const delegator = await Delegator.open({ store, now: clock.now, watchIntervalMs: 0 });
    const planner = await delegator.mint({ to: 'planner', conditions: PLANNER_SCOPE });
    const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    const { id } = await delegator.request({
      token: coder,
      principal: 'coder',
      scope: SHELL,
      reason: 'x',
    });
    const linked = await delegator.escalate(id, { by: { token: planner }, autoApprove: true });
    // The owner's approval of the linked request is committed, and then the process stops.
    const newPlanner = mintDelegation(delegator.rootKeys, {
      to: 'planner',
      conditions: [`(${PLANNER_SCOPE.join(') and (')}) or (${SHELL.join(') and (')})`],
    });
    const stored = await store.getRequest(linked.id);
    await store.transition({
      id: linked.id,
      version: stored?.version ?? 0,
      to: 'approved',
      outcome: { status: 'approved', token: newPlanner, scope: SHELL, expiresAt: null },
      decidedBy: 'owner',
      decidedAt: clock.ms,
      audit: [],
    });
    expect((await store.getRequest(id))?.status).toBe('escalated');
    // The next read of the waiting request follows the link.
    expect(await delegator.get(id)).toMatchObject({ status: 'approved', decidedBy: 'planner' });
    const answer = await delegator.poll(id);
    if (!('status' in answer)) throw new Error('expected the approval');
    const call = {
      tool: 'shell.exec',
      args: { path: '/repo/test/run', cmd: 'make test' },
      principal: 'coder',
    };
    expect(
      authorize(answer.token, call, { rootKeys: delegator.rootKeys, now: clock.now() }).allowed,
    ).toBe(true);
    await delegator.close();
  });
});
