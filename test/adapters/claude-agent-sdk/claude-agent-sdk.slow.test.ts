/**
 * The Claude Agent SDK adapter end to end: the real SDK spawns its real Claude Code binary, which
 * talks to a scripted model on loopback (`ANTHROPIC_BASE_URL`, the Messages API streamed), with
 * a real Delegator behind the request tools. The main agent reads (allowed), is refused a write
 * before the tool runs (the model reads the refusal as the call's error result), asks with
 * `mandate_request_permission`, the owner approves, and the retried write runs. A subagent
 * started with the `Agent` tool is held to its own narrower token while its parent is not, asks
 * its own grantor (the parent agent) through the same request tools, and a subagent type with no
 * rule cannot be started. A hook that throws blocks the call.
 *
 * The SDK and its ~400 MB binary live in this folder's own package (installed by `.ci/run` with
 * `npm ci --prefix test/adapters/claude-agent-sdk`); without it the test fails and says so.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mandateClaude, type MandateClaude } from '../../../src/adapters/claude-agent-sdk/index.js';
import { createToolRunner, Delegator, type AgentSession } from '../../../src/index.js';
import { fakeAnthropic, type FakeAnthropic, type Seen, type Turn } from './_fake-anthropic.js';

const SDK = new URL('./node_modules/@anthropic-ai/claude-agent-sdk/package.json', import.meta.url);
if (!existsSync(SDK))
  throw new Error(
    'The Claude Agent SDK is not installed for this test: run `npm ci --prefix test/adapters/claude-agent-sdk` (.ci/run does)',
  );
const { query } = await import('@anthropic-ai/claude-agent-sdk');
type Options = import('@anthropic-ai/claude-agent-sdk').Options;

let dir: string;
let home: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'mandate-claude-')));
  home = join(dir, 'home');
  mkdirSync(join(dir, 'work', 'public'), { recursive: true });
  writeFileSync(join(dir, 'work', 'a.txt'), 'the secret plan');
  writeFileSync(join(dir, 'work', 'public', 'b.txt'), 'the public notes');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs one query to its end under `claude`, against `fake`; returns the result message. */
async function run(
  claude: MandateClaude,
  fake: FakeAnthropic,
  prompt: string,
  extra: Options = {},
) {
  let result: Record<string, unknown> | undefined;
  const stderr: string[] = [];
  const base: Options = {
    cwd: join(dir, 'work'),
    settingSources: [],
    env: {
      ...process.env,
      HOME: home,
      ANTHROPIC_BASE_URL: fake.url,
      ANTHROPIC_API_KEY: 'test',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    },
    stderr: (data: string) => stderr.push(data),
    ...extra,
  };
  const q = query({ prompt, options: claude.options(base) });
  try {
    for await (const message of q) if (message.type === 'result') result = message;
  } catch (err) {
    if (fake.failures.length > 0) throw fake.failures[0];
    throw new Error(`the query failed: ${String(err)}\n${stderr.join('')}`, { cause: err });
  }
  if (fake.failures.length > 0) throw fake.failures[0];
  expect(fake.overruns()).toBe(0);
  return result;
}

/** A responder that plays one script per conversation (told apart by a marker in its prompt). */
function conversations(scripts: Record<string, ((seen: Seen) => Turn)[]>) {
  const at = new Map<string, number>();
  return (seen: Seen): Turn | undefined => {
    const name = Object.keys(scripts).find((marker) => seen.firstUser.includes(marker));
    if (name === undefined || seen.tools.length === 0) return { text: 'ok' };
    const i = at.get(name) ?? 0;
    at.set(name, i + 1);
    const step = scripts[name]![i];
    if (step === undefined) throw new Error(`${name}: no turn ${i + 1} scripted`);
    return step(seen);
  };
}

async function setup(conditions: string[]) {
  const delegator = await Delegator.inMemory();
  const token = await delegator.mint({ to: 'assistant', conditions, expiresIn: 3600 });
  const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools: [], broker: delegator });
  const session: AgentSession = runner.startAgent({ principal: 'assistant', token });
  return { delegator, token, session };
}

