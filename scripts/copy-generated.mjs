// tsc does not copy JavaScript it did not compile, nor stylesheets: put the generated parser
// beside dist/scope/, and the console's bundle and stylesheet beside dist/server/console/.
import { copyFileSync, readdirSync, mkdirSync } from 'node:fs';

mkdirSync('dist/scope', { recursive: true });
for (const f of readdirSync('src/scope')) {
  if (/^_.*_parser\.(js|d\.ts)$/.test(f)) copyFileSync(`src/scope/${f}`, `dist/scope/${f}`);
}
mkdirSync('dist/server/console', { recursive: true });
for (const f of ['_page_bundle.js', 'console.css'])
  copyFileSync(`src/server/console/${f}`, `dist/server/console/${f}`);
