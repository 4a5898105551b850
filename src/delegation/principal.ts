/**
 * Principal names: who a delegation hop hands authority to (`to "<principal>"`). Two names are
 * reserved because they label authors in denials and could otherwise be forged by a grantee who
 * picks them: `owner` (the author of the first block, the holder of the root key) and `bearer`
 * (the anonymous holder of a token minted without a marker, when it delegates further).
 */
import { describe } from '../_assert.js';

/**
 * The author of every token's first block.
 *
 * @example
 * ```ts
 * if (failure.author === OWNER_PRINCIPAL) console.log('set by the owner');
 * ```
 */
export const OWNER_PRINCIPAL = 'owner';

/**
 * The author of a block appended by the holder of a bearer token (one minted without `to`).
 *
 * @example
 * ```ts
 * if (decision.needed?.askFrom === BEARER_PRINCIPAL) console.log('the grantor is anonymous');
 * ```
 */
export const BEARER_PRINCIPAL = 'bearer';

/**
 * Longest accepted principal name, in UTF-16 code units.
 *
 * @example
 * ```ts
 * principalProblem('x'.repeat(MAX_PRINCIPAL_LENGTH + 1)); // 'is longer than 128 characters'
 * ```
 */
export const MAX_PRINCIPAL_LENGTH = 128;

/**
 * Why `name` is not a usable principal, or `undefined` when it is: 1 to 128 characters, no
 * control characters, no leading or trailing whitespace, and neither `owner` nor `bearer`.
 *
 * @example
 * ```ts
 * principalProblem('coder-2');   // undefined
 * principalProblem('owner');     // 'is reserved'
 * ```
 */
export function principalProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > MAX_PRINCIPAL_LENGTH)
    return `is longer than ${MAX_PRINCIPAL_LENGTH} characters`;
  if (name === OWNER_PRINCIPAL || name === BEARER_PRINCIPAL) return 'is reserved';
  if (/\p{Cc}/u.test(name)) return 'contains a control character';
  if (name.trim() !== name) return 'has leading or trailing whitespace';
  return undefined;
}

/**
 * Checks a caller-supplied principal name: a `TypeError` when it is not a string, a `RangeError`
 * naming the argument when `principalProblem` finds fault.
 *
 * @example
 * ```ts
 * assertPrincipal('planner', 'to');   // ok
 * assertPrincipal('', 'to');          // RangeError: to is empty
 * ```
 */
export function assertPrincipal(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string')
    throw new TypeError(`${name} must be a string, got ${describe(value)}`);
  const problem = principalProblem(value);
  if (problem !== undefined) throw new RangeError(`${name} ${problem}`);
}
