/**
 * A PostgreSQL server of the test's own, for the fault test that stops and restarts the server
 * under load: restarting the shared one would cut every other suite running beside it. It is a
 * fresh cluster (`initdb`, trust authentication on 127.0.0.1 only, a free port, its socket in
 * its own directory) run by `pg_ctl`, as the `postgres` operating-system user when the tests
 * run as root (PostgreSQL refuses to run as root). The server programs are found through
 * `MANDATE_TEST_PG_BINDIR`, `pg_config --bindir`, or Debian's /usr/lib/postgresql/<version>/bin;
 * without them the test fails and says so.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running cluster of the test's own. */
export interface Cluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string;
  /** Stops the server the way an operator restarting it does (`pg_ctl stop -m fast`). */
  stop(): void;
  /** Starts it again on the same port and data. */
  start(): void;
  /** Stops it (if running) and removes its files. */
  remove(): void;
}

/** The directory holding `initdb` and `pg_ctl`. */
function binDir(): string {
  const given = process.env['MANDATE_TEST_PG_BINDIR'];
  if (given !== undefined) return given;
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  } catch {
    // No pg_config (Debian ships it with the server headers): look where Debian installs.
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((x, y) => Number(y) - Number(x))
    : [];
  if (versions[0] === undefined)
    throw new Error(
      "this test runs a PostgreSQL server of its own and needs PostgreSQL's server programs " +
        '(initdb, pg_ctl): install postgresql, or set MANDATE_TEST_PG_BINDIR to their directory',
    );
  return join(root, versions[0], 'bin');
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Creates and starts a cluster in a temporary directory.
 *
 * @example
 * const cluster = await startCluster();
 * cluster.stop(); cluster.start();
 */
export async function startCluster(): Promise<Cluster> {
  const bin = binDir();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'mandate-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (program: string, args: string[]): void => {
    const [command, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]]
      : [join(bin, program), args];
    execFileSync(command, argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir });
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  const ctl = (...args: string[]) =>
    run('pg_ctl', ['-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), ...args]);
  const start = () => ctl('-o', options, 'start');
  start();
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      ctl('-m', 'fast', 'stop');
      running = false;
    },
    start() {
      start();
      running = true;
    },
    remove() {
      try {
        if (running) ctl('-m', 'immediate', 'stop');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
