/**
 * `mandate run --token <token> --as <principal> [--url <service>] [--user <name>] -- <command…>`:
 * starts an agent process with its delegation in the environment — `MANDATE_TOKEN`,
 * `MANDATE_PRINCIPAL` and, with a service (`--url` or `$MANDATE_URL`), `MANDATE_URL`, where it
 * asks for more through a `DelegatorClient` — so
 * that a program using the library (or the CLI, whose token argument defaults to
 * `$MANDATE_TOKEN`) picks it up without the token on any command line. The agent gets its token
 * and nothing of the owner's: every `MANDATE_*` variable of the owner's environment is left out
 * (`MANDATE_HOME` above all), and so is the PostgreSQL password; and `run` refuses to start a
 * child that could read the root keys or write the store (see `key-exposure.ts`) — which a
 * child of the same OS user always can. So the agent runs as another user (`--user`, which
 * needs root; it then gets that user's `HOME`), or the owner says `--unsafe-same-user` and is
 * told plainly what that allows. Before starting,
 * the token's holder must be the principal named (and, when this home holds the keys, the token
 * must verify), so a mistake fails here rather than on the agent's first call. The child's exit
 * code is passed through (128 + the signal number when a signal ended it). Ctrl-C reaches the
 * child from the terminal itself, so `run` only waits for it to finish; SIGTERM and SIGHUP sent
 * to `run` are forwarded.
 */
import { spawn } from 'node:child_process';
import { constants, userInfo } from 'node:os';
import type { Command } from 'commander';
import { inspectToken, verifyDelegation } from '../../delegation/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { currentUid, Home, resolveHome } from '../home.js';
import { nonBlank, readToken } from '../input.js';
import { exposedTo } from '../key-exposure.js';
import { EXIT } from '../output.js';
import { lookupUser, type OsUser } from '../os-user.js';
import { withExamples, type ActionFactory } from '../command.js';
import { serviceUrlOf } from '../requester-channel.js';

interface RunOptions {
  readonly token?: string;
  readonly url?: string;
  readonly as: string;
  readonly user?: string;
  readonly unsafeSameUser?: boolean;
}

/**
 * Registers `run`.
 *
 * @example
 * ```ts
 * registerRunCommand(program, action);
 * ```
 */
export function registerRunCommand(program: Command, action: ActionFactory): void {
  withExamples(
    program
      .command('run')
      .description(
        'start an agent with only its token (MANDATE_TOKEN, MANDATE_PRINCIPAL), as an OS user that cannot read the root keys',
      )
      .option('--token <token>', 'the agent’s token, or - or @file (default: $MANDATE_TOKEN)')
      .option(
        '--url <url>',
        'the service the agent asks (mandate serve), passed on as MANDATE_URL (default: $MANDATE_URL)',
        nonBlank,
      )
      .requiredOption(
        '--as <principal>',
        'the agent’s principal (must be the token’s holder)',
        nonBlank,
      )
      .option(
        '--user <name>',
        'run the agent as this OS user (name or uid), which must not be able to read the home; needs root',
        nonBlank,
      )
      .option(
        '--unsafe-same-user',
        'run the agent as yourself although it can then read the root keys and mint itself anything',
      )
      .argument('<command...>', 'the program and its arguments, after --'),
    [
      'mandate run --user agent --token @budget-agent.token --as budget-agent -- node agent.js   # as root',
      'mandate run --token @reporter.token --as reporter --unsafe-same-user -- mandate scope',
    ],
  ).action(action<RunOptions>((ctx, args, opts) => run(ctx, args[0] as string[], opts)));
}

