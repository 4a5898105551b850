/**
 * `mandate/server`: the Delegator as an HTTP service (`createServiceApp`, `listen`), the owner
 * credential it accepts, and `DelegatorClient`, the service from another process. See
 * docs/server.md.
 */
export { createServiceApp, type ServiceAppOptions, type ServiceLogEntry } from './app.js';
export { listen, type ListenOn, type RunningService } from './serve.js';
export {
  DelegatorClient,
  type ApprovalTerms,
  type DelegatorClientOptions,
  type PolicyTerms,
} from './client.js';
export {
  OWNER_CREDENTIAL_PREFIX,
  createOwnerCredential,
  isOwnerCredentialForm,
  ownerCheck,
} from './owner-credential.js';
export { ServiceError, UNAUTHORIZED_MESSAGE } from './errors.js';
export { DEFAULT_SERVICE_LIMITS, type ServiceLimits } from './limits.js';
export { BODY_SCHEMAS } from './schemas.js';
export { openApiDocument } from './openapi.js';
export {
  DEFAULT_SESSION_LIMITS,
  SESSION_COOKIE,
  Sessions,
  type SessionLimits,
} from './sessions.js';
