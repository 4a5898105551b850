/**
 * A complete, small harness on mandate, with a scripted model in place of a real one:
 * `npx tsx examples/harness/index.ts`. The owner delegates notes to a planner; the planner reads
 * them and starts a coder subagent that may only read; the coder is refused a write (and reads
 * why, and what to ask for), asks its grantor — the planner — which approves from its own
 * authority, and the coder's retried write runs. The tools are typed from their schemas, so
 * `planner.invoke('notes.read', …)` returns a `string` without a cast. The test suite runs it.
 * (Inside this repository it imports the sources; an application imports the same names from
 * 'mandate'.)
 */
import { Delegator, createToolRunner, defineTool } from '../../src/index.js';
import { runAgent, scriptedModel } from './agent-loop.js';

const notes = new Map([['todo', 'fix the typo']]);
// A schema kept in a variable is written `as const`, so the handler's types follow from it.
const nameArg = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
} as const;
const tools = [
  defineTool({
    name: 'notes.read',
    description: 'Read a note',
    inputSchema: nameArg,
    handler: ({ name }) => notes.get(name) ?? '',
  }),
  defineTool({
    name: 'notes.write',
    description: 'Write a note',
    inputSchema: {
      type: 'object',
      properties: { name: { type: 'string' }, text: { type: 'string' } },
      required: ['name', 'text'],
    },
    handler: ({ name, text }) => {
      notes.set(name, text);
      return { written: name };
    },
  }),
];

// The owner holds the root key through the Delegator, which also routes the requests.
const delegator = await Delegator.inMemory();
const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools, broker: delegator });
const plannerToken = await delegator.mint({
  to: 'planner',
  conditions: ['tool ~ "notes.*"'],
  expiresIn: 3600,
});
const planner = runner.startAgent({ principal: 'planner', token: plannerToken });
const log = (line: string) => console.log(line);

// The harness reads with the planner's authority; the result is typed from the tool.
const todo: string = await planner.invoke('notes.read', { name: 'todo' });
console.log(`todo: ${todo}`);

await runAgent(
  planner,
  scriptedModel([{ call: 'notes.read', args: { name: 'todo' } }, { finish: 'I will hand it off' }]),
  { log },
);

// The planner starts a coder that may only read; its token is derived offline from the planner's.
const { session: coder } = planner.startSubagent({
  to: 'coder',
  conditions: ['tool == "notes.read"'],
  expiresIn: 600,
});
const coderModel = scriptedModel([
  { call: 'notes.read', args: { name: 'todo' } },
  { call: 'notes.write', args: { name: 'todo', text: 'done' } },
  (refusal) => {
    const scope = /Needed scope: (.*)/.exec(refusal)?.[1] ?? '';
    return { call: 'mandate_request_permission', args: { scope, reason: 'mark the todo done' } };
  },
  (pending) => ({
    call: 'mandate_check_request',
    args: { id: /Request (\S+)/.exec(pending)?.[1] },
  }),
  { call: 'notes.write', args: { name: 'todo', text: 'done' } },
  { finish: 'the todo is done' },
]);
const last = await runAgent(coder, coderModel, {
  log,
  // The coder's grantor is the planner: it sees the request, with the refused call, in its inbox
  // (acting with its own token), and approves it from its own authority, for ten minutes.
  onRequest: async (id) => {
    const [item] = await delegator.inbox({ token: planner.token });
    console.log(
      `planner's inbox: ${item?.requester} asks "${item?.reason}" for ${item?.call?.tool}`,
    );
    await delegator.approve(id, { by: { token: planner.token }, expiresIn: 600 });
  },
});
console.log(`coder: ${last}`);
console.log(`todo now: ${notes.get('todo')}`);
await delegator.close();