describe('mandate/adapters/claude-agent-sdk with Claude Code', () => {
  it('runs an allowed call, denies another before the tool with the refusal as its result, and retries after an approval', async () => {
    const work = join(dir, 'work');
    const { delegator, session } = await setup([
      `tool == "Read" and args.file_path ~ "${work}/**"`,
    ]);
    const notes = join(work, 'notes.md');
    const write = { name: 'Write', input: { file_path: notes, content: 'fixed' } };
    let id = '';
    const fake = await fakeAnthropic(
      conversations({
        MAIN: [
          () => ({ calls: [{ name: 'Read', input: { file_path: join(work, 'a.txt') } }] }),
          ({ results }) => {
            expect(results[0]?.isError).toBe(false);
            expect(results[0]?.text).toContain('the secret plan');
            return { calls: [write] };
          },
          ({ results }) => {
            expect(existsSync(notes)).toBe(false);
            expect(results[0]?.isError).toBe(true);
            expect(results[0]?.text).toContain('Refused: "Write" is not permitted');
            expect(results[0]?.text).toContain(
              `Needed scope: tool == "Write" and args.file_path == "${notes}"`,
            );
            expect(results[0]?.text).toContain('mandate_request_permission');
            const scope = `tool == "Write" and args.file_path == "${notes}"`;
            return {
              calls: [
                {
                  name: 'mcp__mandate__mandate_request_permission',
                  input: { scope, reason: 'save the notes' },
                },
              ],
            };
          },
          ({ results }) => {
            id = /Request (\S+) is pending/.exec(results[0]?.text ?? '')?.[1] ?? '';
            expect(id, results[0]?.text).not.toBe('');
            return { calls: [{ name: 'mcp__mandate__mandate_check_request', input: { id } }] };
          },
          ({ results }) => {
            expect(results[0]?.text).toContain(`Request ${id} was approved`);
            return { calls: [write] };
          },
          ({ results }) => {
            expect(results[0]?.isError).toBe(false);
            return { text: 'done' };
          },
        ],
      }),
      { maxRequests: 20 },
    );
    try {
      const claude = mandateClaude({ session });
      const result = run(claude, fake, 'MAIN: save notes');
      // The owner approves the request as soon as it is in the inbox (with the refused call).
      const approver = (async () => {
        for (;;) {
          const [item] = await delegator.inbox('owner');
          if (item !== undefined) {
            expect(item.call).toMatchObject({ tool: 'Write', args: write.input });
            await delegator.approve(item.id, { by: 'owner' });
            return;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      expect(await result).toMatchObject({ subtype: 'success' });
      await approver;
      expect(readFileSync(notes, 'utf8')).toBe('fixed');
    } finally {
      await fake.close();
      await delegator.close();
    }
  });

  it('holds a subagent to its own narrower token, not its parent’s; its requests go to its parent; a type with no rule cannot start', async () => {
    const work = join(dir, 'work');
    const { delegator, token, session } = await setup([
      `tool in ["Read", "Agent"]`,
      `tool != "Read" or args.file_path ~ "${work}/**"`,
    ]);
    const secret = join(work, 'a.txt');
    const open = join(work, 'public', 'b.txt');
    const fake = await fakeAnthropic(
      conversations({
        SUBTASK: [
          () => ({ calls: [{ name: 'Read', input: { file_path: secret } }] }),
          ({ results }) => {
            // The subagent's own token refuses what its parent may do.
            expect(results[0]?.isError).toBe(true);
            expect(results[0]?.text).toContain('Refused: "Read" is not permitted');
            expect(results[0]?.text).toContain('by assistant');
            expect(results[0]?.text).not.toContain('the secret plan');
            return { calls: [{ name: 'Read', input: { file_path: open } }] };
          },
          ({ results }) => {
            expect(results[0]?.isError).toBe(false);
            expect(results[0]?.text).toContain('the public notes');
            const scope = `tool == "Read" and args.file_path == "${secret}"`;
            return {
              calls: [
                {
                  name: 'mcp__mandate__mandate_request_permission',
                  input: { scope, reason: 'compare the plan' },
                },
              ],
            };
          },
          ({ results }) => {
            expect(results[0]?.text).toMatch(/Request \S+ is pending/);
            return { text: 'reviewed' };
          },
        ],
        MAIN: [
          () => ({ calls: [{ name: 'Read', input: { file_path: secret } }] }),
          ({ results }) => {
            expect(results[0]?.text).toContain('the secret plan');
            return {
              calls: [
                {
                  name: 'Agent',
                  input: {
                    description: 'review',
                    prompt: 'SUBTASK: review',
                    subagent_type: 'reviewer',
                    run_in_background: false,
                  },
                },
              ],
            };
          },
          ({ results }) => {
            expect(results[0]?.text).toContain('reviewed');
            return {
              calls: [
                {
                  name: 'Agent',
                  input: {
                    description: 'break in',
                    prompt: 'INTRUDER: go',
                    subagent_type: 'intruder',
                    run_in_background: false,
                  },
                },
              ],
            };
          },
          ({ results }) => {
            expect(results[0]?.isError).toBe(true);
            expect(results[0]?.text).toContain(
              'no delegation is set for subagents of type "intruder"',
            );
            return { text: 'done' };
          },
        ],
      }),
      { maxRequests: 20 },
    );
    try {
      const claude = mandateClaude({
        session,
        subagents: {
          reviewer: {
            conditions: [`tool == "Read" and args.file_path ~ "${work}/public/**"`],
            expiresIn: 600,
          },
        },
      });
      const result = await run(claude, fake, 'MAIN: review the notes', {
        agents: {
          reviewer: {
            description: 'reviews',
            prompt: 'You review.',
            tools: ['Read', 'mcp__mandate__mandate_request_permission'],
          },
          intruder: { description: 'breaks in', prompt: 'You break in.', tools: ['Read'] },
        },
      });
      expect(result).toMatchObject({ subtype: 'success' });
      // The subagent's request went to its grantor, the parent agent, with the refused call.
      const [item] = await delegator.inbox({ token });
      expect(item).toMatchObject({ requester: 'reviewer', reason: 'compare the plan' });
      expect(item?.call).toMatchObject({ tool: 'Read', args: { file_path: secret } });
      expect(fake.requests.some((r) => r.firstUser.includes('INTRUDER'))).toBe(false);
    } finally {
      await fake.close();
      await delegator.close();
    }
  });

  it('decides an MCP server’s tools by their policy names (mcp__memory__read_graph is memory.read_graph)', async () => {
    const { delegator, session } = await setup(['tool == "memory.read_graph"']);
    const memoryFile = join(dir, 'memory.jsonl');
    const entity = { name: 'ana', entityType: 'person', observations: ['likes tea'] };
    const fake = await fakeAnthropic(
      conversations({
        MAIN: [
          () => ({
            calls: [{ name: 'mcp__memory__create_entities', input: { entities: [entity] } }],
          }),
          ({ results }) => {
            expect(results[0]?.isError).toBe(true);
            expect(results[0]?.text).toContain(
              'Refused: "memory.create_entities" is not permitted',
            );
            return { calls: [{ name: 'mcp__memory__read_graph', input: {} }] };
          },
          ({ results }) => {
            // Allowed, and the refused call never reached the server: the graph is empty.
            expect(results[0]?.isError).toBe(false);
            expect(JSON.parse(results[0]?.text ?? '')).toMatchObject({
              entities: [],
              relations: [],
            });
            return { text: 'done' };
          },
        ],
      }),
      { maxRequests: 10 },
    );
    try {
      const server = fileURLToPath(
        new URL(
          '../../../node_modules/@modelcontextprotocol/server-memory/dist/index.js',
          import.meta.url,
        ),
      );
      const claude = mandateClaude({ session });
      const result = await run(claude, fake, 'MAIN: remember ana', {
        mcpServers: {
          memory: {
            command: process.execPath,
            args: [server],
            env: { MEMORY_FILE_PATH: memoryFile },
          },
        },
      });
      expect(result).toMatchObject({ subtype: 'success' });
      expect(existsSync(memoryFile)).toBe(false);
    } finally {
      await fake.close();
      await delegator.close();
    }
  });

  it.each([
    ['block', true],
    ['continue', false],
  ] as const)(
    'a hook that throws: onFailure %s (the adapter’s is block) blocks the call: %s',
    async (onFailure, blocked) => {
      const work = join(dir, 'work');
      const { delegator, session } = await setup([`tool == "Read"`]);
      const fake = await fakeAnthropic(
        conversations({
          MAIN: [
            () => ({ calls: [{ name: 'Read', input: { file_path: join(work, 'a.txt') } }] }),
            ({ results }) => {
              expect(results[0]?.isError).toBe(blocked);
              expect(results[0]?.text.includes('the secret plan')).toBe(!blocked);
              return { text: 'done' };
            },
          ],
        }),
        { maxRequests: 10 },
      );
      try {
        const claude = mandateClaude({ session });
        const [matcher] = claude.hooks.PreToolUse;
        expect(matcher?.onFailure).toBe('block');
        // The adapter's own matcher, with a hook that throws; `continue` is the control that
        // shows the call would otherwise have run.
        matcher!.hooks = [() => Promise.reject(new Error('the hook failed'))];
        matcher!.onFailure = onFailure;
        await run(claude, fake, 'MAIN: read');
        expect(fake.requests.filter((r) => r.firstUser.includes('MAIN'))).toHaveLength(2);
      } finally {
        await fake.close();
        await delegator.close();
      }
    },
  );
});
