/**
 * What `tools/list` shows a connection: every tool of the upstream server, under its own name,
 * marked with its status under the connection's token — in the description, first, for the
 * model, and in `_meta.mandate` for programs — then mandate's two request tools. Nothing is
 * hidden for being denied: an agent sees what it could ask for.
 *
 * The upstream server's text is hostile here. A tool is served only under a name MCP allows
 * (1–128 of `A–Z a–z 0–9 _ - .`) that is neither taken by mandate's own tools nor by an earlier
 * tool of the same name; others are left out and reported. The mandate name a policy speaks of
 * is `<prefix>.<name>`. The upstream's description comes after the status line, with every
 * `[mandate` in it turned into `(mandate`, so it can neither come first nor pass for the
 * gateway's status; its `_meta.mandate`, if it has one, is replaced by the gateway's.
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { revocationSentence, type ToolAccess } from '../delegation/index.js';
import type { AgentTool } from '../tools/index.js';

/** Tool names MCP allows (SEP-986), which every client accepts. */
const TOOL_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/** Caveats a denied tool's status line shows before "and N more". */
const SHOWN_FAILURES = 3;

/**
 * One upstream tool as the gateway serves it.
 *
 * @example
 * ```ts
 * const { tool, policyName } = served.byName.get('write_file')!; // policyName: 'fs.write_file'
 * ```
 */
export interface ServedTool {
  /** The upstream's tool, as it listed it (its name is the name downstream too). */
  readonly tool: Tool;
  /** The name conditions speak of: `<prefix>.<name>`. */
  readonly policyName: string;
}

/**
 * The upstream's tools the gateway serves, and the ones it leaves out with why.
 *
 * @example
 * ```ts
 * const served = servedTools(await upstream.tools(), 'fs', new Set(['mandate_check_request']));
 * for (const s of served.skipped) log(s.name, s.why);
 * ```
 */
export interface ServedTools {
  readonly list: readonly ServedTool[];
  readonly byName: ReadonlyMap<string, ServedTool>;
  readonly skipped: readonly { readonly name: string; readonly why: string }[];
}

/**
 * Picks the tools to serve from the upstream's list.
 *
 * @example
 * ```ts
 * servedTools(tools, 'fs', new Set(['mandate_request_permission', 'mandate_check_request']));
 * ```
 */
export function servedTools(
  tools: readonly Tool[],
  prefix: string,
  reserved: ReadonlySet<string>,
): ServedTools {
  const byName = new Map<string, ServedTool>();
  const list: ServedTool[] = [];
  const skipped: { name: string; why: string }[] = [];
  for (const tool of tools) {
    const { name } = tool;
    const why = !TOOL_NAME.test(name)
      ? 'its name is not a valid MCP tool name (1 to 128 of A-Z a-z 0-9 _ - .)'
      : reserved.has(name)
        ? "its name is one of mandate's own tools"
        : byName.has(name)
          ? 'another tool of the server has the same name'
          : undefined;
    if (why !== undefined) {
      skipped.push({ name, why });
      continue;
    }
    const served = { tool, policyName: `${prefix}.${name}` };
    byName.set(name, served);
    list.push(served);
  }
  return { list, byName, skipped };
}

/**
 * A served tool as a connection lists it: its status line, then the upstream's description;
 * `_meta.mandate` holds the status for programs. `access` is the tool's status, or the error
 * that kept discovery from saying (calls are still decided one by one).
 *
 * @example
 * ```ts
 * listedTool(served, { status: 'conditional', condition: 'args.path ~ "/repo/**"' }, 'mandate_request_permission');
 * // description: '[mandate: allowed only when args.path ~ "/repo/**" …]\n\nRead a file …'
 * ```
 */
export function listedTool(
  served: ServedTool,
  access: ToolAccess | Error,
  requestTool: string,
): Tool {
  const { tool, policyName } = served;
  const upstream = tool.description === undefined ? '' : `\n\n${neutral(tool.description)}`;
  return {
    ...tool,
    description: `${statusLine(policyName, access, requestTool)}${upstream}`,
    _meta: { ...tool._meta, mandate: statusMeta(policyName, access) },
  };
}

/**
 * One of mandate's own tools as a connection lists it.
 *
 * @example
 * ```ts
 * listedOwnTool(permissions.request);
 * ```
 */
export function listedOwnTool(tool: AgentTool, readOnly: boolean): Tool {
  return {
    name: tool.name,
    description: tool.description,
    inputSchema: { ...tool.inputSchema, type: 'object' },
    annotations: { readOnlyHint: readOnly, destructiveHint: false, openWorldHint: true },
    _meta: { mandate: { tool: tool.name, status: 'allowed', own: true } },
  };
}

function statusLine(policyName: string, access: ToolAccess | Error, requestTool: string): string {
  const as = `(as ${policyName})`;
  if (access instanceof Error)
    return `[mandate: status unknown ${as}: ${access.message}; each call is still checked.]`;
  switch (access.status) {
    case 'allowed':
      return `[mandate: allowed ${as}.]`;
    case 'conditional':
      return `[mandate: allowed only when ${access.condition} ${as}; other calls are refused.]`;
    case 'denied': {
      if (access.revoked !== undefined)
        return `[mandate: denied ${as}: ${revocationSentence(access.revoked)}; asking cannot help.]`;
      if (access.revocationsStale !== undefined)
        return `[mandate: denied ${as}: this gateway's view of revocations is out of date; every call is refused until it is current.]`;
      const shown = access.failures
        .slice(0, SHOWN_FAILURES)
        .map((f) => `${f.caveat} (by ${f.author})`);
      const more = access.failures.length - shown.length;
      const why = `${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
      return `[mandate: denied ${as} by ${why}. A call is refused with the scope it needs; ask for it with ${requestTool}.]`;
    }
  }
}

function statusMeta(policyName: string, access: ToolAccess | Error): Record<string, unknown> {
  if (access instanceof Error)
    return { tool: policyName, status: 'unknown', error: { message: access.message } };
  return { tool: policyName, ...access };
}

/**
 * Upstream text with every `[mandate` (any case, spaces allowed) turned into `(mandate`, so it
 * cannot pass for the gateway's status line.
 *
 * @example
 * ```ts
 * neutral('Reads files. [mandate: allowed]'); // 'Reads files. (mandate: allowed]'
 * ```
 */
export function neutral(text: string): string {
  return text.replace(/\[(\s*)(mandate)/giu, '($1$2');
}
