/**
 * The OpenAI Agents SDK adapter end to end: the real `@openai/agents` runner and its OpenAI
 * provider, against a scripted model on loopback (the Responses API, the SDK's default), through
 * the whole story of _scenario.ts; and an MCP server (the reference memory server, over stdio)
 * whose tool calls are decided by the same session.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent, MCPServerStdio, OpenAIProvider, Runner, tool } from '@openai/agents';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mandateAgents, withMandate } from '../../src/adapters/openai-agents.js';
import { Delegator, createToolRunner } from '../../src/index.js';
import { fakeOpenAI, settle, toolNames, type FakeModel } from './_fake-openai.js';
import { STORY_TOOLS, expectStoryDone, harness, story, type Harness } from './_scenario.js';

let fake: FakeModel | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function fileTools(h: Harness) {
  return [
    tool({
      name: 'read_file',
      description: 'Read a file',
      parameters: z.object({ path: z.string() }),
      execute: ({ path }) => h.read(path),
    }),
    tool({
      name: 'write_file',
      description: 'Write a file',
      parameters: z.object({ path: z.string(), content: z.string() }),
      execute: ({ path, content }) => h.write(path, content),
    }),
  ];
}

function runnerFor(url: string): Runner {
  return new Runner({
    modelProvider: new OpenAIProvider({ apiKey: 'test', baseURL: url, useResponses: true }),
    tracingDisabled: true,
  });
}

describe('mandate/adapters/openai-agents', () => {
  it('runs allowed calls, rejects refused ones in a guardrail before the tool, and retries after an approval', async () => {
    const h = await harness();
    fake = await fakeOpenAI(story(h));
    const agent = new Agent({
      name: 'assistant',
      instructions: 'Fix typos.',
      model: 'fake-model',
      tools: withMandate(fileTools(h), { session: h.session }),
    });
    const result = await settle(
      fake,
      runnerFor(fake.url).run(agent, 'Fix the typo in README.md', { maxTurns: 10 }),
    );
    expectStoryDone(h, fake);
    expect(result.finalOutput).toBe('Fixed the typo.');
    expect(toolNames(fake.requests[0]!)).toEqual(STORY_TOOLS);
    await h.close();
  });

  it("decides an MCP server's tool calls: a refused one never reaches the server", async () => {
    const delegator = await Delegator.inMemory();
    const token = await delegator.mint({
      to: 'assistant',
      conditions: ['tool == "memory.read_graph"'],
      expiresIn: 3600,
    });
    const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools: [], broker: delegator });
    const session = runner.startAgent({ principal: 'assistant', token });
    const entity = { name: 'ana', entityType: 'person', observations: ['likes tea'] };
    fake = await fakeOpenAI([
      { calls: [{ name: 'create_entities', args: { entities: [entity] } }] },
      ({ results }) => {
        expect(results).toEqual([
          expect.stringContaining('Refused: "memory.create_entities" is not permitted'),
        ]);
        return { calls: [{ name: 'read_graph', args: {} }] };
      },
      ({ results }) => {
        // The refused call did not reach the server: the graph is still empty.
        expect(JSON.parse(results[0]!)).toMatchObject({ entities: [], relations: [] });
        return { text: 'done' };
      },
    ]);
    const entry = fileURLToPath(
      new URL(
        '../../node_modules/@modelcontextprotocol/server-memory/dist/index.js',
        import.meta.url,
      ),
    );
    const memoryFile = `/tmp/mandate-memory-${process.pid}.jsonl`;
    const memory = new MCPServerStdio({
      name: 'memory',
      command: process.execPath,
      args: [entry],
      env: { MEMORY_FILE_PATH: memoryFile },
    });
    await memory.connect();
    try {
      const m = mandateAgents({ session });
      const agent = new Agent({
        name: 'assistant',
        model: 'fake-model',
        tools: [...m.permissionTools],
        mcpServers: [m.guardMcpServer(memory)],
      });
      await settle(fake, runnerFor(fake.url).run(agent, 'remember ana', { maxTurns: 5 }));
      expect(fake.requests).toHaveLength(3);
    } finally {
      await memory.close();
      await delegator.close();
      rmSync(memoryFile, { force: true });
    }
  });

  it('refuses tools it cannot decide', async () => {
    const h = await harness();
    const hosted = { type: 'hosted_tool', name: 'web_search' } as never;
    expect(() => withMandate([hosted], { session: h.session })).toThrow(/not run by the SDK/);
    await h.close();
  });
});
