/**
 * Tiny argument checks that name the argument: `TypeError` for a wrong type, `RangeError` for
 * a wrong length or value. They guard the public API against caller misuse; failures of a token
 * or a policy are `MandateError`s instead.
 */

export function assertString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string')
    throw new TypeError(`${name} must be a string, got ${describe(value)}`);
}

export function assertBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean')
    throw new TypeError(`${name} must be a boolean, got ${describe(value)}`);
}

export function assertBytes(value: unknown, name: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a Uint8Array, got ${describe(value)}`);
  }
}

export function assertStringOrBytes(
  value: unknown,
  name: string,
): asserts value is string | Uint8Array {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new TypeError(`${name} must be a string or Uint8Array, got ${describe(value)}`);
  }
}

export function assertObject(
  value: unknown,
  name: string,
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object, got ${describe(value)}`);
  }
}

export function assertFunction(
  value: unknown,
  name: string,
): asserts value is (...args: never[]) => unknown {
  if (typeof value !== 'function')
    throw new TypeError(`${name} must be a function, got ${describe(value)}`);
}

export function assertPositiveInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number, got ${describe(value)}`);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive integer, got ${String(value)}`);
  }
}

/**
 * Throws unless `value` is a `Date` holding a time: `TypeError` for anything but a `Date`,
 * `RangeError` for an invalid one (`new Date(NaN)`).
 *
 * @example
 * ```ts
 * assertDate(options.now, 'options.now'); // RangeError: options.now must be a valid Date
 * ```
 */
export function assertDate(value: unknown, name: string): asserts value is Date {
  if (!(value instanceof Date))
    throw new TypeError(`${name} must be a Date, got ${describe(value)}`);
  if (!isValidDate(value)) throw new RangeError(`${name} must be a valid Date`);
}

/**
 * True when `value` is a `Date` holding a time (not `new Date(NaN)`), for the checks that
 * document one error for both faults.
 *
 * @example
 * ```ts
 * if (!isValidDate(request.time)) throw new TypeError('request.time must be a valid Date');
 * ```
 */
export function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** A short description of a value's type for messages (never the value itself). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value;
}
