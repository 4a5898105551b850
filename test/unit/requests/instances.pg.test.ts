/**
 * Several Delegators on one PostgreSQL database, each with its own connections, as several
 * service instances on several machines: they share keys stored in the database, a decision on
 * one wakes a requester waiting on another and reaches another's inbox stream through
 * LISTEN/NOTIFY alone (their polling is off), polling still carries it when the LISTEN line is
 * cut, and a revocation on one reaches another's verifiers. Races: approve against deny on two
 * instances (exactly one wins, the other gets ERR_REQUEST_NOT_PENDING), a standing policy
 * added on one while requests arrive on the other (each request decided once), and an
 * escalation chain whose steps are taken on different instances (the escalation decided on one
 * reaching the upper grantor's stream on another).
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { authorize, delegate } from '../../../src/delegation/index.js';
import {
  Delegator,
  RequestNotPendingError,
  type DelegatorOptions,
} from '../../../src/requests/index.js';
import { databaseUrl, freshSchema, schemaUrl } from '../../postgres/_database.js';

const opened: Delegator[] = [];
afterEach(async () => {
  for (const d of opened.splice(0)) await d.close();
});

/** Instances on one fresh schema, opened one after the other. */
async function instances(
  count: number,
  options: DelegatorOptions = {},
): Promise<{ schema: string; all: Delegator[] }> {
  const schema = freshSchema('inst');
  const all: Delegator[] = [];
  for (let i = 0; i < count; i++) {
    const d = await Delegator.open({ url: schemaUrl(schema), ...options });
    opened.push(d);
    all.push(d);
  }
  return { schema, all };
}

/** Waits until `check` holds, re-checking every few milliseconds (the test's timeout bounds it). */
async function eventually(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 5));
}

/** No polling at all: only NOTIFY can carry another instance's change. */
const NOTIFY_ONLY = { watchIntervalMs: 0, revocationRefreshMs: 3_600_000 };

