/**
 * Canonical JSON: object keys sorted at every level, no whitespace, so one value has exactly one
 * text. The audit log hashes this text, and a permission request stores the denied call's
 * arguments in this form, so the same call always reads (and weighs) the same. Also the deep
 * freeze that keeps such values from being changed after they were checked.
 */

/** A JSON value. */
export type Json =
  null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * JSON with object keys sorted at every level and no whitespace. `RangeError` for a number JSON
 * cannot carry (NaN, ±Infinity).
 *
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: Json | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError('JSON holds finite numbers only');
    return JSON.stringify(value);
  }
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: Json) => canonicalJson(v)).join(',')}]`;
  const object = value as { readonly [key: string]: Json };
  const keys = Object.keys(object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k])}`).join(',')}}`;
}

/**
 * Freezes a JSON value and everything in it; returns it.
 *
 * @example
 * ```ts
 * const args = freezeJson(JSON.parse(text) as Json); // Object.isFrozen(args) === true, at every level
 * ```
 */
export function freezeJson<T extends Json>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) freezeJson(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * Parses JSON text into a frozen value (`SyntaxError` for text that is not JSON); `T` is the
 * shape the caller knows the text has. Keys such as `__proto__` stay own properties, as
 * `JSON.parse` defines them.
 *
 * @example
 * ```ts
 * const value = parseFrozenJson('{"a":[1]}'); // Object.isFrozen(value.a) === true
 * ```
 */
export function parseFrozenJson<T extends Json = Json>(text: string): T {
  return freezeJson(JSON.parse(text) as T);
}
