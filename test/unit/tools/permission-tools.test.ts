// The model's side of mandate, in no SDK's format: a refused call of a tool that runs elsewhere
// reads as which condition blocked it and how to ask; mandate_request_permission carries the
// refused call to the grantor and answers at once; mandate_check_request says pending, then
// approved (the new token is installed, so the retry is allowed), denied with the reason, or
// expired; bad input and broker failures come back as results, never throws.
import { describe, expect, it } from 'vitest';
import {
  PERMISSION_TOOL_NAMES,
  createToolRunner,
  permissionTools,
  type AgentSession,
} from '../../../src/tools/index.js';
import { setup, type Setup } from '../requests/_setup.js';

async function coderSession(): Promise<{ s: Setup; coder: AgentSession }> {
  const s = await setup();
  const runner = createToolRunner({
    rootKeys: s.delegator.rootKeys,
    tools: [],
    broker: s.delegator,
    now: s.clock.now,
  });
  const token = s.sub('coder', ['tool == "fs.read"']);
  return { s, coder: runner.startAgent({ principal: 'coder', token }) };
}

describe('authorizeCall and accessFor, for tools that run elsewhere', () => {
  it('decides without a registered tool, and hands back the frozen arguments it decided on', async () => {
    const { coder } = await coderSession();
    const allowed = coder.authorizeCall('fs.read', { path: '/repo/a.md' });
    expect(allowed).toMatchObject({ allowed: true, args: { path: '/repo/a.md' } });
    expect(Object.isFrozen(allowed.allowed && allowed.args)).toBe(true);
    const denied = coder.authorizeCall('fs.write', { path: '/repo/a.md' });
    expect(denied.allowed).toBe(false);
    if (denied.allowed) return;
    expect(denied.error.code).toBe('ERR_PERMISSION_DENIED');
    expect(coder.accessFor(['fs.read', 'fs.write']).map((a) => a.status)).toEqual([
      'conditional',
      'denied',
    ]);
  });

  it('refuses arguments that are not JSON as a value', async () => {
    const { coder } = await coderSession();
    const check = coder.authorizeCall('fs.read', { path: 1n });
    expect(check).toMatchObject({ allowed: false, error: { code: 'ERR_TOOLS_INVALID_ARGUMENTS' } });
  });
});

describe('permissionTools', () => {
  it('tells the model what blocked the call and how to ask, then carries the call to the grantor', async () => {
    const { s, coder } = await coderSession();
    const tools = permissionTools(coder);
    expect([tools.request.name, tools.check.name]).toEqual([
      PERMISSION_TOOL_NAMES.request,
      PERMISSION_TOOL_NAMES.check,
    ]);
    const check = coder.authorizeCall('fs.write', { path: '/repo/out.md' });
    if (check.allowed) throw new Error('expected a denial');
    const refused = tools.refused(check.error);
    expect(refused.isError).toBe(true);
    expect(refused.text).toContain('by planner');
    expect(refused.text).toContain('mandate_request_permission');
    expect(refused.data.mandate).toMatchObject({ code: 'ERR_PERMISSION_DENIED' });

    const asked = await tools.request.run({ scope: 'tool == "fs.write"', reason: 'save it' });
    expect(asked.isError).toBe(false);
    const id = asked.data.id as string;
    expect(asked.text).toContain(id);
    const [item] = await s.delegator.inbox({ token: s.planner });
    expect(item?.call).toMatchObject({ tool: 'fs.write', args: { path: '/repo/out.md' } });

    expect((await tools.check.run({ id })).data).toMatchObject({ status: 'pending' });
    await s.delegator.approve(id, { by: { token: s.planner } });
    const approved = await tools.check.run({ id });
    expect(approved).toMatchObject({ isError: false, data: { status: 'approved' } });
    expect(approved.text).toContain('Retry');
    expect(coder.authorizeCall('fs.write', { path: '/repo/out.md' }).allowed).toBe(true);
  });

  it('says denied with the reason, and expired', async () => {
    const { s, coder } = await coderSession();
    const tools = permissionTools(coder);
    const a = await tools.request.run({ scope: ['tool == "fs.write"'], reason: 'a' });
    await s.delegator.deny(a.data.id as string, { by: { token: s.planner }, reason: 'not today' });
    expect(await tools.check.run({ id: a.data.id })).toMatchObject({
      data: { status: 'denied', reason: 'not today' },
    });
    const b = await tools.request.run({ scope: 'tool == "fs.write"', reason: 'b', expires_in: 60 });
    s.clock.advance(120);
    expect((await tools.check.run({ id: b.data.id })).data).toMatchObject({ status: 'expired' });
  });

  it('answers bad input and refused requests with an error result, never a throw', async () => {
    const { coder } = await coderSession();
    const tools = permissionTools(coder);
    for (const input of [null, 'x', [], { scope: 'tool ==', reason: 'r' }, { scope: 'true' }])
      expect((await tools.request.run(input)).isError).toBe(true);
    expect((await tools.check.run({ id: 42 })).isError).toBe(true);
    const unknown = await tools.check.run({ id: 'req_nope' });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/^mandate: /);
  });
});
