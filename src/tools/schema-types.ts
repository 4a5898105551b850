/**
 * Types that follow from a tool's JSON Schema, so a harness declares a tool's arguments once:
 * `defineTool({ inputSchema: { … } as const, handler })` gives the handler arguments typed from
 * the schema, and a runner built from typed tools checks tool names, arguments and results of
 * `invoke` at compile time. Types only: nothing here runs. The schema is what Ajv checks before
 * any handler runs, so the type says what the handler can rely on.
 *
 * The keywords read are `type` (one or a list), `properties`, `required`, `items`, `enum`,
 * `const`, `anyOf` and `oneOf`; a schema using others gives `unknown` where they matter, never a
 * type narrower than what validation lets through.
 */

/** A schema as written with `as const` (readonly all the way down). */
type Schema = Readonly<Record<string, unknown>>;

/**
 * The type of the values a JSON Schema accepts (a draft-07 subset; see the module comment).
 *
 * @example
 * ```ts
 * const schema = { type: 'object', properties: { path: { type: 'string' }, max: { type: 'integer' } }, required: ['path'] } as const;
 * type Args = FromSchema<typeof schema>; // { path: string; max?: number }
 * ```
 */
export type FromSchema<S, Depth extends unknown[] = []> = Depth['length'] extends 12
  ? unknown
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly enum: readonly (infer E)[] }
      ? E
      : S extends { readonly anyOf: readonly (infer A)[] }
        ? FromSchema<A, [...Depth, 1]>
        : S extends { readonly oneOf: readonly (infer A)[] }
          ? FromSchema<A, [...Depth, 1]>
          : S extends { readonly type: readonly (infer T)[] }
            ? T extends string
              ? OfType<T, S, Depth>
              : unknown
            : S extends { readonly type: infer T extends string }
              ? OfType<T, S, Depth>
              : unknown;

type OfType<T extends string, S, Depth extends unknown[]> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { readonly items: infer I }
            ? I extends readonly unknown[]
              ? unknown[]
              : FromSchema<I, [...Depth, 1]>[]
            : unknown[]
          : T extends 'object'
            ? ObjectOf<S, Depth>
            : unknown;

type ObjectOf<S, Depth extends unknown[]> = S extends {
  readonly properties: infer P extends Schema;
}
  ? Simplify<
      {
        -readonly [K in keyof P as K extends RequiredOf<S> ? K : never]: FromSchema<
          P[K],
          [...Depth, 1]
        >;
      } & {
        -readonly [K in keyof P as K extends RequiredOf<S> ? never : K]?: FromSchema<
          P[K],
          [...Depth, 1]
        >;
      }
    >
  : Record<string, unknown>;

type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;

type Simplify<T> = { [K in keyof T]: T[K] };
