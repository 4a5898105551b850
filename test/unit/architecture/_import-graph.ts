/**
 * Reads `src/` into an import graph and checks it against the layering of DESIGN.md §7, so that
 * the shape of the code is kept by a test rather than by memory: areas import one way, the
 * requests area's inner layers (store ← decisions ← answers ← façade) point one way, no area has
 * an import loop, no hand-written file passes 500 lines, and barrels only re-export. Every
 * specifier counts — `import type`, `export … from`, `import()` and `import('…').T` included —
 * because a type-only loop is still a loop in the design. The checks are pure functions over the
 * graph, so `import-graph.test.ts` can also show that each of them fails on a bad graph.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

/** One import or re-export specifier in a file. */
export interface ImportEdge {
  readonly specifier: string;
  /** The imported file (`src/…`), or undefined for a package, a builtin or an unresolved path. */
  readonly target: string | undefined;
  readonly line: number;
  /** Erased at compile time (`import type`, `export type … from`, `import('…').T`). */
  readonly typeOnly: boolean;
}

/** What the checks need to know about one file under `src/`. */
export interface SourceFile {
  readonly path: string;
  readonly lines: number;
  /** Generated code (the Peggy parser), git-ignored and exempt from the size limit. */
  readonly generated: boolean;
  readonly edges: readonly ImportEdge[];
  /** Statements that are not `export … from` (only barrels must have none), as `line: text`. */
  readonly nonReExports: readonly string[];
}

export type Graph = ReadonlyMap<string, SourceFile>;

/**
 * The generated parser and the console's bundle, as named by `.gitignore` and
 * `scripts/copy-generated.mjs`.
 */
const GENERATED = /^src\/(scope\/_[^/]*_parser\.(js|d\.ts)|server\/console\/_[^/]*_bundle\.js)$/;

/** Each area and the areas it imports directly; everything further down follows. */
const IMPORTS_DIRECTLY: Readonly<Record<string, readonly string[]>> = {
  macaroon: [],
  scope: [],
  delegation: ['scope', 'macaroon'],
  tools: ['delegation'],
  requests: ['tools'],
  server: ['requests'],
  mcp: ['server'],
  adapters: ['server'],
  cli: ['mcp'],
};

/** Each area and every area below it (the transitive closure of IMPORTS_DIRECTLY). */
export const MAY_IMPORT: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.keys(IMPORTS_DIRECTLY).map((area) => {
    const below = new Set<string>();
    const visit = (a: string): void => {
      for (const next of IMPORTS_DIRECTLY[a] ?? [])
        if (!below.has(next)) {
          below.add(next);
          visit(next);
        }
    };
    visit(area);
    return [area, below];
  }),
);

/** The inner layers of `src/requests/`, lowest first; a layer imports only its own or lower ones. */
const REQUESTS_LAYERS = ['ground floor', 'store/', 'decisions/', 'answers/', 'top level'] as const;

/** Parses one file's import and re-export specifiers, and its statements that are not re-exports. */
export function parseImports(
  fileName: string,
  text: string,
): {
  specifiers: { specifier: string; line: number; typeOnly: boolean }[];
  nonReExports: string[];
} {
  const kind = fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, kind);
  const specifiers: { specifier: string; line: number; typeOnly: boolean }[] = [];
  const add = (literal: ts.Node, typeOnly: boolean): void => {
    if (!ts.isStringLiteralLike(literal)) return;
    const line = source.getLineAndCharacterOfPosition(literal.getStart(source)).line + 1;
    specifiers.push({ specifier: literal.text, line, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node))
      add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined)
      add(node.moduleSpecifier, node.isTypeOnly);
    else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference)
    )
      add(node.moduleReference.expression, node.isTypeOnly);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument))
      add(node.argument.literal, true);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined
    )
      add(node.arguments[0], false);
    ts.forEachChild(node, visit);
  };
  visit(source);
  const nonReExports = source.statements
    .filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined))
    .map((s) => {
      const line = source.getLineAndCharacterOfPosition(s.getStart(source)).line + 1;
      return `${line}: ${s.getText(source).split('\n')[0]!.slice(0, 80)}`;
    });
  return { specifiers, nonReExports };
}

