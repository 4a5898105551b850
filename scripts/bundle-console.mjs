// Bundles the console's browser code (src/server/console/page/, plain TypeScript over the DOM)
// into one ES module beside it, `src/server/console/_page_bundle.js`, with Vite. The output is
// generated, git-ignored and never edited; the service serves it from there when run from
// source, and `scripts/copy-generated.mjs` puts it beside dist/server/console/ for the package.
// Skipped when the bundle is newer than everything it is built from.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const PAGE = join('src', 'server', 'console', 'page');
const OUT_DIR = join('src', 'server', 'console');
const OUT = '_page_bundle.js';
const inputs = [
  ...readdirSync(PAGE)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(PAGE, f)),
  join('src', '_visible-text.ts'),
  'scripts/bundle-console.mjs',
];
const output = join(OUT_DIR, OUT);
const newest = Math.max(...inputs.map((f) => statSync(f).mtimeMs));
if (!existsSync(output) || statSync(output).mtimeMs < newest) {
  await build({
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    root: process.cwd(),
    build: {
      lib: { entry: join(PAGE, 'main.ts'), formats: ['es'], fileName: () => OUT },
      outDir: OUT_DIR,
      emptyOutDir: false,
      copyPublicDir: false,
      minify: false,
      target: 'es2022',
      reportCompressedSize: false,
    },
  });
}
