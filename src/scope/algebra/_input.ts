/**
 * Reading the algebra's inputs. A scope is a caveat text, a condition AST, or an array of them
 * (their conjunction; the empty array is the scope that allows everything). Texts are parsed
 * with the DSL's own parser (its errors pass through: `ScopeSyntaxError`, `ScopeTypeError`,
 * `ScopeLimitError`) and cached by text in the evaluator's cache; ASTs are checked once with the DSL's own shape and type
 * rules. A delegation marker is structure, not a condition, so passing one is a `TypeError`.
 * The algebra memoizes per AST node, so an AST that the caller could still change is copied
 * into a frozen one first (the parser's ASTs are frozen already).
 */
import { describe } from '../../_assert.js';
import type { Condition } from '../ast.js';
import { assertCaveat, frozenCopy } from '../check.js';
import { DEFAULT_SCOPE_LIMITS } from '../limits.js';
import { compileCaveat } from '../compile.js';

/** What every algebra function accepts as a scope. */
export type ScopeInput = string | Condition | readonly (string | Condition)[];

const checked = new WeakSet<object>();
/** The text each condition was read from, so that checking a witness finds it in the evaluator's cache. */
const sources = new WeakMap<Condition, string>();

/** The caveat text `c` was read from, when it came as text. */
export function sourceOf(c: Condition): string | undefined {
  return sources.get(c);
}

/** The conditions of a scope (a conjunction). Throws `TypeError` naming `name` for bad input. */
export function readScope(input: unknown, name: string): Condition[] {
  if (Array.isArray(input)) return input.map((item: unknown, i) => readOne(item, `${name}[${i}]`));
  return [readOne(input, name)];
}

function readOne(input: unknown, name: string): Condition {
  if (typeof input === 'string') {
    // The evaluator's compiled-caveat cache parses each text once, for the algebra and for the
    // evaluation of its witnesses alike.
    let condition: Condition;
    try {
      condition = compileCaveat(input).condition;
    } catch (err) {
      if (err instanceof TypeError) {
        throw new TypeError(`${name} is a delegation marker (to "…"), not a condition`, {
          cause: err,
        });
      }
      throw err;
    }
    sources.set(condition, input);
    return condition;
  }
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(
      `${name} must be a caveat text, a condition AST or an array of them, got ${describe(input)}`,
    );
  }
  if (checked.has(input)) return input as Condition;
  if ((input as { kind?: unknown }).kind === 'marker')
    throw new TypeError(`${name} is a delegation marker, not a condition`);
  assertCaveat(input, name, DEFAULT_SCOPE_LIMITS);
  const condition = frozenCopy(input as Condition);
  checked.add(condition);
  return condition;
}
