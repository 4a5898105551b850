/**
 * Keeps the shape of `src/` that DESIGN.md §7 and STYLE.md describe: areas import one way
 * (cli → mcp, adapters → server → requests → tools → delegation → {scope, macaroon}), the
 * requests area's inner layers point one way, no area has an import loop, no hand-written file
 * passes 500 lines, and barrels only re-export. Each failure names the offending file, line and
 * edge, or the files of the loop. The first block shows each check failing on a small bad graph,
 * so a pass on the real tree means something.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  areaViolations,
  barrelsThatDoMore,
  cyclesWithinAreas,
  oversizedFiles,
  parseImports,
  readSourceGraph,
  requestsLayerViolations,
  unplacedFiles,
  type Graph,
  type SourceFile,
} from './_import-graph.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A graph from `path → [imported path or 'type:' + path]`, every file ten lines long. */
function graphOf(imports: Record<string, string[]>, lines: Record<string, number> = {}): Graph {
  return new Map(
    Object.entries(imports).map(([path, targets]): [string, SourceFile] => [
      path,
      {
        path,
        lines: lines[path] ?? 10,
        generated: path.endsWith('_scope_parser.js'),
        nonReExports: [],
        edges: targets.map((t, i) => ({
          specifier: t,
          target: t.replace(/^type:/, ''),
          line: i + 1,
          typeOnly: t.startsWith('type:'),
        })),
      },
    ]),
  );
}

describe('the import-graph checks, on small graphs', () => {
  it('read every kind of specifier, type-only ones included', () => {
    const { specifiers, nonReExports } = parseImports(
      'x.ts',
      [
        "import type { A } from './a.js';",
        "import { b, type B } from './b.js';",
        "export * from './c.js';",
        "export type { D } from './d.js';",
        "type E = import('./e.js').E;",
        "const f = await import('./f.js');",
        "// import { g } from './g.js';",
      ].join('\n'),
    );
    expect(specifiers).toEqual([
      { specifier: './a.js', line: 1, typeOnly: true },
      { specifier: './b.js', line: 2, typeOnly: false },
      { specifier: './c.js', line: 3, typeOnly: false },
      { specifier: './d.js', line: 4, typeOnly: true },
      { specifier: './e.js', line: 5, typeOnly: true },
      { specifier: './f.js', line: 6, typeOnly: false },
    ]);
    expect(nonReExports).toEqual([
      "1: import type { A } from './a.js';",
      "2: import { b, type B } from './b.js';",
      "5: type E = import('./e.js').E;",
      "6: const f = await import('./f.js');",
    ]);
  });

  it('refuse an area importing upward or sideways, and the ground floor importing an area', () => {
    const graph = graphOf({
      'src/scope/parse.ts': ['type:src/macaroon/bytes.ts'],
      'src/macaroon/bytes.ts': [],
      'src/delegation/mint.ts': ['src/tools/runner.ts', 'src/scope/parse.ts', 'src/_assert.ts'],
      'src/tools/runner.ts': ['src/delegation/mint.ts'],
      'src/_assert.ts': ['src/scope/parse.ts'],
      'src/cli/main.ts': ['src/requests/delegator.ts'],
      'src/requests/delegator.ts': ['src/index.ts'],
      'src/index.ts': ['src/cli/main.ts'],
    });
    expect(areaViolations(graph)).toEqual([
      expect.stringContaining(
        'src/scope/parse.ts:1 imports src/macaroon/bytes.ts (type only): scope → macaroon',
      ),
      expect.stringContaining(
        'src/delegation/mint.ts:1 imports src/tools/runner.ts: delegation → tools',
      ),
      expect.stringContaining(
        'src/_assert.ts:1 imports src/scope/parse.ts: the ground floor imports no area',
      ),
      expect.stringContaining(
        'src/requests/delegator.ts:1 imports src/index.ts: nothing inside src/',
      ),
    ]);
  });

  it('refuse an inner layer of requests importing a higher one, and an unknown folder', () => {
    const graph = graphOf({
      'src/requests/errors.ts': ['src/requests/store/store.ts'],
      'src/requests/store/store.ts': ['src/requests/errors.ts', 'src/requests/input.ts'],
      'src/requests/input.ts': [],
      'src/requests/decisions/lifecycle.ts': [
        'src/requests/answers/views.ts',
        'src/requests/store/store.ts',
      ],
      'src/requests/answers/views.ts': ['src/requests/decisions/lifecycle.ts'],
      'src/requests/delegator.ts': ['src/requests/answers/views.ts'],
      'src/requests/misc/x.ts': [],
    });
    expect(requestsLayerViolations(graph)).toEqual([
      expect.stringContaining(
        'src/requests/errors.ts:1 imports src/requests/store/store.ts: requests ground floor → store/',
      ),
      expect.stringContaining(
        'src/requests/decisions/lifecycle.ts:1 imports src/requests/answers/views.ts: requests decisions/ → answers/',
      ),
      expect.stringContaining('src/requests/misc/x.ts is in no known layer'),
    ]);
  });

  it('report a loop through each file of a tangle inside an area, type-only edges included, but not edges across areas', () => {
    const graph = graphOf({
      'src/tools/runner.ts': ['src/tools/session.ts', 'src/delegation/a.ts'],
      'src/tools/session.ts': ['type:src/tools/runner.ts'],
      'src/delegation/a.ts': ['src/delegation/b.ts'],
      'src/delegation/b.ts': ['src/delegation/c.ts'],
      'src/delegation/c.ts': ['src/delegation/a.ts', 'src/delegation/c.ts'],
      'src/scope/x.ts': ['src/scope/x.ts'],
    });
    expect(cyclesWithinAreas(graph)).toEqual([
      'loop in delegation: src/delegation/a.ts:1 → src/delegation/b.ts:1 → src/delegation/c.ts:1 → src/delegation/a.ts',
      'loop in delegation: src/delegation/c.ts:2 → src/delegation/c.ts',
      'loop in scope: src/scope/x.ts:1 → src/scope/x.ts',
      'loop in tools: src/tools/runner.ts:1 → src/tools/session.ts:1 (type only) → src/tools/runner.ts',
    ]);
  });

  it('refuse a hand-written file over 500 lines but not the generated parser', () => {
    const graph = graphOf(
      { 'src/a.ts': [], 'src/b.ts': [], 'src/scope/_scope_parser.js': [] },
      { 'src/a.ts': 500, 'src/b.ts': 501, 'src/scope/_scope_parser.js': 2500 },
    );
    expect(oversizedFiles(graph)).toEqual([expect.stringContaining('src/b.ts has 501 lines')]);
  });
});

