/**
 * How Claude Code's tool names become the names policies speak of. An MCP tool reaches Claude as
 * `mcp__<server>__<tool>`; policies name it `<server>.<tool>`, as the MCP servers' own tools are
 * named elsewhere in mandate (`tool ~ "fs.*"`). Built-in tools keep their names (`Read`, `Write`,
 * `Edit`, `Bash`, `Glob`, `Grep`, `WebFetch`, `Agent`, …) and their arguments as Claude sends
 * them, so a policy speaks of `args.file_path` for `Read`, `Write` and `Edit`, `args.command` for
 * `Bash`, `args.path` for `Glob` and `Grep` (absent when they search the working directory, and
 * then a condition on it is undefined and denies). `Task`, the older name of `Agent`, is `Agent`.
 */
import { nameMap, type ToolNameMap } from '../_gate.js';

const MCP = /^mcp__(.+?)__(.+)$/;

/**
 * The policy name of a Claude Code tool.
 *
 * @example
 * ```ts
 * claudeToolName('mcp__fs__read_file'); // 'fs.read_file'
 * claudeToolName('Read'); // 'Read'
 * claudeToolName('Task'); // 'Agent'
 * ```
 */
export function claudeToolName(name: string): string {
  const mcp = MCP.exec(name);
  if (mcp !== null) return `${mcp[1]}.${mcp[2]}`;
  return name === 'Task' ? 'Agent' : name;
}

/**
 * @internal The adapter's name map: a table overrides the names it lists and leaves the rest to
 * `claudeToolName`; a function replaces it.
 */
export function claudeNameMap(map: ToolNameMap | undefined, at: string): (name: string) => string {
  if (typeof map === 'function') return nameMap(map, at);
  const table = nameMap(map ?? {}, at);
  return (name) => {
    const mapped = table(name);
    return mapped === name ? claudeToolName(name) : mapped;
  };
}

/** @internal True for the tool that starts a subagent. */
export function isAgentTool(name: string): boolean {
  return name === 'Agent' || name === 'Task';
}
