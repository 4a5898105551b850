/**
 * The Claude Agent SDK adapter's rules, by calling its hooks with the JSON Claude Code sends (the
 * end-to-end test with the real binary is test/adapters/claude-agent-sdk): the name map, whose
 * token decides which call, how subagents are bound to delegations (and when that cannot be
 * told), and the permission modes it refuses.
 */
import { describe, expect, it } from 'vitest';
import {
  claudeToolName,
  mandateClaude,
  type ClaudeHookInput,
  type MandateClaude,
} from '../../../src/adapters/claude-agent-sdk/index.js';
import { createToolRunner, Delegator } from '../../../src/index.js';

async function setup(
  conditions: string[],
  subagents?: Parameters<typeof mandateClaude>[0]['subagents'],
) {
  const delegator = await Delegator.inMemory();
  const token = await delegator.mint({ to: 'main', conditions, expiresIn: 600 });
  const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools: [], broker: delegator });
  const session = runner.startAgent({ principal: 'main', token });
  const claude = mandateClaude({ session, ...(subagents ? { subagents } : {}) });
  return { delegator, claude };
}

const signal = new AbortController().signal;
let uses = 0;

/** What the PreToolUse hook decides for a call. */
async function decide(claude: MandateClaude, input: Partial<ClaudeHookInput>) {
  const hook = claude.hooks.PreToolUse[0]!.hooks[0]!;
  const out = await hook(
    { hook_event_name: 'PreToolUse', session_id: 's', tool_use_id: `t${++uses}`, ...input },
    undefined,
    { signal },
  );
  return out.hookSpecificOutput;
}

async function subagentStart(claude: MandateClaude, agent_id: string, agent_type: string) {
  await claude.hooks.SubagentStart[0]!.hooks[0]!(
    { hook_event_name: 'SubagentStart', session_id: 's', agent_id, agent_type },
    undefined,
    { signal },
  );
}

describe('claudeToolName', () => {
  it.each([
    ['mcp__fs__read_file', 'fs.read_file'],
    ['mcp__my_server__do__it', 'my_server.do__it'],
    ['Read', 'Read'],
    ['Task', 'Agent'],
    ['Agent', 'Agent'],
  ])('%s → %s', (name, policy) => expect(claudeToolName(name)).toBe(policy));
});

describe('mandateClaude', () => {
  it('decides built-in and MCP calls by their policy names, with the refusal as the deny reason', async () => {
    const { delegator, claude } = await setup(['tool in ["Read", "fs.read_file"]']);
    expect(
      await decide(claude, { tool_name: 'Read', tool_input: { file_path: '/a' } }),
    ).toMatchObject({
      permissionDecision: 'allow',
    });
    expect(
      await decide(claude, { tool_name: 'mcp__fs__read_file', tool_input: { path: '/a' } }),
    ).toMatchObject({
      permissionDecision: 'allow',
    });
    const denied = await decide(claude, { tool_name: 'Bash', tool_input: { command: 'ls' } });
    expect(denied?.permissionDecision).toBe('deny');
    expect(denied?.permissionDecisionReason).toContain('Refused: "Bash" is not permitted');
    await delegator.close();
  });

  it('refuses calls made in the bypassPermissions mode, and a tool input that is no object', async () => {
    const { delegator, claude } = await setup(['tool == "Read"']);
    expect(
      await decide(claude, {
        tool_name: 'Read',
        tool_input: {},
        permission_mode: 'bypassPermissions',
      }),
    ).toMatchObject({ permissionDecision: 'deny' });
    expect(await decide(claude, { tool_name: 'Read', tool_input: 'x' })).toMatchObject({
      permissionDecision: 'deny',
    });
    await delegator.close();
  });

  it('holds a subagent to the delegation its rule derives, and refuses one with no rule or no gated start', async () => {
    const { delegator, claude } = await setup(['tool in ["Read", "Agent"]'], {
      reviewer: { to: 'rev', conditions: ['args.file_path ~ "/pub/**"'] },
    });
    const spawn = { description: 'd', prompt: 'p' };
    expect(
      await decide(claude, {
        tool_name: 'Agent',
        tool_input: { ...spawn, subagent_type: 'reviewer' },
      }),
    ).toMatchObject({ permissionDecision: 'allow' });
    await subagentStart(claude, 'a1', 'reviewer');
    expect(claude.subagentSession('a1')?.principal).toBe('rev');
    const inside = { agent_id: 'a1', agent_type: 'reviewer', tool_name: 'Read' };
    expect(await decide(claude, { ...inside, tool_input: { file_path: '/pub/x' } })).toMatchObject({
      permissionDecision: 'allow',
    });
    const refused = await decide(claude, { ...inside, tool_input: { file_path: '/secret' } });
    expect(refused?.permissionDecision).toBe('deny');
    expect(refused?.permissionDecisionReason).toContain('by main');
    // The parent is not held to it.
    expect(
      await decide(claude, { tool_name: 'Read', tool_input: { file_path: '/secret' } }),
    ).toMatchObject({
      permissionDecision: 'allow',
    });
    const noRule = await decide(claude, {
      tool_name: 'Agent',
      tool_input: { ...spawn, subagent_type: 'other' },
    });
    expect(noRule?.permissionDecisionReason).toContain(
      'no delegation is set for subagents of type "other"',
    );
    const stranger = await decide(claude, {
      agent_id: 'zz',
      agent_type: 'reviewer',
      tool_name: 'Read',
      tool_input: {},
    });
    expect(stranger?.permissionDecisionReason).toContain(
      'was not started through a gated Agent call',
    );
    await delegator.close();
  });

  it('binds no subagent when two different delegations of its type are waiting', async () => {
    const { delegator, claude } = await setup(['tool in ["Read", "Agent"]'], (spawn) => ({
      conditions: [
        spawn.prompt === 'wide' ? 'tool == "Read"' : 'tool == "Read" and args.file_path == "/x"',
      ],
    }));
    for (const prompt of ['wide', 'narrow'])
      await decide(claude, {
        tool_name: 'Agent',
        tool_input: { description: 'd', prompt, subagent_type: 'w' },
      });
    await subagentStart(claude, 'b1', 'w');
    expect(claude.subagentSession('b1')).toBeUndefined();
    const out = await decide(claude, {
      agent_id: 'b1',
      agent_type: 'w',
      tool_name: 'Read',
      tool_input: { file_path: '/x' },
    });
    expect(out?.permissionDecisionReason).toContain('started with different delegations at once');
    await delegator.close();
  });

  it('refuses options that skip permission checks, or take its server name', async () => {
    const { delegator, claude } = await setup(['tool == "Read"']);
    expect(() => claude.options({ permissionMode: 'bypassPermissions' })).toThrow(RangeError);
    expect(() => claude.options({ allowDangerouslySkipPermissions: true })).toThrow(RangeError);
    expect(() => claude.options({ mcpServers: { mandate: {} } })).toThrow(/in use/);
    const user = { hooks: [], onFailure: 'continue' };
    const merged = claude.options({ hooks: { PreToolUse: [user] } });
    expect(merged.hooks.PreToolUse[0]).toBe(claude.hooks.PreToolUse[0]);
    expect(merged.hooks.PreToolUse[1]).toBe(user);
    expect(merged.hooks.PreToolUse[0]?.onFailure).toBe('block');
    expect(merged.mcpServers['mandate']?.type).toBe('sdk');
    await delegator.close();
  });
});
