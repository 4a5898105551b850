/**
 * `mandate run --token <token> --as <principal> -- <command…>`: starts an agent process with its
 * delegation in the environment — `MANDATE_TOKEN`, `MANDATE_PRINCIPAL` and `MANDATE_HOME` — so
 * that a program using the library (or calling `mandate request`, whose token defaults to
 * `$MANDATE_TOKEN`) picks it up without the token on any command line. Before starting, the
 * token's holder must be the principal named (and, when this home holds the keys, the token
 * must verify), so a mistake fails here rather than on the agent's first call. The child's exit
 * code is passed through (128 + the signal number when a signal ended it). Ctrl-C reaches the
 * child from the terminal itself, so `run` only waits for it to finish; SIGTERM and SIGHUP sent
 * to `run` are forwarded.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Command } from 'commander';
import { inspectToken, verifyDelegation } from '../../delegation/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { readToken } from '../input.js';
import { EXIT } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface RunOptions {
  readonly token?: string;
  readonly as: string;
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
        'start an agent process with MANDATE_TOKEN, MANDATE_PRINCIPAL and MANDATE_HOME set',
      )
      .option('--token <token>', 'the agent’s token, or - or @file (default: $MANDATE_TOKEN)')
      .requiredOption('--as <principal>', 'the agent’s principal (must be the token’s holder)')
      .argument('<command...>', 'the program and its arguments, after --'),
    [
      'mandate run --token @budget-agent.token --as budget-agent -- node agent.js',
      'mandate run --token - --as coder -- python3 coder.py < coder.token',
    ],
  ).action(action<RunOptions>((ctx, args, opts) => run(ctx, args[0] as string[], opts)));
}

async function run(ctx: Context, command: readonly string[], opts: RunOptions): Promise<number> {
  const token = readToken(opts.token, ctx.env, '--token', ctx.io.stdin);
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
  const child = spawn(file, args, {
    stdio: 'inherit',
    env: {
      ...ctx.env,
      MANDATE_TOKEN: token,
      MANDATE_PRINCIPAL: opts.as,
      MANDATE_HOME: ctx.home.path,
    },
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
