/**
 * The CLI's home directory: where the owner's root keys and the request store live.
 *
 * ```
 * ~/.mandate/        0700  (--home, or $MANDATE_HOME)
 *   keys.json        0600  the root keys: whoever reads this file can mint any delegation
 *   mandate.db       0600  the SQLite store: requests, decisions, issued tokens, the audit log
 *   owner.credential 0600  the owner's credential for `mandate serve` (not a root key)
 * ```
 *
 * The key file is treated like an SSH private key: created with mode 0600 by an atomic
 * write-and-rename, and refused when it is a symlink, belongs to another user, or is accessible
 * by group or others (then the message says how to fix it). A home that belongs to another user
 * or that others can write to is refused too, since they could swap the key file. The store's
 * files hold issued tokens (bearer credentials): one that belongs to someone else or is a
 * symlink is refused, one that group or others can read is tightened to 0600 with a warning.
 * `init` makes a new directory, or takes an empty one of the user's own; it never changes the
 * permissions of a directory that holds anything, or of someone else's (`/tmp` stays 1777).
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  chmodSync,
  type Stats,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import { CliError } from './cli-error.js';

/** File names inside a home. */
export const KEY_FILE = 'keys.json';
export const STORE_FILE = 'mandate.db';
export const OWNER_CREDENTIAL_FILE = 'owner.credential';

/** A key file larger than this is not ours. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

/** SQLite's companions of the store in WAL mode. */
const STORE_COMPANIONS = ['-wal', '-shm'] as const;

const POSIX = process.platform !== 'win32';

/** A store file whose mode `secureStore` tightened. */
export interface TightenedFile {
  readonly path: string;
  /** The mode it had, as four octal digits (`0644`). */
  readonly mode: string;
}

/**
 * The home directory to use: `--home`, else `$MANDATE_HOME`, else `~/.mandate`, made absolute.
 *
 * @example
 * ```ts
 * resolveHome(undefined, { MANDATE_HOME: '/tmp/h' }); // "/tmp/h"
 * ```
 */
export function resolveHome(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen =
    option ??
    (env['MANDATE_HOME'] !== undefined && env['MANDATE_HOME'] !== ''
      ? env['MANDATE_HOME']
      : undefined);
  return resolve(chosen ?? join(homedir(), '.mandate'));
}

/**
 * A home directory and the files in it.
 *
 * @example
 * ```ts
 * const home = new Home(resolveHome(undefined, process.env));
 * if (!home.initialized()) home.create();
 * ```
 */
export class Home {
  readonly path: string;
  readonly keyFile: string;
  readonly storeFile: string;
  readonly ownerCredentialFile: string;

  constructor(path: string) {
    this.path = path;
    this.keyFile = join(path, KEY_FILE);
    this.storeFile = join(path, STORE_FILE);
    this.ownerCredentialFile = join(path, OWNER_CREDENTIAL_FILE);
  }

  /** Whether `mandate init` has run here (the key file exists). */
  initialized(): boolean {
    try {
      statSync(this.keyFile);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Creates the directory with mode 0700, or takes an existing one that is empty, a directory
   * of the current user's own and not a shared one (sticky bit, like `/tmp`), and makes it 0700.
   *
   * @throws CliError `ERR_CLI_HOME_EXISTS` for a directory that holds anything;
   *   `ERR_CLI_UNSAFE_PERMISSIONS` for another user's or a shared one; `ERR_CLI_NO_HOME` when
   *   it cannot be made.
   */
  create(): void {
    try {
      const existing = statSync(this.path, { throwIfNoEntry: false });
      if (existing !== undefined) this.#checkTakeable(existing);
      mkdirSync(this.path, { recursive: true, mode: 0o700 });
      if (POSIX) chmodSync(this.path, 0o700);
    } catch (err) {
      if (err instanceof CliError) throw err;
      throw new CliError(
        'ERR_CLI_NO_HOME',
        `cannot create home ${this.path}: ${(err as Error).message}`,
        { home: this.path },
        { cause: err },
      );
    }
  }

  /** Refuses an existing directory that `init` must not make a home of (or chmod). */
  #checkTakeable(stat: Stats): void {
    const refuse = (code: 'ERR_CLI_HOME_EXISTS' | 'ERR_CLI_UNSAFE_PERMISSIONS', why: string) =>
      new CliError(
        code,
        `${this.path} ${why}; init makes a home only in a new or empty directory of your own`,
        {
          home: this.path,
        },
      );
    if (!stat.isDirectory()) throw refuse('ERR_CLI_HOME_EXISTS', 'exists and is not a directory');
    if (POSIX && stat.uid !== currentUid())
      throw refuse('ERR_CLI_UNSAFE_PERMISSIONS', `belongs to another user (uid ${stat.uid})`);
    if (POSIX && (stat.mode & 0o1000) !== 0)
      throw refuse(
        'ERR_CLI_UNSAFE_PERMISSIONS',
        `is a shared directory (mode ${modeText(stat.mode)})`,
      );
    if (readdirSync(this.path).length > 0) throw refuse('ERR_CLI_HOME_EXISTS', 'is not empty');
  }

  /** Throws `ERR_CLI_NO_HOME` (with the command that fixes it) unless `mandate init` has run. */
  requireInitialized(): void {
    if (!this.initialized()) {
      throw new CliError(
        'ERR_CLI_NO_HOME',
        `no mandate home at ${this.path}: run "mandate init" (or pass --home / set MANDATE_HOME)`,
        {
          home: this.path,
        },
      );
    }
    this.#checkDirectory();
  }

  /**
   * Reads the key file's JSON after checking that only its owner can touch it.
   *
   * @throws CliError `ERR_CLI_UNSAFE_PERMISSIONS` for a shared, foreign or symlinked file;
   *   `ERR_CLI_KEY_FILE` for one that cannot be read or parsed.
   */
  readKeyFile(): unknown {
    this.requireInitialized();
    const text = this.#readSecret(this.keyFile, 'key file');
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new CliError(
        'ERR_CLI_KEY_FILE',
        `key file ${this.keyFile} is not valid JSON`,
        { path: this.keyFile },
        { cause: err },
      );
    }
  }

