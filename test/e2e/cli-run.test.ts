// `mandate run` starts an agent with its token and nothing of the owner's: no MANDATE_HOME (an
// agent that found the home could approve its own requests as the owner and mint itself
// anything), no other MANDATE_* variable ($MANDATE_STORE included), no PostgreSQL password
// (PGPASSWORD, PGPASSFILE: they may open the store). It refuses to start a child that could read
// the root keys — any child of the same OS user can — unless told to run it as another user
// (`--user`, as root) or told plainly that the risk is accepted (`--unsafe-same-user`). The
// child's exit code is passed through, and SIGTERM is forwarded.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, finished, scratch, spawnCli } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];
const ROOT = process.getuid?.() === 0;
const ENV_SCRIPT =
  'const e = process.env; console.log(JSON.stringify(Object.keys(e).filter((k) => k.startsWith("MANDATE_")).sort().map((k) => [k, e[k]]))); process.exit(7)';

/** `mandate run` with the budget agent's token file, then `args` (flags, `--`, the child). */
const runAgent = (agentFile: string, args: readonly string[], env: Record<string, string>) =>
  cli(['run', '--token', `@${agentFile}`, '--as', 'budget-agent', ...args], { env });

/** A home (given as MANDATE_HOME, as a shell would) and an agent's token in a file. */
async function owner(): Promise<{
  env: Record<string, string>;
  dir: string;
  agent: string;
  agentFile: string;
}> {
  const s = scratch();
  cleanups.push(s.cleanup);
  const env = { MANDATE_HOME: s.home, MANDATE_DEBUG: '0' };
  await cli(['init'], { env });
  const minted = await cli(
    ['mint', '--to', 'budget-agent', '--allow', 'tool ~ "bank.*"', '--expires', '1h'],
    { env },
  );
  expect(minted.code).toBe(0);
  const agentFile = join(s.dir, 'agent.token');
  writeFileSync(agentFile, minted.stdout, { mode: 0o600 });
  return { env, dir: s.dir, agent: minted.stdout.trim(), agentFile };
}

