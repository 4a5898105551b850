/**
 * Reading values that should not have to appear on a command line. A token is a bearer
 * credential, so wherever the CLI takes one it also accepts `-` (read it from stdin) and
 * `@path` (read it from a file), keeping it out of shell history and `ps`; `--args` takes the
 * same forms for JSON. Sizes are capped: these are inputs from outside. Stdin holds one value,
 * so a command that would read two from it (`authorize - --args -`) stops with a usage error.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { parseCondition } from '../scope/index.js';
import { CliError, inContext } from './cli-error.js';

/** Tokens and argument documents larger than this are refused before parsing. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/** Where `-` reads from; a test passes a string, the CLI reads file descriptor 0. */
export type StdinSource = () => string;

/** Reads stdin for the value named `what` (`token`, `--args`). */
export type StdinReader = (what: string) => string;

/**
 * Reads all of stdin synchronously (the CLI reads at most one value from it).
 *
 * @example
 * ```ts
 * const token = readStdin().trim();
 * ```
 */
export const readStdin: StdinSource = () => {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    throw new CliError('ERR_CLI_BAD_INPUT', 'cannot read stdin', {}, { cause: err });
  }
};

/**
 * A reader that lets one value of a command come from stdin, and refuses a second one with a
 * usage error naming both, rather than reading an empty stream for it.
 *
 * @example
 * ```ts
 * const stdin = stdinOnce(readStdin);
 * stdin('token');
 * stdin('--args'); // CliError ERR_CLI_USAGE: token and --args cannot both come from stdin …
 * ```
 */
export function stdinOnce(source: StdinSource): StdinReader {
  let first: string | undefined;
  return (what) => {
    if (first !== undefined) {
      throw new CliError(
        'ERR_CLI_USAGE',
        `${first} and ${what} cannot both come from stdin (-): pass one of them as @file`,
        { option: what },
      );
    }
    first = what;
    return source();
  };
}

/**
 * Resolves a value given literally, as `-` (stdin) or as `@path` (a file). `what` names it in
 * errors (`token`, `--args`).
 *
 * @example
 * ```ts
 * readValue('@token.txt', 'token'); // the file's text, trimmed
 * ```
 */
export function readValue(
  spec: string,
  what: string,
  stdin: StdinReader = () => readStdin(),
): string {
  let text: string;
  if (spec === '-') {
    text = stdin(what);
  } else if (spec.startsWith('@')) {
    const path = spec.slice(1);
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      const reason =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read it';
      throw new CliError(
        'ERR_CLI_BAD_INPUT',
        `${what} file ${path}: ${reason}`,
        { path },
        { cause: err },
      );
    }
  } else {
    text = spec;
  }
  if (Buffer.byteLength(text, 'utf8') > MAX_INPUT_BYTES) {
    throw new CliError('ERR_CLI_BAD_INPUT', `${what} is larger than ${MAX_INPUT_BYTES} bytes`);
  }
  return text.trim();
}

/**
 * The token argument of a command: literal, `-`, `@file`, or (when omitted) `$MANDATE_TOKEN`,
 * which `mandate run` sets for its child.
 *
 * @example
 * ```ts
 * const token = readToken(argument, process.env);
 * ```
 */
export function readToken(
  spec: string | undefined,
  env: NodeJS.ProcessEnv,
  what = 'token',
  stdin?: StdinReader,
): string {
  const source = spec ?? env['MANDATE_TOKEN'];
  if (source === undefined || source.trim() === '') {
    throw new CliError(
      'ERR_CLI_USAGE',
      `no ${what} given: pass it as an argument, as - (stdin) or @file, or set MANDATE_TOKEN`,
    );
  }
  const token = readValue(source, what, stdin);
  if (token === '') throw new CliError('ERR_CLI_BAD_INPUT', `${what} is empty`);
  return token;
}

/**
 * Parses `--args`: a JSON object given literally, as `-` or as `@file`.
 *
 * @example
 * ```ts
 * readJsonObject('{"account":"checking"}', '--args'); // { account: 'checking' }
 * ```
 */
export function readJsonObject(
  spec: string,
  what: string,
  stdin?: StdinReader,
): Record<string, unknown> {
  const text = readValue(spec, what, stdin);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(
      'ERR_CLI_BAD_INPUT',
      `${what} is not valid JSON: ${(err as Error).message}`,
      { option: what },
      { cause: err },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(
      'ERR_CLI_BAD_INPUT',
      `${what} must be a JSON object, like '{"account":"checking"}'`,
      { option: what },
    );
  }
  return value as Record<string, unknown>;
}

/**
 * Commander's parser for an option that must say something (`--tool`, `--reason`): an empty or
 * blank value is refused as a usage error, before anything reads or signs it.
 *
 * @example
 * ```ts
 * command.requiredOption('--tool <name>', 'the tool being called', nonBlank);
 * ```
 */
export function nonBlank(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('It must not be empty');
  return value;
}

/**
 * Commander's collector for repeatable options (`--allow a --allow b`).
 *
 * @example
 * ```ts
 * command.option('--allow <condition>', 'a condition', collect, []);
 * ```
 */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/**
 * Parses each condition given with a repeatable option, so that a syntax error names the
 * option and its position (`--allow #2: expected … (line 1, column 15)` and the caret excerpt)
 * before anything is signed or sent. Returns the texts as given.
 *
 * @example
 * ```ts
 * checkConditions(opts.allow, '--allow');
 * ```
 */
export function checkConditions(texts: readonly string[], option: string): readonly string[] {
  texts.forEach((text, i) => {
    try {
      parseCondition(text);
    } catch (err) {
      throw inContext(err, texts.length === 1 ? option : `${option} #${i + 1}`);
    }
  });
  return texts;
}
