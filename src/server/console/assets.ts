/**
 * The console's files: the page (a fixed HTML shell with no inline script or style), its script
 * (the bundle of `page/`, made by `npm run codegen` as `_page_bundle.js`) and its stylesheet.
 * They are read from beside this module, so the service serves the same files from `src/` (tests)
 * and from `dist/` (the package, where `npm run build` copies them), and kept in memory after
 * the first read. Each file is named in the page with a hash of its content, so a browser never
 * runs a script from one build against a page of another.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceError } from '../errors.js';

/** One file the console serves. */
export interface ConsoleFile {
  readonly body: string;
  readonly type: string;
}

/** The console's files, by the path they are served at. */
export type ConsoleFiles = ReadonlyMap<string, ConsoleFile>;

const HERE = dirname(fileURLToPath(import.meta.url));

/** Where each served file comes from, and its type. */
const SOURCES = {
  '/console/console.js': ['_page_bundle.js', 'text/javascript; charset=utf-8'],
  '/console/console.css': ['console.css', 'text/css; charset=utf-8'],
} as const;

let loaded: ConsoleFiles | undefined;

/**
 * The console's files (the page at `/`, the script and the stylesheet), read once from `dir`. A
 * missing bundle is a `ServiceError` (503) that says how to make it.
 *
 * @example
 * ```ts
 * const page = consoleFiles().get('/');
 * ```
 */
export function consoleFiles(dir: string = HERE): ConsoleFiles {
  if (loaded !== undefined && dir === HERE) return loaded;
  const files = new Map<string, ConsoleFile>();
  const version: Record<string, string> = {};
  for (const [path, [name, type]] of Object.entries(SOURCES)) {
    let body: string;
    try {
      body = readFileSync(join(dir, name), 'utf8');
    } catch (err) {
      throw new ServiceError(
        'ERR_SERVER_UNAVAILABLE',
        `the console's ${name} is missing beside the service: run "npm run codegen" (or "npm run build")`,
        503,
        { cause: err },
      );
    }
    files.set(path, { body, type });
    version[path] = createHash('sha256').update(body).digest('hex').slice(0, 16);
  }
  files.set('/', { body: pageShell(version), type: 'text/html; charset=utf-8' });
  if (dir === HERE) loaded = files;
  return files;
}

/** The page: a shell the script fills in. No inline script, no inline style. */
function pageShell(version: Record<string, string>): string {
  const css = `/console/console.css?v=${version['/console/console.css'] ?? ''}`;
  const js = `/console/console.js?v=${version['/console/console.js'] ?? ''}`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<title>mandate console</title>',
    '<link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="${css}">`,
    `<script type="module" src="${js}"></script>`,
    '</head>',
    '<body>',
    '<noscript>The mandate console needs JavaScript. The same actions are in the CLI: mandate inbox, approve, deny, revoke, audit.</noscript>',
    '<div id="app" aria-live="polite"></div>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
