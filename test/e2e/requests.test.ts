// End to end, the seed's whole sequence over real tools (files confined to a temporary directory
// and a fake bank) with the Delegator on a SQLite file: the owner delegates to `planner`;
// planner discovers its tools, runs an allowed one, is denied another at once, reads the needed
// scope, asks for it with a reason and keeps working; the owner receives the request, approves
// it narrower and time-boxed; planner receives the answer and the call now succeeds. Then
// planner delegates to `coder`, coder asks for something beyond planner, planner escalates, the
// owner approves, and coder's retried call succeeds. A second run covers denial and expiry.
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Delegator,
  PermissionDenied,
  caveat,
  createToolRunner,
  defineTool,
  globLiteral,
  type AgentSession,
  type InboxItem,
  type ToolRunner,
} from '../../src/index.js';

const START = Date.UTC(2026, 2, 2, 9);
let clock = START;
const now = (): Date => new Date(clock);

let dir: string;
let root: string;
let delegator: Delegator;
let runner: ToolRunner;

const bank = {
  balances: new Map([
    ['checking', 1000],
    ['savings', 0],
  ]),
};

const tools = [
  defineTool<{ path: string }, string>({
    name: 'fs.read',
    description: 'Read a UTF-8 file in the project',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' } },
      required: ['path'],
      additionalProperties: false,
    },
    handler: ({ path }) => readFile(inside(path), 'utf8'),
  }),
  defineTool<{ path: string; content: string }, number>({
    name: 'fs.write',
    description: 'Write a UTF-8 file in the project',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
      additionalProperties: false,
    },
    handler: async ({ path, content }) => {
      await writeFile(inside(path), content);
      return content.length;
    },
  }),
  defineTool<{ account: string }, number | undefined>({
    name: 'bank.balance',
    description: 'The balance of an account',
    inputSchema: {
      type: 'object',
      properties: { account: { type: 'string' } },
      required: ['account'],
      additionalProperties: false,
    },
    handler: ({ account }) => bank.balances.get(account),
  }),
  defineTool<{ from: string; to: string; amount: number }, string>({
    name: 'bank.transfer',
    description: 'Move money between accounts',
    inputSchema: {
      type: 'object',
      properties: {
        from: { type: 'string' },
        to: { type: 'string' },
        amount: { type: 'number', exclusiveMinimum: 0 },
      },
      required: ['from', 'to', 'amount'],
      additionalProperties: false,
    },
    handler: ({ from, to, amount }) => {
      bank.balances.set(from, (bank.balances.get(from) ?? 0) - amount);
      bank.balances.set(to, (bank.balances.get(to) ?? 0) + amount);
      return 'done';
    },
  }),
];

/** The tools touch only files under the project root. */
function inside(path: string): string {
  if (!path.startsWith(`${root}/`) || path.split('/').includes('..'))
    throw new Error(`${path} is outside the project`);
  return path;
}

async function denied(call: Promise<unknown>): Promise<PermissionDenied> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PermissionDenied);
  return err as PermissionDenied;
}

beforeAll(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'mandate-requests-e2e-')));
  root = join(dir, 'project');
  await mkdir(join(root, 'src'), { recursive: true });
  await writeFile(join(root, 'README.md'), 'hello');
  delegator = await Delegator.open({ path: join(dir, 'mandate.db'), now, watchIntervalMs: 0 });
  runner = createToolRunner({ rootKeys: delegator.rootKeys, tools, broker: delegator, now });
});

