/**
 * What every SDK adapter shares, so that none keeps a copy: the gate between an SDK's tool call
 * and the agent session that decides it. The gate maps the SDK's tool name to the name policies
 * speak of, asks `session.authorizeCall`, and on a refusal gives the text a model reads (through
 * `permissionTools`, which also remembers the refused call and attaches it to the next
 * `mandate_request_permission`). The two request tools it offers are the same instance, so a
 * refusal and the request that follows it meet; an approval seen by `mandate_check_request`
 * installs the new token in the session, and the next call is decided by it.
 *
 * The gate fails closed: a name map that throws, arguments that are not a JSON object, or any
 * other fault while deciding is a refusal the model reads, never a call that runs.
 */
import { assertFunction, assertObject, describe } from '../_assert.js';
import {
  AgentSession,
  InvalidArgumentsError,
  PERMISSION_TOOL_NAMES,
  permissionTools,
  type AgentTool,
  type AgentToolResult,
  type PermissionTools,
} from '../tools/index.js';

/**
 * How an SDK's tool names become the names policies speak of: a table (names it does not list
 * stay as they are) or a function. Default: every name as it is.
 *
 * @example
 * ```ts
 * const toolName: ToolNameMap = { read_file: 'fs.read', write_file: 'fs.write' };
 * const byPrefix: ToolNameMap = (name) => `app.${name}`;
 * ```
 */
export type ToolNameMap = Readonly<Record<string, string>> | ((sdkName: string) => string);

/**
 * The options every adapter takes.
 *
 * @example
 * ```ts
 * const options: MandateAdapterOptions = { session, toolName: { read_file: 'fs.read' } };
 * ```
 */
export interface MandateAdapterOptions {
  /** The agent session whose token decides every call (`runner.startAgent(…)`). */
  readonly session: AgentSession;
  /** SDK tool name → the name policies use. Default: the SDK's name. */
  readonly toolName?: ToolNameMap;
  /**
   * The names the model sees for the two request tools. Default
   * `mandate_request_permission` and `mandate_check_request`.
   */
  readonly permissionToolNames?: { readonly request: string; readonly check: string };
}

/** @internal What the gate says about one call. */
export type GateVerdict =
  | {
      readonly allowed: true;
      /** The name the policy judged. */
      readonly tool: string;
      /** The frozen snapshot of the arguments that was authorized: run the tool with these. */
      readonly args: Readonly<Record<string, unknown>>;
    }
  | { readonly allowed: false; readonly tool: string; readonly result: AgentToolResult };

/** @internal The gate of one session. */
export interface Gate {
  readonly session: AgentSession;
  /** The request tools, and the refusal text, bound to the session. */
  readonly permission: PermissionTools;
  /** `mandate_request_permission` and `mandate_check_request`, in that order. */
  readonly permissionTools: readonly [AgentTool, AgentTool];
  /** True for the names of the two request tools (they are mandate's own, never gated). */
  isPermissionTool(sdkName: string): boolean;
  /** The name the policy judges for an SDK tool name (throws when the map throws). */
  policyName(sdkName: string): string;
  /** Decides one call; never throws. */
  decide(sdkName: string, args: unknown): GateVerdict;
}

/**
 * @internal Checks an adapter's options and builds the gate of its session.
 */
export function createGate(options: MandateAdapterOptions, at = 'options'): Gate {
  assertObject(options, at);
  if (!(options.session instanceof AgentSession))
    throw new TypeError(`${at}.session must be an AgentSession, got ${describe(options.session)}`);
  const map = nameMap(options.toolName, `${at}.toolName`);
  const names = options.permissionToolNames ?? PERMISSION_TOOL_NAMES;
  assertObject(names, `${at}.permissionToolNames`);
  if (typeof names.request !== 'string' || typeof names.check !== 'string')
    throw new TypeError(`${at}.permissionToolNames must name request and check as strings`);
  if (names.request === names.check)
    throw new RangeError(`${at}.permissionToolNames must give the two tools different names`);
  return gateFor(options.session, map, names);
}

/**
 * @internal The gate of `session` with an already checked name map: for adapters that start
 * sessions of their own (a subagent's) and gate them the same way.
 */
export function gateFor(
  session: AgentSession,
  map: (sdkName: string) => string,
  names: { readonly request: string; readonly check: string } = PERMISSION_TOOL_NAMES,
): Gate {
  const permission = permissionTools(session, names);
  return {
    session,
    permission,
    permissionTools: [permission.request, permission.check],
    isPermissionTool: (sdkName) => sdkName === names.request || sdkName === names.check,
    policyName: map,
    decide(sdkName, args) {
      let tool = sdkName;
      try {
        tool = map(sdkName);
        if (typeof tool !== 'string') throw new TypeError('the tool name map must return a string');
        if (typeof args !== 'object' || args === null || Array.isArray(args)) {
          const problem = { instancePath: '', message: `must be an object, got ${describe(args)}` };
          return refusal(tool, permission.refused(new InvalidArgumentsError(tool, [problem])));
        }
        const check = session.authorizeCall(tool, args as Readonly<Record<string, unknown>>);
        if (check.allowed) return { allowed: true, tool, args: check.args };
        return refusal(tool, permission.refused(check.error));
      } catch (err) {
        // Fail closed: whatever went wrong, the call does not run, and the model is told so.
        const message = err instanceof Error ? err.message : 'the call could not be decided';
        return refusal(String(tool), {
          text: `Refused: mandate could not decide this call (${message}).`,
          isError: true,
          data: { mandate: { error: 'undecided', message } },
        });
      }
    },
  };
}

/** @internal The name map as a function (a table leaves unlisted names as they are). */
export function nameMap(map: ToolNameMap | undefined, at: string): (sdkName: string) => string {
  if (map === undefined) return (name) => name;
  if (typeof map === 'function') {
    assertFunction(map, at);
    return map;
  }
  assertObject(map, at);
  const table = new Map(Object.entries(map));
  for (const [from, to] of table)
    if (typeof to !== 'string')
      throw new TypeError(`${at}[${JSON.stringify(from)}] must be a string`);
  return (name) => table.get(name) ?? name;
}

function refusal(tool: string, result: AgentToolResult): GateVerdict {
  return { allowed: false, tool, result };
}
