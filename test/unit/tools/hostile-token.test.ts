// What an agent can do to its own session with what it writes: append hard conditions to its
// token (discovery over every tool stays within one algebra budget), or call with arguments the
// needed scope cannot write (the call is denied with PermissionDenied, never a ScopeLimitError).
import { describe, expect, it } from 'vitest';
import { RootKeyring, createRootKey, mintDelegation } from '../../../src/delegation/index.js';
import { PermissionDenied, createToolRunner, defineTool } from '../../../src/tools/index.js';
import {
  NOW,
  appendUntilFull,
  coderChain,
  cpuMs,
  hardCondition,
} from '../delegation/_hard-tokens.js';

const tools = [...Array.from({ length: 19 }, (_, i) => `fs.t${i}`), 'fs.read'].map((name) =>
  defineTool({
    name,
    description: name,
    inputSchema: { type: 'object' },
    handler: () => name,
  }),
);

describe('a session whose agent writes hostile input', () => {
  it('discovers 20 tools under hard conditions within one budget (0.4–0.8 s of CPU before)', () => {
    const { ring, coder } = coderChain();
    const token = appendUntilFull(coder, ['tool !~ "fs.t*"'], (k) => hardCondition(k));
    const runner = createToolRunner({ rootKeys: ring, tools, now: () => NOW });
    const session = runner.startAgent({ principal: 'coder', token });
    let statuses: string[] = [];
    const spent = cpuMs(() => {
      statuses = session.discoverTools().map((t) => t.status);
    });
    expect(spent).toBeLessThan(150);
    expect(statuses).toEqual([...Array.from({ length: 19 }, () => 'denied'), 'conditional']);
  });

  it.each([
    [
      'an argument longer than a condition can hold',
      { path: `/etc/${'a'.repeat(5000)}`, ids: [1] },
      'args.path',
    ],
    [
      'an array of more values than a list can hold',
      { path: '/repo/a', ids: Array.from({ length: 1100 }, (_, i) => i) },
      'args.ids',
    ],
  ])('denies a call with %s, listing it as unexpressible', async (_name, args, path) => {
    const ring = new RootKeyring([createRootKey()]);
    const token = mintDelegation(ring, {
      to: 'agent',
      conditions: ['args.path ~ "/repo/**"', 'all args.ids in [1, 2, 3]'],
    });
    const runner = createToolRunner({ rootKeys: ring, tools, now: () => NOW });
    const session = runner.startAgent({ principal: 'agent', token });
    const denied = await session.invoke('fs.read', args).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(denied).toBeInstanceOf(PermissionDenied);
    const needed = (denied as PermissionDenied).decision.needed;
    expect(needed?.scope[0]).toBe('tool == "fs.read"');
    expect(needed?.scope.join(' ')).not.toContain(path);
    expect(needed?.unexpressible).toEqual([
      expect.stringMatching(
        new RegExp(`^${path.replace('.', '\\.')} cannot be written as a condition`),
      ),
    ]);
  });
});
