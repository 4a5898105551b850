// A denial is a denial whatever goes wrong while working out what would help: an exception from
// the needed-scope computation (here forced by a stand-in for the algebra's neededScope) comes
// back as `neededUnavailable` on the denial, never as an exception from `authorize` or `invoke`.
// Every other test asserts that `neededUnavailable` never appears, so a bug is not hidden.
import { describe, expect, it, vi } from 'vitest';
import {
  RootKeyring,
  authorize,
  createRootKey,
  mintDelegation,
} from '../../../src/delegation/index.js';
import { PermissionDenied, createToolRunner, defineTool } from '../../../src/tools/index.js';

vi.mock('../../../src/scope/algebra/needed.js', async (original) => ({
  ...(await original<object>()),
  neededScope: () => {
    throw new Error('a bug in neededScope');
  },
}));

const NOW = new Date('2026-03-01T12:00:00Z');
const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
const token = mintDelegation(ring, { to: 'agent', conditions: ['args.path ~ "/repo/**"'] });

describe('when computing the needed permission fails', () => {
  it('authorize still returns the denial, with every failure and why there is no needed', () => {
    const decision = authorize(
      token,
      { tool: 'fs.read', args: { path: '/etc/hosts' }, principal: 'agent' },
      { rootKeys: ring, now: NOW },
    );
    expect(decision).toMatchObject({
      allowed: false,
      failures: [{ kind: 'condition', caveat: 'args.path ~ "/repo/**"' }],
      neededUnavailable:
        'the needed permission could not be computed (Error: a bug in neededScope)',
    });
    expect(decision.allowed === false && decision.needed).toBeUndefined();
  });

  it('invoke rejects with PermissionDenied, and the handler does not run', async () => {
    let ran = false;
    const read = defineTool({
      name: 'fs.read',
      description: 'reads',
      inputSchema: { type: 'object' },
      handler: () => (ran = true),
    });
    const session = createToolRunner({ rootKeys: ring, tools: [read], now: () => NOW }).startAgent({
      principal: 'agent',
      token,
    });
    const denied = await session.invoke('fs.read', { path: '/etc/hosts' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(PermissionDenied);
    expect((denied as PermissionDenied).toJSON()).toMatchObject({
      code: 'ERR_PERMISSION_DENIED',
      neededUnavailable: expect.stringContaining('could not be computed') as unknown,
    });
    expect(ran).toBe(false);
  });
});
