/**
 * The requests area's public names: the Delegator (the owner's authorization server for
 * permission requests), its stores, the audit log's chain, and the typed errors. See
 * docs/requests.md.
 */
export { Delegator } from './delegator.js';
export type {
  DelegatorOptions,
  OpenOptions,
  DelegatorMintOptions,
  ApproveRequestOptions,
  DenyRequestOptions,
  EscalateRequestOptions,
  CancelRequestOptions,
  WaitOptions,
  AddPolicyOptions,
  AuditQuery,
  AttachableSession,
  GrantorRef,
  RotateKeyOptions,
  VerifyAuditOptions,
} from './options.js';
export type { InboxEvent } from './answers/subscription.js';
export type {
  DelegationNode,
  DelegationQuery,
  DelegationStatus,
} from './answers/delegation-tree.js';
export type { RevokeOptions, RevokeResult } from './delegator-base.js';
export type { RevokeOutcome, RevokeTarget } from './decisions/revoke.js';
export type {
  PermissionRequestView,
  InboxItem,
  ApprovalPreview,
  PolicyView,
  AuditRecord,
} from './answers/views.js';
export {
  applyTransition,
  type RequestStore,
  type StoreChange,
  type TransitionInput,
  type EscalateInput,
} from './store/store.js';
export type {
  RequestRecord,
  RequestStatus,
  StoredOutcome,
  EscalationLink,
  AuditEntry,
  AuditInput,
  AuditKind,
  AuditFilter,
  HopRecord,
  HopFilter,
  RevocationInput,
  PolicyRecord,
  RequestFilter,
  Json,
} from './store/model.js';
export { AUDIT_KINDS } from './store/audit-kinds.js';
export { createMemoryStore } from './store/memory-store.js';
export { openSqliteStore, type SqliteStoreOptions } from './store/sqlite-store.js';
export { openPostgresStore, type PostgresStoreOptions } from './store/postgres-store.js';
export { redactUrl } from './store/_postgres-connection.js';
export {
  GENESIS_HASH,
  chainEntries,
  verifyAuditChain,
  type AuditVerification,
} from './store/audit.js';
export type { AuditCheck, AuditMismatch } from './store/audit-check.js';
export {
  REQUEST_LIMITS,
  DEFAULT_POLL_INTERVAL,
  SLOW_DOWN_STEP,
  MAX_POLL_INTERVAL,
  type RequestCall,
} from './input.js';

export {
  RequestNotFoundError,
  RequestNotPendingError,
  RequestExpiredError,
  RequestForbiddenError,
  RequestExceedsAuthorityError,
  RequestScopeNotRequestedError,
  RequestTokenError,
  RevokeForbiddenError,
  RequestInvalidError,
  RequestCannotEscalateError,
  RequestStoreError,
  RequestStoreUnavailableError,
  type ForbiddenReason,
  type TokenProblem,
} from './errors.js';
export type { RequestErrorCode } from '../errors.js';
