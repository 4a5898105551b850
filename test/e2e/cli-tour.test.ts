// The CLI tours of the README and of docs/cli.md run as written, in one shell, with `mandate`
// on PATH as `npm link` puts it: every command exits as the page says (0 unless it is marked
// `# exit N`) and prints the output the page shows (see fixtures/tour.ts for how the values that
// change from run to run are masked). So the documentation cannot drift from the CLI. Each tour
// starts in a directory of its own and must move to its scratch directory itself: it is run
// from an empty directory that must still be empty afterwards, as a repository checkout would.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './fixtures/cli-build.js';
import { buildCli, scratch } from './fixtures/cli-harness.js';
import { missingLines, tourResults, tourScript, tourSteps } from './fixtures/tour.js';

const cleanups: (() => void)[] = [];
let entry: string;

beforeAll(async () => {
  entry = await buildCli();
}, 300_000);

afterAll(() => {
  for (const c of cleanups) c();
});

/** Runs a tour's steps, from an empty directory, with a fresh one standing in for /tmp/tour. */
async function runTour(file: string, heading: string) {
  const s = scratch();
  cleanups.push(s.cleanup);
  const bin = join(s.dir, 'bin');
  mkdirSync(bin);
  const start = join(s.dir, 'start');
  mkdirSync(start);
  writeFileSync(
    join(bin, 'mandate'),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(entry)} "$@"\n`,
  );
  chmodSync(join(bin, 'mandate'), 0o755);
  const here = (text: string) => text.replaceAll('/tmp/tour', s.dir);
  const steps = tourSteps(readFileSync(join(ROOT, file), 'utf8'), heading).map((step) => ({
    ...step,
    command: here(step.command),
    shown: step.shown.map(here),
  }));
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('MANDATE_') && k !== 'NO_COLOR' && k !== 'FORCE_COLOR') env[k] = v;
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      'bash',
      ['-c', tourScript(steps)],
      {
        cwd: start,
        env: { ...env, HOME: s.dir, PATH: `${bin}:${env['PATH'] ?? ''}` },
        timeout: 240_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout) => (err === null ? resolve(stdout) : reject(new Error(stdout, { cause: err }))),
    );
  });
  return { steps, results: tourResults(output), leftInStart: readdirSync(start) };
}

describe.concurrent.each([
  ['README.md', '## A five-minute tour of the CLI'],
  ['docs/cli.md', '## Five-minute tour'],
])('the tour in %s', (file, heading) => {
  it('runs as written: each command exits and prints as shown', async () => {
    const { steps, results, leftInStart } = await runTour(file, heading);
    expect(leftInStart, 'the tour wrote into the directory it started in').toEqual([]);
    expect(steps.length).toBeGreaterThan(10);
    expect(results).toHaveLength(steps.length);
    steps.forEach((step, i) => {
      const result = results[i];
      const context = `$ ${step.command}\n${result?.output.join('\n') ?? '(no output)'}`;
      expect(result?.exit, context).toBe(step.expectedExit);
      expect(missingLines(step.shown, result?.output ?? []), context).toEqual([]);
    });
  }, 300_000);
});

it('token files are ignored by git wherever a tour or a person writes them', () => {
  for (const path of ['agent.token', 'reporter.token', 'examples/agent.token']) {
    expect(() =>
      execFileSync('git', ['check-ignore', '--no-index', '-q', path], { cwd: ROOT }),
    ).not.toThrow();
  }
});