describe('the import graph of src/', () => {
  const graph = readSourceGraph(ROOT);

  it('is read whole: every area and the edges between them are seen', () => {
    expect(graph.size).toBeGreaterThan(100);
    const edge = (from: string, to: string): boolean =>
      [...graph.values()].some(
        (f) => f.path.startsWith(from) && f.edges.some((e) => e.target?.startsWith(to) === true),
      );
    expect(edge('src/delegation/', 'src/scope/')).toBe(true);
    expect(edge('src/delegation/', 'src/macaroon/')).toBe(true);
    expect(edge('src/index.ts', 'src/requests/index.ts')).toBe(true);
    // A type-only import of a package is read too (the CLI's commands take commander's types).
    expect(
      [...graph.values()].some((f) =>
        f.edges.some((e) => e.specifier === 'commander' && e.typeOnly),
      ),
    ).toBe(true);
  });

  it('has every file in a known place and every relative import naming a file', () => {
    expect(unplacedFiles(graph)).toEqual([]);
  });

  it('points one way between areas; scope and macaroon never import each other; the ground floor imports no area', () => {
    expect(areaViolations(graph)).toEqual([]);
  });

  it('points one way inside requests: store/ ← decisions/ ← answers/ ← the top-level files', () => {
    expect(requestsLayerViolations(graph)).toEqual([]);
  });

  it('has no import loop inside an area', () => {
    expect(cyclesWithinAreas(graph)).toEqual([]);
  });

  it('has no hand-written file over 500 lines', () => {
    expect(oversizedFiles(graph)).toEqual([]);
  });

  it('has barrels that only re-export', () => {
    expect(barrelsThatDoMore(graph)).toEqual([]);
  });
});
