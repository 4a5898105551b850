/**
 * `npm run demo`: the whole idea in under a minute. It creates a throwaway home in the temporary
 * directory (`mandate init`), opens the agents' side of the store, runs the scripted scenario
 * (see `demo/scenario.ts`) and removes the home again. `--interactive` asks the person at the
 * keyboard before each of the owner's decisions; `--console` serves the home and lets the person
 * decide in the browser, in the consent console (see `demo/console.ts`), until Ctrl-C; `--keep`
 * leaves the home in place, to explore with the CLI afterwards. Colours only on a terminal (and
 * never with `NO_COLOR`); full tokens, keys and signatures are never printed. Exit code 0 when
 * every step did what it should.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Delegator } from '../requests/index.js';
import { Narrator } from './demo/narrator.js';
import { runConsoleScenario } from './demo/console.js';
import { runScenario } from './demo/scenario.js';
import { Home } from './home.js';
import { loadKeyFile } from './keyfile.js';
import { Output } from './output.js';

const USAGE = `usage: npm run demo [-- --interactive | --console] [-- --keep]

  --interactive  ask before each of the owner's decisions (answer y or n)
  --console      decide in the browser: serve the home and print a sign-in link (Ctrl-C ends)
  --keep         keep the demo's home afterwards, to explore it with the mandate CLI
`;

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter(
    (a) => !['--interactive', '--console', '--keep', '--help', '-h'].includes(a),
  );
  const both = argv.includes('--interactive') && argv.includes('--console');
  if (argv.includes('--help') || argv.includes('-h') || unknown.length > 0 || both) {
    (unknown.length > 0 || both ? process.stderr : process.stdout).write(USAGE);
    return unknown.length > 0 || both ? 1 : 0;
  }
  const interactive = argv.includes('--interactive');
  const inBrowser = argv.includes('--console');
  const keep = argv.includes('--keep');
  process.umask(0o077);
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'mandate-demo-'));
  const home = new Home(join(dir, 'home'));
  const say = new Narrator({
    stdout: process.stdout,
    env: process.env,
    home: home.path,
    interactive,
  });
  let delegator: Delegator | undefined;
  try {
    say.title('mandate — constrained delegation for AI agents', [
      inBrowser
        ? 'An owner, a budget agent, a fake bank with real tools. You decide for the owner, in the browser.'
        : `An owner, a budget agent and its subagent, a fake bank with real tools.${interactive ? ' You decide for the owner.' : ''}`,
      `A fresh home for this run: ${home.path}`,
    ]);
    say.say('');
    const init = await say.mandate('owner', ['init', '--id', 'demo-key']);
    if (init.code !== 0) throw new Error('demo: mandate init failed');
    delegator = await Delegator.open({ path: home.storeFile, rootKeys: loadKeyFile(home).keyring });
    if (inBrowser)
      await runConsoleScenario({
        say,
        delegator,
        rootKeys: delegator.rootKeys,
        stop: interrupted(),
      });
    else await runScenario({ say, dir, delegator, rootKeys: delegator.rootKeys });
    say.say('');
    say.say(
      `Done in ${((Date.now() - started) / 1000).toFixed(1)}s. Every call was decided offline from the token and the root key;`,
    );
    say.say(
      'every denial said which caveat, whose, and what to ask for; every decision is in the audit log.',
    );
    if (keep) say.say(`The home is kept: MANDATE_HOME=${home.path} mandate audit`);
    return 0;
  } finally {
    await delegator?.close();
    say.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Aborts on the first SIGINT or SIGTERM (the console demo runs until then, and ends cleanly at
 * whatever step it is); a second one ends the process at once.
 */
function interrupted(): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return controller.signal;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.exitCode = new Output({
    json: false,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  }).error(err);
}
