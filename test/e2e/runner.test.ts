// End to end: an owner, an agent `planner` and a subagent `coder` over real tools — files
// confined to a temporary directory (with realpath checks, so a symlink cannot lead out) and a
// fake bank with list/transfer. Allowed calls run; each denied call names exactly the caveat,
// block and author that blocked it and the needed scope; discovery lists every tool with its
// status; a stolen token, a tampered token, an expired delegation and a retired key are refused.
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentsError,
  PermissionDenied,
  PrincipalMismatchError,
  RootKeyring,
  TokenInvalidError,
  UnknownToolError,
  authorize,
  caveat,
  createRootKey,
  createToolRunner,
  defineTool,
  globLiteral,
  inspectToken,
  mintDelegation,
  type AgentSession,
  type ToolRunner,
} from '../../src/index.js';

const START = new Date('2026-03-02T09:00:00Z');
let clock = START;
const hours = (h: number) => new Date(START.getTime() + h * 3600_000);

let root: string;
let outside: string;
let ring: RootKeyring;
let runner: ToolRunner;
let planner: AgentSession;
let coder: AgentSession;
let plannerToken: string;
let coderToken: string;

/** Resolves `path` and refuses it unless its real location is inside the sandbox. */
async function confined(path: string, { forWrite = false } = {}): Promise<string> {
  const real = forWrite
    ? join(await realpath(dirname(path)), path.slice(dirname(path).length + 1))
    : await realpath(path);
  const base = await realpath(root);
  if (real !== base && !real.startsWith(base + sep))
    throw new Error(`${path} is outside the sandbox`);
  return real;
}

const bank = {
  balances: new Map([
    ['checking', 1000],
    ['savings', 5000],
  ]),
  log: [] as { from: string; to: string; amount: number }[],
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
    handler: async ({ path }) => readFile(await confined(path), 'utf8'),
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
      await writeFile(await confined(path, { forWrite: true }), content);
      return content.length;
    },
  }),
  defineTool<{ account: string }, unknown>({
    name: 'bank.list',
    description: 'List the transfers of an account',
    inputSchema: {
      type: 'object',
      properties: { account: { type: 'string' } },
      required: ['account'],
      additionalProperties: false,
    },
    handler: ({ account }) => ({
      balance: bank.balances.get(account),
      transfers: bank.log.filter((t) => t.from === account || t.to === account),
    }),
  }),
  defineTool<{ from: string; to: string; amount: number }, unknown>({
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
      const balance = bank.balances.get(from) ?? 0;
      if (balance < amount) throw new Error('insufficient funds');
      bank.balances.set(from, balance - amount);
      bank.balances.set(to, (bank.balances.get(to) ?? 0) + amount);
      bank.log.push({ from, to, amount });
      return { ok: true };
    },
  }),
];

