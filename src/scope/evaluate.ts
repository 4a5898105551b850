/**
 * Evaluating a caveat with an explanation. The truth value comes from the compiled, cached
 * predicate (so it is the verifier's own answer); when the caveat does not hold, a second walk
 * finds the sub-term responsible and words the reason as a sentence a model can act on:
 * `args.amount is 500, not <= 100`, `args.path is missing`,
 * `args.path "/repo/../etc" has a ".." segment`. Reasons quote request values (shortened), never
 * anything secret: the caller already holds the request. Strings in reasons are quoted with
 * their invisible code points escaped, so a value that differs from a listed one only by a
 * zero-width space or a decomposed accent never reads the same as it.
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
import { globWork } from './glob-work.js';
import { formatInstant, isInstantMs } from './instant.js';
import { resolveLimits, withDepthGuard } from './limits.js';
import type { ScopeOptions } from './limits.js';
import { pathAliasOf } from './path-alias.js';
import type { PathAlias } from './path-alias.js';
import { printCondition, printLiteral, printPath } from './print.js';
import {
  MISSING,
  comparisonTest,
  isPlainObject,
  isScalar,
  pathReader,
  scalarTest,
} from './semantics.js';
import { visibleString } from './_visible.js';

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
  const limits = resolveLimits(options);
  const max = limits.maxGlobWork;
  // The same test as the compiled predicate's; then the whole price, for the reason.
  const budget =
    globWork(compiled.condition, request, max) > max
      ? `this caveat's globs would take ${globWork(compiled.condition, request)} units of work on this request, more than maxGlobWork (${max})`
      : null;
  const explained = withDepthGuard(limits, () => explain(compiled.condition, request, budget));
  return { holds: false, value, reason: explained.reason, term: explained.term };
}

interface Explained {
  readonly value: Truth;
  /** Why the node has its value (for `true` too: a `not` above it needs that). */
  readonly reason: string;
  /** The sub-term the reason is about. */
  readonly term: string;
}

/**
 * Explains `node`; `budget` is `null`, or, when the request is over the glob work budget (every
 * glob comparison then undefined), what to say about it.
 */
function explain(node: Condition, request: ScopeRequest, budget: string | null): Explained {
  switch (node.kind) {
    case 'constant':
      return {
        value: node.value,
        reason: node.value ? '"true" always holds' : '"false" never holds',
        term: printCondition(node),
      };
    case 'not': {
      const inner = explain(node.operand, request, budget);
      // An undefined operand is the actionable part (usually a missing value): point at it.
      if (inner.value === undefined) return inner;
      return { value: !inner.value, reason: inner.reason, term: printCondition(node) };
    }
    case 'and': {
      const parts = node.operands.map((operand) => explain(operand, request, budget));
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
      const parts = node.operands.map((operand) => explain(operand, request, budget));
      const holding = parts.find((p) => p.value === true);
      if (holding !== undefined) return holding;
      const value: Truth = parts.some((p) => p.value === undefined) ? undefined : false;
      // A nested `or` already lists its alternatives: splice them in rather than repeat the
      // preface; and say each distinct reason once.
      const reasons = parts.map((p) =>
        p.reason.startsWith(NO_ALTERNATIVE) ? p.reason.slice(NO_ALTERNATIVE.length) : p.reason,
      );
      return {
        value,
        reason: `${NO_ALTERNATIVE}${[...new Set(reasons)].join('; ')}`,
        term: printCondition(node),
      };
    }
    case 'compare':
    case 'member':
      return explainComparison(node, request, budget);
  }
}

const NO_ALTERNATIVE = 'no alternative holds: ';

function explainComparison(
  node: Comparison | Membership,
  request: ScopeRequest,
  budget: string | null,
): Explained {
  const term = printCondition(node);
  const subject = printPath(node.path);
  const value = pathReader(node.path)(request);
  if (value === MISSING) return { value: undefined, reason: `${subject} is missing`, term };
  if (budget !== null && node.kind === 'compare' && (node.op === '~' || node.op === '!~')) {
    return {
      value: undefined,
      reason: `${subject} is ${sizeOf(value)}: ${budget}`,
      term,
    };
  }
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
        reason: `${subject} is ${shown}, but the list value ${showLiteral(literal)} needs ${need(literal)}`,
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
  const lit = showLiteral(node.value);
  const op = node.op;
  if (result === undefined) {
    const alias = (op === '~' || op === '!~') && typeof value === 'string' && pathAliasOf(value);
    if (alias) {
      return {
        value: result,
        reason: `${subject} ${shown} ${ALIAS_PHRASE[alias]}: ${op} judges only normalized paths`,
      };
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

const ALIAS_PHRASE: Readonly<Record<PathAlias, string>> = {
  '\\': 'contains "\\" (a path separator on Windows)',
  '.': 'has a "." segment',
  '..': 'has a ".." segment',
  '//': 'has an empty segment ("//")',
  'trailing /': 'ends with "/"',
  empty: 'is empty',
};

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
  const lit = showLiteral(node.value);
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
    if (value.length <= MAX_SHOWN) {
      const whole = visibleString(value);
      if (whole.length <= MAX_SHOWN) return whole;
    }
    let cut = MAX_SHOWN - 10;
    const last = value.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut--; // never split a surrogate pair
    return `${visibleString(value.slice(0, cut)).slice(0, -1)}…" (${value.length} characters)`;
  }
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : `${String(value)} (not a JSON number)`;
  if (typeof value === 'boolean' || value === null) return String(value);
  if (Array.isArray(value))
    return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
  if (isPlainObject(value)) return 'an object';
  return `not a JSON value (${value === undefined ? 'undefined' : typeof value})`;
}

/** How big a value is, for the glob work reason. */
function sizeOf(value: unknown): string {
  if (typeof value === 'string') return `${value.length} characters long`;
  return show(value);
}

/** A literal as in the canonical text, but with strings quoted visibly. */
function showLiteral(literal: Literal): string {
  return literal.type === 'string' ? visibleString(literal.value) : printLiteral(literal);
}

function showTime(ms: number): string {
  return isInstantMs(ms) ? formatInstant(ms) : new Date(ms).toISOString();
}

function shortList(values: readonly Literal[]): string {
  const shown = values.slice(0, MAX_LISTED).map(showLiteral);
  if (values.length > MAX_LISTED) shown.push(`… (${values.length} values)`);
  return `[${shown.join(', ')}]`;
}
