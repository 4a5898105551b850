/**
 * The meaning of one comparison, as closures: reading a path from a request, and testing one
 * value against an operator and its literal(s) with the three-valued rules of ast.ts. The
 * compiler (fast predicates) and the explaining evaluator (reasons) both build on these, so the
 * two can never disagree on a truth value; only the evaluator adds words.
 *
 * Request values are JSON. A value that is not (`undefined`, a non-finite number, a bigint, a
 * function, a non-plain object such as a `Date` or a `Map`) makes every comparison on it
 * `undefined`, and `args` paths walk only plain objects (prototype `Object.prototype` or `null`).
 */
import type {
  Comparison,
  Literal,
  Membership,
  Path,
  ScalarOperator,
  ScopeRequest,
  Truth,
} from './ast.js';
import { compileGlob } from './glob.js';
import { hasPathAlias } from './path-alias.js';
import { readInstant } from './instant.js';

/** What a path reads when the request has no value there. */
export const MISSING: unique symbol = Symbol('missing');

/** A test of one value (never `MISSING`) against an operator and literal(s). */
export type ValueTest = (value: unknown) => Truth;

/**
 * Whether `value` is a plain object that `args` paths may walk into.
 *
 * @example
 * ```ts
 * isPlainObject({});          // true
 * isPlainObject(new Date(0)); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A JSON scalar: a string, a finite number, a boolean or null.
 *
 * @example
 * ```ts
 * isScalar('a'); // true
 * isScalar(NaN); // false
 * ```
 */
export function isScalar(value: unknown): boolean {
  const t = typeof value;
  return (
    t === 'string' ||
    t === 'boolean' ||
    value === null ||
    (t === 'number' && Number.isFinite(value))
  );
}

/**
 * A reader for `path`: the value at the path, or `MISSING`. `time` reads milliseconds.
 *
 * @example
 * ```ts
 * pathReader({ root: 'args', keys: ['a'] })({ tool: 't', args: { a: 1 }, time: new Date() }); // 1
 * ```
 */
export function pathReader(path: Path): (request: ScopeRequest) => unknown {
  if (path.root === 'tool') return (request) => request.tool;
  if (path.root === 'time') return (request) => request.time.getTime();
  const keys = path.keys;
  if (keys.length === 1) {
    const key = keys[0];
    return (request) => {
      const value = Object.hasOwn(request.args, key) ? request.args[key] : undefined;
      return value === undefined ? MISSING : value;
    };
  }
  return (request) => readKeys(request.args, keys);
}

/**
 * Walks `keys` from `root` through plain objects only.
 *
 * @example
 * ```ts
 * readKeys({ a: { b: 1 } }, ['a', 'b']); // 1
 * readKeys({ a: [1] }, ['a', '0']);      // MISSING
 * ```
 */
export function readKeys(root: unknown, keys: readonly string[]): unknown {
  let value = root;
  for (const key of keys) {
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) return MISSING;
    value = value[key];
  }
  return value === undefined ? MISSING : value;
}

/**
 * The instant (ms) an `args` value denotes, or `undefined` when it is not an instant string.
 *
 * @example
 * ```ts
 * instantOf('1970-01-01T00:00:00Z'); // 0
 * instantOf(0);                      // undefined
 * ```
 */
export function instantOf(value: unknown): number | undefined {
  return typeof value === 'string' ? readInstant(value) : undefined;
}

/**
 * The test for one value of a comparison (`path` decides how instants are read).
 *
 * @example
 * ```ts
 * comparisonTest(parseCondition('args.n <= 3') as Comparison)(5); // false
 * ```
 */
export function comparisonTest(node: Comparison | Membership): ValueTest {
  if (node.kind === 'member') return membershipTest(node.values, node.negated);
  if (node.path.root === 'time') return timeTest(node.op, (node.value as { ms: number }).ms);
  return scalarTest(node.op, node.value);
}

/**
 * `value op literal` for a value read from `tool`, `args` or an array element.
 *
 * @example
 * ```ts
 * scalarTest('~', { type: 'string', value: '/a/**' })('/a/../b'); // undefined
 * ```
 */
