/**
 * Building the token an approval hands out. The requester's new token is derived from the
 * grantor's own current token, never from the requester's: `grantor token + to "<requester>" +
 * ((previous conditions of the requester's token) or (approved scope and time box))`. The
 * first part bounds it: a macaroon only ever gains caveats, so the new token allows nothing the
 * grantor's token refuses. The disjunction keeps what the requester could already do and adds
 * what was granted; the time box, when there is one, applies to the grant alone, so an
 * approval that runs out takes back exactly what it gave. For the owner, who holds the root
 * key, the new token is a fresh mint whose first block is that marker and condition. The
 * condition is built as an AST with the scope builder and printed once, never concatenated.
 */
import { mintDelegation, type Delegation, type RootKeyring } from '../../delegation/index.js';
import { appendBlock } from '../../delegation/mint.js';
import { and, or, printCaveat, timeBefore, type Condition } from '../../scope/index.js';
import { RequestInvalidError } from '../errors.js';

/**
 * The single condition of the requester's new block: `(previous) or (granted and time box)`,
 * or `undefined` when there are no previous conditions (the requester's token had none beyond
 * those of the grantor's own token, so it already allowed everything that token allows, and
 * `true or …` is `true`). `previous` must be every condition of the requester's token (less
 * those the grantor's token carries), not only its last block's: see `Lifecycle#grant`.
 *
 * @example
 * ```ts
 * printCaveat(grantCondition([parseCondition('tool == "fs.read"')], [parseCondition('tool == "fs.write"')], null)!);
 * // 'tool == "fs.read" or tool == "fs.write"'
 * ```
 */
export function grantCondition(
  previous: readonly Condition[],
  granted: readonly Condition[],
  timeBox: number | null,
): Condition | undefined {
  if (previous.length === 0) return undefined;
  return or([and(previous), and([...granted, ...(timeBox === null ? [] : [timeBefore(timeBox)])])]);
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
 * @param condition - from `grantCondition`; `undefined` for none
 * @example
 * ```ts
 * const token = deriveToken({ kind: 'agent', delegation: planner }, 'coder', grantCondition(prev, scope, null));
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
