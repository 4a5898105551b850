/**
 * The static rules of the scope DSL, written once and applied both to parsed text (where a
 * violation is a `ScopeTypeError` at its position) and to ASTs handed in by code (where it is a
 * `TypeError`, since such an AST is caller misuse): the type rules of ast.ts (`tool` compares
 * only with strings, `time` only with instants, ordering needs numbers or instants, globs need
 * strings, quantifiers only over `args`), the shape of every node, and the size limits on depth
 * and the number of comparisons.
 */
import type { Caveat, Condition, Literal, Path, Quantifier, ScalarOperator } from './ast.js';
import { ScopeLimitError } from './errors.js';
import { parseGlob } from './glob.js';
import { isInstantMs } from './instant.js';
import type { ScopeLimits } from './limits.js';

/** A type rule violation, and which part of the comparison it is about. */
export interface TypeProblem {
  readonly message: string;
  /** `quantifier`, `path`, or the index of the offending literal. */
  readonly at: 'quantifier' | 'path' | number;
}

const ORDERING = new Set<string>(['<', '<=', '>', '>=']);
const GLOB = new Set<string>(['~', '!~']);
const SCALAR_OPERATORS = new Set<string>(['==', '!=', '<', '<=', '>', '>=', '~', '!~']);

/**
 * The first type rule that `quantifier path op literals` breaks, or `undefined` when it is well
 * typed. `op` is `null` for `in` / `not in`, whose list is `literals`.
 *
 * @example
 * ```ts
 * typeProblem(null, { root: 'tool' }, '==', [{ type: 'number', value: 3 }]);
 * // { message: 'tool compares only with strings, not with a number', at: 0 }
 * ```
 */
export function typeProblem(
  quantifier: Quantifier,
  path: Path,
  op: ScalarOperator | null,
  literals: readonly Literal[],
): TypeProblem | undefined {
  if (quantifier !== null && path.root !== 'args') {
    return {
      message: `${quantifier} applies only to an args path (an array argument), not to ${path.root}`,
      at: 'quantifier',
    };
  }
  if (path.root === 'time') {
    if (op === null)
      return {
        message: 'time compares only with an instant by ==, !=, <, <=, > or >=, not with in',
        at: 'path',
      };
    if (GLOB.has(op))
      return {
        message: `time compares only with an instant by ==, !=, <, <=, > or >=, not with ${op}`,
        at: 'path',
      };
    const bad = literals.findIndex((l) => l.type !== 'instant');
    if (bad >= 0)
      return {
        message: `time compares only with an instant (YYYY-MM-DDTHH:MM:SSZ), not with ${literalKind(literals[bad])}`,
        at: bad,
      };
    return undefined;
  }
  if (op !== null && ORDERING.has(op)) {
    const lit = literals[0];
    if (path.root === 'tool' || (lit?.type !== 'number' && lit?.type !== 'instant')) {
      const what =
        path.root === 'tool'
          ? 'tool is a string, and strings have no order'
          : `${op} needs a number or an instant, not ${literalKind(lit)}`;
      return { message: what, at: path.root === 'tool' ? 'path' : 0 };
    }
    return undefined;
  }
  if (op !== null && GLOB.has(op)) {
    if (literals[0]?.type !== 'string')
      return {
        message: `${op} needs a string glob pattern, not ${literalKind(literals[0])}`,
        at: 0,
      };
    return undefined;
  }
  if (path.root === 'tool') {
    const bad = literals.findIndex((l) => l.type !== 'string');
    if (bad >= 0)
      return {
        message: `tool compares only with strings, not with ${literalKind(literals[bad])}`,
        at: bad,
      };
  }
  return undefined;
}

function literalKind(lit: Literal | undefined): string {
  switch (lit?.type) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'null':
      return 'null';
    case 'instant':
      return 'an instant';
    default:
      return 'nothing';
  }
}

