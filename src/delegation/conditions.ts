/**
 * Checks condition texts supplied by a caller (to mint, delegate, or ask for scope) and puts
 * them in canonical form.
 *
 * Each text must parse as one condition of the scope DSL; a `to` marker is refused because
 * markers are written only by `mintDelegation`/`delegate` from their `to` option, which is what
 * keeps block authorship meaningful. Tokens store the printer's canonical form, so the same
 * condition always has the same bytes (one cache entry, one way to read it in a denial).
 */
import { describe } from '../_assert.js';
import { parseCaveat, printCaveat } from '../scope/index.js';
import { ConditionInvalidError } from './errors.js';

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
  if (!Array.isArray(conditions))
    throw new TypeError(`${name} must be an array of strings, got ${describe(conditions)}`);
  return conditions.map((text: unknown, i) => {
    if (typeof text !== 'string')
      throw new TypeError(`${name}[${i}] must be a string, got ${describe(text)}`);
    let ast;
    try {
      ast = parseCaveat(text);
    } catch (err) {
      const message = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
      throw new ConditionInvalidError(name, i, message, { cause: err });
    }
    if (ast.kind === 'marker') {
      throw new ConditionInvalidError(
        name,
        i,
        'a `to` marker is not a condition (use the `to` option)',
      );
    }
    return printCaveat(ast);
  });
}
