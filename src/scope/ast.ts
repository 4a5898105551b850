/**
 * The abstract syntax of the scope DSL and the request it is evaluated against.
 *
 * This file is the contract between the parser, the printer, the evaluator and the algebra:
 * every one of them reads the semantics written here, and nothing else. The AST is
 * *normalized*: `and`/`or` nodes are n-ary with at least two operands and never hold an operand
 * of their own kind (the parser flattens `a and (b and c)`), so `parseCaveat(printCaveat(ast))`
 * deep-equals `ast` for every normalized AST.
 *
 * ## Semantics (three-valued, fail closed)
 *
 * A condition evaluates to `true`, `false` or `undefined`. A caveat holds only when it is `true`.
 *
 * - **Paths.** `tool` is the request's tool name (a string), `time` the verifier's clock (an
 *   instant). `args.a.b` walks own properties of plain JSON objects only (an array or scalar on
 *   the way, or a key that is not an own property, means *missing*). A missing path makes every
 *   comparison on it `undefined`.
 * - **Values.** Request values are JSON: string, number, boolean, null, array, object. Instants
 *   are not JSON: `time` is one, and an `args` string is read as one only where it is compared
 *   with an instant literal and has the exact form `YYYY-MM-DDTHH:MM:SS[.f{1,3}]Z` naming a real
 *   date; any other value compared with an instant literal is `undefined`. A value that is not
 *   JSON (`undefined`, `NaN`, `±Infinity`, a bigint, a function, an object whose prototype is
 *   neither `Object.prototype` nor `null`, such as a `Date` or a `Map`) fits no operator: every
 *   comparison on it is `undefined` (fail closed), and an `args` path does not walk into it.
 * - **`==` / `!=`.** Defined when the value is a scalar (string, number, boolean, null): equal
 *   means same type and same value (strings by code units, numbers as IEEE doubles, so `0 == -0`).
 *   Scalars of different types are simply unequal (`args.n == "1"` is `false` for `n: 1`). An
 *   array or object value is `undefined`. With an instant literal, the value must be an instant
 *   (see above) or the comparison is `undefined`; `time` compared with anything but an instant
 *   literal is rejected when parsing.
 * - **`<` `<=` `>` `>=`.** Number literal: the value must be a number, else `undefined`. Instant
 *   literal: the value must be an instant, else `undefined`. Any other literal is a parse error.
 * - **`in [...]` / `not in [...]`.** Exactly `(p == v1 or p == v2 …)` and `(p != v1 and …)`
 *   under the rules above; `in []` is `false` and `not in []` is `true` for a scalar value, and
 *   `undefined` for a missing or non-scalar one.
 * - **`~` / `!~` (glob).** The literal must be a string (a glob pattern; parse error otherwise);
 *   the value must be a string, else `undefined`. A value that is a path alias (path-alias.ts:
 *   it contains `\`, or has an empty segment, a `.` or a `..` segment, plain or written with
 *   `%2e`) makes both `undefined`. Otherwise `~` is whether the whole value matches the whole
 *   pattern and `!~` its negation. Patterns: `*` any run of characters except `/`, `**` (two or
 *   more stars in a row) any run including `/`, `?` exactly one character except `/`, `\x` the
 *   character `x` literally; every other character stands for itself. A `**` that is a whole
 *   segment may also match no segment, with one of its slashes (`a/**` matches `a`). Characters
 *   are Unicode code points.
 * - **Quantifiers.** `all p <op> v` / `any p <op> v` (op any comparison above, including
 *   `in`/`not in`): the value at `p` must be an array, else `undefined`. Each element is compared
 *   as if it were the value at a path. `all` is the Kleene conjunction over the elements (`true`
 *   for an empty array), `any` the Kleene disjunction (`false` for an empty array).
 * - **Logic** is Kleene's: `not undefined` is `undefined`; `false and x` is `false`;
 *   `true or x` is `true`; otherwise any `undefined` operand makes `and`/`or` `undefined`.
 * - **Constants.** `true` and `false` are conditions too (the algebra prints a contradiction as
 *   `false`).
 *
 * Parse-time type errors: `tool` compares only with strings and string lists; `time` only with
 * instants by `== != < <= > >=`; ordering operators take only number or instant literals; glob
 * operators only string literals; quantifiers never apply to `tool` or `time`; numbers must be
 * finite, and must not round onto an integer they do not spell (`9007199254740993`).
 */

/** Where a comparison reads its value. `args` paths have at least one key. */
export type Path =
  | { readonly root: 'tool' }
  | { readonly root: 'time' }
  | { readonly root: 'args'; readonly keys: readonly [string, ...string[]] };

/** A literal value. Instants are milliseconds since the Unix epoch (UTC). */
export type Literal =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'null' }
  | { readonly type: 'instant'; readonly ms: number };

/** Operators that take one literal. */
export type ScalarOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '~' | '!~';

/** `all` / `any` over an array, or `null` for a plain comparison. */
export type Quantifier = 'all' | 'any' | null;

/** `path op value`, optionally quantified over an array at `path`. */
export interface Comparison {
  readonly kind: 'compare';
  readonly quantifier: Quantifier;
  readonly path: Path;
  readonly op: ScalarOperator;
  readonly value: Literal;
}

/** `path in [...]` (or `not in` when `negated`), optionally quantified. */
export interface Membership {
  readonly kind: 'member';
  readonly quantifier: Quantifier;
  readonly path: Path;
  readonly negated: boolean;
  readonly values: readonly Literal[];
}

export interface Not {
  readonly kind: 'not';
  readonly operand: Condition;
}

/** n-ary, at least two operands, none of them an `and`. */
export interface And {
  readonly kind: 'and';
  readonly operands: readonly Condition[];
}

/** n-ary, at least two operands, none of them an `or`. */
export interface Or {
  readonly kind: 'or';
  readonly operands: readonly Condition[];
}

/** The constant conditions `true` and `false`. */
export interface Constant {
  readonly kind: 'constant';
  readonly value: boolean;
}

export type Condition = Comparison | Membership | Not | And | Or | Constant;

/** The delegation marker `to "<principal>"` that opens a block. */
export interface Marker {
  readonly kind: 'marker';
  readonly principal: string;
}

/** One caveat: a delegation marker or a condition. */
export type Caveat = Marker | Condition;

/** What a condition is evaluated against. `time` is the verifier's clock. */
export interface ScopeRequest {
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly time: Date;
}

/** The three truth values of a condition. */
export type Truth = true | false | undefined;

/** One element of a parsed glob pattern (see glob.ts). */
export type GlobToken =
  | { readonly kind: 'char'; readonly char: string /* one code point */ }
  | { readonly kind: 'star' }
  | { readonly kind: 'globstar' }
  | { readonly kind: 'one' };
