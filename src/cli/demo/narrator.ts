/**
 * The demo's voice: numbered steps, short narration, an agent's tool calls and their results,
 * and the owner's (or an agent's) real `mandate` commands run in-process against the demo's home
 * with their real output indented beneath them. Tokens passed on those command lines go through
 * `@file`, as they should in a shell, and only file names are shown. In interactive mode it asks
 * the person at the keyboard before each decision (readline on stdin; end of input means "yes").
 * Its own lines carry what agents wrote (reasons, tool results), so they are rendered inert as
 * the CLI's are; the commands' output arrives rendered already and passes through as it is.
 */
import { createInterface, type Interface } from 'node:readline';
import { basename } from 'node:path';
import type { CliIo } from '../context.js';
import { readStdin } from '../input.js';
import { colorEnabled, createStyle, Output, render, type Sink, type Style } from '../output.js';
import { shellWord } from '../format.js';
import { runCli } from '../program.js';

/** Where the narrator writes, and how. */
export interface NarratorOptions {
  readonly stdout: Sink;
  readonly env: NodeJS.ProcessEnv;
  /** The demo's home, given to every `mandate` command. */
  readonly home: string;
  /** Ask before decisions instead of deciding as scripted. */
  readonly interactive: boolean;
}

/** What a `mandate` command left behind. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
}

/**
 * Prints the demo.
 *
 * @example
 * ```ts
 * const say = new Narrator({ stdout: process.stdout, env: process.env, home, interactive: false });
 * say.step('The owner delegates read access');
 * await say.mandate('owner', ['mint', '--to', 'budget-agent', …], { capture: true });
 * ```
 */
export class Narrator {
  /** The output layer the CLI itself uses, so the demo looks like the CLI. */
  readonly out: Output;
  readonly s: Style;
  readonly #options: NarratorOptions;
  readonly #stdout: Sink;
  #step = 0;
  #readline: Interface | undefined;
  #lines: AsyncIterator<string> | undefined;

  constructor(options: NarratorOptions) {
    this.#options = options;
    this.#stdout = options.stdout;
    this.out = new Output({
      json: false,
      stdout: options.stdout,
      stderr: options.stdout,
      env: options.env,
    });
    this.s = createStyle(colorEnabled(options.stdout, options.env));
  }

  /** The title, and the lines of a subtitle below it. */
  title(text: string, subtitle: readonly string[]): void {
    this.#line(this.s.bold(text));
    for (const line of subtitle) this.#line(this.s.dim(line));
  }

  /** A numbered heading. */
  step(text: string): void {
    this.#step += 1;
    this.#line('');
    this.#line(this.s.bold(this.s.cyan(`${this.#step}. ${text}`)));
  }

  /** A line of narration. */
  say(text: string): void {
    this.#line(this.s.dim(text));
  }

  /** Something an agent does through the library. */
  agent(principal: string, text: string): void {
    this.#line(`${this.s.magenta(principal)} ${this.s.dim('›')} ${text}`);
  }

  /** A line under the current action. */
  detail(text: string): void {
    this.#line(`    ${text}`);
  }

  /**
   * Runs `mandate <args>` in-process, as `who` at a shell prompt. Arguments naming token files
   * (`@/tmp/…/x.token`) are shown by file name only. With `capture`, stdout is returned but not
   * shown (a token).
   */
  async mandate(
    who: string,
    args: readonly string[],
    options: { readonly capture?: boolean } = {},
  ): Promise<CommandResult> {
    const shown = args.map((a) => (a.startsWith('@') ? `@${basename(a.slice(1))}` : shellWord(a)));
    this.#line(
      `${this.s.magenta(who)} ${this.s.dim('$')} ${this.s.bold('mandate')} ${shown.join(' ')}`,
    );
    let stdout = '';
    const indent = (text: string): string => text.replace(/^(?=.)/gm, '    ');
    const isTTY = this.#stdout.isTTY === true;
    const io: CliIo = {
      stdout: {
        isTTY,
        write: (text: string) => (
          (stdout += text),
          options.capture === true ? true : this.#write(indent(text))
        ),
      },
      stderr: { isTTY, write: (text: string) => this.#write(indent(text)) },
      env: { ...this.#options.env, MANDATE_HOME: this.#options.home, MANDATE_TOKEN: '' },
      stdin: readStdin,
      now: () => new Date(),
    };
    const code = await runCli(args, io);
    return { code, stdout };
  }

  /**
   * Asks a yes/no question in interactive mode; answers `fallback` at once otherwise (and at
   * the end of input).
   */
  async confirm(question: string, fallback = true): Promise<boolean> {
    if (!this.#options.interactive) return fallback;
    this.#write(
      render(`${this.s.yellow('?')} ${question} ${this.s.dim(fallback ? '[Y/n]' : '[y/N]')} `),
    );
    if (this.#lines === undefined) {
      this.#readline = createInterface({ input: process.stdin, terminal: false });
      this.#lines = this.#readline[Symbol.asyncIterator]();
    }
    const next = await this.#lines.next();
    const answer = next.done === true ? '' : String(next.value).trim().toLowerCase();
    if (next.done === true || !process.stdin.isTTY)
      this.#line(answer === '' ? (fallback ? 'y' : 'n') : answer);
    if (answer === '') return fallback;
    return answer.startsWith('y');
  }

  /** Releases stdin. */
  close(): void {
    this.#readline?.close();
  }

  /** One of the narrator's own lines, rendered inert. */
  #line(text: string): void {
    this.#write(`${render(text)}\n`);
  }

  /** Text written as it is: the commands' output, rendered by their own `Output`. */
  #write(text: string): boolean {
    this.#stdout.write(text);
    return true;
  }
}
