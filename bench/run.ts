/**
 * Runs every `bench/*.bench.ts` in turn (or those named on the command line, e.g.
 * `npm run bench -- macaroon`), each in its own process so one cannot warm up another.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

// Benchmark-only peers live in their own install (bench/peers), out of the main `npm ci`.
if (!existsSync('bench/peers/node_modules')) {
  execFileSync('npm', ['ci', '--prefix', 'bench/peers', '--no-audit', '--no-fund'], {
    stdio: 'inherit',
  });
}

const wanted = process.argv.slice(2);
const files = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
for (const file of files) {
  execFileSync(process.execPath, ['--import', 'tsx', '--expose-gc', `bench/${file}`], {
    stdio: 'inherit',
  });
}
