/**
 * The package's subpath exports, as a user's process meets them: each `mandate/<area>` resolves
 * through the real `exports` map to built files, and importing one loads only what its area
 * needs — a tool server that imports `mandate/delegation` loads no better-sqlite3, ajv,
 * commander or HTTP code. Each probe is a fresh `node` running scripts/probe-imports.mjs (ESM
 * resolve hook + `require.cache` + `process.moduleLoadList`) inside a throwaway copy of the
 * package: this `package.json` beside the build the other end-to-end tests share
 * (fixtures/cli-build.ts), so `mandate/…` resolves by self-reference through the exports map and
 * no rebuild can change the files underneath. Positive controls show the probe does see what is
 * forbidden elsewhere: better-sqlite3 under `mandate/requests`, ajv and the packages ajv
 * `require()`s under `mandate/tools`, HTTP builtins under `node:https`.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from './fixtures/cli-build.js';

/** What scripts/probe-imports.mjs reports for one specifier. */
interface Loaded {
  readonly packages: string[];
  readonly builtins: string[];
  /** This package's own files, relative to its root (`dist/…`). */
  readonly files: string[];
  readonly packagesByImport: string[];
  readonly packagesByRequire: string[];
}

const SUBPATHS = ['macaroon', 'scope', 'delegation', 'tools', 'requests'] as const;

/**
 * The SDK adapters: each subpath and the SDK packages it loads (its own SDK, an optional peer
 * dependency, and that SDK's own engine). The Claude adapter loads none: it speaks the SDK's hook
 * protocol, and its SDK stays in the application's hands.
 */
const ADAPTERS: Record<string, readonly string[]> = {
  'ai-sdk': ['ai'],
  langchain: ['langchain', '@langchain/core', '@langchain/langgraph'],
  'openai-agents': ['@openai/agents', '@openai/agents-core'],
  'claude-agent-sdk': [],
};

/** The optional peer dependencies, one per SDK. */
const PEERS = [
  'ai',
  'langchain',
  '@langchain/core',
  '@openai/agents',
  '@anthropic-ai/claude-agent-sdk',
];

/** Every SDK an adapter could load. */
const SDKS = [
  'ai',
  'langchain',
  '@langchain/core',
  '@langchain/langgraph',
  '@openai/agents',
  '@openai/agents-core',
  '@anthropic-ai/claude-agent-sdk',
];

/** Builtins that are HTTP (or the sockets under it), and Node's bundled fetch. */
const HTTP_BUILTIN = /^(https?|http2|net|tls)$|^_(http|tls)_|^internal\/(deps\/undici|http)/;

/** The only packages the three bottom areas may load. */
const CORE_PACKAGES = ['@noble/ciphers', '@noble/hashes'];

let pkg: string;

beforeAll(async () => {
  const build = await ensureBuilt();
  // Inside the repository, so the build's bare imports find node_modules as dist/ does.
  pkg = join(ROOT, '.mandate-test-build', `package-${process.pid}`);
  rmSync(pkg, { recursive: true, force: true });
  mkdirSync(join(pkg, 'scripts'), { recursive: true });
  cpSync(build.snapshot, join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), readFileSync(join(ROOT, 'package.json')));
  for (const script of ['probe-imports.mjs', '_probe-imports-hooks.mjs'])
    cpSync(join(ROOT, 'scripts', script), join(pkg, 'scripts', script));
});

afterAll(() => {
  if (pkg !== undefined) rmSync(pkg, { recursive: true, force: true });
});

async function probe(specifier: string): Promise<Loaded> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [join(pkg, 'scripts', 'probe-imports.mjs'), specifier],
    { cwd: pkg, timeout: 30_000 },
  );
  return JSON.parse(stdout) as Loaded;
}

