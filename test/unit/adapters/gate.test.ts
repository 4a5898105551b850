/**
 * The gate every SDK adapter shares: names mapped, calls decided by the session's token, and
 * every fault a refusal the model reads (fail closed), never a call that runs.
 */
import { describe, expect, it } from 'vitest';
import { createGate } from '../../../src/adapters/_gate.js';
import { createToolRunner, Delegator } from '../../../src/index.js';

async function session() {
  const delegator = await Delegator.inMemory();
  const token = await delegator.mint({
    to: 'bot',
    conditions: ['tool == "fs.read"'],
    expiresIn: 60,
  });
  const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools: [], broker: delegator });
  return { delegator, session: runner.startAgent({ principal: 'bot', token }) };
}

describe('createGate', () => {
  it('allows with the frozen snapshot of the arguments, and refuses with the text a model reads', async () => {
    const { delegator, session: s } = await session();
    const gate = createGate({ session: s, toolName: { read: 'fs.read' } });
    const args = { path: '/a' };
    const ok = gate.decide('read', args);
    expect(ok).toMatchObject({ allowed: true, tool: 'fs.read', args: { path: '/a' } });
    if (ok.allowed) {
      expect(ok.args).not.toBe(args);
      expect(Object.isFrozen(ok.args)).toBe(true);
    }
    const no = gate.decide('write', { path: '/a' });
    expect(no.allowed).toBe(false);
    if (!no.allowed) {
      expect(no.result.text).toContain('Refused: "write" is not permitted');
      expect(no.result.text).toContain('Needed scope: tool == "write"');
    }
    await delegator.close();
  });

  it('refuses, and never throws, when the name map throws, the arguments are no object, or not JSON', async () => {
    const { delegator, session: s } = await session();
    const throwing = createGate({
      session: s,
      toolName: () => {
        throw new Error('no map for it');
      },
    });
    const mapped = throwing.decide('read', {});
    expect(mapped).toMatchObject({ allowed: false });
    if (!mapped.allowed)
      expect(mapped.result.text).toContain('could not decide this call (no map for it)');
    const gate = createGate({ session: s, toolName: { read: 'fs.read' } });
    for (const args of [null, 'x', [1], undefined, { f: () => 1 }, { n: Number.NaN }]) {
      const v = gate.decide('read', args);
      expect(v.allowed, JSON.stringify(args)).toBe(false);
      if (!v.allowed) expect(v.result.isError).toBe(true);
    }
    await delegator.close();
  });

  it('knows its own request tools and checks its options', async () => {
    const { delegator, session: s } = await session();
    const gate = createGate({ session: s });
    expect(gate.isPermissionTool('mandate_request_permission')).toBe(true);
    expect(gate.isPermissionTool('mandate_check_request')).toBe(true);
    expect(gate.isPermissionTool('fs.read')).toBe(false);
    expect(gate.permissionTools.map((t) => t.name)).toEqual([
      'mandate_request_permission',
      'mandate_check_request',
    ]);
    const renamed = createGate({
      session: s,
      permissionToolNames: { request: 'ask', check: 'status' },
    });
    expect(renamed.permissionTools.map((t) => t.name)).toEqual(['ask', 'status']);
    expect(() => createGate(undefined as never)).toThrow(TypeError);
    expect(() => createGate({ session: {} as never })).toThrow(
      /options.session must be an AgentSession/,
    );
    expect(() => createGate({ session: s, toolName: 3 as never })).toThrow(/options.toolName/);
    expect(() => createGate({ session: s, toolName: { a: 1 as never } })).toThrow(
      /options.toolName\["a"\]/,
    );
    expect(() =>
      createGate({ session: s, permissionToolNames: { request: 'x', check: 'x' } }),
    ).toThrow(RangeError);
    await delegator.close();
  });
});