/**
 * Checks that `value` is a well-formed, well-typed caveat AST within `limits` (depth and number
 * of comparisons). Throws `TypeError` naming `name` for a malformed or ill-typed AST, and
 * `ScopeLimitError` for one beyond the limits.
 *
 * @example
 * ```ts
 * assertCaveat({ kind: 'constant', value: true }, 'caveat', DEFAULT_SCOPE_LIMITS);
 * ```
 */
export function assertCaveat(
  value: unknown,
  name: string,
  limits: ScopeLimits,
): asserts value is Caveat {
  if (isObject(value) && value['kind'] === 'marker') {
    const principal = value['principal'];
    if (typeof principal !== 'string') throw new TypeError(`${name}.principal must be a string`);
    if (principal.length > limits.maxStringLength) {
      throw new ScopeLimitError(
        'maxStringLength',
        limits.maxStringLength,
        principal.length,
        `${name}.principal (a string)`,
      );
    }
    return;
  }
  const counter = { comparisons: 0 };
  assertCondition(value, name, limits, 1, counter);
}

function assertCondition(
  value: unknown,
  name: string,
  limits: ScopeLimits,
  depth: number,
  counter: { comparisons: number },
): asserts value is Condition {
  if (!isObject(value)) throw new TypeError(`${name} must be a caveat AST node`);
  if (depth > limits.maxDepth)
    throw new ScopeLimitError('maxDepth', limits.maxDepth, depth, 'the caveat nesting depth');
  switch (value['kind']) {
    case 'constant':
      if (typeof value['value'] !== 'boolean')
        throw new TypeError(`${name}.value must be a boolean`);
      countComparison(limits, counter);
      return;
    case 'not':
      assertCondition(value['operand'], `${name}.operand`, limits, depth + 1, counter);
      return;
    case 'and':
    case 'or': {
      const kind = value['kind'];
      const operands = value['operands'];
      if (!Array.isArray(operands) || operands.length < 2)
        throw new TypeError(`${name}.operands must be an array of at least two conditions`);
      operands.forEach((operand: unknown, i) => {
        if (isObject(operand) && operand['kind'] === kind) {
          throw new TypeError(
            `${name}.operands[${i}] is an '${kind}' inside an '${kind}': the AST must be flattened`,
          );
        }
        assertCondition(operand, `${name}.operands[${i}]`, limits, depth + 1, counter);
      });
      return;
    }
    case 'compare':
    case 'member': {
      countComparison(limits, counter);
      const quantifier = value['quantifier'];
      if (quantifier !== null && quantifier !== 'all' && quantifier !== 'any')
        throw new TypeError(`${name}.quantifier must be 'all', 'any' or null`);
      const path = value['path'];
      assertPath(path, `${name}.path`);
      let op: ScalarOperator | null = null;
      let literals: readonly unknown[];
      if (value['kind'] === 'compare') {
        if (typeof value['op'] !== 'string' || !SCALAR_OPERATORS.has(value['op']))
          throw new TypeError(`${name}.op is not an operator`);
        op = value['op'] as ScalarOperator;
        literals = [value['value']];
      } else {
        if (typeof value['negated'] !== 'boolean')
          throw new TypeError(`${name}.negated must be a boolean`);
        const values = value['values'];
        if (!Array.isArray(values)) throw new TypeError(`${name}.values must be an array`);
        if (values.length > limits.maxListLength)
          throw new ScopeLimitError(
            'maxListLength',
            limits.maxListLength,
            values.length,
            'an in list',
          );
        literals = values;
      }
      literals.forEach((lit, i) => {
        const where = value['kind'] === 'compare' ? `${name}.value` : `${name}.values[${i}]`;
        assertLiteral(lit, where);
        if (lit.type === 'string' && lit.value.length > limits.maxStringLength) {
          throw new ScopeLimitError(
            'maxStringLength',
            limits.maxStringLength,
            lit.value.length,
            `${where} (a string)`,
          );
        }
      });
      const problem = typeProblem(quantifier, path, op, literals as readonly Literal[]);
      if (problem !== undefined) throw new TypeError(`${name} is ill typed: ${problem.message}`);
      if (op !== null && GLOB.has(op))
        assertPattern((literals[0] as { value: string }).value, `${name}.value`, limits);
      return;
    }
    default:
      throw new TypeError(
        `${name}.kind must be one of constant, not, and, or, compare, member (a marker is not a condition here)`,
      );
  }
}