beforeAll(async () => {
  await buildCli();
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

describe.concurrent('run', () => {
  it('refuses to start an agent that runs as the owner’s user, and says why', async () => {
    const { env, agentFile, dir } = await owner();
    const r = await runAgent(agentFile, ['--', process.execPath, '-e', ENV_SCRIPT], env);
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(
      new RegExp(
        `^error: refusing to start it: the agent \\(.*node\\) would run as \\S+ and could read or change ${join(dir, 'home', 'keys.json')} \\(.*\\), and so mint itself any delegation; run it as another OS user with --user <name> \\(as root\\), or accept this with --unsafe-same-user \\(ERR_CLI_UNSAFE_PERMISSIONS\\)\\n$`,
      ),
    );
  });

  it('gives the agent only its token and principal: no MANDATE_HOME, no other MANDATE_* variable', async () => {
    const { env, agent, agentFile } = await owner();
    const r = await runAgent(
      agentFile,
      ['--unsafe-same-user', '--', process.execPath, '-e', ENV_SCRIPT],
      env,
    );
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout)).toEqual([
      ['MANDATE_PRINCIPAL', 'budget-agent'],
      ['MANDATE_TOKEN', agent],
    ]);
    expect(r.stderr).toMatch(
      /^warning: --unsafe-same-user: the agent .* could read or change .*keys\.json/,
    );
  });

  it("leaves out the PostgreSQL store's URL and password, keeping the rest of the environment", async () => {
    const { env, agentFile } = await owner();
    const script =
      'const e = process.env; console.log(JSON.stringify(Object.keys(e).filter((k) => /^(MANDATE_STORE|PG)/.test(k)).sort().map((k) => [k, e[k]]))); process.exit(7)';
    const r = await runAgent(
      agentFile,
      ['--unsafe-same-user', '--', process.execPath, '-e', script],
      {
        ...env,
        MANDATE_STORE: 'postgres://mandate@db.internal/mandate',
        PGPASSWORD: 'db-secret',
        PGPASSFILE: '/home/owner/.pgpass',
        PGAPPNAME: 'kept',
      },
    );
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout)).toEqual([['PGAPPNAME', 'kept']]);
  });

  it('passes on the service to ask (--url or $MANDATE_URL) as MANDATE_URL, and refuses one that is not a URL', async () => {
    const { env, agent, agentFile } = await owner();
    const run = (extra: readonly string[], moreEnv: Record<string, string> = {}) =>
      runAgent(
        agentFile,
        [...extra, '--unsafe-same-user', '--', process.execPath, '-e', ENV_SCRIPT],
        { ...env, ...moreEnv },
      );
    const given = await run(['--url', 'http://127.0.0.1:8410']);
    expect(JSON.parse(given.stdout)).toEqual([
      ['MANDATE_PRINCIPAL', 'budget-agent'],
      ['MANDATE_TOKEN', agent],
      ['MANDATE_URL', 'http://127.0.0.1:8410'],
    ]);
    const inherited = await run([], { MANDATE_URL: 'http://127.0.0.1:9000' });
    expect(JSON.parse(inherited.stdout)).toContainEqual(['MANDATE_URL', 'http://127.0.0.1:9000']);
    const bad = await run(['--url', 'file:///etc/passwd']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--url must be an http\(s\) URL/);
  });

  it('inside, the agent sees its token as the token claims it, and not the owner’s home', async () => {
    const { env, agentFile } = await owner();
    const entry = await buildCli();
    const r = await runAgent(
      agentFile,
      ['--unsafe-same-user', '--', process.execPath, entry, 'scope'],
      env,
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^⚠ UNVERIFIED: no home with root keys here, so anyone could have written this scope\nbudget-agent may do \(as the token claims\), one alternative per line:\n {2}tool ~ "bank\.\*" and time < /,
    );
  });

  it.runIf(ROOT)('--user runs the agent as another OS user, who cannot read the keys', async () => {
    const { env, agentFile, dir } = await owner();
    // The agent's user must be able to reach the token file's directory only to be started.
    execFileSync('chmod', ['755', dir]);
    const r = await runAgent(
      agentFile,
      [
        '--user',
        'nobody',
        '--',
        'sh',
        '-c',
        `id -un; echo "HOME=$HOME"; env | grep -c '^MANDATE_'; cat ${join(dir, 'home', 'keys.json')} || echo unreadable`,
      ],
      env,
    );
    expect(r.code).toBe(0);
    const [user, home, count, keys] = r.stdout.trim().split('\n');
    expect(user).toBe('nobody');
    expect(home).not.toBe(`HOME=${dir}`);
    expect(count).toBe('2');
    expect(keys).toBe('unreadable');
  });

  it.runIf(ROOT)('--user root, or a user that can read the keys, is refused', async () => {
    const { env, agentFile } = await owner();
    const r = await cli(
      ['run', '--token', `@${agentFile}`, '--as', 'budget-agent', '--user', 'root', '--', 'true'],
      { env },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('would run as root and could read or change');
    const unknown = await runAgent(agentFile, ['--user', 'no-such-user-x', '--', 'true'], env);
    expect(unknown.stderr).toBe('error: --user: no OS user "no-such-user-x" (ERR_CLI_USAGE)\n');
  });

  it('without any home to protect, the agent starts without a flag', async () => {
    const { agent } = await owner();
    const elsewhere = scratch();
    cleanups.push(elsewhere.cleanup);
    const r = await cli(['run', '--as', 'budget-agent', '--', process.execPath, '-e', ENV_SCRIPT], {
      env: { MANDATE_TOKEN: agent, MANDATE_HOME: elsewhere.home, HOME: elsewhere.dir },
    });
    expect(r.code).toBe(7);
    expect(r.stderr).toBe('');
  });

  it('forwards SIGTERM to the agent and exits 128 + its number', async () => {
    const { env, agentFile } = await owner();
    const script =
      "process.on('SIGTERM', () => process.exit(143)); console.log('ready'); setInterval(() => {}, 1000)";
    const child = spawnCli(
      [
        'run',
        '--token',
        `@${agentFile}`,
        '--as',
        'budget-agent',
        '--unsafe-same-user',
        '--',
        process.execPath,
        '-e',
        script,
      ],
      { env },
    );
    const result = finished(child);
    await new Promise<void>((ready) =>
      child.stdout?.on('data', (d: Buffer | string) => String(d).includes('ready') && ready()),
    );
    child.kill('SIGTERM');
    expect((await result).code).toBe(143);
  });

  it('refuses a token for another principal, a command that does not exist, and contradicting flags', async () => {
    const { env, agentFile } = await owner();
    const run = (args: readonly string[]) =>
      cli(['run', '--token', `@${agentFile}`, ...args], { env });
    expect(await run(['--as', 'mallory', '--unsafe-same-user', '--', 'true'])).toMatchObject({
      code: 1,
      stderr: 'error: the token is delegated to "budget-agent", not "mallory" (ERR_CLI_USAGE)\n',
    });
    expect(
      await run(['--as', 'budget-agent', '--unsafe-same-user', '--', 'no-such-command-xyz']),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /\nerror: cannot start no-such-command-xyz: command not found \(ERR_CLI_COMMAND_FAILED\)\n$/,
      ) as unknown,
    });
    expect(
      await run(['--as', 'budget-agent', '--user', 'nobody', '--unsafe-same-user', '--', 'true']),
    ).toMatchObject({
      code: 1,
      stderr: 'error: --user and --unsafe-same-user contradict each other (ERR_CLI_USAGE)\n',
    });
  });
});
