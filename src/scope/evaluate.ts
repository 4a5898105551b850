/**
 * Evaluating a caveat with an explanation. The truth value comes from the compiled, cached
 * predicate (so it is the verifier's own answer); when the caveat does not hold, a second walk
 * finds the sub-term responsible and words the reason as a sentence a model can act on:
 * `args.amount is 500, not <= 100`, `args.path is missing`,
 * `args.path "/repo/../etc" has a ".." segment`. Reasons quote request values (shortened), never
 * anything secret: the caller already holds the request.
 */
import type {
  Caveat,
  Comparison,
  Condition,
  Literal,
  Membership,
  ScopeRequest,
  Truth,
} from './ast.js';
import { compileCaveat } from './compile.js';
import { formatInstant, isInstantMs } from './instant.js';
import { resolveLimits, withDepthGuard } from './limits.js';
import type { ScopeOptions } from './limits.js';
import { printCondition, printList, printLiteral, printPath } from './print.js';
import {
  MISSING,
  comparisonTest,
  isPlainObject,
  isScalar,
  pathReader,
  scalarTest,
} from './semantics.js';
import { hasDotDotSegment } from './glob.js';

/** The result of evaluating a caveat against a request. */
export interface Evaluation {
  /** Whether the caveat holds: `value === true`. */
  readonly holds: boolean;
  /** The three-valued result. */
  readonly value: Truth;
  /** When it does not hold: why, as one sentence (e.g. `args.amount is 500, not <= 100`). */
  readonly reason?: string;
  /** When it does not hold: the canonical text of the failing sub-term. */
  readonly term?: string;
}

/**
 * Evaluates a condition (text or AST) against a request and, when it does not hold, explains
 * why. Throws what `compileCaveat` throws: `TypeError` for a marker, a malformed AST or a
 * malformed request; the parser's errors for bad text.
 *
 * @example
 * ```ts
 * evaluateCaveat('args.amount <= 100', { tool: 'bank.transfer', args: { amount: 500 }, time: new Date() });
 * // { holds: false, value: false, reason: 'args.amount is 500, not <= 100', term: 'args.amount <= 100' }
 * ```
 */
export function evaluateCaveat(
  caveat: Caveat | string,
  request: ScopeRequest,
  options?: ScopeOptions,
): Evaluation {
  const compiled = compileCaveat(caveat, options);
  const value = compiled.truth(request);
  if (value === true) return { holds: true, value };
  const explained = withDepthGuard(resolveLimits(options), () =>
    explain(compiled.condition, request),
  );
  return { holds: false, value, reason: explained.reason, term: explained.term };
}

interface Explained {
  readonly value: Truth;
  /** Why the node has its value (for `true` too: a `not` above it needs that). */
  readonly reason: string;
  /** The sub-term the reason is about. */
  readonly term: string;
}

function explain(node: Condition, request: ScopeRequest): Explained {
  switch (node.kind) {
    case 'constant':
      return {
        value: node.value,
        reason: node.value ? '"true" always holds' : '"false" never holds',
        term: printCondition(node),
      };
    case 'not': {
      const inner = explain(node.operand, request);
      // An undefined operand is the actionable part (usually a missing value): point at it.
      if (inner.value === undefined) return inner;
      return { value: !inner.value, reason: inner.reason, term: printCondition(node) };
    }
    case 'and': {
      const parts = node.operands.map((operand) => explain(operand, request));
      // False beats undefined in Kleene `and`: blame the first false operand, else the first undefined one.
      const blamed =
        parts.find((p) => p.value === false) ?? parts.find((p) => p.value === undefined);
      if (blamed !== undefined) return blamed;
      return {
        value: true,
        reason: parts.map((p) => p.reason).join('; and '),
        term: printCondition(node),
      };
    }
    case 'or': {
      const parts = node.operands.map((operand) => explain(operand, request));
      const holding = parts.find((p) => p.value === true);
      if (holding !== undefined) return holding;
      const value: Truth = parts.some((p) => p.value === undefined) ? undefined : false;
      // A nested `or` already lists its alternatives: splice them in rather than repeat the preface.
      const reasons = parts.map((p) =>
        p.reason.startsWith(NO_ALTERNATIVE) ? p.reason.slice(NO_ALTERNATIVE.length) : p.reason,
      );
      return {
        value,
        reason: `${NO_ALTERNATIVE}${reasons.join('; ')}`,
        term: printCondition(node),
      };
    }
    case 'compare':
    case 'member':
      return explainComparison(node, request);
  }
}

const NO_ALTERNATIVE = 'no alternative holds: ';