export function scalarTest(op: ScalarOperator, literal: Literal): ValueTest {
  switch (op) {
    case '==':
      return equalityTest(literal);
    case '!=':
      return negate(equalityTest(literal));
    case '~':
    case '!~':
      return globTest(op, (literal as { value: string }).value);
    default:
      if (literal.type === 'number') return numberOrder(op, literal.value);
      return (value) => {
        const ms = instantOf(value);
        return ms === undefined ? undefined : order(op, ms, (literal as { ms: number }).ms);
      };
  }
}

/** `time op instant`, on the verifier clock's milliseconds. */
function timeTest(op: ScalarOperator, ms: number): ValueTest {
  return (value) => {
    const now = value as number;
    if (op === '==') return now === ms;
    if (op === '!=') return now !== ms;
    return order(op, now, ms);
  };
}

function equalityTest(literal: Literal): ValueTest {
  switch (literal.type) {
    case 'instant': {
      const ms = literal.ms;
      return (value) => {
        const at = instantOf(value);
        return at === undefined ? undefined : at === ms;
      };
    }
    case 'number': {
      const n = literal.value;
      return (value) =>
        typeof value === 'number'
          ? Number.isFinite(value)
            ? value === n
            : undefined
          : isScalar(value)
            ? false
            : undefined;
    }
    case 'null':
      return (value) => (value === null ? true : isScalar(value) ? false : undefined);
    default: {
      const v = literal.value;
      const type = literal.type;
      return (value) => (typeof value === type ? value === v : isScalar(value) ? false : undefined);
    }
  }
}

function numberOrder(op: ScalarOperator, n: number): ValueTest {
  switch (op) {
    case '<':
      return (value) =>
        typeof value === 'number' && Number.isFinite(value) ? value < n : undefined;
    case '<=':
      return (value) =>
        typeof value === 'number' && Number.isFinite(value) ? value <= n : undefined;
    case '>':
      return (value) =>
        typeof value === 'number' && Number.isFinite(value) ? value > n : undefined;
    default:
      return (value) =>
        typeof value === 'number' && Number.isFinite(value) ? value >= n : undefined;
  }
}

function order(op: ScalarOperator, a: number, b: number): boolean {
  return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
}

function globTest(op: '~' | '!~', pattern: string): ValueTest {
  const match = compileGlob(pattern);
  const negated = op === '!~';
  return (value) => {
    if (typeof value !== 'string' || hasPathAlias(value)) return undefined;
    return match(value) !== negated;
  };
}

/**
 * `in [...]` is the Kleene `or` of `==` over the list, `not in` its negation. A list without
 * instants is a set lookup: every `==` is then defined for a scalar, and true only for an equal
 * value of the same type, which is what `Set` (SameValueZero, so `0` and `-0` meet) computes.
 */
function membershipTest(values: readonly Literal[], negated: boolean): ValueTest {
  let test: ValueTest;
  if (values.every((l) => l.type !== 'instant')) {
    const set = new Set(
      values.map((l) => (l.type === 'null' ? null : (l as { value: unknown }).value)),
    );
    test = (value) => (isScalar(value) ? set.has(value) : undefined);
  } else {
    const tests = values.map(equalityTest);
    test = (value) => {
      if (!isScalar(value)) return undefined;
      let result: Truth = false;
      for (const t of tests) {
        const r = t(value);
        if (r === true) return true;
        if (r === undefined) result = undefined;
      }
      return result;
    };
  }
  return negated ? negate(test) : test;
}

function negate(test: ValueTest): ValueTest {
  return (value) => {
    const r = test(value);
    return r === undefined ? undefined : !r;
  };
}

/**
 * Kleene `all` (`true` on empty) or `any` (`false` on empty) of `test` over an array value.
 *
 * @example
 * ```ts
 * quantified('all', scalarTest('<', { type: 'number', value: 3 }))([1, 2]); // true
 * ```
 */
export function quantified(quantifier: 'all' | 'any', test: ValueTest): ValueTest {
  const decisive = quantifier === 'any';
  return (value) => {
    if (!Array.isArray(value)) return undefined;
    let result: Truth = !decisive;
    for (let i = 0; i < value.length; i++) {
      const r = test(value[i]);
      if (r === decisive) return decisive;
      if (r === undefined) result = undefined;
    }
    return result;
  };
}
