/**
 * The "needed permission" part of a denial: what would let the call through, and whom to ask.
 *
 * The minimal scope and up to three generalizations come from the algebra's `neededScope`. Each
 * is tagged with whether the grantor to ask can grant it now from its own authority: the grantor
 * of the last block holds the token without that block, so its scope is the conjunction of the
 * conditions of every earlier block. An approval keeps every restriction of the token that the
 * granted scope does not speak to (docs/requests.md), so "can grant now" is containment in that
 * scope of the proposal together with the token's restrictions beside it, restricted to the
 * current instant. (Without the restriction to now, any expiry in the grantor's own token would
 * make every unbounded proposal "not grantable", although a grant derived from that token simply
 * inherits the expiry.) `grantableBy` is the author of the first block that refuses the call:
 * every grantor above it holds a token that allows it.
 *
 * All of it runs within the call's one budget (`AUTHORIZE_ALGEBRA_LIMITS`), which the
 * explanation of the failures has already drawn on: the token's holder writes the conditions the
 * algebra reasons about, so no part may take a fresh budget of its own.
 */
import type { Budget } from '../scope/algebra/limits.js';
import { size } from '../scope/build.js';
import {
  MAX_INSTANT_MS,
  MIN_INSTANT_MS,
  contains,
  fieldsRead,
  neededScope,
  pinnedTool,
  restrictionsBeside,
  restrictionsOf,
  timeAt,
  withTool,
  compileCaveat,
  type Condition,
  type ScopeRequest,
} from '../scope/index.js';
import { AUTHORIZE_ALGEBRA_LIMITS } from './budgets.js';
import type { NeededPermission } from './decision.js';

/**
 * Builds `needed` for a request that `scope` refuses (`failing`: the canonical texts of its
 * conditions that do not hold), within `budget` (the call's, shared with the explanation of its
 * failures); `grantableBy` is the author of the first refusing block. `undefined` when no permission
 * can name the call (its tool's name is too long to write as a condition).
 */
export function neededPermission(
  budget: Budget,
  scope: readonly Condition[],
  failing: readonly string[],
  grantorScope: readonly Condition[],
  request: ScopeRequest,
  askFrom: string,
  grantableBy: string,
): NeededPermission | undefined {
  // Only the failing conditions shape the answer, so only they are read again: as their
  // canonical texts, which explaining the failures has just compiled (the scope layer's cache
  // answers by text, without printing or copying the AST). `within: []` (everything) keeps
  // neededScope's own containment tags trivial: ours differ.
  const needed = neededScope(failing, request, { within: [], budget });
  if (needed.conditions.length === 0) return undefined;
  // What the budget cut, if anything: suggestions when it ran out while they were sought, a
  // grantable answer when it ran out before that answer. A budget that runs out only after
  // everything was answered (a pause of the process at the end of the call) cut nothing.
  let cut = budget.spent !== undefined;
  const grantableWithin = grantableNow(scope, grantorScope, request, budget);
  const grantable = (proposal: readonly string[]): boolean | 'unknown' => {
    const answer = grantableWithin(proposal);
    if (answer === 'unknown' && budget.spent !== undefined) cut = true;
    return answer;
  };
  const permission: NeededPermission = {
    scope: needed.conditions,
    grantable: grantable(needed.conditions),
    suggestions: needed.suggestions.map((s) => ({
      kind: s.kind,
      scope: s.conditions,
      grantable: grantable(s.conditions),
    })),
    unexpressible: needed.unexpressible,
    askFrom,
    grantableBy,
  };
  const spent = cut ? budget.spent : undefined;
  return spent === undefined
    ? permission
    : {
        ...permission,
        incomplete: `the algebra budget of one authorize ran out (${spent}): grantable answers past it are 'unknown' and suggestions may be fewer`,
      };
}

function grantableNow(
  scope: readonly Condition[],
  grantorScope: readonly Condition[],
  request: ScopeRequest,
  budget: Budget,
): (proposal: readonly string[]) => boolean | 'unknown' {
  const ms = request.time.getTime();
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS) return () => 'unknown';
  const now = timeAt(ms);
  // A proposal that pins one tool keeps the token's restrictions as read for that tool. They
  // are read here once per tool, within the budget, rather than by `restrictionsBeside` once per
  // proposal, each reading with a fresh budget of its own (the same restrictions: a reading that
  // the tool always or never meets is left out, either way). Reading stops when the budget is
  // spent: the answer is then 'unknown' whatever the rest would say.
  const forTool = new Map<string, Condition[]>();
  const readFor = (tool: string): Condition[] => {
    let read = forTool.get(tool);
    if (read === undefined) {
      read = [];
      for (const r of restrictionsOf(scope)) {
        if (!fieldsRead(r).some((f) => f.root === 'tool')) read.push(r);
        else if (budget.spent !== undefined) break;
        else {
          const rest = withTool(r, tool, { budget });
          if (rest.kind !== 'constant') read.push(rest);
        }
      }
      forTool.set(tool, read);
    }
    return read;
  };
  return (proposal) => {
    // Once the budget is spent no answer can come back but 'unknown': skip the work before it.
    if (budget.spent !== undefined) return 'unknown';
    const granted = proposal.map((text) => compileCaveat(text).condition);
    const fields = granted.flatMap(fieldsRead);
    const tool = pinnedTool(granted);
    const kept =
      tool === undefined
        ? restrictionsBeside(scope, fields)
        : restrictionsBeside(readFor(tool), fields);
    if (budget.spent !== undefined) return 'unknown';
    const inner = [...granted, ...kept, now];
    // The algebra refuses scopes past `maxComparisons` with 'unknown', but only after copying
    // them (it copies every AST it is given): say it first, at the cost of a count.
    const comparisons = [...grantorScope, ...inner].reduce((n, c) => n + size(c), 0);
    if (comparisons > AUTHORIZE_ALGEBRA_LIMITS.maxComparisons) return 'unknown';
    return contains([...grantorScope], inner, { budget }).contained;
  };
}
