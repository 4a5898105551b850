/**
 * Run limits are part of the API in every area (macaroon sizes, caveat sizes, algebra budgets,
 * tool-argument bounds), and each area lets a caller override any subset of its defaults. This
 * is the one place that merges such overrides and checks them, so every area refuses a bad
 * limit the same way: a `TypeError` naming the argument for an unknown name or a non-number, a
 * `RangeError` for a number that is not a positive integer.
 */
import { assertObject, assertPositiveInteger } from './_assert.js';

/**
 * `defaults` with the caller's `overrides` (any subset, or `undefined`) applied, frozen. Each
 * override must name one of the defaults' own keys and be a positive integer; `undefined` values
 * keep the default. `name` is the argument as the caller wrote it (`'options.limits'`) and `noun`
 * what one limit is called in a message (`'a scope limit'`). Returns `defaults` itself when
 * `overrides` is `undefined`, so callers can compare with `===` to spot the defaults.
 *
 * @example
 * ```ts
 * const limits = mergeLimits({ maxDepth: 32, maxSize: 1024 }, { maxDepth: 8 }, 'options.limits', 'a limit');
 * limits.maxDepth; // 8
 * mergeLimits(limits, { maxDpeth: 8 }, 'options.limits', 'a limit'); // TypeError: options.limits.maxDpeth is not a limit
 * ```
 */
export function mergeLimits<L extends Readonly<Record<keyof L, number>>>(
  defaults: L,
  overrides: unknown,
  name: string,
  noun: string,
): L {
  if (overrides === undefined) return defaults;
  assertObject(overrides, name);
  const merged: Record<string, number> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(defaults, key)) throw new TypeError(`${name}.${key} is not ${noun}`);
    if (value === undefined) continue;
    assertPositiveInteger(value, `${name}.${key}`);
    merged[key] = value;
  }
  return Object.freeze(merged) as unknown as L;
}
