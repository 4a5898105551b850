/**
 * The tool registry: names, descriptions, argument schemas and handlers.
 *
 * Every schema is compiled once, when the runner is created, by Ajv 8 (JSON Schema draft-07)
 * with strict schema checks, no type coercion, no defaults and no removal of properties, so that
 * validation never changes the arguments that the policy then sees. Tool names are restricted to
 * characters that cannot be mistaken for glob syntax, so that a condition like
 * `tool ~ "fs.*"` means what it says.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { assertFunction, assertObject, assertString, describe } from '../_assert.js';
import { type ArgumentProblem } from './arguments.js';
import type { FromSchema } from './schema-types.js';

/**
 * A JSON Schema (draft-07) describing a tool's arguments object.
 *
 * @example
 * ```ts
 * const schema: ToolInputSchema = { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] };
 * ```
 */
export type ToolInputSchema = Readonly<Record<string, unknown>>;

/**
 * What a handler learns about the call besides its arguments.
 *
 * @example
 * ```ts
 * handler: (args, { principal, delegationId }) => log(principal, delegationId),
 * ```
 */
export interface ToolContext {
  /** The tool being called. */
  readonly tool: string;
  /** The principal of the session that made the call. */
  readonly principal: string;
  /** The delegation id of the token that authorized it (for audit logs). */
  readonly delegationId: string;
}

/**
 * A tool: `name` and `description` are shown to agents by discovery, `inputSchema` validates the
 * arguments before any policy runs, and `handler` runs only on an authorized call, with a
 * frozen copy of the arguments that were authorized. `Name` is the literal name when it is
 * known, so a runner of typed tools checks the names `invoke` is called with.
 *
 * @example
 * ```ts
 * const list: ToolDefinition<{ account: string }> = {
 *   name: 'bank.list', description: 'List transfers',
 *   inputSchema: { type: 'object', properties: { account: { type: 'string' } }, required: ['account'] },
 *   handler: ({ account }) => bank.transfers(account),
 * };
 * ```
 */
export interface ToolDefinition<
  Args = Record<string, unknown>,
  Result = unknown,
  Name extends string = string,
> {
  /** 1–128 characters from `A-Z a-z 0-9 _ . : / -`, starting with a letter, digit or `_`. */
  readonly name: Name;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  readonly handler: (args: Args, context: ToolContext) => Result | Promise<Result>;
}

/**
 * Defines a tool, typed end to end. Without type arguments the handler's arguments follow from
 * `inputSchema` (see `FromSchema`: `type`, `properties`, `required`, `items`, `enum`, `const`,
 * `anyOf`, `oneOf`), the result type from what the handler returns, and the name stays a
 * literal, so `createToolRunner` can check `invoke`'s tool names, arguments and results. With
 * type arguments (`defineTool<Args, Result>`) they are taken as given. At run time it returns
 * its argument; the schema is checked by Ajv before any handler runs.
 *
 * @example
 * ```ts
 * const read = defineTool({
 *   name: 'fs.read',
 *   description: 'Read a UTF-8 file',
 *   inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
 *   handler: ({ path }) => readFile(path, 'utf8'), // path: string
 * });
 * const text: string = await session.invoke('fs.read', { path: '/repo/a.md' });
 * ```
 */
export function defineTool<const Name extends string, const S extends ToolInputSchema, Result>(
  definition: TypedToolDefinition<Name, S, Result>,
): ToolDefinition<FromSchema<S>, Awaited<Result>, Name>;
export function defineTool<Args = Record<string, unknown>, Result = unknown>(
  definition: ToolDefinition<Args, Result>,
): ToolDefinition<Args, Result>;
export function defineTool(definition: ToolDefinition): ToolDefinition {
  return definition;
}

/**
 * What `defineTool` takes when the types follow from the schema.
 *
 * @example
 * ```ts
 * const def: TypedToolDefinition<'fs.read', typeof schema, string> = { name: 'fs.read', description: '…', inputSchema: schema, handler: ({ path }) => path };
 * ```
 */
export interface TypedToolDefinition<Name extends string, S extends ToolInputSchema, Result> {
  readonly name: Name;
  readonly description: string;
  readonly inputSchema: S;
  readonly handler: (args: FromSchema<S>, context: ToolContext) => Result | Promise<Result>;
}

const TOOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,127}$/;

/** A registered tool with its compiled validator. */
export interface RegisteredTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: ToolInputSchema;
  readonly handler: (args: never, context: ToolContext) => unknown;
  /** The schema's problems with `args`, or an empty list when they conform. */
  readonly validate: (args: unknown) => readonly ArgumentProblem[];
}

/** @internal Builds the registry; throws `TypeError`/`RangeError` naming the bad entry. */
export function buildRegistry(tools: unknown): ReadonlyMap<string, RegisteredTool> {
  if (!Array.isArray(tools)) throw new TypeError(`tools must be an array, got ${describe(tools)}`);
  const ajv = new Ajv({
    allErrors: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    coerceTypes: false,
    useDefaults: false,
    removeAdditional: false,
    validateFormats: false,
    logger: false,
  });
  const registry = new Map<string, RegisteredTool>();
  tools.forEach((tool: unknown, i) => {
    const at = `tools[${i}]`;
    assertObject(tool, at);
    const { name, description, inputSchema, handler } = tool;
    assertString(name, `${at}.name`);
    if (!TOOL_NAME.test(name)) {
      throw new RangeError(
        `${at}.name must be 1-128 characters of A-Z a-z 0-9 _ . : / - (not starting with . : / -)`,
      );
    }
    if (registry.has(name)) throw new RangeError(`${at}.name "${name}" is registered twice`);
    assertString(description, `${at}.description`);
    assertObject(inputSchema, `${at}.inputSchema`);
    assertFunction(handler, `${at}.handler`);
    let schema: ToolInputSchema;
    let compiled: ValidateFunction;
    try {
      // A private, frozen copy: what discovery shows is exactly what was compiled.
      schema = deepFreeze(structuredClone(inputSchema));
      compiled = ajv.compile(schema);
    } catch (err) {
      throw new TypeError(
        `${at}.inputSchema is not a usable JSON Schema: ${(err as Error).message}`,
        { cause: err },
      );
    }
    registry.set(name, {
      name,
      description,
      inputSchema: schema,
      handler: handler as RegisteredTool['handler'],
      validate: (args) => (compiled(args) ? [] : (compiled.errors ?? []).map(toProblem)),
    });
  });
  return registry;
}

function toProblem(error: ErrorObject): ArgumentProblem {
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? `fails "${error.keyword}"`;
  if (typeof params['additionalProperty'] === 'string')
    message += `: "${params['additionalProperty']}"`;
  return { instancePath: error.instancePath, message };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
