/**
 * Compiled, never run (`tsc -p test/adapters/claude-agent-sdk`): what the adapter makes is what
 * the real SDK's types take, though the adapter imports nothing of the SDK.
 */
import type { HookCallbackMatcher, HookEvent, Options } from '@anthropic-ai/claude-agent-sdk';
import type { MandateClaude } from '../../../src/adapters/claude-agent-sdk/index.js';

declare const claude: MandateClaude;

// The adapter's hooks are hooks the SDK takes.
export const hooks: Partial<Record<HookEvent, HookCallbackMatcher[]>> = claude.hooks;

// options() keeps the SDK's options and adds hooks and the request server the SDK takes.
export const options: Options = claude.options({
  cwd: '/repo',
  permissionMode: 'default',
} satisfies Options);
