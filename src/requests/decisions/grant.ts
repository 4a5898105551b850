/**
 * Building the token an approval hands out, by the rule "an approval widens what blocked, and
 * nothing else" (docs/requests.md, "What an approval grants"). The requester's new token is
 * derived from the grantor's own current token, never from the requester's:
 * `grantor token + to "<requester>" + ((previous) or (granted and kept and time box))`.
 *
 * - The grantor's token bounds it: a macaroon only ever gains caveats, so the new token allows
 *   nothing the grantor's token refuses.
 * - `previous` (every condition of the requester's token, less those the grantor's token
 *   carries) keeps what the requester could already do.
 * - `kept` are the restrictions of the requester's token that the granted scope does not speak
 *   to: those that read none of the fields (`tool`, `time`, `args` paths) the granted scope
 *   reads; when the granted scope admits one tool only, restrictions on `tool` are first read
 *   for that tool (`tool != "bank.transfer" or args.amount <= 100` keeps `args.amount <= 100`). So an agent held to `args.account == "checking"` and granted `tool ==
 *   "bank.transfer" and args.amount <= 100` may transfer up to 100 from checking only, and the
 *   requester's own expiry (`time < …`) stays on the grant unless the grantor sets a time box.
 * - The time box, when there is one, speaks to `time`: it replaces the requester's expiry on
 *   the grant alone (so a grant that runs out takes back exactly what it gave), and it is cut to
 *   the grantor's own expiry, which the new token inherits anyway.
 *
 * For the owner, who holds the root key, the new token is a fresh mint whose first block is the
 * marker and the condition. The condition is built as an AST and printed once.
 */
import { mintDelegation, type Delegation, type RootKeyring } from '../../delegation/index.js';
import { appendBlock } from '../../delegation/mint.js';
import {
  alternatives,
  and,
  contains,
  expiryOf,
  fieldsRead,
  or,
  pinnedTool,
  printCaveat,
  restrictionsBeside,
  timeBefore,
  type Alternatives,
  type Condition,
  type Path,
} from '../../scope/index.js';
import { RequestInvalidError } from '../errors.js';

/** What an approval will hand out, worked out before anything is written. */
export interface GrantPlan {
  /**
   * What the requester may do through the grant, as a conjunction: the granted scope, the
   * restrictions kept, and the time box. Checked against the grantor's authority.
   */
  readonly reach: readonly Condition[];
  /** The single condition of the requester's new block, or `undefined` for none. */
  readonly condition: Condition | undefined;
  /**
   * When the grant ends (ms): the time box as cut, else the first expiry among the kept
   * restrictions and the grantor's token; `null` when nothing ends it.
   */
  readonly ends: number | null;
  /** Whether the time box asked for reached past the grantor's own expiry and was cut to it. */
  readonly cut: boolean;
}

const TIME: Path = Object.freeze({ root: 'time' });

/**
 * Plans an approval of `granted` (until `timeBox`, ms, or `null`) for the holder of
 * `requester`, by `approver` (`undefined` for the owner).
 *
 * @example
 * ```ts
 * const plan = planGrant(requester, planner, parseConditions(['tool == "fs.write"']), null);
 * printCaveat(plan.condition!); // 'tool == "fs.read" or tool == "fs.write" and args.path ~ "/repo/**"'
 * ```
 */
export function planGrant(
  requester: Delegation,
  approver: Delegation | undefined,
  granted: readonly Condition[],
  timeBox: number | null,
): GrantPlan {
  const fields = granted.flatMap(fieldsRead);
  const expiry = approver === undefined ? null : expiryOf(approver.scope);
  const cut = timeBox !== null && expiry !== null && timeBox > expiry;
  const box = cut ? expiry : timeBox;
  if (box !== null) fields.push(TIME);
  const implied = new Set(approver?.conditions ?? []);
  const previous = requester.scope.filter(
    (_, i) => !implied.has(requester.conditions[i] as string),
  );
  const boxed = box === null ? [] : [timeBefore(box)];
  const tool = pinnedTool(granted);
  const reach = [...granted, ...restrictionsBeside(requester.scope, fields, tool), ...boxed];
  const condition =
    previous.length === 0
      ? undefined
      : or([
          and(previous),
          and([...granted, ...restrictionsBeside(previous, fields, tool), ...boxed]),
        ]);
  const ends = [box ?? expiryOf(reach), expiry].filter((t): t is number => t !== null);
  return { reach, condition, ends: ends.length === 0 ? null : Math.min(...ends), cut };
}

/**
 * What the requester could do after the grant that it cannot do now, one alternative per line:
 * the new token's reach through the grant (the grantor's scope and the grant's reach,
 * simplified and expanded), less the alternatives the requester's token already allows whole.
 * It never leaves out a request the grant adds; an alternative shown may overlap what the
 * requester could already do.
 *
 * @example
 * ```ts
 * grantEffect(plan, requester, planner).alternatives; // ['tool == "fs.write" and args.path ~ "/repo/**"']
 * ```
 */
export function grantEffect(
  plan: GrantPlan,
  requester: Delegation,
  approver: Delegation | undefined,
): Alternatives {
  const through = alternatives([...(approver?.scope ?? []), ...plan.reach]);
  const previous = [...requester.scope];
  return {
    alternatives: through.alternatives.filter((a) => contains(previous, a).contained !== true),
    complete: through.complete,
  };
}

/** Who approves, and with what. */
export type Approver =
  | { readonly kind: 'owner'; readonly rootKeys: RootKeyring }
  | { readonly kind: 'agent'; readonly delegation: Delegation };

/**
 * The requester's new token.
 *
 * @param approver - the owner (mints under the keyring's signing key) or an agent (its token)
 * @param requester - the principal of the new block's `to` marker
 * @param condition - from `planGrant`; `undefined` for none
 * @example
 * ```ts
 * const token = deriveToken({ kind: 'agent', delegation: planner }, 'coder', plan.condition);
 * ```
 */
export function deriveToken(
  approver: Approver,
  requester: string,
  condition: Condition | undefined,
): string {
  const conditions = condition === undefined ? [] : [printGrant(condition)];
  if (approver.kind === 'owner')
    return mintDelegation(approver.rootKeys, { to: requester, conditions });
  return appendBlock(approver.delegation, { to: requester, conditions }).token;
}

function printGrant(condition: Condition): string {
  try {
    return printCaveat(condition);
  } catch (err) {
    throw new RequestInvalidError(
      'scope',
      "would make the requester's block larger than the scope limits allow; mint it a fresh delegation instead",
      { cause: err },
    );
  }
}
