/**
 * Compiling a caveat into closures for repeated evaluation on the hot path (every tool call is
 * checked against every caveat of its token). The AST is turned once into a tree of closures
 * that return `true`, `false` or `undefined` (Kleene logic), glob patterns into automata and
 * `in` lists into sets; compiled forms are cached by caveat text in a bounded LRU, so a verifier
 * that sees the same caveats again (the usual case) neither parses nor compiles them again.
 * Before matching any glob, the predicate prices the request's glob work (glob-work.ts); above
 * `maxGlobWork` it evaluates a second tree in which every glob comparison is undefined.
 */
import { isValidDate } from '../_assert.js';
import { BoundedCache } from '../_lru.js';
import type { Caveat, Condition, ScopeRequest, Truth } from './ast.js';
import { DEFAULT_SCOPE_LIMITS, depthLimitError, resolveLimits, withDepthGuard } from './limits.js';
import type { ScopeLimits, ScopeOptions } from './limits.js';
import { assertCaveat, frozenCopy } from './check.js';
import { parseCaveat } from './parse.js';
import { printCaveat } from './print.js';
import { MISSING, comparisonTest, isPlainObject, pathReader, quantified } from './semantics.js';
import { globCount, globWeight, globWork, valueWork } from './glob-work.js';

/**
 * A compiled condition. Calling it returns `true` only when the condition is true for the
 * request (false and undefined both refuse); `truth` gives the three-valued result.
 */
export interface CompiledCaveat {
  (request: ScopeRequest): boolean;
  /** The three-valued result: `true`, `false` or `undefined`. */
  readonly truth: (request: ScopeRequest) => Truth;
  /** The condition's AST (frozen). */
  readonly condition: Condition;
  /** The caveat text it was compiled from (the canonical text when compiled from an AST). */
  readonly text: string;
}

/** How many compiled caveats the cache keeps (least recently used ones are dropped). */
export const COMPILED_CAVEAT_CACHE_SIZE = 1024;

const cache = new BoundedCache<string, CompiledCaveat>(COMPILED_CAVEAT_CACHE_SIZE);

/**
 * Compiles a condition (text or AST) into a fast predicate, cached by text. Throws what
 * `parseCaveat` throws for bad text, and `TypeError` for a marker (`to "…"` is structure, not a
 * condition) or a malformed AST. The predicate throws `TypeError` for a malformed request
 * (`tool` not a string, `args` not a plain object, `time` not a valid `Date`). A request whose
 * glob work (`globWork`) exceeds `limits.maxGlobWork` makes every `~` and `!~` undefined.
 *
 * @example
 * ```ts
 * const allows = compileCaveat('tool == "bank.transfer" and args.amount <= 100');
 * allows({ tool: 'bank.transfer', args: { amount: 50 }, time: new Date() });  // true
 * allows.truth({ tool: 'bank.transfer', args: {}, time: new Date() });        // undefined
 * ```
 */
export function compileCaveat(caveat: Caveat | string, options?: ScopeOptions): CompiledCaveat {
  const limits = resolveLimits(options);
  const prefix = limits === DEFAULT_SCOPE_LIMITS ? '' : `${limitsKey(limits)}\u0000`;
  // An AST is keyed by its canonical text and, on a miss, checked and kept as a frozen copy
  // (never parsed again from its text), so the cache holds only ASTs no caller can change.
  const text = typeof caveat === 'string' ? caveat : printCaveat(caveat, options);
  const key = prefix + text;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let ast: Caveat;
  if (typeof caveat === 'string') ast = parseCaveat(text, options);
  else {
    assertCaveat(caveat, 'caveat', limits);
    ast = frozenCopy(caveat);
  }
  if (ast.kind === 'marker')
    throw new TypeError('caveat is a delegation marker, not a condition: it cannot be evaluated');
  const compiled = withDepthGuard(limits, () => build(ast, text, limits));
  cache.set(key, compiled);
  return compiled;
}

/**
 * Compiles a condition the parser already produced (frozen, within the default limits), with no
 * cache of its own: for a caller that keeps the one cache by text (the delegation layer reads
 * each caveat text once and keeps its parse and its predicate together).
 *
 * @example
 * ```ts
 * const test = compileCondition(parseCondition('args.n <= 3'), 'args.n <= 3');
 * test({ tool: 't', args: { n: 2 }, time: new Date() }); // true
 * ```
 */
export function compileCondition(condition: Condition, text: string): CompiledCaveat {
  return withDepthGuard(DEFAULT_SCOPE_LIMITS, () => build(condition, text, DEFAULT_SCOPE_LIMITS));
}

