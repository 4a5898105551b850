/**
 * The CLI's home directory: where the owner's root keys and the request store live.
 *
 * ```
 * ~/.mandate/        0700  (--home, or $MANDATE_HOME)
 *   keys.json        0600  the root keys: whoever reads this file can mint any delegation
 *   mandate.db       0600  the SQLite store: requests, decisions, issued tokens, the audit log
 * ```
 *
 * The key file is treated like an SSH private key: created with mode 0600 by an atomic
 * write-and-rename, and refused when it is a symlink, belongs to another user, or is accessible
 * by group or others (then the message says how to fix it). A home that others can write to is
 * refused too, since they could swap the key file.
 */
import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
  fsyncSync,
  unlinkSync,
  chmodSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from './cli-error.js';

/** File names inside a home. */
export const KEY_FILE = 'keys.json';
export const STORE_FILE = 'mandate.db';

/** A key file larger than this is not ours. */
const MAX_KEY_FILE_BYTES = 1024 * 1024;

const POSIX = process.platform !== 'win32';

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

  constructor(path: string) {
    this.path = path;
    this.keyFile = join(path, KEY_FILE);
    this.storeFile = join(path, STORE_FILE);
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
   * Creates the directory with mode 0700 (or tightens a directory that already exists and is
   * empty of keys).
   */
  create(): void {
    try {
      mkdirSync(this.path, { recursive: true, mode: 0o700 });
      if (POSIX) chmodSync(this.path, 0o700);
    } catch (err) {
      throw new CliError(
        'ERR_CLI_NO_HOME',
        `cannot create home ${this.path}: ${(err as Error).message}`,
        { home: this.path },
        { cause: err },
      );
    }
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
    let fd: number;
    try {
      fd = openSync(this.keyFile, constants.O_RDONLY | (POSIX ? constants.O_NOFOLLOW : 0));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ELOOP') {
        throw new CliError(
          'ERR_CLI_UNSAFE_PERMISSIONS',
          `key file ${this.keyFile} is a symbolic link; refusing to use it`,
          { path: this.keyFile },
        );
      }
      throw new CliError(
        'ERR_CLI_KEY_FILE',
        `cannot open key file ${this.keyFile} (${code ?? 'error'})`,
        { path: this.keyFile },
        { cause: err },
      );
    }
    try {
      const stat = fstatSync(fd);
      if (!stat.isFile())
        throw new CliError('ERR_CLI_KEY_FILE', `key file ${this.keyFile} is not a regular file`, {
          path: this.keyFile,
        });
      if (POSIX) {
        if ((stat.mode & 0o077) !== 0) {
          const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
          throw new CliError(
            'ERR_CLI_UNSAFE_PERMISSIONS',
            `key file ${this.keyFile} is accessible by group or others (mode ${mode}); fix it with: chmod 600 ${this.keyFile}`,
            { path: this.keyFile, mode },
          );
        }
        if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
          throw new CliError(
            'ERR_CLI_UNSAFE_PERMISSIONS',
            `key file ${this.keyFile} belongs to another user; refusing to use it`,
            {
              path: this.keyFile,
            },
          );
        }
      }
      if (stat.size > MAX_KEY_FILE_BYTES)
        throw new CliError('ERR_CLI_KEY_FILE', `key file ${this.keyFile} is too large`, {
          path: this.keyFile,
        });
      const text = readFileSync(fd, 'utf8');
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
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Replaces the key file atomically: the new content is written to a fresh 0600 file in the
   * same directory, flushed, and renamed over the old one, so a crash leaves the old keys or the
   * new ones, never half a file.
   */
  writeKeyFile(value: unknown): void {
    const temp = join(this.path, `.${KEY_FILE}.${process.pid}.tmp`);
    const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
      fsyncSync(fd);
    } catch (err) {
      closeSync(fd);
      unlinkSync(temp);
      throw err;
    }
    closeSync(fd);
    renameSync(temp, this.keyFile);
  }

  /** Refuses a home that group or others may write to: they could replace the key file. */
  #checkDirectory(): void {
    if (!POSIX) return;
    const stat = statSync(this.path);
    if ((stat.mode & 0o022) !== 0) {
      const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
      throw new CliError(
        'ERR_CLI_UNSAFE_PERMISSIONS',
        `home ${this.path} is writable by group or others (mode ${mode}); fix it with: chmod 700 ${this.path}`,
        { path: this.path, mode },
      );
    }
  }
}