/** Runs a module body in the throwaway package and returns what it printed. */
async function runInPackage(body: string): Promise<string> {
  const file = join(pkg, `check-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, body);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [file], {
      cwd: pkg,
      timeout: 30_000,
    });
    return stdout;
  } finally {
    rmSync(file, { force: true });
  }
}

describe('the exports map', () => {
  it('gives types and default, both built, for the root and each area', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, string> | undefined>;
      sideEffects?: boolean;
    };
    expect(manifest.sideEffects).toBe(false);
    const adapters = Object.keys(ADAPTERS).map((a) => `./adapters/${a}`);
    const areas = ['.', ...SUBPATHS.map((s) => `./${s}`), './server', './mcp', ...adapters];
    expect(Object.keys(manifest.exports).filter((k) => k !== './package.json')).toEqual(areas);
    for (const key of areas) {
      const entry = manifest.exports[key] ?? {};
      expect(Object.keys(entry), `${key}: types, then default`).toEqual(['types', 'default']);
      const { types = '', default: main = '' } = entry;
      expect(types, `${key}: types beside the code`).toBe(main.replace(/\.js$/, '.d.ts'));
      expect(existsSync(join(pkg, main)), `${key} → ${main} is built`).toBe(true);
      expect(existsSync(join(pkg, types)), `${key} → ${types} is built`).toBe(true);
    }
    // copy-generated.mjs puts the generated parser where the built scope wrapper imports it.
    expect(existsSync(join(pkg, 'dist/scope/_scope_parser.js'))).toBe(true);
  });

  it('makes the root re-export every name of every area, as the same value', async () => {
    const out = await runInPackage(`
      import * as root from 'mandate';
      const missing = [];
      for (const area of ${JSON.stringify(SUBPATHS)}) {
        const names = await import('mandate/' + area);
        for (const [name, value] of Object.entries(names))
          if (root[name] !== value) missing.push(area + '.' + name);
      }
      console.log(JSON.stringify(missing));
    `);
    expect(JSON.parse(out)).toEqual([]);
  });

  it('lists every SDK as an optional peer dependency, so installing mandate installs none', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    for (const sdk of PEERS) {
      expect(manifest.peerDependencies[sdk], sdk).toBeDefined();
      expect(manifest.peerDependenciesMeta[sdk]?.optional, sdk).toBe(true);
      expect(manifest.dependencies[sdk], sdk).toBeUndefined();
    }
  });

  it('gives mandate/delegation the verbs a verifying tool server needs', async () => {
    const out = await runInPackage(`
      import * as d from 'mandate/delegation';
      const verbs = ['createRootKey', 'RootKeyring', 'mintDelegation', 'delegate', 'verifyDelegation', 'inspectToken', 'authorize'];
      console.log(JSON.stringify(verbs.filter((v) => typeof d[v] !== 'function')));
    `);
    expect(JSON.parse(out)).toEqual([]);
  });
});

describe('what importing each subpath loads, in a fresh process', () => {
  it('sees a bare package imported from ESM: mandate/requests loads better-sqlite3 (control), and not pg until a PostgreSQL store opens', async () => {
    const loaded = await probe('mandate/requests');
    expect(loaded.packagesByImport).toContain('better-sqlite3');
    expect(loaded.files).toContain('dist/requests/store/sqlite-store.js');
    expect(loaded.files).toContain('dist/requests/store/postgres-store.js');
    expect(loaded.packages).not.toContain('pg');
  });

  it("sees CommonJS require() inside a package: mandate/tools loads ajv and ajv's own dependencies (control)", async () => {
    const loaded = await probe('mandate/tools');
    expect(loaded.packagesByImport).toContain('ajv');
    expect(loaded.packagesByRequire).toEqual(expect.arrayContaining(['ajv', 'fast-deep-equal']));
    expect(loaded.packages).not.toContain('better-sqlite3');
    expect(loaded.packages).not.toContain('commander');
  });

  it('sees HTTP builtins: node:https loads https and _http_client (control)', async () => {
    const loaded = await probe('node:https');
    expect(loaded.builtins).toEqual(expect.arrayContaining(['https', '_http_client']));
    expect(loaded.builtins.filter((b) => HTTP_BUILTIN.test(b))).not.toEqual([]);
  });

  it.each([
    ['delegation', ['delegation', 'scope', 'macaroon']],
    ['scope', ['scope']],
    ['macaroon', ['macaroon']],
  ])(
    'mandate/%s loads no database, schema, CLI or HTTP code, and only its own areas below',
    async (area, areas) => {
      const loaded = await probe(`mandate/${area}`);
      expect(loaded.files).toContain(`dist/${area}/index.js`);
      expect(loaded.packages.filter((p) => !CORE_PACKAGES.includes(p))).toEqual([]);
      expect(loaded.builtins.filter((b) => HTTP_BUILTIN.test(b))).toEqual([]);
      const outside = loaded.files.filter(
        (f) =>
          !areas.some((a) => f.startsWith(`dist/${a}/`)) && !/^dist\/(_[^/]+|errors)\.js$/.test(f),
      );
      expect(outside).toEqual([]);
    },
  );
});

describe('what importing each adapter loads, in a fresh process', () => {
  it.each(Object.entries(ADAPTERS))(
    'mandate/adapters/%s loads its own SDK and no other',
    async (adapter, own) => {
      const loaded = await probe(`mandate/adapters/${adapter}`);
      expect(loaded.files.some((f) => f.startsWith(`dist/adapters/${adapter}`))).toBe(true);
      for (const sdk of own) expect(loaded.packages, sdk).toContain(sdk);
      const others = SDKS.filter((sdk) => !own.includes(sdk));
      // langchain loads LangGraph (its own engine) and the OpenAI Agents SDK its core.
      const allowed =
        adapter === 'langchain'
          ? ['@langchain/langgraph']
          : adapter === 'openai-agents'
            ? ['@openai/agents-core']
            : [];
      expect(loaded.packages.filter((p) => others.includes(p) && !allowed.includes(p))).toEqual([]);
    },
  );

  it('the root loads no SDK', async () => {
    const loaded = await probe('mandate');
    expect(loaded.packages.filter((p) => SDKS.includes(p))).toEqual([]);
  });
});
