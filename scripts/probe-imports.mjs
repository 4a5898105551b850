// Prints, as JSON, every module that importing one specifier loads: the packages (by name), the
// Node builtins, and this package's own files. It exists to prove what a subpath costs — a tool
// server that imports `mandate/delegation` must load no database, HTTP or schema library — and
// is run that way by test/e2e/subpath-exports.test.ts; by hand, `npm run build` and then
// `node scripts/probe-imports.mjs mandate/delegation`. A bare `mandate/…` resolves through this
// package's own `exports` map (self-reference), so the map itself is under test.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const specifier = process.argv[2];
if (specifier === undefined) {
  console.error('usage: node scripts/probe-imports.mjs <specifier>');
  process.exit(2);
}

// One channel sees only part of what loads, so three are combined: a resolve hook
// (`module.register`, see _probe-imports-hooks.mjs) for every ESM `import`, including bare
// packages and `node:` builtins; `require.cache` for CommonJS files loaded by `require()` inside
// CommonJS packages, which Node 20 does not send through the hooks; and
// `process.moduleLoadList` for builtins however they were reached. Each is read as a difference
// from its state just before the probed import, so the probe's own modules are not counted.
const packageRoot = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mandate-probe-'));
const log = join(dir, 'resolved.txt');
appendFileSync(log, '');
register(new URL('./_probe-imports-hooks.mjs', import.meta.url), { data: { log } });

const cache = createRequire(import.meta.url).cache;
const requiredBefore = new Set(Object.keys(cache));
const builtinsBefore = new Set(process.moduleLoadList);

await import(specifier);

const imported = readFileSync(log, 'utf8').split('\n').filter(Boolean);
const required = Object.keys(cache)
  .filter((file) => !requiredBefore.has(file))
  .map((file) => pathToFileURL(file).href);
const builtins = process.moduleLoadList
  .filter((m) => !builtinsBefore.has(m) && m.startsWith('NativeModule '))
  .map((m) => m.slice('NativeModule '.length));
rmSync(dir, { recursive: true, force: true });

/** The package a file URL belongs to, or undefined for this package's own files and builtins. */
function packageOf(url) {
  if (!url.startsWith('file:')) return undefined;
  const path = fileURLToPath(url).split(sep).join('/');
  const at = path.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const [first, second] = path.slice(at + '/node_modules/'.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

const sorted = (values) => [...new Set(values)].sort();
const packagesOf = (urls) => sorted(urls.map(packageOf).filter((p) => p !== undefined));

process.stdout.write(
  `${JSON.stringify(
    {
      specifier,
      packages: packagesOf([...imported, ...required]),
      builtins: sorted([
        ...builtins,
        ...imported.filter((u) => u.startsWith('node:')).map((u) => u.slice('node:'.length)),
      ]),
      files: sorted(
        [...imported, ...required]
          .filter((u) => u.startsWith('file:') && packageOf(u) === undefined)
          .map((u) => relative(packageRoot, fileURLToPath(u)).split(sep).join('/')),
      ),
      packagesByImport: packagesOf(imported),
      packagesByRequire: packagesOf(required),
    },
    null,
    2,
  )}\n`,
);
