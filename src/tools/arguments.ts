/**
 * Takes a snapshot of a tool call's arguments before anything looks at them.
 *
 * The same arguments are validated against the tool's schema, authorized against the token,
 * and handed to the handler. If the caller's object were used directly, a getter, a Proxy or a
 * mutation between those steps could show the policy one value and the handler another. So the
 * runner reads every property exactly once into fresh, frozen, plain JSON (objects, arrays,
 * strings, finite numbers, booleans, null), rejects anything else with the path of the offending
 * value, and bounds the work with size limits, before any schema or policy runs. A number that
 * is an integer beyond ±(2^53 − 1) is refused too: it is not known to be the number the caller
 * meant (a larger integer has already been rounded to the nearest double by the time it arrives).
 */

/**
 * Bounds on the arguments of one call.
 *
 * @example
 * ```ts
 * createToolRunner({ rootKeys, tools, argumentLimits: { maxDepth: 8 } });
 * ```
 */
export interface ArgumentLimits {
  /** Deepest nesting of objects and arrays. Default 32. */
  readonly maxDepth: number;
  /** Most values (every object, array and scalar counts one). Default 10,000. */
  readonly maxValues: number;
  /** Most UTF-16 code units in all strings and keys together. Default 1,048,576. */
  readonly maxTextLength: number;
}

/**
 * The defaults of `ArgumentLimits`.
 *
 * @example
 * ```ts
 * createToolRunner({ rootKeys, tools, argumentLimits: { ...DEFAULT_ARGUMENT_LIMITS, maxValues: 1000 } });
 * ```
 */
export const DEFAULT_ARGUMENT_LIMITS: ArgumentLimits = Object.freeze({
  maxDepth: 32,
  maxValues: 10_000,
  maxTextLength: 1_048_576,
});

/**
 * Why a value is not acceptable, with the JSON Pointer of where.
 *
 * @example
 * ```ts
 * // { instancePath: '/amount', message: 'must be number' }
 * err.problems.map((p) => `${p.instancePath}: ${p.message}`);
 * ```
 */
export interface ArgumentProblem {
  readonly instancePath: string;
  readonly message: string;
}

/**
 * Result of taking a snapshot: the frozen copy, or the first problem found.
 *
 * @example
 * ```ts
 * const s = snapshotArguments(args);
 * if (!s.ok) console.log(s.problem.instancePath, s.problem.message);
 * ```
 */
export type Snapshot =
  | { readonly ok: true; readonly value: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly problem: ArgumentProblem };

const UNSAFE_INTEGER =
  'is an integer beyond ±(2^53 − 1) = ±9007199254740991, which a JSON number cannot hold exactly ' +
  '(it may already have been rounded): pass it as a string';

class Stop extends Error {
  constructor(readonly problem: ArgumentProblem) {
    super(problem.message);
  }
}

/**
 * Copies `args` into frozen plain JSON, reading each property once.
 *
 * @example
 * ```ts
 * snapshotArguments({ path: '/repo/a' }); // { ok: true, value: { path: '/repo/a' } } (frozen)
 * ```
 */
export function snapshotArguments(
  args: unknown,
  limits: ArgumentLimits = DEFAULT_ARGUMENT_LIMITS,
): Snapshot {
  let values = 0;
  let text = 0;
  const seen = new Set<object>();

  const copy = (value: unknown, path: string, depth: number): unknown => {
    if (++values > limits.maxValues)
      throw new Stop({ instancePath: path, message: `has more than ${limits.maxValues} values` });
    switch (typeof value) {
      case 'string':
        text += value.length;
        if (text > limits.maxTextLength) {
          throw new Stop({
            instancePath: path,
            message: `brings the text over ${limits.maxTextLength} characters`,
          });
        }
        return value;
      case 'number':
        if (!Number.isFinite(value))
          throw new Stop({ instancePath: path, message: 'must be a finite number' });
        // Past 2^53 a double cannot hold every integer: the caller's value may already have
        // been rounded to a neighbour (…993 read as …992), and the policy would judge that one.
        if (!Number.isSafeInteger(value) && Number.isInteger(value))
          throw new Stop({ instancePath: path, message: UNSAFE_INTEGER });
        return value;
      case 'boolean':
        return value;
      case 'object':
        break;
      default:
        throw new Stop({ instancePath: path, message: `is not JSON: ${kind(value)}` });
    }
    if (value === null) return null;
    if (depth >= limits.maxDepth)
      throw new Stop({ instancePath: path, message: `nests deeper than ${limits.maxDepth}` });
    if (seen.has(value)) throw new Stop({ instancePath: path, message: 'is a circular reference' });
    seen.add(value);
    let out: unknown;
    if (Array.isArray(value)) {
      const length = value.length;
      const items: unknown[] = [];
      for (let i = 0; i < length; i++) items.push(copy(value[i], `${path}/${i}`, depth + 1));
      out = Object.freeze(items);
    } else if (isPlainObject(value)) {
      const obj: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        text += key.length;
        const child = copy(value[key], `${path}/${escapePointer(key)}`, depth + 1);
        // defineProperty, not assignment: a key named "__proto__" must stay an own property.
        Object.defineProperty(obj, key, {
          value: child,
          enumerable: true,
          writable: false,
          configurable: false,
        });
      }
      out = Object.freeze(obj);
    } else {
      throw new Stop({ instancePath: path, message: `is not JSON: ${kind(value)}` });
    }
    seen.delete(value);
    return out;
  };

  try {
    if (!isPlainObject(args)) {
      return {
        ok: false,
        problem: { instancePath: '', message: `must be a JSON object, got ${kind(args)}` },
      };
    }
    return { ok: true, value: copy(args, '', 0) as Readonly<Record<string, unknown>> };
  } catch (err) {
    if (err instanceof Stop) return { ok: false, problem: err.problem };
    // A throwing getter or Proxy trap: the caller's object is not data.
    return {
      ok: false,
      problem: { instancePath: '', message: 'could not be read as JSON (a property access threw)' },
    };
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== ''
      ? `an instance of ${name}`
      : 'an object that is not plain';
  }
  return `a ${typeof value}`;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
