// Compiles every grammar in grammar/ into a typed ES module beside its wrapper in src/scope/.
// The output (`src/scope/_parser.js` and `.d.ts`) is generated, git-ignored and never edited.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';

const grammars = readdirSync('grammar').filter((f) => f.endsWith('.peggy'));
for (const file of grammars) {
  const input = join('grammar', file);
  const output = join('src', 'scope', `_${basename(file, '.peggy')}_parser.js`);
  const config = join('grammar', `${basename(file, '.peggy')}.config.json`);
  if (
    existsSync(output) &&
    statSync(output).mtimeMs >= statSync(input).mtimeMs &&
    (!existsSync(config) || statSync(output).mtimeMs >= statSync(config).mtimeMs)
  )
    continue;
  const args = ['peggy', '--format', 'es', '--dts', '-o', output];
  if (existsSync(config)) args.push('-c', config);
  args.push(input);
  execFileSync('npx', args, { stdio: 'inherit' });
}