async function run(ctx: Context, command: readonly string[], opts: RunOptions): Promise<number> {
  const token = readToken(opts.token, ctx.env, '--token', ctx.stdin);
  const holder = (
    ctx.hasHome() ? verifyDelegation(token, { rootKeys: ctx.keys().keyring }) : inspectToken(token)
  ).principal;
  if (holder !== null && holder !== opts.as) {
    throw new CliError('ERR_CLI_USAGE', `the token is delegated to "${holder}", not "${opts.as}"`, {
      holder,
      as: opts.as,
    });
  }
  const [file, ...args] = command;
  if (file === undefined) throw new CliError('ERR_CLI_USAGE', 'name the command to run after --');
  const user = opts.user === undefined ? undefined : agentUser(opts.user, opts);
  protectKeys(ctx, file, user, opts.unsafeSameUser === true);
  const child = spawn(file, args, {
    stdio: 'inherit',
    env: agentEnvironment(ctx.env, token, opts.as, user, serviceUrlOf(ctx, opts.url)),
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
  });
  const forward = (signal: NodeJS.Signals) => () => void child.kill(signal);
  const handlers = [
    ['SIGINT', () => undefined],
    ['SIGTERM', forward('SIGTERM')],
    ['SIGHUP', forward('SIGHUP')],
  ] as const;
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.once('error', (err: NodeJS.ErrnoException) => {
        reject(
          new CliError(
            'ERR_CLI_COMMAND_FAILED',
            `cannot start ${file}: ${err.code === 'ENOENT' ? 'command not found' : err.message}`,
            {
              command: file,
            },
          ),
        );
      });
      child.once('exit', (code, signal) => {
        resolve(code ?? (signal === null ? EXIT.error : 128 + (constants.signals[signal] ?? 0)));
      });
    });
  } finally {
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  }
}

/** The `--user` account, which this process must be allowed to switch to. */
function agentUser(name: string, opts: RunOptions): OsUser {
  if (opts.unsafeSameUser === true)
    throw new CliError('ERR_CLI_USAGE', '--user and --unsafe-same-user contradict each other');
  const user = lookupUser(name);
  if (user === undefined)
    throw new CliError('ERR_CLI_USAGE', `--user: no OS user "${name}"`, { option: '--user' });
  const self = currentUid();
  if (self !== 0 && user.uid !== self) {
    throw new CliError(
      'ERR_CLI_USAGE',
      `--user: only root can start a process as another user; run this as root (e.g. sudo mandate run --user ${name} …)`,
      { option: '--user' },
    );
  }
  return user;
}

/**
 * Refuses to start the agent when it could read the owner's keys or write the store of this
 * home or of the default one, unless the owner accepted that with `--unsafe-same-user` (then
 * says what it allows).
 */
function protectKeys(ctx: Context, file: string, user: OsUser | undefined, unsafe: boolean): void {
  const uid = user?.uid ?? currentUid();
  const homes = [ctx.home, new Home(resolveHome(undefined, {}))];
  const [first] = exposedTo(uid, homes);
  if (first === undefined) return;
  const who = user?.name ?? currentUserName();
  const risk = `the agent (${file}) would run as ${who} and could read or change ${first.path} (${first.why}), and so mint itself any delegation`;
  if (!unsafe || user !== undefined) {
    throw new CliError(
      'ERR_CLI_UNSAFE_PERMISSIONS',
      `refusing to start it: ${risk}; run it as another OS user with --user <name> (as root), or accept this with --unsafe-same-user`,
      { path: first.path, user: who },
    );
  }
  const s = ctx.out.errStyle;
  ctx.out.note(
    `${s.yellow('warning:')} --unsafe-same-user: ${risk}; run only agents you trust this way`,
  );
}

/** The owner's variables that may unlock a PostgreSQL store (libpq's, which the driver reads). */
const STORE_SECRETS = ['PGPASSWORD', 'PGPASSFILE'];

/**
 * The agent's environment: the owner's, without any `MANDATE_*` variable (the home, the owner's
 * own token, the store's URL) or the PostgreSQL password (`PGPASSWORD`, `PGPASSFILE`: they may
 * open the store, which holds every issued token and the audit log), with the agent's token and
 * principal; as another user, that user's `HOME`, `USER` and `LOGNAME`.
 */
function agentEnvironment(
  env: NodeJS.ProcessEnv,
  token: string,
  principal: string,
  user: OsUser | undefined,
  url: string | undefined,
): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(
    Object.entries(env).filter(
      ([name]) => !name.startsWith('MANDATE_') && !STORE_SECRETS.includes(name),
    ),
  );
  return {
    ...kept,
    ...(user === undefined ? {} : { HOME: user.home, USER: user.name, LOGNAME: user.name }),
    MANDATE_TOKEN: token,
    MANDATE_PRINCIPAL: principal,
    ...(url === undefined ? {} : { MANDATE_URL: url }),
  };
}

function currentUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'you';
  }
}