describe('instances on one PostgreSQL database', { timeout: 30_000 }, () => {
  it('share the root keys stored in the database, even when they open it at once', async () => {
    for (let round = 0; round < 5; round++) {
      const schema = freshSchema('keys');
      const all = await Promise.all(
        [0, 1, 2, 3].map(() => Delegator.open({ url: schemaUrl(schema) })),
      );
      opened.push(...all);
      const rings = all.map((d) => d.rootKeys.keys().map((k) => k.id));
      expect(rings[0]).toHaveLength(1);
      for (const ring of rings) expect(ring).toEqual(rings[0]);
      expect(await all[0]?.audit({ kind: 'key-add' })).toHaveLength(1);
    }
    const schema = freshSchema('keys');
    const [a, b] = await Promise.all([0, 1].map(() => Delegator.open({ url: schemaUrl(schema) })));
    opened.push(a as Delegator, b as Delegator);
    const token = await (a as Delegator).mint({ to: 'planner', conditions: ['tool == "x"'] });
    expect(
      authorize(token, { tool: 'x', args: {}, principal: 'planner' }, { rootKeys: b!.rootKeys })
        .allowed,
    ).toBe(true);
  });

  it('wake a requester waiting on one instance when another decides, by NOTIFY alone', async () => {
    const { all } = await instances(2, NOTIFY_ONLY);
    const [a, b] = all as [Delegator, Delegator];
    const planner = await a.mint({ to: 'planner', conditions: ['tool ~ "fs.*"'] });
    const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    const ticket = await a.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'save the fix',
    });
    const waiting = a.awaitResponse(ticket.id);
    await b.approve(ticket.id, { by: { token: planner } });
    const outcome = await waiting;
    expect(outcome.status).toBe('approved');
    if (outcome.status === 'approved')
      expect(
        authorize(
          outcome.token,
          { tool: 'fs.write', args: {}, principal: 'coder' },
          { rootKeys: a.rootKeys },
        ).allowed,
      ).toBe(true);
  });

  it("put a request filed on one instance in a grantor's stream on another, by NOTIFY alone", async () => {
    const { all } = await instances(2, NOTIFY_ONLY);
    const [a, b] = all as [Delegator, Delegator];
    const coder = await a.mint({ to: 'coder', conditions: ['tool == "fs.read"'] });
    const stream = a.subscribe('owner');
    const first = stream.next();
    const ticket = await b.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'save the fix',
    });
    expect((await first).value).toMatchObject({ id: ticket.id, requester: 'coder' });
    await stream.return?.();
  });

  it('fall back on polling while the LISTEN line is cut, and listen again after', async () => {
    const schema = freshSchema('cut');
    const open = async (options: DelegatorOptions) => {
      const d = await Delegator.open({ url: schemaUrl(schema), ...options });
      opened.push(d);
      return d;
    };
    const polling = await open({ watchIntervalMs: 50 });
    const deciding = await open({});
    const notified = await open(NOTIFY_ONLY);
    const coder = await polling.mint({ to: 'coder', conditions: ['tool == "fs.read"'] });
    const ask = (n: number) =>
      polling.request({ token: coder, principal: 'coder', scope: [`args.n == ${n}`], reason: 'r' });
    const listening = async (): Promise<number> =>
      Number(
        (
          await admin.query<{ n: string }>(
            'SELECT count(*) AS n FROM pg_stat_activity WHERE query = $1 AND state = $2',
            [`LISTEN "mandate_${schema}"`, 'idle'],
          )
        ).rows[0]?.n,
      );
    const admin = new pg.Client({ connectionString: databaseUrl() });
    await admin.connect();
    try {
      await eventually(async () => (await listening()) === 3);
      const first = await ask(1);
      const waiting = polling.awaitResponse(first.id);
      // Cut every LISTEN connection on this schema's channel, as a restart or a cut network would.
      const cut = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1',
        [`LISTEN "mandate_${schema}"`],
      );
      expect(cut.rowCount).toBe(3);
      await deciding.deny(first.id, { by: 'owner', reason: 'not now' });
      expect(await waiting).toEqual({ status: 'denied', reason: 'not now' });
      // The instance that only listens is heard again once its line is back.
      await eventually(async () => (await listening()) === 3);
      const second = await ask(2);
      const again = notified.awaitResponse(second.id);
      await deciding.deny(second.id, { by: 'owner', reason: 'still not' });
      expect(await again).toEqual({ status: 'denied', reason: 'still not' });
    } finally {
      await admin.end();
    }
  });

  it("bring a revocation made on one instance to another's verifiers", async () => {
    const { all } = await instances(2, NOTIFY_ONLY);
    const [a, b] = all as [Delegator, Delegator];
    const coder = await a.mint({ to: 'coder', conditions: ['tool == "fs.read"'] });
    expect(a.revocationOf(coder)).toBeUndefined();
    await b.revoke(coder, { by: 'owner', reason: 'leaked' });
    await eventually(() => a.revocationOf(coder) !== undefined);
    expect(a.revocationOf(coder)).toMatchObject({ by: 'owner', reason: 'leaked' });
  });

  it('let exactly one of an approval and a denial on two instances win', async () => {
    const { all } = await instances(2);
    const [a, b] = all as [Delegator, Delegator];
    const coder = await a.mint({ to: 'coder', conditions: ['tool == "fs.read"'] });
    for (let n = 0; n < 20; n++) {
      const { id } = await (n % 2 === 0 ? a : b).request({
        token: coder,
        principal: 'coder',
        scope: [`args.n == ${n}`],
        reason: 'race',
      });
      const results = await Promise.allSettled([
        a.approve(id, { by: 'owner' }),
        b.deny(id, { by: 'owner', reason: 'no' }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const reason = (lost[0] as PromiseRejectedResult).reason as RequestNotPendingError;
      expect(reason).toBeInstanceOf(RequestNotPendingError);
      expect(reason.code).toBe('ERR_REQUEST_NOT_PENDING');
      const decisions = await a.audit({ requestId: id });
      expect(decisions.filter((e) => e.kind === 'approve' || e.kind === 'deny')).toHaveLength(1);
    }
    expect(await b.verifyAudit()).toMatchObject({ ok: true, mismatches: [] });
  });

  it('apply a standing policy added on one instance once to requests arriving on the other', async () => {
    const { all } = await instances(2);
    const [a, b] = all as [Delegator, Delegator];
    const coder = await a.mint({ to: 'coder', conditions: ['tool == "fs.read"'] });
    const filing = Array.from({ length: 40 }, (_, n) =>
      b.request({
        token: coder,
        principal: 'coder',
        scope: ['tool == "fs.list"', `args.n == ${n}`],
        reason: 'list',
      }),
    );
    const policy = a.addPolicy({ grantor: 'owner', effect: 'approve', scope: 'tool == "fs.list"' });
    const tickets = await Promise.all(filing);
    await policy;
    // Whatever arrived before the policy was swept by it; whatever arrived after met it.
    for (const t of tickets) expect((await a.get(t.id)).status).toBe('approved');
    const approvals = await a.audit({ kind: 'approve' });
    expect(approvals).toHaveLength(40);
    expect(new Set(approvals.map((e) => e.requestId)).size).toBe(40);
    expect(await b.verifyAudit()).toMatchObject({ ok: true, mismatches: [] });
  });

  it('resolve an escalation chain whose steps are taken on different instances', async () => {
    const { all } = await instances(3, NOTIFY_ONLY);
    const [a, b, c] = all as [Delegator, Delegator, Delegator];
    const planner = await a.mint({ to: 'planner', conditions: ['tool == "fs.read"'] });
    const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    const ticket = await a.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      reason: 'save the fix',
    });
    const waiting = a.awaitResponse(ticket.id);
    // The owner follows its inbox on A: the escalation decided on B puts the linked request there.
    const inbox = a.subscribe('owner');
    const arrived = inbox.next();
    const linked = await b.escalate(ticket.id, { by: { token: planner }, autoApprove: true });
    expect(linked.grantor).toBe('owner');
    expect((await arrived).value).toMatchObject({ id: linked.id, requester: 'planner' });
    await inbox.return?.();
    await c.approve(linked.id, { by: 'owner' });
    const outcome = await waiting;
    expect(outcome.status).toBe('approved');
    expect((await b.get(ticket.id)).status).toBe('approved');
    expect(await c.verifyAudit()).toMatchObject({ ok: true, mismatches: [] });
  });
});
