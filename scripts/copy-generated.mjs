// tsc does not copy JavaScript it did not compile: put the generated parser beside dist/scope/.
import { copyFileSync, readdirSync, mkdirSync } from 'node:fs';

mkdirSync('dist/scope', { recursive: true });
for (const f of readdirSync('src/scope')) {
  if (/^_.*_parser\.(js|d\.ts)$/.test(f)) copyFileSync(`src/scope/${f}`, `dist/scope/${f}`);
}
