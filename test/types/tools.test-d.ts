/**
 * Type-level tests of typed tools: this file is never run, it only has to compile under
 * `npm run typecheck`. A tool's handler arguments follow from its JSON Schema; a runner of typed
 * tools checks `invoke`'s tool names, arguments and results; a runner of untyped tools takes any
 * name and returns `unknown`, as before.
 */
import {
  createToolRunner,
  defineTool,
  type AgentSession,
  type FromSchema,
  type RootKeys,
  type ToolDefinition,
} from '../../src/index.js';

/** `true` when `A` and `B` are the same type. */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(proof: Equal<A, B>): Equal<A, B> => proof;

// A schema's type, keyword by keyword.
const schema = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    max: { type: 'integer' },
    mode: { enum: ['r', 'w'] },
    tags: { type: 'array', items: { type: 'string' } },
    note: { type: ['string', 'null'] },
    at: { anyOf: [{ type: 'number' }, { const: 'now' }] },
    nested: { type: 'object', properties: { on: { type: 'boolean' } }, required: ['on'] },
    free: {},
  },
  required: ['path', 'mode'],
} as const;
void schema;
same<
  FromSchema<typeof schema>,
  {
    path: string;
    mode: 'r' | 'w';
    max?: number;
    tags?: string[];
    note?: string | null;
    at?: number | 'now';
    nested?: { on: boolean };
    free?: unknown;
  }
>(true);

declare const rootKeys: RootKeys;
declare function readFile(path: string): Promise<string>;

// The handler's arguments follow from the schema, written inline, with no `as const`.
const read = defineTool({
  name: 'fs.read',
  description: 'Read a file',
  inputSchema: {
    type: 'object',
    properties: { path: { type: 'string' }, max: { type: 'integer' } },
    required: ['path'],
  },
  handler: ({ path, max }) => {
    same<typeof path, string>(true);
    same<typeof max, number | undefined>(true);
    void max;
    return readFile(path);
  },
});
const count = defineTool({
  name: 'fs.count',
  description: 'Count files',
  inputSchema: { type: 'object', properties: {} },
  handler: () => 3,
});
same<typeof read, ToolDefinition<{ path: string; max?: number }, string, 'fs.read'>>(true);

// A runner of typed tools checks names, arguments and results.
const runner = createToolRunner({ rootKeys, tools: [read, count] });
const session = runner.startAgent({ principal: 'coder', token: '' });
export async function typed(): Promise<void> {
  same<Awaited<ReturnType<typeof session.invoke<'fs.read'>>>, string>(true);
  const text = await session.invoke('fs.read', { path: '/a' });
  same<typeof text, string>(true);
  void text;
  const n = await session.invoke('fs.count');
  same<typeof n, number>(true);
  void n;
  // @ts-expect-error a tool the runner does not have
  await session.invoke('fs.raed', { path: '/a' });
  // @ts-expect-error a missing argument
  await session.invoke('fs.read', {});
  // @ts-expect-error an argument of the wrong type
  await session.invoke('fs.read', { path: 1 });
  // @ts-expect-error the arguments are required
  await session.invoke('fs.read');
  // A subagent holds the same tools.
  const { session: sub } = session.startSubagent({ to: 'sub', conditions: [] });
  same<typeof sub, typeof session>(true);
  void sub;
}

// Explicit types still win, and an untyped list of tools takes any name and returns unknown.
const explicit = defineTool<{ account: string }, number>({
  name: 'bank.balance',
  description: 'Balance',
  inputSchema: { type: 'object' },
  handler: ({ account }) => account.length,
});
const tools: ToolDefinition<{ account: string }, number>[] = [explicit];
const loose: AgentSession = createToolRunner({ rootKeys, tools }).startAgent({
  principal: 'p',
  token: '',
});
export async function untyped(): Promise<void> {
  const anything = await loose.invoke('whatever', { x: 1 });
  same<typeof anything, unknown>(true);
  void anything;
  // A typed session is an AgentSession (what adapters take).
  const asPlain: AgentSession = session;
  void asPlain;
}