/** Reads every `.ts` and `.js` file under `<root>/src` into a graph keyed by `src/…` paths. */
export function readSourceGraph(root: string): Graph {
  const paths: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(root, dir)).sort()) {
      const path = posix.join(dir, name);
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else if (/\.(ts|js)$/.test(name)) paths.push(path);
    }
  };
  walk('src');
  const known = new Set(paths);
  const resolve = (from: string, specifier: string): string | undefined => {
    if (!specifier.startsWith('.')) return undefined;
    const base = posix.join(posix.dirname(from), specifier);
    const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.d.ts')];
    return candidates.find((c) => known.has(c) || (c === base && existsSync(join(root, c))));
  };
  const graph = new Map<string, SourceFile>();
  for (const path of paths) {
    const text = readFileSync(join(root, path), 'utf8');
    const { specifiers, nonReExports } = parseImports(path, text);
    graph.set(path, {
      path,
      lines: text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length,
      generated: GENERATED.test(path),
      edges: specifiers.map((s) => ({ ...s, target: resolve(path, s.specifier) })),
      nonReExports,
    });
  }
  return graph;
}

/** Where a file sits: an area name, 'ground floor', 'root barrel', or undefined if nowhere known. */
export function placeOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts.length === 2) {
    if (path === 'src/index.ts') return 'root barrel';
    if (/^src\/(_[^/]+|errors)\.ts$/.test(path)) return 'ground floor';
    return undefined;
  }
  return MAY_IMPORT.has(parts[1]!) ? parts[1] : undefined;
}

/** The layer of a file inside `src/requests/`, or undefined for an unknown folder. */
export function requestsLayerOf(path: string): (typeof REQUESTS_LAYERS)[number] | undefined {
  const rest = path.slice('src/requests/'.length);
  if (rest === 'errors.ts' || rest === 'input.ts') return 'ground floor';
  if (!rest.includes('/')) return 'top level';
  const folder = `${rest.split('/')[0]!}/`;
  return REQUESTS_LAYERS.find((l) => l === folder);
}

const at = (file: SourceFile, edge: ImportEdge): string =>
  `${file.path}:${edge.line} imports ${edge.target ?? edge.specifier}${edge.typeOnly ? ' (type only)' : ''}`;

/** Relative specifiers that name no file, and files in no known place (so no rule covers them). */
export function unplacedFiles(graph: Graph): string[] {
  const out: string[] = [];
  for (const file of graph.values()) {
    if (placeOf(file.path) === undefined)
      out.push(`${file.path} is in no known area (see IMPORTS_DIRECTLY and DESIGN.md §7)`);
    for (const edge of file.edges)
      if (edge.specifier.startsWith('.') && edge.target === undefined)
        out.push(`${file.path}:${edge.line} imports ${edge.specifier}, which is no file`);
  }
  return out;
}

/** (a) Edges between areas that point up or sideways, and edges into the root barrel. */
export function areaViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const file of graph.values()) {
    const from = placeOf(file.path);
    for (const edge of file.edges) {
      if (edge.target === undefined) continue;
      const to = placeOf(edge.target);
      if (from === undefined || to === undefined || from === to) continue;
      if (to === 'root barrel')
        out.push(`${at(file, edge)}: nothing inside src/ imports the root barrel`);
      else if (from === 'root barrel') continue;
      else if (from === 'ground floor')
        out.push(`${at(file, edge)}: the ground floor imports no area`);
      else if (to !== 'ground floor' && !MAY_IMPORT.get(from)!.has(to))
        out.push(`${at(file, edge)}: ${from} → ${to} points against ${describeOrder(from, to)}`);
    }
  }
  return out;
}

function describeOrder(from: string, to: string): string {
  if ((from === 'scope' && to === 'macaroon') || (from === 'macaroon' && to === 'scope'))
    return 'the rule that scope and macaroon never import each other';
  return 'cli → mcp, adapters → server → requests → tools → delegation → {scope, macaroon}';
}

