/**
 * Building the token an approval hands out. The requester's new token is derived from the
 * grantor's own current token, never from the requester's: `grantor token + to "<requester>" +
 * ((previous conditions of the requester's token) or (approved scope and time box))`. The
 * first part bounds it: a macaroon only ever gains caveats, so the new token allows nothing the
 * grantor's token refuses. The disjunction keeps what the requester could already do and adds
 * what was granted; the time box, when there is one, applies to the grant alone, so an
 * approval that runs out takes back exactly what it gave. For the owner, who holds the root
 * key, the new token is a fresh mint whose first block is that marker and condition. The
 * condition is built as an AST and printed by the scope printer, never concatenated.
 */
import { delegate, mintDelegation, type RootKeyring } from '../../delegation/index.js';
import {
  parseCondition,
  printCaveat,
  type And,
  type Condition,
  type Or,
} from '../../scope/index.js';
import { RequestInvalidError } from '../errors.js';

/**
 * The AST of `time < at` (`at` in ms): the time box of a grant.
 *
 * @example
 * ```ts
 * printCaveat(timeBefore(Date.UTC(2026, 0, 1))); // 'time < 2026-01-01T00:00:00Z'
 * ```
 */
export function timeBefore(at: number): Condition {
  return {
    kind: 'compare',
    quantifier: null,
    path: { root: 'time' },
    op: '<',
    value: { type: 'instant', ms: at },
  };
}

/**
 * The AST of `time == at` (`at` in ms): the algebra's way of asking "at this moment".
 *
 * @example
 * ```ts
 * contains(grantorScope, [...requested, timeAt(Date.now())]);
 * ```
 */
export function timeAt(at: number): Condition {
  return {
    kind: 'compare',
    quantifier: null,
    path: { root: 'time' },
    op: '==',
    value: { type: 'instant', ms: at },
  };
}

/**
 * The conjunction of `conditions` as one normalized AST (`true` for none), flattening nested
 * `and`s as the AST contract requires.
 *
 * @example
 * ```ts
 * printCaveat(conjunction([parseCondition('args.a == 1'), parseCondition('args.b == 2 and args.c == 3')]));
 * // 'args.a == 1 and args.b == 2 and args.c == 3'
 * ```
 */
export function conjunction(conditions: readonly Condition[]): Condition {
  const operands = conditions.flatMap((c) => (c.kind === 'and' ? c.operands : [c]));
  if (operands.length === 0) return { kind: 'constant', value: true };
  if (operands.length === 1) return operands[0] as Condition;
  const node: And = { kind: 'and', operands };
  return node;
}

/**
 * The single condition of the requester's new block: `(previous) or (granted and time box)`,
 * or `undefined` when there are no previous conditions (the requester's token had none beyond
 * those of the grantor's own token, so it already allowed everything that token allows, and
 * `true or …` is `true`). `previous` must be every condition of the requester's token (less
 * those the grantor's token carries), not only its last block's: see `Lifecycle#grant`.
 *
 * @example
 * ```ts
 * grantCondition(['tool == "fs.read"'], ['tool == "fs.write"'], null);
 * // 'tool == "fs.read" or tool == "fs.write"'
 * ```
 */
export function grantCondition(
  previous: readonly string[],
  granted: readonly string[],
  timeBox: number | null,
): string | undefined {
  if (previous.length === 0) return undefined;
  const before = conjunction(previous.map((text) => parseCondition(text)));
  const grant = conjunction([
    ...granted.map((text) => parseCondition(text)),
    ...(timeBox === null ? [] : [timeBefore(timeBox)]),
  ]);
  const operands = [before, grant].flatMap((c) => (c.kind === 'or' ? c.operands : [c]));
  const node: Or = { kind: 'or', operands };
  try {
    return printCaveat(node);
  } catch (err) {
    throw new RequestInvalidError(
      'scope',
      "would make the requester's block larger than the scope limits allow; mint it a fresh delegation instead",
      { cause: err },
    );
  }
}

/** Who approves, and with what. */
export type Approver =
  | { readonly kind: 'owner'; readonly rootKeys: RootKeyring }
  | { readonly kind: 'agent'; readonly token: string };

/**
 * The requester's new token.
 *
 * @param approver - the owner (mints under the keyring's signing key) or an agent (its token)
 * @param requester - the principal of the new block's `to` marker
 * @param condition - from `grantCondition`; `undefined` for none
 * @example
 * ```ts
 * const token = deriveToken({ kind: 'agent', token: plannerToken }, 'coder', grantCondition(prev, scope, null));
 * ```
 */
export function deriveToken(
  approver: Approver,
  requester: string,
  condition: string | undefined,
): string {
  const conditions = condition === undefined ? [] : [condition];
  if (approver.kind === 'owner')
    return mintDelegation(approver.rootKeys, { to: requester, conditions });
  return delegate(approver.token, { to: requester, conditions }).token;
}