function assertPattern(pattern: string, name: string, limits: ScopeLimits): void {
  if (pattern.length > limits.maxPatternLength) {
    throw new ScopeLimitError(
      'maxPatternLength',
      limits.maxPatternLength,
      pattern.length,
      `${name} (a glob pattern)`,
    );
  }
  try {
    parseGlob(pattern);
  } catch (err) {
    throw new TypeError(`${name} is not a glob pattern: it ends with a lone backslash`, {
      cause: err,
    });
  }
}

/**
 * The size limits alone (depth and number of comparisons), for ASTs the parser built and so
 * already knows to be well formed and well typed.
 *
 * @example
 * ```ts
 * checkSize(parseCaveat('not not true'), { ...DEFAULT_SCOPE_LIMITS, maxDepth: 2 }); // throws ScopeLimitError
 * ```
 */
export function checkSize(caveat: Caveat, limits: ScopeLimits): void {
  if (caveat.kind === 'marker') return;
  const counter = { comparisons: 0 };
  const walk = (node: Condition, depth: number): void => {
    if (depth > limits.maxDepth)
      throw new ScopeLimitError('maxDepth', limits.maxDepth, depth, 'the caveat nesting depth');
    if (node.kind === 'not') walk(node.operand, depth + 1);
    else if (node.kind === 'and' || node.kind === 'or')
      for (const operand of node.operands) walk(operand, depth + 1);
    else countComparison(limits, counter);
  };
  walk(caveat, 1);
}

function countComparison(limits: ScopeLimits, counter: { comparisons: number }): void {
  counter.comparisons++;
  if (counter.comparisons > limits.maxComparisons) {
    throw new ScopeLimitError(
      'maxComparisons',
      limits.maxComparisons,
      counter.comparisons,
      'the number of comparisons',
    );
  }
}

function assertPath(path: unknown, name: string): asserts path is Path {
  if (!isObject(path)) throw new TypeError(`${name} must be a path`);
  if (path['root'] === 'tool' || path['root'] === 'time') return;
  if (path['root'] !== 'args') throw new TypeError(`${name}.root must be 'tool', 'time' or 'args'`);
  const keys = path['keys'];
  if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string')) {
    throw new TypeError(`${name}.keys must be a non-empty array of strings`);
  }
}

function assertLiteral(lit: unknown, name: string): asserts lit is Literal {
  if (!isObject(lit)) throw new TypeError(`${name} must be a literal`);
  switch (lit['type']) {
    case 'string':
      if (typeof lit['value'] === 'string') return;
      break;
    case 'number':
      if (typeof lit['value'] === 'number' && Number.isFinite(lit['value'])) return;
      break;
    case 'boolean':
      if (typeof lit['value'] === 'boolean') return;
      break;
    case 'null':
      return;
    case 'instant':
      if (isInstantMs(lit['ms'])) return;
      throw new TypeError(
        `${name}.ms must be an integer number of milliseconds in years 0000–9999`,
      );
    default:
      throw new TypeError(`${name}.type must be string, number, boolean, null or instant`);
  }
  throw new TypeError(
    `${name}.value does not fit its type '${String(lit['type'])}' (numbers must be finite)`,
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `c` itself when it is deeply frozen, else a deeply frozen copy: what a cache keyed by a
 * caller's AST must hold, so that nobody can change it under the cache.
 *
 * @example
 * ```ts
 * const kept = frozenCopy(condition); // Object.isFrozen(kept) === true
 * ```
 */
export function frozenCopy<T extends Caveat>(c: T): T {
  if (isDeepFrozen(c)) return c;
  return deepFreeze(structuredClone(c));
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (!Object.isFrozen(value)) return false;
  return Object.values(value).every(isDeepFrozen);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
