/**
 * `mandate mcp` over stdio, as a harness runs it (the gateway is the SDK client's child process)
 * in front of the real reference servers from npm, with the home's keys on one machine: what the
 * agent discovers, an allowed call answered by the server, a denied call that never reaches it
 * (the file is not written, the memory file not touched), a path alias and a `..` walk refused
 * before the server sees them, a denial the client accepts for a tool with an output schema,
 * and the whole loop in the model's hands — refused, ask, the owner approves (a Delegator on
 * the home's store, in this process), check, retry — on the same connection.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Home } from '../../src/cli/home.js';
import { loadKeyFile } from '../../src/cli/keyfile.js';
import { Delegator } from '../../src/requests/index.js';
import { buildCli, cli } from './fixtures/cli-harness.js';
import {
  mandateMeta,
  mintTo,
  referenceServer,
  stdioGateway,
  textOf,
  waitFor,
  workspace,
  type StdioGateway,
} from './fixtures/mcp-harness.js';

const ws = workspace();
const { home, repo, dir } = ws;
const coderToken = join(dir, 'coder.token');
let fs: StdioGateway;

beforeAll(async () => {
  await buildCli();
  expect((await cli(['init'], { home })).code).toBe(0);
  mkdirSync(join(repo, 'secret'));
  writeFileSync(join(repo, 'a.md'), 'hello from the repo\n');
  writeFileSync(join(repo, 'secret', 'key.txt'), 'the secret\n');
  writeFileSync(join(dir, 'outside.txt'), 'outside the repo\n');
  await mintTo(
    home,
    'coder',
    [
      'tool ~ "fs.read*" or tool == "fs.list_directory"',
      `args.path ~ "${repo}/**"`,
      `args.path !~ "${repo}/secret/**"`,
    ],
    coderToken,
  );
  // The server may reach the whole scratch directory: only mandate keeps the agent in repo/.
  fs = await stdioGateway(
    ['--token', `@${coderToken}`, '--prefix', 'fs', '--', ...referenceServer('filesystem', dir)],
    { home },
  );
}, 300_000);

afterAll(async () => {
  await fs?.close();
  ws.cleanup();
});

describe('mandate mcp over stdio, in front of server-filesystem', () => {
  it('lists every upstream tool with its status first in the description and in _meta, and its own two tools', async () => {
    const { tools } = await fs.client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(tools.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        'read_text_file',
        'write_file',
        'mandate_request_permission',
        'mandate_check_request',
      ]),
    );
    const read = byName.get('read_text_file');
    const condition = `args.path ~ "${repo}/**" and args.path !~ "${repo}/secret/**"`;
    expect(mandateMeta(read)).toEqual({
      tool: 'fs.read_text_file',
      status: 'conditional',
      condition,
    });
    expect(read?.description).toMatch(
      new RegExp(`^\\[mandate: allowed only when ${escape(condition)} \\(as fs.read_text_file\\)`),
    );
    expect(read?.description).toContain('Read the complete contents of a file');
    const write = byName.get('write_file');
    expect(mandateMeta(write)).toMatchObject({ tool: 'fs.write_file', status: 'denied' });
    expect(mandateMeta(write)['failures']).toEqual([
      expect.objectContaining({
        author: 'owner',
        caveat: 'tool ~ "fs.read*" or tool == "fs.list_directory"',
      }),
    ]);
    expect(write?.description).toMatch(/^\[mandate: denied \(as fs.write_file\) by tool ~/);
    // The upstream's schemas pass through untouched.
    expect(write?.inputSchema).toMatchObject({ properties: { path: {}, content: {} } });
  });

  it('forwards an allowed call and returns the server’s result', async () => {
    const result = await fs.client.callTool({
      name: 'read_text_file',
      arguments: { path: join(repo, 'a.md') },
    });
    expect(result.isError).not.toBe(true);
    expect(textOf(result)).toBe('hello from the repo\n');
    expect(result.structuredContent).toEqual({ content: 'hello from the repo\n' });
  });

  it('refuses a denied write with the caveat, its author, the needed scope and how to ask; the file is not written', async () => {
    const target = join(repo, 'denied.md');
    const result = await fs.client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'nope' },
    });
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    const text = textOf(result);
    expect(text).toContain('caveat 1 (block 0, by owner)');
    expect(text).toContain('Needed scope: tool == "fs.write_file"');
    expect(text).toContain('call mandate_request_permission with');
    expect(mandateMeta(result)).toMatchObject({
      code: 'ERR_PERMISSION_DENIED',
      error: 'insufficient_scope',
      tool: 'fs.write_file',
      needed: { askFrom: 'owner' },
    });
    expect(existsSync(target)).toBe(false);
    await waitFor(() => fs.stderr().includes('"tool":"fs.write_file","outcome":"denied"'));
  });

  it('refuses a path alias and a .. walk before the server sees them (which would have served both)', async () => {
    for (const path of [
      join(repo, '.', 'secret', 'key.txt'),
      `${repo}/./secret/key.txt`,
      `${repo}/../outside.txt`,
    ]) {
      const result = await fs.client.callTool({ name: 'read_text_file', arguments: { path } });
      expect(result.isError, path).toBe(true);
      expect(textOf(result), path).not.toContain('outside the repo');
      expect(textOf(result), path).not.toContain('the secret');
      expect(mandateMeta(result)['code'], path).toBe('ERR_PERMISSION_DENIED');
    }
  });

  it('refuses arguments past the argument limits before any policy runs', async () => {
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 40; i++) {
      const next: Record<string, unknown> = {};
      at['a'] = next;
      at = next;
    }
    const result = await fs.client.callTool({
      name: 'read_text_file',
      arguments: { path: join(repo, 'a.md'), deep },
    });
    expect(result.isError).toBe(true);
    expect(mandateMeta(result)['code']).toBe('ERR_TOOLS_INVALID_ARGUMENTS');
  });

  it('answers an unknown tool with a protocol error', async () => {
    await expect(fs.client.callTool({ name: 'format_disk', arguments: {} })).rejects.toThrow(
      /Unknown tool/,
    );
  });

  it('asks, is approved by the owner, checks, and retries the write on the same connection', async () => {
    const target = join(repo, 'approved.md');
    const denied = await fs.client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'approved content' },
    });
    expect(denied.isError).toBe(true);
    const asked = await fs.client.callTool({
      name: 'mandate_request_permission',
      arguments: {
        scope: `tool == "fs.write_file" and args.path == "${target}"`,
        reason: 'write the approved file',
      },
    });
    expect(asked.isError).toBe(false);
    const id = mandateMeta(asked)['id'] as string;
    expect(id).toMatch(/^req_/);
    const pending = await fs.client.callTool({ name: 'mandate_check_request', arguments: { id } });
    expect(mandateMeta(pending)['status']).toBe('pending');

    // The owner, in another process, on the same home.
    const delegator = await Delegator.open({
      path: new Home(home).storeFile,
      rootKeys: loadKeyFile(new Home(home)).keyring,
    });
    try {
      const [item] = await delegator.inbox('owner');
      expect(item?.id).toBe(id);
      // The denied call was attached to the request: the owner sees what was tried.
      expect(item?.call).toEqual({
        tool: 'fs.write_file',
        args: { path: target, content: 'approved content' },
      });
      await delegator.approve(id, { by: 'owner' });
    } finally {
      await delegator.close();
    }

    const changed = fs.nextListChange();
    const approved = await fs.client.callTool({ name: 'mandate_check_request', arguments: { id } });
    expect(mandateMeta(approved)['status']).toBe('approved');
    expect(textOf(approved)).toContain('Retry the call');
    await changed; // the client is told its statuses changed
    const retried = await fs.client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'approved content' },
    });
    expect(retried.isError).not.toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('approved content');
    const { tools } = await fs.client.listTools();
    expect(mandateMeta(tools.find((t) => t.name === 'write_file'))['status']).toBe('conditional');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
