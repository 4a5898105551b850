/**
 * Requests remember the call: a coder denied a write asks with the denied call; its grantor's
 * inbox shows the call and whether approving it (as asked, narrower, or from higher up) would
 * let that call through; the call is kept in the audit log, across escalation and across
 * reopening a SQLite file; a request without a call says so; and a call that is not small,
 * plain JSON is refused before anything is stored. Real Delegator, tool runner and stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { delegate } from '../../../src/delegation/index.js';
import { Delegator, REQUEST_LIMITS, RequestInvalidError } from '../../../src/requests/index.js';
import {
  PermissionDenied,
  createToolRunner,
  defineTool,
  type AgentSession,
} from '../../../src/tools/index.js';
import { Clock, setup, type Setup } from './_setup.js';

let s: Setup | undefined;
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await s?.delegator.close();
  s = undefined;
  for (const step of cleanup.splice(0)) await step();
});

const written: string[] = [];
const tools = ['fs.read', 'fs.write', 'fs.delete'].map((name) =>
  defineTool<{ path: string; content?: string }, string>({
    name,
    description: `the ${name} tool`,
    inputSchema: {
      type: 'object',
      properties: { path: { type: 'string' }, content: { type: 'string' } },
      required: ['path'],
      additionalProperties: false,
    },
    handler: ({ path }) => {
      written.push(`${name} ${path}`);
      return name;
    },
  }),
);

const SUMMARY = { path: '/repo/out/summary.md', content: '# Summary' };

/** The coder (held to fs.read under the planner) and its runner session. */
function coderOf(setup: Setup, conditions = ['tool == "fs.read"']): AgentSession {
  const runner = createToolRunner({
    rootKeys: setup.delegator.rootKeys,
    tools,
    broker: setup.delegator,
    now: setup.clock.now,
  });
  return runner.startAgent({ principal: 'coder', token: setup.sub('coder', conditions) });
}

/** Invokes `tool`, expecting a denial; asks for its needed scope with the call. */
async function askAfterDenial(
  session: AgentSession,
  tool: string,
  args: Record<string, unknown>,
): Promise<string> {
  const err = await session.invoke(tool, args).catch((e: unknown) => e);
  if (!(err instanceof PermissionDenied)) throw new Error(`expected a denial, got ${String(err)}`);
  const scope = err.decision.needed?.scope;
  if (scope === undefined) throw new Error('the denial names no needed scope');
  const ticket = await session.requestPermission({
    scope,
    call: { tool: err.tool, args: err.args },
    reason: 'write the summary',
  });
  return ticket.id;
}

