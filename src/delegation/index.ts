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
export {
  inspectToken,
  verifyDelegation,
  type UnverifiedToken,
  type VerifiedDelegation,
  type TokenBlock,
  type UnknownTokenCaveat,
} from './inspect.js';
export { authorize, type AuthorizeRequest, type AuthorizeOptions } from './authorize.js';
export type {
  AuthorizationDecision,
  AuthorizationAllowed,
  AuthorizationDenied,
  AuthorizationFailure,
  FailureKind,
  NeededPermission,
  ScopeSuggestion,
} from './decision.js';
export { accessForTool, type ToolAccess, type ToolAccessOptions } from './access.js';
export { normalizeConditions } from './conditions.js';
export {
  principalProblem,
  OWNER_PRINCIPAL,
  BEARER_PRINCIPAL,
  MAX_PRINCIPAL_LENGTH,
} from './principal.js';
export { TokenInvalidError, ConditionInvalidError } from './errors.js';
