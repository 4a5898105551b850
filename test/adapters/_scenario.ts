/**
 * The story every SDK adapter is driven through, with a real Delegator and a scripted model:
 * the assistant may read files under /repo; it reads one (the call runs), tries to write it (the
 * call is refused before the tool: the model reads which condition blocked it, the needed scope
 * and how to ask), asks for the scope with `mandate_request_permission` (the grantor sees the
 * refused call attached), the owner approves, the model checks with `mandate_check_request`
 * (the new token is installed) and retries the write, which now runs. Each step asserts what the
 * model received from the step before, in the SDK's own wire format.
 */
import { expect } from 'vitest';
import { Delegator, createToolRunner, type AgentSession, type InboxItem } from '../../src/index.js';
import {
  DelegatorClient,
  createOwnerCredential,
  createServiceApp,
  listen,
  ownerCheck,
} from '../../src/server/index.js';
import type { Step } from './_fake-openai.js';

export interface Harness {
  readonly delegator: Delegator;
  readonly session: AgentSession;
  /** The owner's open requests, and its approval: in process, or over HTTP as the owner. */
  readonly inbox: () => Promise<InboxItem[]>;
  readonly approve: (id: string) => Promise<unknown>;
  /** Closes the Delegator (and the service). */
  readonly close: () => Promise<void>;
  /** The files the tools read and write. */
  readonly files: Map<string, string>;
  /** Every call that reached a tool: `name path`. */
  readonly ran: string[];
  readonly read: (path: string) => string;
  readonly write: (path: string, content: string) => string;
}

export const README = '/repo/README.md';

/**
 * A Delegator, the assistant's session (read under /repo only), and the two file tools. With
 * `service`, the Delegator runs as `mandate serve` does, on loopback: the session asks through a
 * `DelegatorClient` with its token, and the owner decides over HTTP with its credential.
 */
export async function harness(options: { readonly service?: boolean } = {}): Promise<Harness> {
  const delegator = await Delegator.inMemory();
  const token = await delegator.mint({
    to: 'assistant',
    conditions: ['tool == "read_file" and args.path ~ "/repo/**"'],
    expiresIn: 3600,
  });
  let grantor: Pick<Delegator, 'approve'> & { inbox: () => Promise<InboxItem[]> } = {
    inbox: () => delegator.inbox('owner'),
    approve: (id, terms) => delegator.approve(id, terms),
  };
  let broker: Delegator | DelegatorClient = delegator;
  let close = () => delegator.close();
  if (options.service === true) {
    const credential = createOwnerCredential();
    const app = createServiceApp({ delegator, isOwner: ownerCheck(() => credential) });
    const server = await listen(app, { port: 0 }, () => delegator.close());
    broker = new DelegatorClient(server.url);
    const owner = new DelegatorClient(server.url, { credential });
    grantor = { inbox: () => owner.inbox(), approve: (id) => owner.approve(id) };
    close = () => server.close({ graceMs: 100 });
  }
  const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools: [], broker });
  const session = runner.startAgent({ principal: 'assistant', token });
  const files = new Map([[README, 'helo, world']]);
  const ran: string[] = [];
  return {
    delegator,
    session,
    inbox: () => grantor.inbox(),
    approve: (id) => grantor.approve(id, { by: 'owner' }),
    close,
    files,
    ran,
    read: (path) => {
      ran.push(`read_file ${path}`);
      return files.get(path) ?? 'no such file';
    },
    write: (path, content) => {
      ran.push(`write_file ${path}`);
      files.set(path, content);
      return `wrote ${path}`;
    },
  };
}

/** The model's six turns, each asserting what the model saw after the turn before. */
export function story(h: Harness): Step[] {
  let requestId = '';
  const write = { name: 'write_file', args: { path: README, content: 'hello, world' } };
  return [
    { calls: [{ name: 'read_file', args: { path: README } }] },
    ({ results }) => {
      expect(results).toEqual([expect.stringContaining('helo, world')]);
      return { calls: [write] };
    },
    ({ results }) => {
      // Refused before the tool: the model reads why, what is needed and how to ask.
      expect(h.ran).toEqual([`read_file ${README}`]);
      expect(results).toHaveLength(1);
      expect(results[0]).toContain('Refused');
      expect(results[0]).toContain('caveat 1 (block 0, by owner)');
      expect(results[0]).toContain('tool is "write_file", not "read_file"');
      expect(results[0]).toContain(
        `Needed scope: tool == "write_file" and args.path == "${README}"`,
      );
      expect(results[0]).toContain('mandate_request_permission');
      const scope = `tool == "write_file" and args.path == "${README}"`;
      return {
        calls: [{ name: 'mandate_request_permission', args: { scope, reason: 'fix the typo' } }],
      };
    },
    async ({ results }) => {
      const match = /Request (\S+) is pending/.exec(results[0] ?? '');
      expect(match, results[0]).not.toBeNull();
      requestId = match![1]!;
      // The grantor sees the refused call attached to the request, and approves.
      const [item] = await h.inbox();
      expect(item).toMatchObject({ id: requestId, requester: 'assistant', reason: 'fix the typo' });
      expect(item?.call).toMatchObject({ tool: 'write_file', args: write.args });
      await h.approve(requestId);
      return { calls: [{ name: 'mandate_check_request', args: { id: requestId } }] };
    },
    ({ results }) => {
      expect(results[0]).toContain(`Request ${requestId} was approved`);
      return { calls: [write] };
    },
    ({ results }) => {
      expect(results).toEqual([expect.stringContaining(`wrote ${README}`)]);
      return { text: 'Fixed the typo.' };
    },
  ];
}

/** The tools the story's agent offers its model: its own two and mandate's two, sorted. */
export const STORY_TOOLS = [
  'mandate_check_request',
  'mandate_request_permission',
  'read_file',
  'write_file',
];

/** What must hold once the agent is done. */
export function expectStoryDone(
  h: Harness,
  fake: { requests: unknown[]; overruns: () => number; failures: unknown[] },
): void {
  if (fake.failures.length > 0) throw fake.failures[0];
  expect(fake.overruns()).toBe(0);
  expect(fake.requests).toHaveLength(6);
  expect(h.ran).toEqual([`read_file ${README}`, `write_file ${README}`]);
  expect(h.files.get(README)).toBe('hello, world');
}