describe('a request that remembers its call', () => {
  it('shows the planner the call, and that approving as asked allows it', async () => {
    s = await setup();
    const coder = coderOf(s);
    const id = await askAfterDenial(coder, 'fs.write', SUMMARY);
    const planner = { token: s.planner };
    const [item] = await s.delegator.inbox(planner);
    expect(item).toMatchObject({
      id,
      requester: 'coder',
      call: { tool: 'fs.write', args: SUMMARY },
      callAllowedAfter: true,
      verdict: { contained: true },
    });
    expect(Object.keys(item?.call?.args ?? {})).toEqual(['content', 'path']);
    expect((await s.delegator.get(id)).call).toEqual({ tool: 'fs.write', args: SUMMARY });
    const [entry] = await s.delegator.audit({ requestId: id, kind: 'request' });
    expect(entry?.details['call']).toEqual({ tool: 'fs.write', args: SUMMARY });

    await s.delegator.approve(id, { by: planner });
    await coder.awaitResponse(id);
    await expect(coder.invoke('fs.write', SUMMARY)).resolves.toBe('fs.write');
  });

  it('says when an approval narrower than asked would not allow the call', async () => {
    s = await setup();
    const id = await askAfterDenial(coderOf(s), 'fs.write', SUMMARY);
    const { scope } = await s.delegator.get(id);
    const by = { token: s.planner };
    const narrower = [...scope, 'args.path ~ "/repo/src/**"'];
    expect(await s.delegator.preview(id, { by, scope: narrower })).toMatchObject({
      verdict: { contained: true },
      callAllowedAfter: false,
    });
    expect(await s.delegator.preview(id, { by, expiresIn: 600 })).toMatchObject({
      callAllowedAfter: true,
    });
  });

  it('judges the call at the time of the preview, with the time box asked for', async () => {
    s = await setup();
    const coder = coderOf(s, ['tool == "fs.read"', 'time < 2026-03-01T09:30:00Z']);
    const id = await askAfterDenial(coder, 'fs.write', SUMMARY);
    const by = { token: s.planner };
    expect((await s.delegator.inbox(by))[0]?.callAllowedAfter).toBe(true);
    s.clock.advance(1800);
    // The coder's token has expired: a grant without a time box ends with it, one with its own
    // time box does not.
    expect((await s.delegator.inbox(by))[0]?.callAllowedAfter).toBe(false);
    expect((await s.delegator.preview(id, { by, expiresIn: 600 })).callAllowedAfter).toBe(true);
  });

  it('says when the call lies beyond the grant, however it is approved', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.list"'],
      call: { tool: 'fs.write', args: SUMMARY },
      reason: 'asked for one thing, tried another',
    });
    expect((await s.delegator.inbox({ token: s.planner }))[0]).toMatchObject({
      id,
      verdict: { contained: true },
      callAllowedAfter: false,
    });
  });

  it('shows null for a request without a call, and records none', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.list"'],
      reason: 'list the repo',
    });
    expect((await s.delegator.inbox({ token: s.planner }))[0]).toMatchObject({
      id,
      call: null,
      callAllowedAfter: null,
    });
    expect((await s.delegator.get(id)).call).toBeNull();
    const [entry] = await s.delegator.audit({ requestId: id, kind: 'request' });
    expect(entry !== undefined && 'call' in entry.details).toBe(false);
  });

  it('keeps the first call when the same token asks again for the same scope', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const ask = (path: string) =>
      s!.delegator.request({
        token: coder,
        principal: 'coder',
        scope: ['tool == "fs.write"', 'args.path ~ "/repo/**"'],
        call: { tool: 'fs.write', args: { path } },
        reason: 'write',
      });
    const first = await ask('/repo/a');
    const again = await ask('/repo/b');
    expect(again.id).toBe(first.id);
    expect((await s.delegator.get(first.id)).call?.args).toEqual({ path: '/repo/a' });
  });

  it('carries the call up an escalation, judged for the grantor that escalated', async () => {
    s = await setup();
    const coder = coderOf(s);
    const id = await askAfterDenial(coder, 'fs.delete', { path: '/repo/tmp/x' });
    const by = { token: s.planner };
    expect((await s.delegator.inbox(by))[0]).toMatchObject({
      callAllowedAfter: false,
      verdict: { contained: false },
    });
    const linked = await s.delegator.escalate(id, { by, autoApprove: true });
    expect(linked.call).toEqual({ tool: 'fs.delete', args: { path: '/repo/tmp/x' } });
    const [up] = await s.delegator.inbox('owner');
    expect(up).toMatchObject({ id: linked.id, requester: 'planner', callAllowedAfter: true });
    await s.delegator.approve(linked.id, { by: 'owner' });
    await coder.awaitResponse(id);
    await expect(coder.invoke('fs.delete', { path: '/repo/tmp/x' })).resolves.toBe('fs.delete');
  });

  it('keeps the call across reopening a SQLite store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mandate-calls-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'requests.db');
    const clock = new Clock();
    const first = await Delegator.open({ path, now: clock.now, watchIntervalMs: 0 });
    const planner = await first.mint({
      to: 'planner',
      conditions: ['tool ~ "fs.*"', 'args.path ~ "/repo/**"'],
    });
    const coder = delegate(planner, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    const { id } = await first.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      call: { tool: 'fs.write', args: SUMMARY },
      reason: 'write the summary',
    });
    await first.close();
    const again = await Delegator.open({ path, now: clock.now, watchIntervalMs: 0 });
    cleanup.unshift(() => again.close());
    expect((await again.inbox({ token: planner }))[0]).toMatchObject({
      id,
      call: { tool: 'fs.write', args: SUMMARY },
      callAllowedAfter: true,
    });
  });
});