/** (b) Edges inside `src/requests/` that point up its layers (store ← decisions ← answers ← top). */
export function requestsLayerViolations(graph: Graph): string[] {
  const out: string[] = [];
  for (const file of graph.values()) {
    if (!file.path.startsWith('src/requests/')) continue;
    const from = requestsLayerOf(file.path);
    if (from === undefined) {
      out.push(
        `${file.path} is in no known layer of src/requests/ (${REQUESTS_LAYERS.join(', ')})`,
      );
      continue;
    }
    for (const edge of file.edges) {
      if (edge.target?.startsWith('src/requests/') !== true) continue;
      const to = requestsLayerOf(edge.target);
      if (to === undefined) continue; // reported for the target file itself
      if (REQUESTS_LAYERS.indexOf(to) > REQUESTS_LAYERS.indexOf(from))
        out.push(
          `${at(file, edge)}: requests ${from} → ${to} points up store/ ← decisions/ ← answers/ ← top level`,
        );
    }
  }
  return out;
}

/** (c) Import loops among the files of one area (the ground floor counts as one), each with a path. */
export function cyclesWithinAreas(graph: Graph): string[] {
  const next = new Map<string, ImportEdge[]>();
  for (const file of graph.values()) {
    const place = placeOf(file.path);
    next.set(
      file.path,
      file.edges.filter(
        (e) => e.target !== undefined && placeOf(e.target) === place && graph.has(e.target),
      ),
    );
  }
  // Tarjan's strongly connected components; each component of two or more files (or a file that
  // imports itself) holds at least one loop.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const strongConnect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const { target: w } of next.get(v)!) {
      if (!index.has(w!)) {
        strongConnect(w!);
        low.set(v, Math.min(low.get(v)!, low.get(w!)!));
      } else if (onStack.has(w!)) low.set(v, Math.min(low.get(v)!, index.get(w!)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || next.get(v)!.some((e) => e.target === v))
        components.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) strongConnect(v);
  // One shortest loop through each file of a component: every file's part in the tangle shows,
  // without listing every elementary cycle (which can be exponentially many).
  const out: string[] = [];
  for (const files of components) {
    const seen = new Set<string>();
    for (const file of files) {
      const loop = shortestLoop(file, new Set(files), next);
      const text = `loop in ${placeOf(file)}: ${loop
        .map((s) => `${s.from}:${s.edge.line}${s.edge.typeOnly ? ' (type only)' : ''}`)
        .join(' → ')} → ${loop[0]!.from}`;
      if (!seen.has(text)) out.push(text);
      seen.add(text);
    }
  }
  return out;
}

/** The shortest path from `start` back to itself inside one component, rotated to begin at its least file. */
function shortestLoop(
  start: string,
  within: ReadonlySet<string>,
  next: ReadonlyMap<string, readonly ImportEdge[]>,
): { from: string; edge: ImportEdge }[] {
  const cameFrom = new Map<string, { from: string; edge: ImportEdge }>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const edge of next.get(v)!) {
      const w = edge.target!;
      if (!within.has(w) || cameFrom.has(w)) continue;
      cameFrom.set(w, { from: v, edge });
      if (w === start) {
        const steps: { from: string; edge: ImportEdge }[] = [];
        let at = start;
        do {
          const step = cameFrom.get(at)!;
          steps.unshift(step);
          at = step.from;
        } while (at !== start);
        const least = steps.reduce((min, s, i) => (s.from < steps[min]!.from ? i : min), 0);
        return [...steps.slice(least), ...steps.slice(0, least)];
      }
      queue.push(w);
    }
  }
  throw new Error(`${start} is in a loop but no path leads back to it`);
}

/** (d) Hand-written files over `max` lines. */
export function oversizedFiles(graph: Graph, max = 500): string[] {
  return [...graph.values()]
    .filter((f) => !f.generated && f.lines > max)
    .map((f) => `${f.path} has ${f.lines} lines (at most ${max}; split it by idea)`);
}

/** Barrels (`index.ts` files) that hold anything besides `export … from`. */
export function barrelsThatDoMore(graph: Graph): string[] {
  return [...graph.values()]
    .filter((f) => posix.basename(f.path) === 'index.ts')
    .flatMap((f) => f.nonReExports.map((s) => `${f.path}:${s} — a barrel only re-exports`));
}
