/**
 * The LangChain adapter end to end: the real `langchain` 1 agent (`createAgent`, LangGraph's tool
 * node) with the real `ChatOpenAI` model class, against a scripted model on loopback (Chat
 * Completions), through the whole story of _scenario.ts.
 */
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { createAgent, ToolMessage } from 'langchain';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { mandateMiddleware } from '../../src/adapters/langchain.js';
import { fakeOpenAI, settle, toolNames, type FakeModel } from './_fake-openai.js';
import { STORY_TOOLS, expectStoryDone, harness, README, story, type Harness } from './_scenario.js';

let fake: FakeModel | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function fileTools(h: Harness) {
  return [
    tool(({ path }) => h.read(path), {
      name: 'read_file',
      description: 'Read a file',
      schema: z.object({ path: z.string() }),
    }),
    tool(({ path, content }) => h.write(path, content), {
      name: 'write_file',
      description: 'Write a file',
      schema: z.object({ path: z.string(), content: z.string() }),
    }),
  ];
}

function model(url: string): ChatOpenAI {
  return new ChatOpenAI({ model: 'fake-model', apiKey: 'test', configuration: { baseURL: url } });
}

describe('mandate/adapters/langchain', () => {
  it('runs allowed calls, answers refused ones with a ToolMessage before the tool, and retries after an approval', async () => {
    const h = await harness();
    fake = await fakeOpenAI(story(h));
    const agent = createAgent({
      model: model(fake.url),
      tools: fileTools(h),
      middleware: [mandateMiddleware({ session: h.session })],
    });
    const result = await settle(
      fake,
      agent.invoke(
        { messages: [{ role: 'user', content: 'Fix the typo in README.md' }] },
        { recursionLimit: 20 },
      ),
    );
    expectStoryDone(h, fake);
    // The refusal is the tool message the model read: status error, the denial as artifact.
    const refused = result.messages.find(
      (m) => ToolMessage.isInstance(m) && m.status === 'error',
    ) as ToolMessage | undefined;
    expect(refused?.name).toBe('write_file');
    expect(refused?.artifact).toMatchObject({ mandate: { error: 'insufficient_scope' } });
    expect(toolNames(fake.requests[0]!)).toEqual(STORY_TOOLS);
    await h.close();
  });

  it('refuses a tool the token does not name, and maps names to the ones policies use', async () => {
    const h = await harness();
    fake = await fakeOpenAI([
      { calls: [{ name: 'peek', args: { path: README } }] },
      ({ results }) => {
        expect(results).toEqual([expect.stringContaining('Refused: "peek" is not permitted')]);
        return { calls: [{ name: 'cat', args: { path: README } }] };
      },
      ({ results }) => {
        expect(results).toEqual(['helo, world']);
        return { text: 'ok' };
      },
    ]);
    const peek = tool(({ path }) => h.read(path), {
      name: 'peek',
      description: 'Read a file',
      schema: z.object({ path: z.string() }),
    });
    const cat = tool(({ path }) => h.read(path), {
      name: 'cat',
      description: 'Read a file',
      schema: z.object({ path: z.string() }),
    });
    const agent = createAgent({
      model: model(fake.url),
      tools: [peek, cat],
      middleware: [mandateMiddleware({ session: h.session, toolName: { cat: 'read_file' } })],
    });
    await settle(fake, agent.invoke({ messages: [{ role: 'user', content: 'peek' }] }));
    expect(h.ran).toEqual([`read_file ${README}`]);
    await h.close();
  });
});
