/**
 * The Vercel AI SDK adapter end to end: the real `ai` 6 agent loop (`generateText` with
 * `stopWhen`) and its real OpenAI provider, against a scripted model on loopback (Chat
 * Completions, plain and streamed), through the whole story of _scenario.ts.
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { withMandate, isMandateRefusal } from '../../src/adapters/ai-sdk.js';
import { fakeOpenAI, settle, toolNames, type FakeModel } from './_fake-openai.js';
import { STORY_TOOLS, expectStoryDone, harness, README, story, type Harness } from './_scenario.js';

let fake: FakeModel | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const pathSchema = jsonSchema<{ path: string }>({
  type: 'object',
  properties: { path: { type: 'string' } },
  required: ['path'],
});
const writeSchema = jsonSchema<{ path: string; content: string }>({
  type: 'object',
  properties: { path: { type: 'string' }, content: { type: 'string' } },
  required: ['path', 'content'],
});

function fileTools(h: Harness) {
  return {
    read_file: tool({
      description: 'Read a file',
      inputSchema: pathSchema,
      execute: ({ path }) => h.read(path),
    }),
    write_file: tool({
      description: 'Write a file',
      inputSchema: writeSchema,
      execute: ({ path, content }) => h.write(path, content),
    }),
  };
}

describe('mandate/adapters/ai-sdk', () => {
  it('runs allowed calls, refuses others before the tool with the denial as the result, and retries after an approval (generateText)', async () => {
    const h = await harness();
    fake = await fakeOpenAI(story(h));
    const model = createOpenAI({ baseURL: fake.url, apiKey: 'test' }).chat('fake-model');
    const result = await settle(
      fake,
      generateText({
        model,
        tools: withMandate(fileTools(h), { session: h.session }),
        stopWhen: stepCountIs(10),
        prompt: 'Fix the typo in README.md',
      }),
    );
    expectStoryDone(h, fake);
    expect(result.text).toBe('Fixed the typo.');
    // The refused call's output, for the program: the refusal, with the denial as JSON.
    const refused = result.steps
      .flatMap((s) => s.toolResults)
      .find((r) => isMandateRefusal(r.output));
    expect(refused?.toolName).toBe('write_file');
    expect(refused?.output).toMatchObject({ data: { mandate: { error: 'insufficient_scope' } } });
    // The model got the refusal as an error result (Chat Completions: a tool message).
    expect(toolNames(fake.requests[0]!)).toEqual(STORY_TOOLS);
    await h.close();
  });

  it('does the same over a streamed response (streamText)', async () => {
    const h = await harness();
    fake = await fakeOpenAI(story(h));
    const model = createOpenAI({ baseURL: fake.url, apiKey: 'test' }).chat('fake-model');
    const result = streamText({
      model,
      tools: withMandate(fileTools(h), { session: h.session }),
      stopWhen: stepCountIs(10),
      prompt: 'Fix the typo in README.md',
    });
    expect(await settle(fake, Promise.resolve(result.text))).toBe('Fixed the typo.');
    expect(fake.requests.every((r) => r['stream'] === true)).toBe(true);
    expectStoryDone(h, fake);
    await h.close();
  });

  it('asks and installs the approval through mandate serve (a DelegatorClient with the agent’s token)', async () => {
    const h = await harness({ service: true });
    fake = await fakeOpenAI(story(h));
    const model = createOpenAI({ baseURL: fake.url, apiKey: 'test' }).chat('fake-model');
    await settle(
      fake,
      generateText({
        model,
        tools: withMandate(fileTools(h), { session: h.session }),
        stopWhen: stepCountIs(10),
        prompt: 'Fix the typo in README.md',
      }),
    );
    expectStoryDone(h, fake);
    await h.close();
  });

  it('maps SDK tool names to the names policies speak of', async () => {
    const h = await harness();
    fake = await fakeOpenAI([
      { calls: [{ name: 'cat', args: { path: README } }] },
      ({ results }) => {
        expect(results).toEqual(['helo, world']);
        return { text: 'ok' };
      },
    ]);
    const model = createOpenAI({ baseURL: fake.url, apiKey: 'test' }).chat('fake-model');
    await generateText({
      model,
      tools: withMandate(
        { cat: fileTools(h).read_file },
        { session: h.session, toolName: { cat: 'read_file' } },
      ),
      stopWhen: stepCountIs(5),
      prompt: 'read',
    });
    if (fake.failures.length > 0) throw fake.failures[0];
    expect(h.ran).toEqual([`read_file ${README}`]);
    await h.close();
  });

  it('refuses to wrap a tool it cannot gate, or one named like a request tool', async () => {
    const h = await harness();
    const noExecute = { description: 'runs in the browser', inputSchema: pathSchema } as never;
    expect(() => withMandate({ show: noExecute }, { session: h.session })).toThrow(
      /has no execute/,
    );
    expect(() =>
      withMandate({ mandate_check_request: fileTools(h).read_file }, { session: h.session }),
    ).toThrow(RangeError);
    expect(() => withMandate(fileTools(h), { session: {} as never })).toThrow(
      /options.session must be an AgentSession/,
    );
    await h.close();
  });
});
