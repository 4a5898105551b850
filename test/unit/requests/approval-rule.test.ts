/**
 * The approval rule from a user's seat: an approval widens what blocked and nothing else. The
 * three over-grants a new user found (a grant that dropped the account restriction, one that
 * let a 500 go to any account, a policy approval that opened shell.exec), a needed scope that
 * the named grantor can grant when it could make the call itself, escalation that widens each
 * grantor only as far as the call needs, grants that end with the requester's token, time boxes
 * cut to the grantor's expiry, and expired tokens told so. Real Delegator, real authorize.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { authorize } from '../../../src/delegation/index.js';
import { setup, type Setup } from './_setup.js';

let s: Setup;
afterEach(async () => {
  await s.delegator.close();
});

async function approvedToken(id: string): Promise<string> {
  const view = await s.delegator.get(id);
  if (view.outcome?.status !== 'approved') throw new Error(`not approved: ${view.status}`);
  return view.outcome.token;
}

const BUDGET = [
  'tool in ["bank.get_balance", "bank.list_transactions"]',
  'args.account == "checking"',
];

describe('an approval widens only what blocked', () => {
  it('keeps the account restriction the grant does not speak to', async () => {
    s = await setup();
    const agent = await s.delegator.mint({ to: 'budget-agent', conditions: BUDGET });
    const { id } = await s.delegator.request({
      token: agent,
      principal: 'budget-agent',
      scope: ['tool == "bank.transfer" and args.amount <= 100'],
      reason: 'pay the electricity bill',
    });
    const preview = await s.delegator.preview(id, { by: 'owner' });
    expect(preview.verdict).toEqual({ contained: true });
    expect(preview.effect.alternatives).toEqual([
      'tool == "bank.transfer" and args.account == "checking" and args.amount <= 100',
    ]);
    await s.delegator.approve(id, { by: 'owner' });
    const token = await approvedToken(id);
    const allows = (tool: string, args: Record<string, unknown>) =>
      s.allows(token, 'budget-agent', tool, args);
    expect(allows('bank.transfer', { account: 'checking', amount: 80 })).toBe(true);
    expect(allows('bank.transfer', { account: 'savings', amount: 80 })).toBe(false);
    expect(allows('bank.transfer', { account: 'checking', amount: 500 })).toBe(false);
    expect(allows('bank.get_balance', { account: 'checking' })).toBe(true);
    expect(allows('bank.get_balance', { account: 'savings' })).toBe(false);
  });

  it('lets an approved 500 go to savings and to no other account', async () => {
    s = await setup();
    const agent = await s.delegator.mint({
      to: 'saver',
      conditions: ['tool == "bank.transfer" and args.to == "savings"', 'args.amount <= 100'],
    });
    const call = {
      tool: 'bank.transfer',
      args: { to: 'savings', amount: 500 },
      principal: 'saver',
    };
    const denied = authorize(agent, call, { rootKeys: s.delegator.rootKeys, now: s.clock.now() });
    if (denied.allowed || denied.needed === undefined) throw new Error('expected a denial');
    expect(denied.needed).toMatchObject({
      grantable: true,
      askFrom: 'owner',
      grantableBy: 'owner',
    });
    const { id } = await s.delegator.request({
      token: agent,
      principal: 'saver',
      scope: denied.needed.scope,
      reason: 'rent',
    });
    await s.delegator.approve(id, { by: 'owner' });
    const token = await approvedToken(id);
    expect(s.allows(token, 'saver', 'bank.transfer', { to: 'savings', amount: 500 })).toBe(true);
    expect(s.allows(token, 'saver', 'bank.transfer', { to: 'mallory', amount: 500 })).toBe(false);
    expect(s.allows(token, 'saver', 'bank.transfer', { to: 'savings', amount: 80 })).toBe(true);
    expect(s.allows(token, 'saver', 'bank.transfer', { to: 'savings', amount: 400 })).toBe(false);
  });

  it('keeps shell.exec denied after a policy approves a bigger amount', async () => {
    s = await setup();
    await s.delegator.addPolicy({
      grantor: 'owner',
      effect: 'approve',
      scope: 'args.amount <= 1000',
    });
    const agent = await s.delegator.mint({
      to: 'payer',
      conditions: ['tool == "bank.transfer"', 'args.amount <= 100'],
    });
    const ticket = await s.delegator.request({
      token: agent,
      principal: 'payer',
      scope: ['args.amount <= 1000'],
      reason: 'a bigger invoice',
    });
    expect(ticket.status).toBe('approved');
    const token = await approvedToken(ticket.id);
    expect(s.allows(token, 'payer', 'bank.transfer', { amount: 900 })).toBe(true);
    expect(s.allows(token, 'payer', 'shell.exec', { amount: 900 })).toBe(false);
    expect(s.allows(token, 'payer', 'shell.exec', { cmd: 'rm -rf /' })).toBe(false);
  });
});

describe('a needed scope the named grantor can grant', () => {
  it('is marked grantable, is within its authority in the inbox, and approves without escalating', async () => {
    s = await setup({ plannerScope: ['args.path ~ "/repo/**"'] });
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const call = { tool: 'fs.write', args: { path: '/repo/a.txt' }, principal: 'coder' };
    const denied = authorize(coder, call, { rootKeys: s.delegator.rootKeys, now: s.clock.now() });
    if (denied.allowed || denied.needed === undefined) throw new Error('expected a denial');
    expect(denied.needed).toMatchObject({
      scope: ['tool == "fs.write"'],
      grantable: true,
      askFrom: 'planner',
      grantableBy: 'planner',
    });
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: denied.needed.scope,
      reason: 'save the summary',
    });
    const [item] = await s.delegator.inbox({ token: s.planner });
    expect(item).toMatchObject({ id, verdict: { contained: true } });
    expect(item?.effect.alternatives).toEqual(['tool == "fs.write" and args.path ~ "/repo/**"']);
    await s.delegator.approve(id, { by: { token: s.planner } });
    const token = await approvedToken(id);
    expect(s.allows(token, 'coder', 'fs.write', { path: '/repo/a.txt' })).toBe(true);
    expect(s.allows(token, 'coder', 'fs.write', { path: '/etc/passwd' })).toBe(false);
  });

  it('keeps a per-tool limit of the grantor when the grant names that tool', async () => {
    s = await setup({
      plannerScope: ['tool != "bank.transfer" or args.amount <= 100 and args.to == "savings"'],
    });
    const coder = s.sub('coder', ['tool == "bank.get_balance"']);
    const call = { tool: 'bank.transfer', args: { to: 'savings', amount: 50 }, principal: 'coder' };
    const denied = authorize(coder, call, { rootKeys: s.delegator.rootKeys, now: s.clock.now() });
    if (denied.allowed || denied.needed === undefined) throw new Error('expected a denial');
    expect(denied.needed).toMatchObject({ scope: ['tool == "bank.transfer"'], grantable: true });
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: denied.needed.scope,
      reason: 'top up savings',
    });
    await s.delegator.approve(id, { by: { token: s.planner } });
    const token = await approvedToken(id);
    expect(s.allows(token, 'coder', 'bank.transfer', { to: 'savings', amount: 50 })).toBe(true);
    expect(s.allows(token, 'coder', 'bank.transfer', { to: 'savings', amount: 500 })).toBe(false);
    expect(s.allows(token, 'coder', 'bank.transfer', { to: 'mallory', amount: 50 })).toBe(false);
  });

  it('names the first grantor up the chain who could grant a call beyond the one to ask', async () => {
    s = await setup({ plannerScope: ['tool in ["fs.read", "fs.write"]'] });
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const call = { tool: 'shell.exec', args: { cmd: 'make test' }, principal: 'coder' };
    const denied = authorize(coder, call, { rootKeys: s.delegator.rootKeys, now: s.clock.now() });
    if (denied.allowed || denied.needed === undefined) throw new Error('expected a denial');
    expect(denied.needed).toMatchObject({
      grantable: false,
      askFrom: 'planner',
      grantableBy: 'owner',
    });
  });

  it('widens each grantor on an escalation only as far as the call needs', async () => {
    s = await setup({
      plannerScope: ['tool in ["fs.read", "fs.write"]', 'args.path ~ "/repo/**"'],
    });
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "shell.exec"', 'args.cmd == "make test"'],
      reason: 'run the tests',
    });
    const linked = await s.delegator.escalate(id, { by: { token: s.planner }, autoApprove: true });
    await s.delegator.approve(linked.id, { by: 'owner' });
    const planner = (await s.delegator.get(linked.id)).outcome;
    if (planner?.status !== 'approved') throw new Error('escalation not approved');
    const path = '/repo/Makefile';
    expect(s.allows(planner.token, 'planner', 'shell.exec', { cmd: 'make test', path })).toBe(true);
    expect(s.allows(planner.token, 'planner', 'shell.exec', { cmd: 'rm -rf /', path })).toBe(false);
    expect(
      s.allows(planner.token, 'planner', 'shell.exec', { cmd: 'make test', path: '/etc/x' }),
    ).toBe(false);
    const token = await approvedToken(id);
    expect(s.allows(token, 'coder', 'shell.exec', { cmd: 'make test', path })).toBe(true);
    expect(s.allows(token, 'coder', 'fs.write', { path })).toBe(false);
  });
});

describe('how long a grant lasts', () => {
  it('ends with the requester’s token when no time box is given', async () => {
    s = await setup({ expiresIn: 30 * 24 * 3600 });
    const coder = s.sub('coder', [
      'tool == "fs.read"',
      `time < ${new Date(s.clock.ms + 3600_000).toISOString().replace('.000', '')}`,
    ]);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'one fix',
    });
    const view = await s.delegator.approve(id, { by: { token: s.planner } });
    expect(view.outcome).toMatchObject({
      status: 'approved',
      expiresAt: new Date(s.clock.ms + 3600_000),
    });
    const token = await approvedToken(id);
    const path = '/repo/a.ts';
    s.clock.advance(3599);
    expect(s.allows(token, 'coder', 'fs.write', { path })).toBe(true);
    s.clock.advance(2);
    expect(s.allows(token, 'coder', 'fs.write', { path })).toBe(false);
  });

  it('cuts a time box to the grantor’s own expiry, and says so', async () => {
    s = await setup({ expiresIn: 600 });
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'one fix',
    });
    const preview = await s.delegator.preview(id, { by: { token: s.planner }, expiresIn: 3600 });
    expect(preview).toMatchObject({ timeBoxCut: true, grantEnds: new Date(s.clock.ms + 600_000) });
    const view = await s.delegator.approve(id, { by: { token: s.planner }, expiresIn: 3600 });
    expect(view.outcome).toMatchObject({ expiresAt: new Date(s.clock.ms + 600_000) });
  });

  it('lets an explicit time box outlive the requester’s token, and takes back only the grant', async () => {
    s = await setup();
    const end = new Date(s.clock.ms + 60_000).toISOString().replace('.000', '');
    const coder = s.sub('coder', ['tool == "fs.read"', `time < ${end}`]);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'a longer job',
    });
    await s.delegator.approve(id, { by: { token: s.planner }, expiresIn: 600 });
    const token = await approvedToken(id);
    const path = '/repo/a.ts';
    s.clock.advance(120);
    expect(s.allows(token, 'coder', 'fs.write', { path })).toBe(true);
    expect(s.allows(token, 'coder', 'fs.read', { path })).toBe(false);
    s.clock.advance(600);
    expect(s.allows(token, 'coder', 'fs.write', { path })).toBe(false);
  });
});

describe('an expired token', () => {
  it('is denied with when it expired and whom to ask, and no request that cannot succeed', async () => {
    s = await setup({ expiresIn: 600 });
    s.clock.advance(601);
    const decision = authorize(
      s.planner,
      { tool: 'fs.read', args: { path: '/repo/a.ts' }, principal: 'planner' },
      { rootKeys: s.delegator.rootKeys, now: s.clock.now() },
    );
    expect(decision).toMatchObject({
      allowed: false,
      expired: { at: new Date(s.clock.ms - 1000).toISOString(), askFrom: 'owner' },
    });
    expect(decision.allowed === false && decision.needed).toBe(undefined);
  });
});
