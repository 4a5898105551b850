/**
 * What an adapter adds to each tool call, in one process, as ratios: a bare AI SDK tool's
 * `execute` against the same tool wrapped by `withMandate` (decided by a 2-block token, then run),
 * the session's `authorizeCall` alone (the floor every adapter pays), a refused call through the
 * wrapper (the refusal text included) beside `authorizeCall` refusing it (whose needed-scope
 * computation is most of a refusal's cost), and the Claude adapter's `PreToolUse` hook deciding a
 * built-in call. The SDKs' own work (the model round trip, the agent loop) is not measured here:
 * it is the same with and without mandate.
 */
import { jsonSchema, tool, type ToolExecutionOptions } from 'ai';
import { measure, report } from './_harness.js';
import { withMandate } from '../src/adapters/ai-sdk.js';
import { mandateClaude } from '../src/adapters/claude-agent-sdk/index.js';
import { createToolRunner, Delegator } from '../src/index.js';

const delegator = await Delegator.inMemory();
const parent = await delegator.mint({
  to: 'planner',
  conditions: [
    'tool in ["read_file", "Read"]',
    'args.path ~ "/repo/**" or args.file_path ~ "/repo/**"',
  ],
  expiresIn: 3600,
});
const runner = createToolRunner({ rootKeys: delegator.rootKeys, tools: [], broker: delegator });
const session = runner
  .startAgent({ principal: 'planner', token: parent })
  .startSubagent({ to: 'coder', conditions: ['tool != "Write"'] }).session;

const read = tool({
  description: 'Read a file',
  inputSchema: jsonSchema<{ path: string }>({
    type: 'object',
    properties: { path: { type: 'string' } },
    required: ['path'],
  }),
  execute: ({ path }) => path.length,
});
const wrapped = withMandate({ read_file: read, write_file: read }, { session });
const options = { toolCallId: 'c', messages: [] } as unknown as ToolExecutionOptions;
const args = { path: '/repo/src/app/main.ts' };
const claude = mandateClaude({ session });
const hook = claude.hooks.PreToolUse[0]!.hooks[0]!;
const signal = new AbortController().signal;
const input = {
  hook_event_name: 'PreToolUse',
  session_id: 's',
  tool_name: 'Read',
  tool_input: { file_path: '/repo/src/app/main.ts' },
  tool_use_id: 't',
};

const bare = measure('ai tool execute, bare', () => read.execute!(args, options));
const floor = measure('session.authorizeCall (2 blocks)', () =>
  session.authorizeCall('read_file', args),
);
const gated = measure('ai tool execute, withMandate (allowed)', () =>
  wrapped['read_file'].execute!(args, options),
);
const floorRefused = measure('session.authorizeCall (2 blocks, refused: needed scope)', () =>
  session.authorizeCall('write_file', args),
);
const refused = measure('ai tool execute, withMandate (refused, with its text)', () =>
  wrapped['write_file'].execute!(args, options),
);
const claudeHook = measure('Claude PreToolUse hook (allowed)', () => hook(input, 't', { signal }));
report('adapters: per tool call', [bare, floor, gated, floorRefused, refused, claudeHook]);
console.log(
  `withMandate adds ${((gated.medianNs - bare.medianNs) / 1000).toFixed(2)} µs a call; ` +
    `authorizeCall alone is ${(floor.medianNs / 1000).toFixed(2)} µs`,
);
await delegator.close();
