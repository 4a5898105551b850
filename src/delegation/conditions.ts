/**
 * Checks condition texts supplied by a caller (to mint, delegate, or ask for scope) and puts
 * them in canonical form.
 *
 * Each text must parse as one condition of the scope DSL; a `to` marker is refused because
 * markers are written only by `mintDelegation`/`delegate` from their `to` option, which is what
 * keeps block authorship meaningful. Tokens store the printer's canonical form, so the same
 * condition always has the same bytes (one cache entry, one way to read it in a denial). Texts
 * are read through the same cache as token caveats, so a condition is parsed once per process
 * whether it first arrives typed by a caller or inside a token.
 */
import { describe } from '../_assert.js';
import type { Condition } from '../scope/index.js';
import { analyseCaveat } from './_chain.js';
import { ConditionInvalidError } from './errors.js';

/**
 * A caller's condition, read: its canonical text and its AST.
 *
 * @example
 * ```ts
 * const [c] = parseConditions(['args.n<=3']); // c.text === 'args.n <= 3'
 * ```
 */
export interface ParsedCondition {
  readonly text: string;
  readonly ast: Condition;
}

/**
 * Parses every condition (cached by text) and returns each with its canonical text, or throws
 * `ConditionInvalidError` naming the first that is not a condition (with the scope layer's
 * syntax or limit error as `cause`). `name` labels the argument in messages.
 *
 * @example
 * ```ts
 * parseConditions(['tool == "fs.read"']).map((c) => c.ast.kind); // ['compare']
 * ```
 */
export function parseConditions(
  conditions: readonly string[],
  name = 'conditions',
): ParsedCondition[] {
  if (!Array.isArray(conditions))
    throw new TypeError(`${name} must be an array of strings, got ${describe(conditions)}`);
  return conditions.map((text: unknown, i) => {
    if (typeof text !== 'string')
      throw new TypeError(`${name}[${i}] must be a string, got ${describe(text)}`);
    const analysis = analyseCaveat(text);
    if (analysis.kind === 'condition') return { text: analysis.text, ast: analysis.ast };
    if (analysis.kind === 'marker') {
      throw new ConditionInvalidError(
        name,
        i,
        'a `to` marker is not a condition (use the `to` option)',
      );
    }
    const err = analysis.error;
    const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : analysis.reason;
    throw new ConditionInvalidError(name, i, message, { cause: err });
  });
}

/**
 * Parses every condition and returns each in canonical printed form, or throws
 * `ConditionInvalidError` naming the first that is not a condition (with the scope layer's
 * syntax or limit error as `cause`). `name` labels the argument in messages.
 *
 * @example
 * ```ts
 * normalizeConditions(['tool  in ["a","b"]', 'args.n<=3']);
 * // ['tool in ["a", "b"]', 'args.n <= 3']
 * ```
 */
export function normalizeConditions(conditions: readonly string[], name = 'conditions'): string[] {
  return parseConditions(conditions, name).map((c) => c.text);
}
