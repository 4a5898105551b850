/**
 * Reading the algebra's inputs. A scope is a caveat text, a condition AST, or an array of them
 * (their conjunction; the empty array is the scope that allows everything). Texts are parsed
 * with the DSL's own parser (its errors pass through: `ScopeSyntaxError`, `ScopeTypeError`,
 * `ScopeLimitError`) and cached by text; ASTs are checked once with the DSL's own shape and type
 * rules. A delegation marker is structure, not a condition, so passing one is a `TypeError`.
 * The algebra memoizes per AST node, so an AST that the caller could still change is copied
 * into a frozen one first (the parser's ASTs are frozen already).
 */
import { BoundedCache } from '../../_lru.js';
import { describe } from '../../_assert.js';
import type { Condition } from '../ast.js';
import { assertCaveat } from '../check.js';
import { DEFAULT_SCOPE_LIMITS } from '../limits.js';
import { parseCaveat } from '../parse.js';

/** What every algebra function accepts as a scope. */
export type ScopeInput = string | Condition | readonly (string | Condition)[];

const parsed = new BoundedCache<string, Condition>(1024);
const checked = new WeakSet<object>();

/** The conditions of a scope (a conjunction). Throws `TypeError` naming `name` for bad input. */
export function readScope(input: unknown, name: string): Condition[] {
  if (Array.isArray(input)) return input.map((item: unknown, i) => readOne(item, `${name}[${i}]`));
  return [readOne(input, name)];
}

function readOne(input: unknown, name: string): Condition {
  if (typeof input === 'string') {
    const hit = parsed.get(input);
    if (hit !== undefined) return hit;
    const caveat = parseCaveat(input);
    if (caveat.kind === 'marker')
      throw new TypeError(`${name} is a delegation marker (to "…"), not a condition`);
    parsed.set(input, caveat);
    return caveat;
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
  const condition = frozen(input as Condition);
  checked.add(condition);
  return condition;
}

/** `c` itself when it is deeply frozen, else a deeply frozen copy. */
function frozen(c: Condition): Condition {
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
