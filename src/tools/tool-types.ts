/**
 * The types that make a runner's tools known to its sessions: each tool's name, argument type and
 * result type, gathered from the typed definitions handed to `createToolRunner`, so that
 * `session.invoke('fs.read', { path })` is checked at compile time — a misspelt name, a missing
 * argument or a wrong result type is a type error, not a run-time surprise. A runner built from
 * tools whose names are plain `string`s falls back to `ToolMap`: any name, any JSON object,
 * `unknown` results. Types only.
 */
import type { ToolDefinition } from './registry.js';

/**
 * One tool's argument and result types.
 *
 * @example
 * ```ts
 * type Read = ToolSignature<{ path: string }, string>;
 * ```
 */
export interface ToolSignature<
  Args extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>,
  Result = unknown,
> {
  readonly args: Args;
  readonly result: Result;
}

/**
 * The tools a session knows, by name. The default, for untyped runners: any name.
 *
 * @example
 * ```ts
 * type Tools = { 'fs.read': ToolSignature<{ path: string }, string> };
 * const session: AgentSession<Tools> = runner.startAgent({ principal: 'coder', token });
 * ```
 */
export type ToolMap = Readonly<Record<string, ToolSignature>>;

/**
 * The `ToolMap` of a list of tool definitions (what `createToolRunner` infers).
 *
 * @example
 * ```ts
 * const tools = [read, write] as const;
 * type Tools = ToolMapOf<typeof tools>; // { 'fs.read': …, 'fs.write': … }
 * ```
 */
export type ToolMapOf<T extends readonly ToolDefinition<never, unknown, string>[]> =
  string extends T[number]['name']
    ? ToolMap
    : {
        readonly [D in T[number] as D['name']]: {
          readonly args: ArgsOf<D>;
          readonly result: D extends ToolDefinition<never, infer R, string> ? Awaited<R> : unknown;
        };
      };

type ArgsOf<D> =
  D extends ToolDefinition<infer A, unknown, string>
    ? A extends Readonly<Record<string, unknown>>
      ? A
      : Readonly<Record<string, unknown>>
    : never;

/**
 * `invoke`'s arguments for tool `N`: optional when the tool takes an empty object.
 *
 * @example
 * ```ts
 * function call<N extends keyof Tools & string>(name: N, ...args: InvokeArgs<Tools, N>) {}
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- "does {} fit?" is the question
export type InvokeArgs<T extends ToolMap, N extends keyof T> = {} extends T[N]['args']
  ? [args?: T[N]['args']]
  : [args: T[N]['args']];