afterAll(async () => {
  await delegator.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the seed sequence', () => {
  let planner: AgentSession;

  it('the owner creates a delegation and starts planner with it', async () => {
    const token = await delegator.mint({
      to: 'planner',
      conditions: [
        caveat`tool in ${['fs.read', 'bank.balance']}`,
        caveat`tool != "fs.read" or args.path ~ ${`${globLiteral(root)}/**`}`,
      ],
      expiresIn: 8 * 3600,
    });
    planner = runner.startAgent({ principal: 'planner', token });
    const mint = (await delegator.audit({ kind: 'mint' }))[0];
    expect(mint).toMatchObject({ actor: 'owner', subject: 'planner' });
  });

  let ticketId: string;

  it('planner discovers, runs an allowed tool, is denied another at once, asks, and keeps working', async () => {
    const statuses = Object.fromEntries(planner.discoverTools().map((t) => [t.name, t.status]));
    expect(statuses).toEqual({
      'fs.read': 'conditional',
      'fs.write': 'denied',
      'bank.balance': 'allowed',
      'bank.transfer': 'denied',
    });
    await expect(planner.invoke('fs.read', { path: join(root, 'README.md') })).resolves.toBe(
      'hello',
    );

    const transfer = { from: 'checking', to: 'savings', amount: 80 };
    const denial = await denied(planner.invoke('bank.transfer', transfer));
    expect(bank.balances.get('savings')).toBe(0);
    const needed = denial.decision.needed;
    expect(needed?.askFrom).toBe('owner');
    expect(needed?.scope).toEqual(expect.arrayContaining(['tool == "bank.transfer"']));

    const subscription = delegator.subscribe('owner');
    const ticket = await planner.requestPermission({
      scope: needed?.scope ?? [],
      reason: 'move the rent money to savings',
    });
    expect(ticket.status).toBe('pending');
    ticketId = ticket.id;

    // Keeps working while the request waits.
    await expect(planner.invoke('bank.balance', { account: 'checking' })).resolves.toBe(1000);
    expect(await planner.poll(ticket.id)).toEqual({ error: 'authorization_pending', interval: 5 });

    const { value: received } = (await subscription.next()) as { value: InboxItem };
    await subscription.return?.();
    expect(received).toMatchObject({
      id: ticket.id,
      requester: 'planner',
      grantor: 'owner',
      reason: 'move the rent money to savings',
      scope: needed?.scope,
      verdict: { contained: true },
    });
    expect(received.chain.map((b) => [b.grantor, b.grantee])).toEqual([['owner', 'planner']]);
  });

  it('the owner approves narrower and time-boxed; planner receives it and the call succeeds', async () => {
    const asked = (await delegator.get(ticketId)).scope;
    const waiting = planner.awaitResponse(ticketId);
    await delegator.approve(ticketId, {
      by: 'owner',
      scope: [...asked, 'args.amount <= 100'],
      expiresIn: 3600,
    });
    const outcome = await waiting;
    expect(outcome).toMatchObject({ status: 'approved', expiresAt: new Date(clock + 3600_000) });

    await expect(
      planner.invoke('bank.transfer', { from: 'checking', to: 'savings', amount: 80 }),
    ).resolves.toBe('done');
    expect(bank.balances.get('savings')).toBe(80);
    // What it could do before, it still can; more than the narrowed grant, it cannot.
    await expect(planner.invoke('fs.read', { path: join(root, 'README.md') })).resolves.toBe(
      'hello',
    );
    await denied(planner.invoke('bank.transfer', { from: 'checking', to: 'savings', amount: 120 }));
    // And the grant ends with its time box.
    clock += 3600_000;
    await denied(planner.invoke('bank.transfer', { from: 'checking', to: 'savings', amount: 80 }));
    clock -= 3600_000;
  });

  it('coder asks beyond planner; planner escalates; the owner approves; coder’s retry succeeds', async () => {
    const { session: coder } = planner.startSubagent({
      to: 'coder',
      conditions: ['tool == "fs.read"'],
    });
    const detach = delegator.attach(planner);
    const target = join(root, 'src', 'fix.ts');
    const denial = await denied(
      coder.invoke('fs.write', { path: target, content: 'export const fixed = true;' }),
    );
    expect(denial.decision.needed?.askFrom).toBe('planner');

    const ticket = await coder.requestPermission({
      scope: denial.decision.needed?.scope ?? [],
      reason: 'write the fix',
    });
    const coderWaits = coder.awaitResponse(ticket.id);

    const [item] = await delegator.inbox({ token: planner.token });
    expect(item).toMatchObject({
      id: ticket.id,
      requester: 'coder',
      verdict: { contained: false },
    });
    await expect(
      delegator.approve(ticket.id, { by: { token: planner.token } }),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_EXCEEDS_AUTHORITY',
    });
    const plannerTokenBefore = planner.token;
    const linked = await delegator.escalate(ticket.id, {
      by: { token: planner.token },
      autoApprove: true,
    });
    expect(linked).toMatchObject({
      requester: 'planner',
      grantor: 'owner',
      escalationOf: ticket.id,
    });

    const [up] = await delegator.inbox('owner');
    expect(up).toMatchObject({ id: linked.id, verdict: { contained: true } });
    await delegator.approve(linked.id, { by: 'owner', expiresIn: 1800 });

    expect(await coderWaits).toMatchObject({ status: 'approved' });
    await expect(
      coder.invoke('fs.write', { path: target, content: 'export const fixed = true;' }),
    ).resolves.toBe(26);
    await expect(readFile(target, 'utf8')).resolves.toBe('export const fixed = true;');
    await denied(coder.invoke('fs.write', { path: join(root, 'README.md'), content: 'defaced' }));
    // The escalation updated planner's own session too.
    expect(planner.token).not.toBe(plannerTokenBefore);
    detach();

    const story = (await delegator.audit({ requestId: ticket.id })).map((e) => [e.kind, e.actor]);
    expect(story).toEqual([
      ['request', 'coder'],
      ['escalate', 'planner'],
      ['approve', 'planner'],
    ]);
    expect(await delegator.verifyAudit()).toMatchObject({ ok: true });
  });
});

describe('denial and expiry', () => {
  it('a denial reaches the agent with its reason, and nothing changes', async () => {
    const token = await delegator.mint({ to: 'analyst', conditions: ['tool == "bank.balance"'] });
    const analyst = runner.startAgent({ principal: 'analyst', token });
    const denial = await denied(
      analyst.invoke('bank.transfer', { from: 'savings', to: 'checking', amount: 10 }),
    );
    const ticket = await analyst.requestPermission({
      scope: denial.decision.needed?.scope ?? [],
      reason: 'rebalance',
    });
    const waiting = analyst.awaitResponse(ticket.id);
    const [item] = (await delegator.inbox('owner')).filter((i) => i.requester === 'analyst');
    await delegator.deny(item?.id ?? '', { by: 'owner', reason: 'transfers need a person' });
    expect(await waiting).toEqual({ status: 'denied', reason: 'transfers need a person' });
    expect(await analyst.poll(ticket.id)).toEqual({
      error: 'access_denied',
      reason: 'transfers need a person',
    });
    expect(analyst.token).toBe(token);
    await denied(analyst.invoke('bank.transfer', { from: 'savings', to: 'checking', amount: 10 }));
  });

  it('an unanswered request expires and can no longer be approved', async () => {
    const token = await delegator.mint({ to: 'intern', conditions: ['tool == "fs.read"'] });
    const intern = runner.startAgent({ principal: 'intern', token });
    const denial = await denied(intern.invoke('bank.balance', { account: 'savings' }));
    const ticket = await intern.requestPermission({
      scope: denial.decision.needed?.scope ?? [],
      reason: 'curious',
      expiresIn: 120,
    });
    const waiting = intern.awaitResponse(ticket.id);
    clock += 121_000;
    expect(await intern.poll(ticket.id)).toEqual({ error: 'expired_token' });
    expect(await waiting).toEqual({ status: 'expired' });
    await expect(delegator.approve(ticket.id, { by: 'owner' })).rejects.toMatchObject({
      code: 'ERR_REQUEST_EXPIRED',
    });
    await denied(intern.invoke('bank.balance', { account: 'savings' }));
    expect((await delegator.audit({ requestId: ticket.id })).map((e) => e.kind)).toEqual([
      'request',
      'expire',
    ]);
  });
});