  /**
   * The owner credential the service accepts (`owner.credential`), read with the key file's
   * care; `undefined` when there is none yet.
   */
  readOwnerCredential(): string | undefined {
    if (lstatSync(this.ownerCredentialFile, { throwIfNoEntry: false }) === undefined)
      return undefined;
    return this.#readSecret(this.ownerCredentialFile, 'owner credential file').trim();
  }

  /** Replaces the owner credential atomically (a fresh 0600 file). */
  writeOwnerCredential(credential: string): void {
    writeFileAtomically(this.ownerCredentialFile, `${credential}\n`);
  }

  /**
   * A secret file of the home, as text: refused when it is a symbolic link, not a regular file,
   * another user's, accessible by group or others (the message says how to fix it), or too
   * large.
   */
  #readSecret(path: string, what: string): string {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | (POSIX ? constants.O_NOFOLLOW : 0));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') {
        throw new CliError(
          'ERR_CLI_UNSAFE_PERMISSIONS',
          `${what} ${path} is a symbolic link; refusing to use it`,
          { path },
        );
      }
      throw new CliError(
        'ERR_CLI_KEY_FILE',
        `cannot open ${what} ${path} (${code ?? 'error'})`,
        { path },
        { cause: err },
      );
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile())
        throw new CliError('ERR_CLI_KEY_FILE', `${what} ${path} is not a regular file`, { path });
      if (POSIX) {
        if ((stat.mode & 0o077) !== 0) {
          const mode = modeText(stat.mode);
          throw new CliError(
            'ERR_CLI_UNSAFE_PERMISSIONS',
            `${what} ${path} is accessible by group or others (mode ${mode}); fix it with: chmod 600 ${path}`,
            { path, mode },
          );
        }
        if (stat.uid !== currentUid()) {
          throw new CliError(
            'ERR_CLI_UNSAFE_PERMISSIONS',
            `${what} ${path} belongs to another user; refusing to use it`,
            { path },
          );
        }
      }
      if (stat.size > MAX_KEY_FILE_BYTES)
        throw new CliError('ERR_CLI_KEY_FILE', `${what} ${path} is too large`, { path });
      return readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Replaces the key file atomically (a fresh 0600 file, flushed and renamed over the old one),
   * so a crash leaves the old keys or the new ones, never half a file.
   */
  writeKeyFile(value: unknown): void {
    writeFileAtomically(this.keyFile, `${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Checks the store's files (`mandate.db` and SQLite's `-wal` and `-shm`, those that exist):
   * each must be a regular file of the current user's; any that group or others can access is
   * made 0600 and returned, so that the caller can say so.
   *
   * @throws CliError `ERR_CLI_UNSAFE_PERMISSIONS` for a symlink, another user's file or one
   *   that is not a regular file.
   */
  secureStore(): TightenedFile[] {
    if (!POSIX) return [];
    const tightened: TightenedFile[] = [];
    for (const path of [this.storeFile, ...STORE_COMPANIONS.map((end) => this.storeFile + end)]) {
      const stat = lstatSync(path, { throwIfNoEntry: false });
      if (stat === undefined) continue;
      const refuse = (why: string) =>
        new CliError(
          'ERR_CLI_UNSAFE_PERMISSIONS',
          `store file ${path} ${why}; refusing to use it`,
          {
            path,
          },
        );
      if (stat.isSymbolicLink()) throw refuse('is a symbolic link');
      if (!stat.isFile()) throw refuse('is not a regular file');
      if (stat.uid !== currentUid()) throw refuse(`belongs to another user (uid ${stat.uid})`);
      if ((stat.mode & 0o077) !== 0) {
        chmodSync(path, 0o600);
        tightened.push({ path, mode: modeText(stat.mode) });
      }
    }
    return tightened;
  }

  /** Refuses a home that belongs to someone else, or that group or others may write to: they could replace the key file. */
  #checkDirectory(): void {
    if (!POSIX) return;
    const stat = statSync(this.path);
    if (stat.uid !== currentUid()) {
      throw new CliError(
        'ERR_CLI_UNSAFE_PERMISSIONS',
        `home ${this.path} belongs to another user (uid ${stat.uid}); refusing to use it`,
        { path: this.path },
      );
    }
    if ((stat.mode & 0o022) !== 0) {
      const mode = modeText(stat.mode);
      throw new CliError(
        'ERR_CLI_UNSAFE_PERMISSIONS',
        `home ${this.path} is writable by group or others (mode ${mode}); fix it with: chmod 700 ${this.path}`,
        { path: this.path, mode },
      );
    }
  }
}

/**
 * The user this process runs as: the effective uid, which file access is checked against;
 * `undefined` where the platform has no uids.
 *
 * @example
 * ```ts
 * if (statSync(path).uid !== currentUid()) console.log('not yours');
 * ```
 */
export function currentUid(): number | undefined {
  return typeof process.geteuid === 'function' ? process.geteuid() : undefined;
}

/** Permission bits as four octal digits (`0644`, `1777`). */
function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0');
}
