/**
 * docs/mcp.md and the README say exactly what to run and what to write; this runs it. The tour
 * of docs/mcp.md runs as written in one shell (see fixtures/tour.ts), with `mandate` and the
 * reference servers' commands on PATH as `npm link` and `npm i -g` put them. Every harness
 * configuration in docs/mcp.md and the README (a JSON block with `mcpServers`) is started as a
 * harness starts it — its command, arguments and environment, with only the example paths
 * replaced by the test's own — and driven with the SDK's client: the agent sees the statuses
 * the token gives, and an allowed read works. `npx -y` resolves the servers installed here,
 * offline.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './fixtures/cli-build.js';
import { buildCli, cli, scratch } from './fixtures/cli-harness.js';
import { gatewayEnv, mandateMeta, textOf } from './fixtures/mcp-harness.js';
import { missingLines, tourResults, tourScript, tourSteps } from './fixtures/tour.js';

const cleanups: (() => void)[] = [];
let bin: string;

beforeAll(async () => {
  const entry = await buildCli();
  const s = scratch();
  cleanups.push(s.cleanup);
  bin = join(s.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'mandate'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} "$@"\n`,
  );
  chmodSync(join(bin, 'mandate'), 0o755);
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

/** PATH with `mandate` and the installed servers' commands, as after `npm link` and `npm i -g`. */
const path = () =>
  `${bin}:${join(ROOT, 'node_modules', '.bin')}:${dirname(process.execPath)}:${process.env['PATH'] ?? ''}`;

function dirname(file: string): string {
  return file.slice(0, file.lastIndexOf('/'));
}

describe('the tour in docs/mcp.md', () => {
  it('runs as written: each command exits and prints as shown', async () => {
    const s = scratch();
    cleanups.push(s.cleanup);
    const start = join(s.dir, 'start');
    mkdirSync(start);
    const here = (text: string) => text.replaceAll('/tmp/mcp-tour', s.dir);
    const steps = tourSteps(
      readFileSync(join(ROOT, 'docs/mcp.md'), 'utf8'),
      '## Five-minute tour',
    ).map((step) => ({ ...step, command: here(step.command), shown: step.shown.map(here) }));
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        'bash',
        ['-c', tourScript(steps)],
        {
          cwd: start,
          env: { ...gatewayEnv(), HOME: s.dir, PATH: path() },
          timeout: 120_000,
          maxBuffer: 16 * 1024 * 1024,
        },
        (err, stdout) =>
          err === null ? resolve(stdout) : reject(new Error(stdout, { cause: err })),
      );
    });
    const results = tourResults(output);
    expect(readdirSync(start)).toEqual([]);
    expect(steps.length).toBeGreaterThanOrEqual(6);
    expect(results).toHaveLength(steps.length);
    steps.forEach((step, i) => {
      const result = results[i];
      const context = `$ ${step.command}\n${result?.output.join('\n') ?? '(no output)'}`;
      expect(result?.exit, context).toBe(step.expectedExit);
      expect(missingLines(step.shown, result?.output ?? []), context).toEqual([]);
    });
  }, 180_000);
});

interface ServerConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** Every stdio server configuration in the JSON blocks of `file`, with the heading above it. */
function configurations(file: string): { heading: string; config: ServerConfig }[] {
  const markdown = readFileSync(join(ROOT, file), 'utf8');
  const found: { heading: string; config: ServerConfig }[] = [];
  let heading = '';
  for (const [, title, block] of markdown.matchAll(/^(#+ .*)$|```json\n([\s\S]*?)```/gm)) {
    if (title !== undefined) heading = title;
    if (block === undefined || !block.includes('"mcpServers"')) continue;
    const parsed = JSON.parse(block) as { mcpServers: Record<string, Partial<ServerConfig>> };
    for (const server of Object.values(parsed.mcpServers))
      if (server.command !== undefined)
        found.push({ heading: `${file} ${heading}`, config: server as ServerConfig });
  }
  return found;
}

describe('the harness configurations in docs/mcp.md and the README', () => {
  const all = [...configurations('docs/mcp.md'), ...configurations('README.md')];

  it('are there: Claude Code, Claude Desktop and Cursor, and the README’s', () => {
    expect(all.map((c) => c.heading)).toEqual([
      'docs/mcp.md ### Claude Code',
      'docs/mcp.md ### Claude Desktop',
      'docs/mcp.md ### Cursor',
      expect.stringMatching(/^README\.md /) as string,
    ]);
  });

  it.each(all.map((c) => [c.heading, c.config] as const))(
    '%s starts the gateway as written, and the agent sees its statuses',
    async (_heading, config) => {
      const s = scratch();
      cleanups.push(s.cleanup);
      const project = join(s.dir, 'project');
      mkdirSync(project);
      writeFileSync(join(project, 'notes.md'), 'notes\n');
      expect((await cli(['init'], { home: s.home })).code).toBe(0);
      const minted = await cli(
        [
          'mint',
          '--to',
          'coder',
          '--allow',
          'tool ~ "fs.read*"',
          '--allow',
          `args.path ~ "${project}/**"`,
          '--expires',
          '1h',
        ],
        { home: s.home },
      );
      const tokenFile = join(s.dir, 'coder.token');
      writeFileSync(tokenFile, minted.stdout, { mode: 0o600 });
      const replace = (text: string) =>
        text
          .replaceAll('/home/ana/.config/mandate/coder.token', tokenFile)
          .replaceAll('/home/ana/.mandate', s.home)
          .replaceAll('/home/ana/project', project);
      const command =
        config.command === '/usr/local/bin/mandate' ? join(bin, 'mandate') : config.command;
      const env = Object.fromEntries(
        Object.entries(config.env ?? {}).map(([k, v]) => [k, replace(v)]),
      );
      const client = new Client({ name: 'harness', version: '1' });
      await client.connect(
        new StdioClientTransport({
          command,
          args: config.args.map(replace),
          env: { ...gatewayEnv(), ...env, PATH: path(), HOME: s.dir, npm_config_offline: 'true' },
          cwd: ROOT,
          stderr: 'ignore',
        }),
      );
      try {
        const { tools } = await client.listTools();
        const status = (name: string) => mandateMeta(tools.find((t) => t.name === name))['status'];
        expect(status('read_text_file')).toBe('conditional');
        expect(status('write_file')).toBe('denied');
        expect(tools.map((t) => t.name)).toContain('mandate_request_permission');
        const read = await client.callTool({
          name: 'read_text_file',
          arguments: { path: join(project, 'notes.md') },
        });
        expect(textOf(read)).toBe('notes\n');
      } finally {
        await client.close();
      }
    },
    60_000,
  );
});