describe('a call that is not small, plain JSON', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic['self'] = cyclic;
  const deep: Record<string, unknown> = {};
  let level = deep;
  for (let i = 1; i < REQUEST_LIMITS.maxCallDepth; i++) level = level['x'] = {};
  level['x'] = { too: 'deep' };
  const getter = Object.defineProperty({}, 'secret', {
    enumerable: true,
    get: () => {
      throw new Error('no');
    },
  });

  it.each([
    ['a function', { f: () => 1 }, /call args\/f is not JSON: a function/],
    ['NaN', { n: Number.NaN }, /call args\/n must be a finite number/],
    ['a bigint', { n: 10n }, /call args\/n is not JSON: a bigint/],
    ['undefined', { u: undefined }, /call args\/u is not JSON/],
    ['a Date', { when: new Date(0) }, /call args\/when is not JSON: an instance of Date/],
    ['a Map', { m: new Map() }, /call args\/m is not JSON: an instance of Map/],
    ['a Date as the arguments', new Date(0), /call args must be a JSON object/],
    ['a cycle', cyclic, /call args\/self is a circular reference/],
    ['a throwing getter', getter, /call args could not be read as JSON/],
    ['nesting too deep', deep, /nests deeper than 16/],
    ['too much text', { s: 'x'.repeat(REQUEST_LIMITS.maxCallBytes) }, /over 16384 characters/],
    ['too many bytes', { s: 'é'.repeat(8200) }, /call is larger than 16384 bytes of JSON/],
  ])('refuses %s with a clear error, storing nothing', async (_what, args, message) => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const err = await s.delegator
      .request({
        token: coder,
        principal: 'coder',
        scope: ['tool == "fs.write"'],
        call: { tool: 'fs.write', args },
        reason: 'write',
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestInvalidError);
    expect(err).toMatchObject({ code: 'ERR_REQUEST_INVALID', field: 'call' });
    expect((err as Error).message).toMatch(message);
    expect(await s.delegator.inbox({ token: s.planner })).toEqual([]);
  });

  it('refuses a tool name that is empty or too long, and wrong types as misuse', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const ask = (call: unknown) =>
      s!.delegator.request({
        token: coder,
        principal: 'coder',
        scope: ['tool == "fs.write"'],
        call: call as never,
        reason: 'write',
      });
    for (const tool of ['', 't'.repeat(REQUEST_LIMITS.maxCallToolLength + 1)]) {
      await expect(ask({ tool, args: {} })).rejects.toMatchObject({
        code: 'ERR_REQUEST_INVALID',
        message: 'call tool must be 1 to 128 characters',
      });
    }
    for (const call of [
      null,
      'fs.write',
      { tool: 1, args: {} },
      { tool: 't' },
      { tool: 't', args: [] },
    ])
      await expect(ask(call)).rejects.toThrow(TypeError);
    expect(await s.delegator.audit({ kind: 'request' })).toEqual([]);
  });

  it('accepts a call right at the size limit', async () => {
    s = await setup();
    const coder = s.sub('coder', ['tool == "fs.read"']);
    const overhead = JSON.stringify({ args: { s: '' }, tool: 'fs.write' }).length;
    const args = { s: 'x'.repeat(REQUEST_LIMITS.maxCallBytes - overhead) };
    const { id } = await s.delegator.request({
      token: coder,
      principal: 'coder',
      scope: ['tool == "fs.write"'],
      call: { tool: 'fs.write', args },
      reason: 'write',
    });
    expect((await s.delegator.get(id)).call?.args).toEqual(args);
  });
});
