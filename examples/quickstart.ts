/**
 * The README's library tour as one program: mint, delegate, authorize, run tools, discover,
 * be denied, ask, approve, retry, and reason about scopes. `npx tsx examples/quickstart.ts`
 * runs it against an in-memory Delegator and files in a temporary directory (removed when it
 * ends); the test suite runs it too, so the README cannot drift from the code. (Inside this repository it imports the
 * sources; an application imports the same names from 'mandate'.)
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, realpath, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Delegator,
  PermissionDenied,
  authorize,
  caveat,
  contains,
  createToolRunner,
  defineTool,
  delegate,
  globLiteral,
  residual,
} from '../src/index.js';

const repo = await realpath(await mkdtemp(join(tmpdir(), 'mandate-quickstart-')));
process.on('exit', () => rmSync(repo, { recursive: true, force: true }));
await writeFile(join(repo, 'README.md'), 'helo, world\n');

/** Files only inside the repository: the tools' own guard, beneath the policy. */
function inside(path: string): string {
  if (!path.startsWith(`${repo}/`) || path.split('/').includes('..'))
    throw new Error('outside the repository');
  return path;
}

const pathArgs = {
  type: 'object',
  properties: { path: { type: 'string' } },
  required: ['path'],
} as const;
const tools = [
  defineTool<{ path: string }, string>({
    name: 'fs.read',
    description: 'Read a file in the repository',
    inputSchema: pathArgs,
    handler: ({ path }) => readFile(inside(path), 'utf8'),
  }),
  defineTool<{ path: string; content: string }, string>({
    name: 'fs.write',
    description: 'Write a file in the repository',
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path', 'content'],
    },
    handler: async ({ path, content }) => {
      await writeFile(inside(path), content);
      return 'written';
    },
  }),
];

// The owner: a Delegator holds the root key, the requests and the audit log.
const delegator = await Delegator.inMemory();
const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools, broker: delegator });

// Mint for the planner: files under the repository, for eight hours.
const plannerToken = await delegator.mint({
  to: 'planner',
  conditions: [caveat`tool ~ "fs.*" and args.path ~ ${`${globLiteral(repo)}/**`}`],
  expiresIn: 8 * 3600,
});
// The planner narrows it for a coder, offline: reading only.
const { token: coderToken } = delegate(plannerToken, {
  to: 'coder',
  conditions: ['tool == "fs.read"'],
});

const readme = join(repo, 'README.md');
const decision = authorize(
  coderToken,
  { tool: 'fs.write', args: { path: readme, content: 'x' }, principal: 'coder' },
  { rootKeys: delegator.rootKeys },
);
if (!decision.allowed) {
  for (const f of decision.failures)
    console.log(`coder denied by block ${f.block} (${f.author}): ${f.caveat} — ${f.reason}`);
  console.log(
    `coder should ask ${decision.needed?.askFrom} for: ${decision.needed?.scope.join(' and ')}`,
  );
}

// The planner's session: discovery, an allowed call, a denied one.
const planner = runner.startAgent({ principal: 'planner', token: plannerToken });
for (const t of planner.discoverTools())
  console.log(`${t.name}: ${t.status}${t.condition ? ` when ${t.condition}` : ''}`);
console.log('read:', JSON.stringify(await planner.invoke('fs.read', { path: readme })));
const outside = join(tmpdir(), 'elsewhere.txt');
try {
  await planner.invoke('fs.write', { path: outside, content: 'x' });
} catch (err) {
  if (!(err instanceof PermissionDenied)) throw err;
  console.log(`denied at once: ${String(err.toJSON().error)}`);
}

// The coder asks its grantor, the planner, for write access to one file. That lies inside the
// planner's own authority, so the planner can approve it without asking the owner.
const coder = runner.startAgent({ principal: 'coder', token: coderToken });
const ticket = await coder.requestPermission({
  scope: caveat`tool == "fs.write" and args.path == ${readme}`,
  reason: 'fix the typo in the README',
});
const [item] = await delegator.inbox({ token: plannerToken });
console.log(`planner's inbox: ${item?.requester} asks "${item?.reason}"`);
await delegator.approve(ticket.id, { by: { token: plannerToken }, expiresIn: 3600 });
await coder.awaitResponse(ticket.id);
console.log(
  'coder writes:',
  await coder.invoke('fs.write', { path: readme, content: 'hello, world\n' }),
);

// The algebra.
console.log(contains('args.path ~ "/repo/**"', 'args.path ~ "/repo/src/*.ts"'));
console.log(JSON.stringify(contains('args.amount <= 100', 'args.amount <= 500')));
console.log(
  residual(`tool ~ "fs.*" and (tool != "fs.write" or args.path ~ "/repo/**")`, {
    tool: 'fs.write',
  }),
);
await delegator.close();
