/**
 * The delegation area's public names: root keys and keyrings, minting and delegating, reading
 * tokens (unverified and verified), authorization with exact denials, and per-tool access for
 * discovery. See docs/delegation.md.
 */
export {
  RootKey,
  RootKeyring,
  createRootKey,
  exportRootKey,
  importRootKey,
  ROOT_KEY_BYTES,
  type ExportedRootKey,
  type ExportedRootKeyring,
  type RootKeys,
} from './keys.js';
export {
  mintDelegation,
  delegate,
  type MintOptions,
  type DelegateOptions,
  type DelegationResult,
  type DelegationWarning,
} from './mint.js';
export { verifyDelegation, isDelegation, type Delegation } from './delegation.js';
export type {
  DelegationBlock,
  DelegationHops,
  TokenBlock,
  TokenBlockView,
  TokenView,
  UnknownTokenCaveat,
} from './token-shapes.js';
export { prefixIds, isHopId, HOP_ID_PATTERN } from './hops.js';
export {
  RevocationList,
  revocationFor,
  revocationReaching,
  revocationSentence,
  type Revocation,
  type RevocationSource,
  type RevocationFeedPage,
} from './revocation.js';
export { inspectToken, type UnverifiedToken } from './inspect.js';
export { isGrantorOf, samePlace } from './place.js';
export { authorize, type AuthorizeRequest, type AuthorizeOptions } from './authorize.js';
export type {
  AuthorizationDecision,
  AuthorizationAllowed,
  AuthorizationDenied,
  AuthorizationFailure,
  FailureKind,
  NeededPermission,
  ScopeSuggestion,
  TokenExpiry,
  RevocationStaleness,
  RevokedHop,
} from './decision.js';
export {
  accessForTool,
  accessForTools,
  type ToolAccess,
  type ToolAccessOptions,
} from './access.js';
export { AUTHORIZE_ALGEBRA_LIMITS, DISCOVERY_ALGEBRA_LIMITS } from './budgets.js';
export { DELEGATION_TOKEN_LIMITS } from './token-limits.js';
export { normalizeConditions, parseConditions, type ParsedCondition } from './conditions.js';
export {
  principalProblem,
  OWNER_PRINCIPAL,
  BEARER_PRINCIPAL,
  MAX_PRINCIPAL_LENGTH,
} from './principal.js';
export { TokenInvalidError, ConditionInvalidError } from './errors.js';
export type { DelegationErrorCode } from '../errors.js';
