/**
 * Standing policies: auto-approve inside an approve scope (and inside the grantor's authority),
 * auto-deny on any intersection with a deny scope, deny wins, otherwise ask; expiry and
 * removal; policies applied to waiting requests when added; decisions by policy audited like
 * any other; and the time box an approve policy may set on its grants (else they end with the
 * requester's token), checked with an injected clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setup, type Setup } from './_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

async function ask(token: string, principal: string, scope: string[]): Promise<string> {
  return (await s.delegator.request({ token, principal, scope, reason: 'because' })).status;
}

/** The approved outcome of request `id`: the new token and when the grant ends. */
async function grantOf(id: string): Promise<{ token: string; expiresAt: Date | undefined }> {
  const { outcome } = await s.delegator.get(id);
  if (outcome?.status !== 'approved') throw new Error(`not approved: ${String(outcome?.status)}`);
  return { token: outcome.token, expiresAt: outcome.expiresAt };
}

describe('standing policies', () => {
  it('approves inside, denies on intersection, deny wins, and asks otherwise', async () => {
    s = await setup();
    const approve = await s.delegator.addPolicy({
      grantor: 'owner',
      effect: 'approve',
      scope: 'tool ~ "bank.*"',
    });
    const deny = await s.delegator.addPolicy({
      grantor: 'owner',
      effect: 'deny',
      scope: ['tool == "bank.transfer"', 'args.amount > 100'],
    });
    expect(approve).toMatchObject({
      grantor: 'owner',
      effect: 'approve',
      scope: ['tool ~ "bank.*"'],
      expiresAt: null,
    });

    expect(await ask(s.planner, 'planner', ['tool == "bank.list"'])).toBe('approved');
    expect(await ask(s.planner, 'planner', ['tool == "bank.transfer"', 'args.amount <= 50'])).toBe(
      'approved',
    );
    expect(await ask(s.planner, 'planner', ['tool == "bank.transfer"', 'args.amount <= 500'])).toBe(
      'denied',
    );
    expect(await ask(s.planner, 'planner', ['tool == "mail.send"'])).toBe('pending');

    const decided = await s.delegator.audit({ kind: 'deny' });
    expect(decided[0]).toMatchObject({
      actor: 'owner',
      details: { via: 'policy', policy: deny.id },
    });
    const approvals = await s.delegator.audit({ kind: 'approve' });
    expect(
      approvals.every((e) => e.details['policy'] === approve.id && e.details['via'] === 'policy'),
    ).toBe(true);
    expect((await s.delegator.inbox('owner')).map((i) => i.scope)).toEqual([
      ['tool == "mail.send"'],
    ]);
  });

  it("acts for an agent grantor only inside that grantor's authority", async () => {
    s = await setup();
    await s.delegator.addPolicy({
      grantor: { token: s.planner },
      effect: 'approve',
      scope: ['tool ~ "fs.*"'],
    });
    const coder = s.sub('coder', ['tool == "fs.read"']);
    expect(await ask(coder, 'coder', ['tool == "fs.write"', 'args.path ~ "/repo/src/**"'])).toBe(
      'approved',
    );
    expect(await ask(coder, 'coder', ['tool == "fs.delete"'])).toBe('pending');
    expect((await s.delegator.policies({ token: s.planner })).length).toBe(1);
    expect((await s.delegator.policies('owner')).length).toBe(0);
    expect((await s.delegator.policies()).length).toBe(1);
  });

  it('applies a new policy to the requests already waiting', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.list"'],
      reason: 'x',
    });
    const waiting = s.delegator.awaitResponse(id);
    await s.delegator.addPolicy({
      grantor: { token: s.planner },
      effect: 'deny',
      scope: 'tool == "fs.list"',
    });
    const outcome = await waiting;
    expect(outcome.status).toBe('denied');
    expect(outcome.status === 'denied' && outcome.reason).toMatch(
      /^denied by standing policy pol_/,
    );
  });

  it('stops applying a policy once it expires or is removed', async () => {
    s = await setup();
    await s.delegator.addPolicy({
      grantor: 'owner',
      effect: 'approve',
      scope: 'tool == "a.b"',
      expiresIn: 60,
    });
    const deny = await s.delegator.addPolicy({
      grantor: 'owner',
      effect: 'deny',
      scope: 'tool == "c.d"',
    });
    s.clock.advance(60);
    expect(await ask(s.planner, 'planner', ['tool == "a.b"'])).toBe('pending');
    expect((await s.delegator.policies('owner')).map((p) => p.id)).toEqual([deny.id]);
    await expect(
      s.delegator.removePolicy(deny.id, { grantor: { token: s.planner } }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_POLICY_NOT_FOUND',
    });
    await s.delegator.removePolicy(deny.id, { grantor: 'owner' });
    expect(await ask(s.planner, 'planner', ['tool == "c.d"'])).toBe('pending');
    expect((await s.delegator.audit({ kind: 'policy-remove' }))[0]).toMatchObject({
      actor: 'owner',
      details: { policy: deny.id },
    });
  });

  it('time-boxes the grants of an approve policy that says so, and only those grants', async () => {
    s = await setup({ expiresIn: 8 * 3600 });
    const policy = await s.delegator.addPolicy({
      grantor: 'owner',
      effect: 'approve',
      scope: 'tool == "fs.delete"',
      grantExpiresIn: 600,
    });
    expect(policy).toMatchObject({ effect: 'approve', grantExpiresIn: 600 });
    expect((await s.delegator.policies('owner'))[0]?.grantExpiresIn).toBe(600);
    expect((await s.delegator.audit({ kind: 'policy-add' }))[0]?.details).toMatchObject({
      policy: policy.id,
      grantExpiresIn: 600,
    });
    const start = s.clock.ms;
    const { id, status } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "fs.delete"'],
      reason: 'clean up',
    });
    expect(status).toBe('approved');
    const { token, expiresAt } = await grantOf(id);
    expect(expiresAt).toEqual(new Date(start + 600_000));
    const allows = (tool: string) => s.allows(token, 'planner', tool, { path: '/repo/tmp' });
    s.clock.advance(599);
    expect([allows('fs.delete'), allows('fs.read')]).toEqual([true, true]);
    s.clock.advance(2);
    expect([allows('fs.delete'), allows('fs.read')]).toEqual([false, true]);
  });

  it("ends a policy's grant with the requester's token when it sets no time box", async () => {
    s = await setup({ expiresIn: 3600 });
    const policy = await s.delegator.addPolicy({
      grantor: 'owner',
      effect: 'approve',
      scope: 'tool == "fs.delete"',
    });
    expect(policy.grantExpiresIn).toBeNull();
    const start = s.clock.ms;
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "fs.delete"'],
      reason: 'clean up',
    });
    const { token, expiresAt } = await grantOf(id);
    expect(expiresAt).toEqual(new Date(start + 3_600_000));
    const allows = () => s.allows(token, 'planner', 'fs.delete', { path: '/repo/tmp' });
    s.clock.advance(3599);
    expect(allows()).toBe(true);
    s.clock.advance(2);
    expect(allows()).toBe(false);
  });

  it('never approves a requester its own request', async () => {
    s = await setup();
    await s.delegator.addPolicy({
      grantor: { token: s.planner },
      effect: 'approve',
      scope: 'true',
    });
    const self = s.sub('planner', ['tool == "fs.read"']);
    expect(await ask(self, 'planner', ['tool == "fs.list"'])).toBe('pending');
  });

  it('checks its options', async () => {
    s = await setup();
    await expect(
      s.delegator.addPolicy({ grantor: 'owner', effect: 'maybe' as never, scope: 'true' }),
    ).rejects.toThrow(TypeError);
    await expect(
      s.delegator.addPolicy({ grantor: 'owner', effect: 'deny', scope: 'tool ==' }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_INVALID',
    });
    await expect(
      s.delegator.addPolicy({ grantor: { token: 'x' }, effect: 'deny', scope: 'true' }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOKEN_INVALID',
    });
    const withBox = (effect: 'approve' | 'deny', grantExpiresIn: unknown) =>
      s.delegator.addPolicy({
        grantor: 'owner',
        effect,
        scope: 'tool == "a.b"',
        grantExpiresIn: grantExpiresIn as number,
      });
    await expect(withBox('deny', 600)).rejects.toThrow(
      /grantExpiresIn applies to approve policies only/,
    );
    await expect(withBox('approve', '600')).rejects.toThrow(TypeError);
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e15])
      await expect(withBox('approve', bad)).rejects.toThrow(RangeError);
    expect(await s.delegator.policies('owner')).toEqual([]);
  });
});
