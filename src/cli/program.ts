/**
 * The `mandate` command tree: global options (`--json`, `--home`), one module per command
 * group registering its commands, and the one place that turns what an action returns or throws
 * into output and an exit code (a library error that names one of its parameters is reworded
 * to name the flag the user typed, see `flag-terms.ts`). Commander's own usage errors are routed
 * through the same output layer, so a mistyped option is one line (or a JSON error) with exit
 * code 1 like any other error. The program takes its streams, environment and clock as
 * arguments so that it can run inside a test as well as in `main.ts`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { registerAuditCommand } from './commands/audit.js';
import { registerAuthorizeCommands } from './commands/authorize.js';
import { registerConsoleCommand } from './commands/console.js';
import { registerDelegationsCommand } from './commands/delegations.js';
import { registerGrantorCommands } from './commands/grantor.js';
import { registerKeyCommands } from './commands/keys.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerRequestCommands } from './commands/requests.js';
import { registerRevokeCommand } from './commands/revoke.js';
import { registerRunCommand } from './commands/run.js';
import { registerServeCommands } from './commands/serve.js';
import { registerTokenCommands } from './commands/tokens.js';
import { Context, type CliIo } from './context.js';
import { inFlagTerms, type FlagNames } from './flag-terms.js';
import { colorEnabled, createStyle, EXIT, render } from './output.js';
import type { ActionBody, ActionFactory, Registrar } from './command.js';

/**
 * Builds the program. `onExit` receives the exit code of the action that ran; `argv` is only
 * looked at for `--json`, which must shape commander's own usage errors before options parse.
 *
 * @example
 * ```ts
 * let code = 0;
 * const program = createProgram(io, (c) => (code = c), ['init']);
 * await program.parseAsync(['init'], { from: 'user' });
 * ```
 */
export function createProgram(
  io: CliIo,
  onExit: (code: number) => void,
  argv: readonly string[] = [],
): Command {
  const program = new Command('mandate');
  program
    .description(
      'Constrained delegation for AI agents: mint, attenuate, check and request scoped tokens.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .option('--json', 'print one JSON document (results on stdout, errors on stderr)')
    .option(
      '--home <dir>',
      'home directory with the root keys and the request store (default: $MANDATE_HOME or ~/.mandate)',
    )
    .helpOption('-h, --help', 'show help for a command')
    .helpCommand('help [command]', 'show help for a command')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .addHelpText(
      'after',
      [
        '',
        'Exit codes: 0 success/allowed, 1 error, 3 denied, 4 pending.',
        'Tokens may be given as - (read stdin) or @file, so they stay out of shell history.',
        'Environment: MANDATE_HOME, MANDATE_TOKEN (the default token), NO_COLOR, MANDATE_DEBUG=1 (stack traces).',
        'Start with: mandate init && mandate mint --to agent --allow \'tool ~ "bank.*"\' --expires 30d',
        '',
      ].join('\n'),
    );

  const action: ActionFactory =
    <O>(body: ActionBody<O>, flags: FlagNames = {}) =>
    async (...commanderArgs: unknown[]) => {
      const command = commanderArgs[commanderArgs.length - 1] as Command;
      const options = commanderArgs[commanderArgs.length - 2] as O;
      const args = commanderArgs.slice(0, -2);
      const ctx = Context.of(io, command);
      let code: number;
      try {
        code = await body(ctx, args, options);
      } catch (err) {
        code = ctx.out.error(inFlagTerms(err, flags));
      } finally {
        await ctx.close();
      }
      onExit(code);
    };

  for (const register of REGISTRARS) register(program, action);

  const end = argv.indexOf('--');
  const json = (end < 0 ? argv : argv.slice(0, end)).includes('--json');
  configureTree(program, io, json);
  return program;
}

const REGISTRARS: readonly Registrar[] = [
  registerKeyCommands,
  registerTokenCommands,
  registerAuthorizeCommands,
  registerRequestCommands,
  registerGrantorCommands,
  registerPolicyCommands,
  registerRevokeCommand,
  registerDelegationsCommand,
  registerAuditCommand,
  registerRunCommand,
  registerServeCommands,
  registerConsoleCommand,
  registerMcpCommand,
];

/**
 * Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = await runCli(process.argv.slice(2), io);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = createProgram(io, (c) => (code = c), argv);
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    throw err;
  }
  return code;
}

/**
 * Applies output routing, colours and exit handling to every command in the tree: commander
 * must not call `process.exit` (the caller owns the exit code), and its error messages go out
 * as one styled line naming the help to read, or as `{"error": …}` with `--json`.
 */
function configureTree(command: Command, io: CliIo, json: boolean): void {
  const errStyle = createStyle(colorEnabled(io.stderr, io.env));
  const path: string[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) path.unshift(c.name());
  command.exitOverride().configureOutput({
    writeOut: (s) => void io.stdout.write(s),
    writeErr: (s) => void io.stderr.write(s),
    getOutHasColors: () => colorEnabled(io.stdout, io.env),
    getErrHasColors: () => colorEnabled(io.stderr, io.env),
    outputError: (message, write) => {
      const text = message
        .replace(/^error:\s*/, '')
        .trim()
        .replace(/\s*\n\s*/g, ' ');
      if (json) {
        write(`${JSON.stringify({ error: { code: 'ERR_CLI_USAGE', message: text } })}\n`);
      } else {
        write(
          `${render(`${errStyle.red('error:')} ${text}; see "${path.join(' ')} --help" ${errStyle.dim('(ERR_CLI_USAGE)')}`)}\n`,
        );
      }
    },
  });
  for (const sub of command.commands) configureTree(sub, io, json);
}

/** The version in the package's own package.json, found upward from this file (src/, dist/ or a copy). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'mandate' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here: keep looking upward.
    }
  }
  return 'unknown';
}