function explainComparison(node: Comparison | Membership, request: ScopeRequest): Explained {
  const term = printCondition(node);
  const subject = printPath(node.path);
  const value = pathReader(node.path)(request);
  if (value === MISSING) return { value: undefined, reason: `${subject} is missing`, term };
  const test = comparisonTest(node);
  if (node.quantifier === null) {
    const isTime = node.path.root === 'time';
    return { ...describe(node, subject, value, test(value), isTime), term };
  }
  if (!Array.isArray(value)) {
    return {
      value: undefined,
      reason: `${subject} is ${show(value)}, but ${node.quantifier} needs an array`,
      term,
    };
  }
  const results = value.map((element) => test(element));
  const decisive = node.quantifier === 'any';
  const at = results.indexOf(decisive);
  if (at >= 0) return { ...describe(node, `${subject}[${at}]`, value[at], decisive, false), term };
  const undecided = results.indexOf(undefined);
  if (undecided >= 0)
    return {
      ...describe(node, `${subject}[${undecided}]`, value[undecided], undefined, false),
      term,
    };
  const phrase = testPhrase(node);
  if (value.length === 0) {
    return node.quantifier === 'all'
      ? { value: true, reason: `${subject} is an empty array, so every element ${phrase}`, term }
      : { value: false, reason: `${subject} is an empty array, so no element ${phrase}`, term };
  }
  return node.quantifier === 'all'
    ? { value: true, reason: `every element of ${subject} ${phrase}`, term }
    : { value: false, reason: `no element of ${subject} ${phrase}`, term };
}

/** The reason one value (at `subject`) has result `result` under the node's operator. */
function describe(
  node: Comparison | Membership,
  subject: string,
  value: unknown,
  result: Truth,
  isTime: boolean,
): { value: Truth; reason: string } {
  const shown = isTime ? showTime(value as number) : show(value);
  if (node.kind === 'member') {
    const list = shortList(node.values);
    if (result === undefined) {
      if (!isScalar(value))
        return {
          value: result,
          reason: `${subject} is ${shown}, but in needs a string, number, boolean or null`,
        };
      const literal = node.values.find((l) => scalarTest('==', l)(value) === undefined) as Literal;
      return {
        value: result,
        reason: `${subject} is ${shown}, but the list value ${printLiteral(literal)} needs ${need(literal)}`,
      };
    }
    const inList = result !== node.negated;
    return {
      value: result,
      reason: inList
        ? `${subject} is ${shown}, one of ${list}`
        : `${subject} is ${shown}, not one of ${list}`,
    };
  }
  const lit = printLiteral(node.value);
  const op = node.op;
  if (result === undefined) {
    if ((op === '~' || op === '!~') && typeof value === 'string' && hasDotDotSegment(value)) {
      return { value: result, reason: `${subject} ${shown} has a ".." segment` };
    }
    const needs =
      op === '~' || op === '!~'
        ? 'a string'
        : op === '==' || op === '!='
          ? need(node.value)
          : orderNeed(node.value);
    return { value: result, reason: `${subject} is ${shown}, but ${op} ${lit} needs ${needs}` };
  }
  switch (op) {
    case '~':
    case '!~': {
      const matches = result === (op === '~');
      return {
        value: result,
        reason: `${subject} ${shown} ${matches ? 'matches' : 'does not match'} ${lit}`,
      };
    }
    case '==':
    case '!=': {
      const equal = result === (op === '==');
      return {
        value: result,
        reason: equal ? `${subject} is ${lit}` : `${subject} is ${shown}, not ${lit}`,
      };
    }
    default:
      return {
        value: result,
        reason: result
          ? `${subject} is ${shown}, which is ${op} ${lit}`
          : `${subject} is ${shown}, not ${op} ${lit}`,
      };
  }
}

const INSTANT_NEED = 'an instant string (YYYY-MM-DDTHH:MM:SS[.fff]Z)';

/** What a value tested for equality with `literal` must be. */
function need(literal: Literal): string {
  return literal.type === 'instant' ? INSTANT_NEED : 'a string, number, boolean or null';
}

/** What a value ordered against `literal` (a number or an instant) must be. */
function orderNeed(literal: Literal): string {
  return literal.type === 'instant' ? INSTANT_NEED : 'a number';
}

/** `matches "src/**"`, `is <= 100`, `is one of ["a", "b"]`: what the test says of one element. */
function testPhrase(node: Comparison | Membership): string {
  if (node.kind === 'member')
    return `is ${node.negated ? 'not ' : ''}one of ${shortList(node.values)}`;
  const lit = printLiteral(node.value);
  switch (node.op) {
    case '~':
      return `matches ${lit}`;
    case '!~':
      return `does not match ${lit}`;
    case '==':
      return `is ${lit}`;
    case '!=':
      return `is not ${lit}`;
    default:
      return `is ${node.op} ${lit}`;
  }
}

const MAX_SHOWN = 80;
const MAX_LISTED = 8;

/** A short rendering of a request value for a reason. */
function show(value: unknown): string {
  if (typeof value === 'string') {
    const json = JSON.stringify(value);
    return json.length <= MAX_SHOWN
      ? json
      : `${JSON.stringify(value.slice(0, MAX_SHOWN - 10)).slice(0, -1)}…" (${value.length} characters)`;
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : `${String(value)} (not a JSON number)`;
  if (typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  if (isPlainObject(value)) return 'an object';
  return `not a JSON value (${value === undefined ? 'undefined' : typeof value})`;
}

function showTime(ms: number): string {
  return isInstantMs(ms) ? formatInstant(ms) : new Date(ms).toISOString();
}

function shortList(values: readonly Literal[]): string {
  if (values.length <= MAX_LISTED) return printList(values);
  return `${printList(values.slice(0, MAX_LISTED)).slice(0, -1)}, … (${values.length} values)]`;
}
