/**
 * What a person deciding in the console needs to see about scopes, put together from the scope
 * algebra and the Delegator's own answers (no rule of its own): each condition as typed, checked
 * (its canonical form, or the parse error with its caret excerpt); which conditions widen with a
 * `**` glob (the console asks for confirmation); a request an approval would allow beyond the
 * denied call it came from (a witness); and a principal's effective scope, simplified, one
 * alternative per line.
 */
import type { DelegationNode, RequestCall } from '../requests/index.js';
import {
  alternatives,
  and,
  contains,
  neededScope,
  not,
  or,
  parseCondition,
  parseGlob,
  printCaveat,
  type Alternatives,
  type Condition,
  type ScopeRequest,
} from '../scope/index.js';
import { errorAnswer, type ErrorAnswer } from './errors.js';

/** One condition as typed, checked. */
export type ConditionCheck =
  | { readonly text: string; readonly ok: true; readonly condition: string }
  | { readonly text: string; readonly ok: false; readonly error: ErrorAnswer['body'] };

/** The conditions as typed, each checked, and the parsed ones when every one parses. */
export interface ConditionChecks {
  readonly checks: readonly ConditionCheck[];
  readonly parsed: readonly Condition[] | undefined;
}

/**
 * Each of `texts` parsed as a condition: its canonical text, or the error the scope layer gives
 * (for a syntax error: line, column, what was expected, and the caret excerpt).
 *
 * @example
 * ```ts
 * checkConditions(['tool == "a"', 'args.n >> 1']).checks[1]; // { ok: false, error: { code: 'ERR_SCOPE_SYNTAX', excerpt: 'args.n >> 1\n        ^', … } }
 * ```
 */
export function checkConditions(texts: readonly string[]): ConditionChecks {
  const parsed: Condition[] = [];
  const checks = texts.map((text): ConditionCheck => {
    try {
      const condition = parseCondition(text);
      parsed.push(condition);
      return { text, ok: true, condition: printCaveat(condition) };
    } catch (err) {
      const answer = errorAnswer(err);
      if (answer === undefined) throw err;
      return { text, ok: false, error: answer.body };
    }
  });
  return { checks, parsed: parsed.length === texts.length ? parsed : undefined };
}

/**
 * The conditions (canonical text) that allow more through a `**` glob: a `~` (or a `!~` under
 * `not`) whose pattern holds `**`, so that it reaches any depth of a path or a name.
 *
 * @example
 * ```ts
 * globstarConditions([parseCondition('args.path ~ "/repo/**"'), parseCondition('tool == "a"')]); // ['args.path ~ "/repo/**"']
 * ```
 */
export function globstarConditions(conditions: readonly Condition[]): string[] {
  return conditions.filter((c) => widensWithGlobstar(c, true)).map((c) => printCaveat(c));
}

function widensWithGlobstar(c: Condition, positive: boolean): boolean {
  switch (c.kind) {
    case 'compare':
      return (
        c.op === (positive ? '~' : '!~') &&
        c.value.type === 'string' &&
        parseGlob(c.value.value).some((t) => t.kind === 'globstar')
      );
    case 'not':
      return widensWithGlobstar(c.operand, !positive);
    case 'and':
    case 'or':
      return c.operands.some((o) => widensWithGlobstar(o, positive));
    default:
      return false;
  }
}

/**
 * A request the approval's `effect` would allow that is not the denied `call` the request came
 * from, in what the effect speaks of (its tool, and the arguments its conditions read), or
 * `null` when the effect allows only that call (or nothing, or the algebra cannot tell).
 *
 * @example
 * ```ts
 * beyondCall({ tool: 'fs.write', args: { path: '/repo/a.md' } }, preview.effect, new Date());
 * // { tool: 'fs.write', args: { path: '/repo/.git/config' }, time: … } for an effect of `args.path ~ "/repo/**"`
 * ```
 */
export function beyondCall(call: RequestCall, effect: Alternatives, at: Date): ScopeRequest | null {
  if (effect.alternatives.length === 0) return null;
  try {
    const allowed = or(effect.alternatives.map((text) => parseCondition(text)));
    // The call pinned on every path the effect reads: the conditions that fail on `not effect`.
    const pinned = neededScope([not(allowed)], { tool: call.tool, args: call.args, time: at });
    if (pinned.conditions.length === 0) return null;
    const verdict = contains(pinned.conditions, [allowed]);
    return verdict.contained === false ? verdict.witness : null;
  } catch {
    // An effect the algebra cannot read back, or past a limit: no example to show.
    return null;
  }
}

/** One live delegation a principal holds, with what it allows. */
export interface HeldDelegation {
  readonly id: string;
  readonly grantor: string;
  readonly block: number;
  readonly expiresAt: string | null;
  /** Every condition from the mint down to this hop, simplified, one alternative each. */
  readonly scope: Alternatives;
}

/** What a principal may do: each live delegation it holds, and all of them together. */
export interface EffectiveScope {
  readonly principal: string;
  readonly delegations: readonly HeldDelegation[];
  /** The union of the delegations' scopes, simplified, one alternative each. */
  readonly scope: Alternatives;
}

/**
 * What `principal` may do, from the delegation tree: every live hop to it, each with the
 * conditions of its whole chain (its own block's and every block above), simplified.
 *
 * @example
 * ```ts
 * effectiveScope(await delegator.delegations(), 'coder').scope.alternatives; // ['tool == "fs.read" and args.path ~ "/repo/**"']
 * ```
 */
export function effectiveScope(
  nodes: readonly DelegationNode[],
  principal: string,
): EffectiveScope {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const held: HeldDelegation[] = [];
  const scopes: Condition[] = [];
  for (const node of nodes) {
    if (node.grantee !== principal || node.status !== 'live') continue;
    const conditions: Condition[] = [];
    // Up the chain to the mint (a tree has no loop; the count only bounds a corrupt store).
    let at: DelegationNode | undefined = node;
    for (let hops = 0; at !== undefined && hops <= nodes.length; hops++) {
      for (const text of at.conditions) conditions.push(parseCondition(text));
      at = at.parent === null ? undefined : byId.get(at.parent);
    }
    scopes.push(and(conditions));
    held.push({
      id: node.id,
      grantor: node.grantor,
      block: node.block,
      expiresAt: node.expiresAt,
      scope: alternatives(conditions),
    });
  }
  return {
    principal,
    delegations: held,
    scope: scopes.length === 0 ? { alternatives: [], complete: true } : alternatives([or(scopes)]),
  };
}