async function denial(promise: Promise<unknown>): Promise<PermissionDenied> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PermissionDenied);
  return err as PermissionDenied;
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'mandate-e2e-')));
  outside = await realpath(await mkdtemp(join(tmpdir(), 'mandate-outside-')));
  await mkdir(join(root, 'src'));
  await writeFile(join(root, 'README.md'), 'hello');
  await writeFile(join(outside, 'secret.txt'), 'top secret');
  await symlink(outside, join(root, 'src', 'escape'));

  ring = new RootKeyring([createRootKey({ id: 'owner-2026' })]);
  runner = createToolRunner({ rootKeys: ring, tools, now: () => clock });
  const project = `${globLiteral(root)}/**`;
  plannerToken = mintDelegation(ring, {
    to: 'planner',
    conditions: [
      'tool ~ "fs.*" or tool ~ "bank.*"',
      caveat`not (tool ~ "fs.*") or args.path ~ ${project}`,
      'tool != "bank.transfer" or (args.from == "checking" and args.amount <= 200)',
    ],
    expiresIn: 8 * 3600,
    now: START,
  });
  planner = runner.startAgent({ principal: 'planner', token: plannerToken });
  const sub = planner.startSubagent({
    to: 'coder',
    conditions: [
      'tool in ["fs.read", "fs.write", "bank.list"]',
      caveat`tool != "fs.write" or args.path ~ ${`${globLiteral(root)}/src/**`}`,
    ],
    expiresIn: 3600,
  });
  expect(sub.warnings).toEqual([]);
  coder = sub.session;
  coderToken = sub.token;
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('the chain', () => {
  it('reads as owner → planner → coder', () => {
    const view = inspectToken(coderToken);
    expect(view.blocks.map((b) => [b.grantor, b.grantee, b.conditions.length])).toEqual([
      ['owner', 'planner', 4],
      ['planner', 'coder', 3],
    ]);
    expect(view.askFrom).toBe('planner');
  });
});

describe('allowed calls run', () => {
  it('coder reads and writes inside its scope', async () => {
    clock = START;
    await expect(coder.invoke('fs.read', { path: join(root, 'README.md') })).resolves.toBe('hello');
    await expect(
      coder.invoke('fs.write', { path: join(root, 'src', 'a.ts'), content: 'export {};' }),
    ).resolves.toBe(10);
    await expect(readFile(join(root, 'src', 'a.ts'), 'utf8')).resolves.toBe('export {};');
    await expect(coder.invoke('bank.list', { account: 'checking' })).resolves.toMatchObject({
      balance: 1000,
    });
  });

  it('planner transfers within its limit', async () => {
    clock = START;
    await expect(
      planner.invoke('bank.transfer', { from: 'checking', to: 'savings', amount: 150 }),
    ).resolves.toEqual({ ok: true });
    expect(bank.balances.get('checking')).toBe(850);
  });
});

describe('denied calls name the caveat, block, author and needed scope', () => {
  it('coder writing outside src/ is blocked by the planner’s caveat', async () => {
    clock = START;
    const target = join(root, 'README.md');
    const err = await denial(coder.invoke('fs.write', { path: target, content: 'defaced' }));
    expect(err.decision.failures).toEqual([
      {
        kind: 'condition',
        block: 1,
        index: 7,
        caveat: `tool != "fs.write" or args.path ~ ${JSON.stringify(`${globLiteral(root)}/src/**`)}`,
        author: 'planner',
        reason: expect.any(String) as unknown,
        term: expect.any(String) as unknown,
      },
    ]);
    expect(err.decision.needed?.askFrom).toBe('planner');
    expect(err.decision.needed?.scope).toEqual(
      expect.arrayContaining([expect.stringContaining(JSON.stringify(target))]),
    );
    expect(err.toJSON()['scope']).toContain('"fs.write"');
    await expect(readFile(target, 'utf8')).resolves.toBe('hello'); // the handler never ran
  });

  it('coder moving money is blocked by the planner’s tool list', async () => {
    clock = START;
    const err = await denial(
      coder.invoke('bank.transfer', { from: 'checking', to: 'x', amount: 1 }),
    );
    expect(err.decision.failures.map((f) => [f.block, f.index, f.author, f.caveat])).toEqual([
      [1, 6, 'planner', 'tool in ["fs.read", "fs.write", "bank.list"]'],
    ]);
    expect(bank.log).toHaveLength(1);
  });

  it('planner over its limit is blocked by the owner’s caveat, with the amount in the reason', async () => {
    clock = START;
    const err = await denial(
      planner.invoke('bank.transfer', { from: 'checking', to: 'savings', amount: 500 }),
    );
    expect(err.decision.failures).toEqual([
      expect.objectContaining({
        block: 0,
        index: 3,
        author: 'owner',
        reason: expect.stringContaining('500') as unknown,
      }),
    ]);
    expect(err.decision.needed?.askFrom).toBe('owner');
    expect(err.decision.needed?.scope.join(' ')).toContain('500');
    expect(bank.balances.get('checking')).toBe(850);
  });

  it('path traversal satisfies no glob', async () => {
    clock = START;
    const err = await denial(
      coder.invoke('fs.read', { path: `${root}/../${outside.split(sep).pop()}/secret.txt` }),
    );
    expect(err.decision.failures[0]).toMatchObject({ block: 0, index: 2, author: 'owner' });
    expect(err.decision.failures[0]?.reason).toMatch(/\.\./);
  });

  it('a symlink that the policy allows is still confined by the tool', async () => {
    clock = START;
    await expect(
      coder.invoke('fs.read', { path: join(root, 'src', 'escape', 'secret.txt') }),
    ).rejects.toThrow(/outside the sandbox/);
  });

  it('unknown tools and bad arguments are refused before any policy', async () => {
    await expect(coder.invoke('shell.run', { cmd: 'rm -rf /' })).rejects.toThrow(UnknownToolError);
    await expect(coder.invoke('fs.read', { path: 42 })).rejects.toThrow(InvalidArgumentsError);
  });
});

describe('discovery', () => {
  it('lists every tool for the coder with its status and residual condition', () => {
    clock = START;
    const found = Object.fromEntries(coder.discoverTools().map((t) => [t.name, t]));
    expect(Object.keys(found)).toEqual(['fs.read', 'fs.write', 'bank.list', 'bank.transfer']);
    expect(found['fs.read']).toMatchObject({
      status: 'conditional',
      condition: `args.path ~ ${JSON.stringify(`${globLiteral(root)}/**`)}`,
    });
    expect(found['fs.write']?.status).toBe('conditional');
    expect(found['fs.write']?.condition).toContain('/src/**');
    expect(found['bank.list']).toMatchObject({ status: 'allowed' });
    expect(found['bank.transfer']).toMatchObject({ status: 'denied' });
    expect(found['bank.transfer']?.failures).toEqual([
      expect.objectContaining({
        block: 1,
        index: 6,
        author: 'planner',
        caveat: 'tool in ["fs.read", "fs.write", "bank.list"]',
      }),
    ]);
  });

  it('shows the planner’s transfer as conditional on the owner’s limit', () => {
    clock = START;
    const transfer = planner.discoverTools().find((t) => t.name === 'bank.transfer');
    expect(transfer?.status).toBe('conditional');
    expect(transfer?.condition).toContain('args.amount <= 200');
  });
});

describe('refusals', () => {
  it('a token stolen by another principal is refused', () => {
    clock = START;
    expect(() => runner.startAgent({ principal: 'mallory', token: coderToken })).toThrow(
      PrincipalMismatchError,
    );
    const d = authorize(
      coderToken,
      { tool: 'fs.read', args: { path: join(root, 'README.md') }, principal: 'mallory' },
      {
        rootKeys: ring,
        now: START,
      },
    );
    expect(d.allowed).toBe(false);
    expect(d.failures).toEqual([
      expect.objectContaining({ kind: 'principal', block: 1, index: 5, author: 'planner' }),
    ]);
  });

  it('a tampered token is refused with the opaque error', () => {
    const i = Math.floor(coderToken.length / 2);
    const tampered =
      coderToken.slice(0, i) + (coderToken[i] === 'x' ? 'y' : 'x') + coderToken.slice(i + 1);
    expect(() => runner.startAgent({ principal: 'coder', token: tampered })).toThrow(
      TokenInvalidError,
    );
  });

  it('expired delegations are refused: the coder after 1 h, the planner after 8 h', async () => {
    clock = hours(1);
    const late = await denial(coder.invoke('fs.read', { path: join(root, 'README.md') }));
    expect(late.decision.failures).toEqual([
      expect.objectContaining({
        block: 1,
        author: 'planner',
        caveat: expect.stringMatching(/^time < 2026-03-02T10:00:00/) as unknown,
      }),
    ]);
    await expect(planner.invoke('fs.read', { path: join(root, 'README.md') })).resolves.toBe(
      'hello',
    );
    clock = hours(8);
    const later = await denial(planner.invoke('fs.read', { path: join(root, 'README.md') }));
    expect(later.decision.failures).toEqual([
      expect.objectContaining({
        block: 0,
        author: 'owner',
        caveat: expect.stringMatching(/^time < /) as unknown,
      }),
    ]);
    expect(coder.discoverTools().every((t) => t.status === 'denied')).toBe(true);
    clock = START;
  });

  it('retiring the owner’s key refuses every token it minted', async () => {
    clock = START;
    ring.rotate({ id: 'owner-2027' });
    await expect(coder.invoke('fs.read', { path: join(root, 'README.md') })).resolves.toBe('hello');
    ring.retire('owner-2026');
    await expect(coder.invoke('fs.read', { path: join(root, 'README.md') })).rejects.toThrow(
      TokenInvalidError,
    );
    await expect(planner.invoke('bank.list', { account: 'checking' })).rejects.toThrow(
      TokenInvalidError,
    );
  });
});