function limitsKey(limits: ScopeLimits): string {
  return Object.keys(DEFAULT_SCOPE_LIMITS)
    .map((k) => String(limits[k as keyof ScopeLimits]))
    .join(',');
}

function build(condition: Condition, text: string, limits: ScopeLimits): CompiledCaveat {
  const max = limits.maxGlobWork;
  const globs = globCount(condition);
  // With one glob, pricing it where it is read is the same as pricing the caveat first: a glob
  // that a short-circuit does not reach cannot change the result. Several are priced together.
  const root = compileNode(condition, true, globs === 1 ? max : undefined);
  let overBudget: Node | undefined;
  const truth = (request: ScopeRequest): Truth => {
    assertScopeRequest(request);
    // The closures nest as deep as the caveat; a raised maxDepth must not crash the caller.
    try {
      if (globs > 1 && globWork(condition, request, max) > max) {
        overBudget ??= compileNode(condition, false);
        return overBudget(request);
      }
      return root(request);
    } catch (err) {
      throw depthLimitError(limits, err);
    }
  };
  const predicate = (request: ScopeRequest): boolean => truth(request) === true;
  return Object.freeze(Object.assign(predicate, { truth, condition, text }));
}

/**
 * Throws `TypeError` unless `request` has a string `tool`, a plain-object `args` and a valid
 * `Date` `time`.
 *
 * @example
 * ```ts
 * assertScopeRequest({ tool: 'fs.read', args: {}, time: new Date() });
 * ```
 */
export function assertScopeRequest(request: ScopeRequest): void {
  if (typeof request !== 'object' || request === null)
    throw new TypeError('request must be an object');
  if (typeof request.tool !== 'string') throw new TypeError('request.tool must be a string');
  if (!isPlainObject(request.args)) throw new TypeError('request.args must be a plain object');
  if (!isValidDate(request.time)) throw new TypeError('request.time must be a valid Date');
}

type Node = (request: ScopeRequest) => Truth;

/**
 * The closures of a condition; with `globs` false, every glob comparison is undefined; with
 * `globMax`, a glob comparison whose own work exceeds it is undefined.
 */
function compileNode(node: Condition, globs: boolean, globMax?: number): Node {
  switch (node.kind) {
    case 'constant': {
      const value = node.value;
      return () => value;
    }
    case 'not': {
      const operand = compileNode(node.operand, globs, globMax);
      return (request) => {
        const r = operand(request);
        return r === undefined ? undefined : !r;
      };
    }
    case 'and':
    case 'or':
      return junction(
        node.kind === 'or',
        node.operands.map((operand) => compileNode(operand, globs, globMax)),
      );
    case 'compare':
    case 'member': {
      if (!globs && node.kind === 'compare' && (node.op === '~' || node.op === '!~'))
        return () => undefined;
      const test =
        node.quantifier === null
          ? comparisonTest(node)
          : quantified(node.quantifier, comparisonTest(node));
      const read = pathReader(node.path);
      if (
        globMax !== undefined &&
        node.kind === 'compare' &&
        (node.op === '~' || node.op === '!~')
      ) {
        const weight = globWeight((node.value as { value: string }).value);
        const quantifier = node.quantifier !== null;
        return (request) => {
          const value = read(request);
          if (value === MISSING || valueWork(value, weight, quantifier, globMax) > globMax)
            return undefined;
          return test(value);
        };
      }
      return (request) => {
        const value = read(request);
        return value === MISSING ? undefined : test(value);
      };
    }
  }
}

/** Kleene `and` (decisive value false) or `or` (decisive value true), unrolled for 2 and 3 operands. */
function junction(decisive: boolean, operands: readonly Node[]): Node {
  const [a, b, c] = operands as [Node, Node, Node];
  if (operands.length === 2) {
    return (request) => {
      const x = a(request);
      if (x === decisive) return decisive;
      const y = b(request);
      if (y === decisive) return decisive;
      return x === undefined || y === undefined ? undefined : !decisive;
    };
  }
  if (operands.length === 3) {
    return (request) => {
      const x = a(request);
      if (x === decisive) return decisive;
      const y = b(request);
      if (y === decisive) return decisive;
      const z = c(request);
      if (z === decisive) return decisive;
      return x === undefined || y === undefined || z === undefined ? undefined : !decisive;
    };
  }
  return (request) => {
    let result: Truth = !decisive;
    for (const operand of operands) {
      const r = operand(request);
      if (r === decisive) return decisive;
      if (r === undefined) result = undefined;
    }
    return result;
  };
}
