// A person types flags, not the library's parameters: an error names the flag they typed
// (`--to is reserved`, `--expires must be at most 7d`), never `options.to` or `expiresIn`, and
// says the limit of a duration as a duration. `--as` means one thing on every command — the
// principal you act as — and a grantor command given a name without the agent's token says what
// is missing. Stdin holds one value, so `authorize - --args -` is a usage error; an empty
// `--tool` or `--reason` is refused before anything reads it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, jsonError, scratch } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];
let home: string;
let agentFile: string;
let token: string;

beforeAll(async () => {
  await buildCli();
  const s = scratch();
  cleanups.push(s.cleanup);
  home = s.home;
  await cli(['init'], { home });
  token = (
    await cli(['mint', '--to', 'budget-agent', '--allow', 'tool ~ "bank.*"', '--expires', '1h'], {
      home,
    })
  ).stdout.trim();
  agentFile = join(s.dir, 'agent.token');
  writeFileSync(agentFile, token, { mode: 0o600 });
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

describe.concurrent('errors name the flags', () => {
  it('a library limit is said with the flag and, for a duration, as a duration', async () => {
    const r = await cli(
      ['request', `@${agentFile}`, '--allow', 'tool == "x"', '--reason', 'r', '--expires', '8d'],
      { home },
    );
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: --expires must be at most 7d (ERR_CLI_BAD_INPUT)\n',
    });
    const json = await cli(
      ['--json', 'mint', '--to', 'owner', '--allow', 'tool == "x"', '--expires', '1h'],
      { home },
    );
    expect(jsonError(json)).toEqual({
      code: 'ERR_CLI_BAD_INPUT',
      message: '--to is reserved',
      option: '--to',
    });
    const reason = await cli(
      ['request', `@${agentFile}`, '--allow', 'tool == "x"', '--reason', ' '],
      {
        home,
      },
    );
    expect(reason.stderr).toContain("option '--reason <text>' argument ' ' is invalid");
    for (const args of [
      ['authorize', `@${agentFile}`, '--tool', ''],
      ['request', `@${agentFile}`, '--tool', '', '--reason', 'r'],
    ]) {
      const empty = await cli(args, { home });
      expect(empty.code).toBe(1);
      expect(empty.stderr).toContain("option '--tool <name>' argument '' is invalid");
    }
  });

  it('never leaks a library parameter name into a message the CLI prints', async () => {
    const runs = await Promise.all([
      cli(['mint', '--to', 'owner', '--allow', 'tool == "x"', '--expires', '1h'], { home }),
      cli(['delegate', `@${agentFile}`, '--to', 'bearer'], { home }),
      cli(
        ['request', `@${agentFile}`, '--allow', 'tool == "x"', '--reason', 'r', '--expires', '30d'],
        {
          home,
        },
      ),
    ]);
    for (const r of runs) {
      expect(r.code).toBe(1);
      expect(r.stderr).not.toMatch(/options\.|expiresIn|input\./);
    }
  });
});

describe.concurrent('--as is the principal you act as, on every command', () => {
  it('a grantor command given a name without the token says to add the token', async () => {
    const r = await cli(['inbox', '--as', 'budget-agent'], { home });
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        "error: to act as budget-agent, give budget-agent's token too: --token @<file holding it> (a grantor proves who it is with its token) (ERR_CLI_USAGE)\n",
    });
    const mismatch = await cli(['inbox', '--as', 'reporter', '--token', `@${agentFile}`], { home });
    expect(mismatch.stderr).toBe(
      'error: --token is delegated to "budget-agent", not "reporter" (ERR_CLI_USAGE)\n',
    );
    const agrees = await cli(['inbox', '--as', 'budget-agent', '--token', `@${agentFile}`], {
      home,
    });
    expect(agrees).toMatchObject({ code: 0, stdout: 'no open requests for budget-agent\n' });
    expect((await cli(['inbox', '--as', 'owner'], { home })).stdout).toBe(
      'no open requests for owner\n',
    );
  });
});

describe.concurrent('stdin holds one value', () => {
  it('authorize - --args - is a usage error, not a crash', async () => {
    const r = await cli(['authorize', '-', '--tool', 'bank.x', '--args', '-'], {
      home,
      input: token,
    });
    expect(r).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'error: token and --args cannot both come from stdin (-): pass one of them as @file (ERR_CLI_USAGE)\n',
    });
    const request = await cli(
      ['request', '-', '--tool', 'bank.x', '--args', '-', '--reason', 'r'],
      { home, input: token },
    );
    expect(request.stderr).toContain('token and --args cannot both come from stdin');
  });
});
