// The built `mandate` binary as a person meets it first: help and version, the home directory
// (where it goes, its permissions, refusing an unsafe key file), root keys, and how every
// error looks (one line, or a JSON error with --json; never a stack trace; exit code 1).
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, cli, cliJson, jsonError, scratch } from './fixtures/cli-harness.js';

const cleanups: (() => void)[] = [];
function tmp() {
  const s = scratch();
  cleanups.push(s.cleanup);
  return s;
}

beforeAll(async () => {
  await buildCli();
}, 300_000);

afterAll(() => {
  for (const c of cleanups.splice(0)) c();
});

describe.concurrent('help and version', () => {
  it('the built binary answers --help for a command group and a command', async () => {
    for (const args of [['--help'], ['policy', 'add', '--help']]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Usage: mandate/);
    }
    const sub = await cli(['help', 'approve']);
    expect(sub.stdout).toContain('Examples:\n  $ mandate approve');
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    const r = await cli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('the top-level help documents exit codes, environment and token input', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toContain('0 success/allowed, 1 error, 3 denied, 4 pending');
    expect(r.stdout).toContain('MANDATE_HOME');
    expect(r.stdout).toContain('@file');
  });
});

describe.concurrent('init and the home directory', () => {
  it('creates the home 0700 with keys.json 0600 and refuses to run twice', async () => {
    const { home } = tmp();
    const r = await cliJson(['init', '--id', 'k1'], { home });
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ home, key: { id: 'k1' } });
    expect(r.stdout).not.toMatch(/secret/);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, 'keys.json')).mode & 0o777).toBe(0o600);
    const again = await cli(['init'], { home });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^error: .* is already a mandate home.*\(ERR_CLI_HOME_EXISTS\)\n$/,
    );
  });

  it('finds the home through --home, then MANDATE_HOME, then ~/.mandate', async () => {
    const { dir } = tmp();
    const viaEnv = join(dir, 'env-home');
    expect((await cli(['init', '--id', 'env'], { env: { MANDATE_HOME: viaEnv } })).code).toBe(0);
    expect((await cliJson(['keys', 'list'], { env: { MANDATE_HOME: viaEnv } })).json).toMatchObject(
      { keys: [{ id: 'env' }] },
    );
    expect((await cli(['init', '--id', 'dflt'], { env: { HOME: dir } })).code).toBe(0);
    expect(statSync(join(dir, '.mandate', 'keys.json')).isFile()).toBe(true);
    // --home wins over MANDATE_HOME.
    const flag = join(dir, 'flag-home');
    expect(
      (await cli(['init', '--id', 'flag'], { home: flag, env: { MANDATE_HOME: viaEnv } })).code,
    ).toBe(0);
    expect(
      (await cliJson(['keys', 'list'], { home: flag, env: { MANDATE_HOME: viaEnv } })).json,
    ).toMatchObject({ keys: [{ id: 'flag' }] });
  });

  it('says how to fix a missing home', async () => {
    const { home } = tmp();
    const r = await cli(['keys', 'list'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: no mandate home at ${home}: run "mandate init" (or pass --home / set MANDATE_HOME) (ERR_CLI_NO_HOME)\n`,
    );
  });

  it('refuses a key file that group or others can read, and says how to fix it', async () => {
    const { home } = tmp();
    await cli(['init'], { home });
    const keys = join(home, 'keys.json');
    chmodSync(keys, 0o644);
    const r = await cli(['keys', 'list'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `key file ${keys} is accessible by group or others (mode 0644); fix it with: chmod 600 ${keys}`,
    );
    expect(r.stderr).toContain('(ERR_CLI_UNSAFE_PERMISSIONS)');
    const json = await cli(
      ['--json', 'mint', '--to', 'a', '--allow', 'tool == "x"', '--expires', '1h'],
      { home },
    );
    expect(json.code).toBe(1);
    expect(jsonError(json)).toMatchObject({
      code: 'ERR_CLI_UNSAFE_PERMISSIONS',
      mode: '0644',
      path: keys,
    });
    chmodSync(keys, 0o600);
    expect((await cli(['keys', 'list'], { home })).code).toBe(0);
  });

  it('refuses a symlinked key file and a home others can write to', async () => {
    const { dir, home } = tmp();
    await cli(['init'], { home });
    const keys = join(home, 'keys.json');
    const elsewhere = join(dir, 'elsewhere.json');
    writeFileSync(elsewhere, readFileSync(keys), { mode: 0o600 });
    rmSync(keys);
    symlinkSync(elsewhere, keys);
    expect(lstatSync(keys).isSymbolicLink()).toBe(true);
    const linked = await cli(['keys', 'list'], { home });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('is a symbolic link; refusing to use it');
    rmSync(keys);
    writeFileSync(keys, readFileSync(elsewhere), { mode: 0o600 });
    chmodSync(home, 0o777);
    const open = await cli(['keys', 'list'], { home });
    expect(open.code).toBe(1);
    expect(open.stderr).toContain(`fix it with: chmod 700 ${home}`);
  });

  it('reports a damaged key file in one line without echoing its content', async () => {
    const { home } = tmp();
    await cli(['init'], { home });
    writeFileSync(
      join(home, 'keys.json'),
      '{"format":"mandate-keys/1","keys":[{"id":"k","secret":"SECRET-VALUE","createdAt":"x"}]}',
      { mode: 0o600 },
    );
    const r = await cli(['keys', 'list'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('(ERR_CLI_KEY_FILE)');
    expect(r.stderr).not.toContain('SECRET-VALUE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

const ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

describe.concurrent('whose home, and the store', () => {
  it('init refuses a directory that holds anything, or a shared one, and leaves its mode alone', async () => {
    const { dir } = tmp();
    const used = join(dir, 'used');
    mkdirSync(used, { mode: 0o755 });
    chmodSync(used, 0o755);
    writeFileSync(join(used, 'notes.txt'), 'mine');
    const r = await cli(['init'], { home: used });
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toBe(
      `error: ${used} is not empty; init makes a home only in a new or empty directory of your own (ERR_CLI_HOME_EXISTS)\n`,
    );
    expect(statSync(used).mode & 0o7777).toBe(0o755);
    const shared = join(dir, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o1777);
    const sticky = await cli(['init'], { home: shared });
    expect(sticky.code).toBe(1);
    expect(sticky.stderr).toContain(`${shared} is a shared directory (mode 1777)`);
    expect(statSync(shared).mode & 0o7777).toBe(0o1777);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    chmodSync(empty, 0o755);
    expect((await cli(['init'], { home: empty })).code).toBe(0);
    expect(statSync(empty).mode & 0o777).toBe(0o700);
  });

  it.runIf(ROOT)(
    'refuses a home, or a directory to init, that belongs to another user',
    async () => {
      const { dir, home } = tmp();
      await cli(['init'], { home });
      chownSync(home, NOBODY, NOBODY);
      const r = await cli(['keys', 'list'], { home });
      expect(r.code).toBe(1);
      expect(r.stderr).toBe(
        `error: home ${home} belongs to another user (uid ${NOBODY}); refusing to use it (ERR_CLI_UNSAFE_PERMISSIONS)\n`,
      );
      const foreign = join(dir, 'foreign');
      mkdirSync(foreign, { mode: 0o700 });
      chownSync(foreign, NOBODY, NOBODY);
      const init = await cli(['init'], { home: foreign });
      expect(init.stderr).toContain(`${foreign} belongs to another user (uid ${NOBODY})`);
      expect(statSync(foreign).uid).toBe(NOBODY);
    },
  );

  it('tightens store files that group or others can read to 0600, and says so', async () => {
    const { home } = tmp();
    await cli(['init'], { home });
    await cli(['mint', '--to', 'a', '--allow', 'tool == "x"', '--expires', '1h'], { home });
    const db = join(home, 'mandate.db');
    chmodSync(db, 0o644);
    const r = await cli(['inbox'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      `warning: ${db} was open to group or others (mode 0644); it is now 0600.`,
    );
    expect(statSync(db).mode & 0o777).toBe(0o600);
    const again = await cli(['inbox'], { home });
    expect(again.stderr).toBe('');
  });

  it('refuses a store file that is a symbolic link, or that belongs to another user', async () => {
    const { dir, home } = tmp();
    await cli(['init'], { home });
    await cli(['mint', '--to', 'a', '--allow', 'tool == "x"', '--expires', '1h'], { home });
    const db = join(home, 'mandate.db');
    const moved = join(dir, 'elsewhere.db');
    renameSync(db, moved);
    symlinkSync(moved, db);
    const linked = await cli(['inbox'], { home });
    expect(linked.code).toBe(1);
    expect(linked.stderr).toBe(
      `error: store file ${db} is a symbolic link; refusing to use it (ERR_CLI_UNSAFE_PERMISSIONS)\n`,
    );
    if (!ROOT) return;
    rmSync(db);
    renameSync(moved, db);
    chownSync(db, NOBODY, NOBODY);
    const foreign = await cli(['inbox'], { home });
    expect(foreign.stderr).toContain(`store file ${db} belongs to another user (uid ${NOBODY})`);
  });
});

describe.concurrent('keys rotate, list, retire', () => {
  it('rotates to a new signing key, keeps old tokens verifying until their key is retired', async () => {
    const { home } = tmp();
    await cli(['init', '--id', 'old'], { home });
    const token = (
      await cli(['mint', '--to', 'agent', '--allow', 'tool == "t"', '--expires', '1h'], { home })
    ).stdout.trim();
    const rotated = await cliJson(['keys', 'rotate', '--id', 'new'], { home });
    expect(rotated.json).toMatchObject({
      key: { id: 'new' },
      previous: 'old',
      live: ['old', 'new'],
    });
    const list = await cli(['keys', 'list'], { home });
    expect(list.stdout).toMatch(/old\s+\S+\s+live \(verifies\)/);
    expect(list.stdout).toMatch(/new\s+\S+\s+signing \(newest\)/);
    const fresh = await cliJson(
      ['mint', '--to', 'agent', '--allow', 'tool == "t"', '--expires', '1h'],
      { home },
    );
    expect(fresh.json).toMatchObject({ keyId: 'new' });
    expect((await cli(['authorize', token, '--tool', 't'], { home })).code).toBe(0);

    const retired = await cli(['keys', 'retire', 'old'], { home });
    expect(retired.code).toBe(0);
    expect(retired.stdout).toContain('tokens it minted no longer verify');
    const after = await cli(['authorize', token, '--tool', 't'], { home });
    expect(after.code).toBe(1);
    expect(after.stderr).toBe('error: token is invalid (ERR_TOKEN_INVALID)\n');
    const listed = await cliJson<{ keys: { id: string; status: string }[] }>(['keys', 'list'], {
      home,
    });
    expect(listed.json.keys.map((k) => [k.id, k.status])).toEqual([
      ['new', 'signing'],
      ['old', 'retired'],
    ]);
    expect(readFileSync(join(home, 'keys.json'), 'utf8')).not.toMatch(/"id": "old"[^}]*"secret"/);
  });

  it('refuses to retire the only key or an unknown one, or to reuse a retired id', async () => {
    const { home } = tmp();
    await cli(['init', '--id', 'only'], { home });
    const only = await cli(['keys', 'retire', 'only'], { home });
    expect(only.code).toBe(1);
    expect(only.stderr).toContain('is the only live root key; run "mandate keys rotate" first');
    const unknown = await cli(['keys', 'retire', 'nope'], { home });
    expect(unknown.stderr).toContain('no live root key "nope"');
    await cli(['keys', 'rotate', '--id', 'two'], { home });
    await cli(['keys', 'retire', 'only'], { home });
    const reuse = await cli(['keys', 'rotate', '--id', 'only'], { home });
    expect(reuse.code).toBe(1);
    expect(reuse.stderr).toContain('was retired; choose another id');
  });
});

describe.concurrent('errors and output', () => {
  it('usage errors are one line with the help to read, or a JSON error; exit 1', async () => {
    const r = await cli(['mint', '--frobnicate']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: unknown option '--frobnicate'; see "mandate mint --help" (ERR_CLI_USAGE)\n`,
    );
    const typo = await cli(['inbx']);
    expect(typo.stderr).toContain("unknown command 'inbx'");
    const json = await cli(['--json', 'authorize', 'tok']);
    expect(json.code).toBe(1);
    expect(jsonError(json)).toEqual({
      code: 'ERR_CLI_USAGE',
      message: "required option '--tool <name>' not specified",
    });
  });

  it('never prints colour codes when stdout is not a terminal', async () => {
    const { home } = tmp();
    await cli(['init'], { home });
    const r = await cli(['keys', 'list'], { home });
    // eslint-disable-next-line no-control-regex
    expect(r.stdout + r.stderr).not.toMatch(/\u001b\[/);
  });

  it('bad durations name the option and the accepted forms', async () => {
    const { home } = tmp();
    await cli(['init'], { home });
    for (const bad of ['30', '2 hours', '0s', '-1h', '11000d']) {
      const r = await cli(['mint', '--to', 'a', '--allow', 'tool == "x"', '--expires', bad], {
        home,
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^error: --expires ".*" (is not a duration; use e\.g\. 30d, 2h, 15m, 90s or 1h30m|must be more than 0s and at most 10 years) \(ERR_CLI_BAD_DURATION\)\n$/,
      );
    }
  });

  it('mkdir of an impossible home is one line', async () => {
    const { dir } = tmp();
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    const r = await cli(['init'], { home: join(file, 'home') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot create home .* \(ERR_CLI_NO_HOME\)\n$/);
  });
});
