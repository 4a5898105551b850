/**
 * The printer: the canonical text of a caveat AST. One space around binary operators and after
 * `not`, `all`, `any` and `to`; lists as `[a, b]`; strings as JSON strings; instants as
 * `YYYY-MM-DDTHH:MM:SS[.fff]Z`; paths as `args.a` (or `args["odd key"]` for a key that is not
 * an identifier); parentheses only where precedence needs them (`or` < `and` < `not`). Printing
 * is the inverse of parsing: `parseCaveat(printCaveat(ast))` deep-equals every normalized AST,
 * which is what lets the algebra write the caveats it computes and denials quote a sub-term.
 */
import type { Caveat, Condition, Literal, Path } from './ast.js';
import { exactIntegerText } from './_exact-number.js';
import { assertCaveat } from './check.js';
import { ScopeLimitError } from './errors.js';
import { formatInstant } from './instant.js';
import { resolveLimits, withDepthGuard } from './limits.js';
import type { ScopeOptions } from './limits.js';

/**
 * The canonical text of a caveat. Throws `TypeError` for a malformed or ill-typed AST (one the
 * parser would never produce) and `ScopeLimitError` for one beyond `options.limits`, so the text
 * it returns always parses back to the same AST.
 *
 * @example
 * ```ts
 * printCaveat(parseCaveat('tool=="a"   and (args.n<=5)')); // 'tool == "a" and args.n <= 5'
 * printCaveat({ kind: 'marker', principal: 'coder' });    // 'to "coder"'
 * ```
 */
export function printCaveat(caveat: Caveat, options?: ScopeOptions): string {
  const limits = resolveLimits(options);
  const text = withDepthGuard(limits, () => {
    assertCaveat(caveat, 'caveat', limits);
    return caveat.kind === 'marker'
      ? `to ${JSON.stringify(caveat.principal)}`
      : printCondition(caveat, 0);
  });
  // The text must parse back under the same limits, so it must fit them too.
  if (text.length > limits.maxTextLength) {
    throw new ScopeLimitError(
      'maxTextLength',
      limits.maxTextLength,
      text.length,
      'the printed caveat length',
    );
  }
  return text;
}

const LEVEL = { or: 1, and: 2, not: 3 } as const;

/**
 * Prints a condition already known to be well formed. `context` is the lowest precedence that
 * may appear unparenthesized here: 0 at the top, 1 inside `or`, 2 inside `and`, 3 under `not`.
 *
 * @example
 * ```ts
 * printCondition({ kind: 'not', operand: { kind: 'constant', value: true } }); // 'not true'
 * ```
 */
export function printCondition(node: Condition, context = 0): string {
  switch (node.kind) {
    case 'or':
    case 'and': {
      const level = LEVEL[node.kind];
      const text = node.operands
        .map((operand) => printCondition(operand, level))
        .join(` ${node.kind} `);
      return level < context ? `(${text})` : text;
    }
    case 'not':
      return `not ${printCondition(node.operand, LEVEL.not)}`;
    case 'constant':
      return node.value ? 'true' : 'false';
    case 'compare':
      return `${node.quantifier === null ? '' : `${node.quantifier} `}${printPath(node.path)} ${node.op} ${printLiteral(node.value)}`;
    case 'member':
      return `${node.quantifier === null ? '' : `${node.quantifier} `}${printPath(node.path)} ${node.negated ? 'not in' : 'in'} ${printList(node.values)}`;
  }
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The text of a path: `tool`, `time`, `args.a.b`, `args["odd key"]`.
 *
 * @example
 * ```ts
 * printPath({ root: 'args', keys: ['a', 'odd key'] }); // 'args.a["odd key"]'
 * ```
 */
export function printPath(path: Path): string {
  if (path.root !== 'args') return path.root;
  let text = 'args';
  for (const key of path.keys)
    text += IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return text;
}

/**
 * The text of a literal: a JSON string, a number (`-0` kept), `true`, `false`, `null`, or an
 * instant `YYYY-MM-DDTHH:MM:SS[.fff]Z`.
 *
 * @example
 * ```ts
 * printLiteral({ type: 'instant', ms: 0 }); // '1970-01-01T00:00:00Z'
 * ```
 */
export function printLiteral(literal: Literal): string {
  switch (literal.type) {
    case 'string':
      return JSON.stringify(literal.value);
    case 'number':
      return printNumber(literal.value);
    case 'boolean':
      return literal.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'instant':
      return formatInstant(literal.ms);
  }
}

/**
 * The shortest text that reads back as the same double, except that an integer is spelled
 * exactly (the parser refuses a literal that lands on an integer it does not spell); `-0` stays
 * `-0`.
 *
 * @example
 * ```ts
 * printNumber(-0);      // '-0'
 * printNumber(1e21);    // '1e+21'
 * printNumber(2 ** 60); // '1152921504606846976'
 * ```
 */
export function printNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  // Below 2^53, String() already spells every integer exactly.
  return Math.abs(value) >= 2 ** 53 && Number.isInteger(value)
    ? exactIntegerText(value)
    : String(value);
}

/**
 * `[a, b, c]`.
 *
 * @example
 * ```ts
 * printList([{ type: 'string', value: 'a' }, { type: 'null' }]); // '["a", null]'
 * ```
 */
function printList(values: readonly Literal[]): string {
  return `[${values.map(printLiteral).join(', ')}]`;
}
