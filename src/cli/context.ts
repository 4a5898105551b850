/**
 * What every command's action receives: the output layer (built from `--json` and the streams),
 * the environment, the clock, stdin, and the home directory with its keys, resolved from
 * `--home` / `$MANDATE_HOME` / `~/.mandate` only when a command needs it, so that offline commands
 * (`delegate`, `contains`, `inspect` without a home) never touch the disk. The store's files are
 * checked (and tightened to 0600) each time a command opens it.
 */
import type { Command } from 'commander';
import { Delegator } from '../requests/index.js';
import { Home, resolveHome } from './home.js';
import { stdinOnce, type StdinReader, type StdinSource } from './input.js';
import { loadKeyFile, type KeyFile } from './keyfile.js';
import { Output, type Sink } from './output.js';

/** The process's streams and environment, injectable so the program can run in a test. */
export interface CliIo {
  readonly stdout: Sink;
  readonly stderr: Sink;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: StdinSource;
  /** The clock; the real one unless a test fixes it. */
  readonly now: () => Date;
}

/** The options every command accepts. */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly home?: string;
}

/**
 * One command invocation's view of the world.
 *
 * @example
 * ```ts
 * const ctx = new Context(io, cmd.optsWithGlobals());
 * const { keyring } = ctx.keys();
 * ```
 */
export class Context {
  readonly out: Output;
  readonly io: CliIo;
  readonly env: NodeJS.ProcessEnv;
  /** Stdin for the one value of this command that may come from it (`-`). */
  readonly stdin: StdinReader;
  readonly #homeOption: string | undefined;
  #home: Home | undefined;
  #keys: KeyFile | undefined;
  #delegator: Promise<Delegator> | undefined;
  #heldAt: Date | undefined;

  constructor(io: CliIo, options: GlobalOptions) {
    this.io = io;
    this.env = io.env;
    this.stdin = stdinOnce(io.stdin);
    this.out = new Output({
      json: options.json === true,
      stdout: io.stdout,
      stderr: io.stderr,
      env: io.env,
    });
    this.#homeOption = options.home;
  }

  /** Builds the context of the command that is running, from its own and the global options. */
  static of(io: CliIo, command: Command): Context {
    return new Context(io, command.optsWithGlobals<GlobalOptions>());
  }

  now(): Date {
    return this.#heldAt ?? this.io.now();
  }

  /**
   * Stops the clock for the rest of the command, so that two library calls (`approve`'s preview
   * and the approval itself) see the same instant and agree to the millisecond.
   */
  holdClock(): void {
    this.#heldAt ??= this.io.now();
  }

  /** The home directory (not necessarily initialized). */
  get home(): Home {
    this.#home ??= new Home(resolveHome(this.#homeOption, this.env));
    return this.#home;
  }

  /** Whether a home with keys exists, without failing when it does not. */
  hasHome(): boolean {
    return this.home.initialized();
  }

  /** The home's keys; fails with `ERR_CLI_NO_HOME` or a permission error. */
  keys(): KeyFile {
    this.#keys ??= loadKeyFile(this.home);
    return this.#keys;
  }

  /** Replaces the cached keys after a command rewrote the key file. */
  keysChanged(file: KeyFile): void {
    this.#keys = file;
  }

  /**
   * The store a command's Delegator opens: a PostgreSQL URL from `mandate serve --store` or
   * `$MANDATE_STORE`, or `undefined` for the home's SQLite file.
   */
  storeUrl(option?: string): string | undefined {
    const url = option ?? this.env['MANDATE_STORE'];
    return url === undefined || url === '' ? undefined : url;
  }

  /**
   * The Delegator on the home's SQLite store, or on the PostgreSQL database `store` (a URL, see
   * `storeUrl`), with the home's keys (which it never copies into the store). Opened once per
   * command and closed by `close()`. The SQLite store's files are checked first (a loose one is
   * tightened, with a warning) and again after opening, since SQLite creates them with the
   * process's umask.
   */
  delegator(store: string | undefined = this.storeUrl()): Promise<Delegator> {
    this.#delegator ??= (async () => {
      const { keyring } = this.keys();
      if (store !== undefined)
        return Delegator.open({ url: store, rootKeys: keyring, now: () => this.now() });
      for (const file of this.home.secureStore()) {
        const s = this.out.errStyle;
        this.out.note(
          `${s.yellow('warning:')} ${file.path} was open to group or others (mode ${file.mode}); it is now 0600. It holds issued tokens: if others read them, rotate the root key (mandate keys rotate, then mandate keys retire <old id>)`,
        );
      }
      const delegator = await Delegator.open({
        path: this.home.storeFile,
        rootKeys: keyring,
        now: () => this.now(),
      });
      this.home.secureStore();
      return delegator;
    })();
    return this.#delegator;
  }

  /** Releases what the command opened (the store). */
  async close(): Promise<void> {
    const opening = this.#delegator;
    this.#delegator = undefined;
    if (opening === undefined) return;
    try {
      await (await opening).close();
    } catch {
      // Opening failed (already reported) or the store is gone: nothing left to release.
    }
  }
}
