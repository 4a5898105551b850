/**
 * The typed failures of the permission-request lifecycle. Every one is a `MandateError` with a
 * stable `ERR_REQUEST_*` code, so a harness, the CLI or the server can `switch (err.code)` and
 * print `toJSON()` as it is. Messages name the request and what to do next (escalate, ask
 * again); they never carry a token, a key or a signature.
 */
import { MandateError } from '../errors.js';

/**
 * No request (or policy) with this id exists in the store.
 *
 * @example
 * ```ts
 * try { await delegator.poll('req_nope'); }
 * catch (err) { if (err instanceof RequestNotFoundError) console.log(err.code); } // ERR_REQUEST_NOT_FOUND
 * ```
 */
export class RequestNotFoundError extends MandateError {
  readonly requestId: string;

  constructor(requestId: string, what = 'request') {
    super(
      what === 'policy' ? 'ERR_REQUEST_POLICY_NOT_FOUND' : 'ERR_REQUEST_NOT_FOUND',
      `no ${what} with id ${JSON.stringify(requestId)}`,
    );
    this.requestId = requestId;
  }

  protected override details(): Record<string, unknown> {
    return { id: this.requestId };
  }
}

/**
 * The request has left the state the operation needs: it was already decided, cancelled,
 * escalated, or it expired. `status` is where it is now.
 *
 * @example
 * ```ts
 * try { await delegator.approve(id, { by: 'owner' }); }
 * catch (err) { if (err instanceof RequestNotPendingError) console.log(err.status); } // e.g. 'denied'
 * ```
 */
export class RequestNotPendingError extends MandateError {
  readonly requestId: string;
  readonly status: string;

  constructor(requestId: string, status: string) {
    const code = status === 'expired' ? 'ERR_REQUEST_EXPIRED' : 'ERR_REQUEST_NOT_PENDING';
    super(code, `request ${requestId} is ${status}; it can no longer be decided that way`);
    this.requestId = requestId;
    this.status = status;
  }

  protected override details(): Record<string, unknown> {
    return { id: this.requestId, status: this.status };
  }
}

/**
 * The request expired before the operation: expired requests can never be approved, denied or
 * escalated.
 *
 * @example
 * ```ts
 * try { await delegator.approve(id, { by: 'owner' }); }
 * catch (err) { if (err instanceof RequestExpiredError) console.log(err.code); } // ERR_REQUEST_EXPIRED
 * ```
 */
export class RequestExpiredError extends RequestNotPendingError {
  constructor(requestId: string) {
    super(requestId, 'expired');
  }
}

/** Why a decider was turned away. */
export type ForbiddenReason =
  'not-addressed-grantor' | 'self-decision' | 'not-requester' | 'not-policy-grantor';

/**
 * The caller is not allowed to do this to the request: only the addressed grantor decides, a
 * requester never decides its own request, and only the requester cancels it.
 *
 * @example
 * ```ts
 * try { await delegator.approve(id, { by: { token: coderToken } }); }
 * catch (err) { if (err instanceof RequestForbiddenError) console.log(err.reason); } // 'self-decision'
 * ```
 */
export class RequestForbiddenError extends MandateError {
  readonly requestId: string;
  readonly reason: ForbiddenReason;

  constructor(requestId: string, reason: ForbiddenReason, message: string) {
    super('ERR_REQUEST_FORBIDDEN', message);
    this.requestId = requestId;
    this.reason = reason;
  }

  protected override details(): Record<string, unknown> {
    return { id: this.requestId, reason: this.reason };
  }
}

/**
 * The grantor's own current token does not contain the scope it tried to grant. `witness` is a
 * concrete request the approval would allow and the grantor's token refuses (absent when the
 * algebra could only answer "unknown", which counts as not contained). The remedy is `escalate`.
 *
 * @example
 * ```ts
 * try { await delegator.approve(id, { by: { token: plannerToken } }); }
 * catch (err) {
 *   if (err instanceof RequestExceedsAuthorityError) await delegator.escalate(id, { by: { token: plannerToken } });
 * }
 * ```
 */
export class RequestExceedsAuthorityError extends MandateError {
  readonly requestId: string;
  readonly grantor: string;
  readonly witness: unknown;

  constructor(requestId: string, grantor: string, witness: unknown, why: string) {
    super(
      'ERR_REQUEST_EXCEEDS_AUTHORITY',
      `request ${requestId} asks for more than ${grantor} holds (${why}); escalate it to ${grantor}'s grantor`,
    );
    this.requestId = requestId;
    this.grantor = grantor;
    this.witness = witness;
  }

  protected override details(): Record<string, unknown> {
    return { id: this.requestId, grantor: this.grantor, witness: this.witness, remedy: 'escalate' };
  }
}

/**
 * The approved scope is not inside the requested scope: an approval may narrow a request, never
 * widen it. `witness` is a request the approved scope allows and the requested scope does not.
 *
 * @example
 * ```ts
 * await delegator.approve(id, { by: 'owner', scope: 'tool == "fs.read"' }); // throws unless inside the request
 * ```
 */
export class RequestScopeNotRequestedError extends MandateError {
  readonly requestId: string;
  readonly witness: unknown;

  constructor(requestId: string, witness: unknown, why: string) {
    super(
      'ERR_REQUEST_SCOPE_NOT_REQUESTED',
      `the approved scope goes beyond what request ${requestId} asked for (${why})`,
    );
    this.requestId = requestId;
    this.witness = witness;
  }

  protected override details(): Record<string, unknown> {
    return { id: this.requestId, witness: this.witness };
  }
}

/** What is wrong with a token presented to the Delegator, or kept with a request. */
export type TokenProblem =
  | 'invalid'
  | 'key-retired'
  | 'expired'
  | 'stale'
  | 'revoked'
  | 'principal-mismatch'
  | 'no-principal';

/**
 * A token presented to request, decide or subscribe cannot be used. `invalid` (malformed,
 * unknown key, bad signature) always has the same message and no detail; `key-retired` (same
 * code) is said only of a token the Delegator verified before, when it kept a request, and whose
 * root key the store has recorded as retired since: the message names the key and whom the
 * requester must ask for a fresh delegation, and nothing about the signature; `expired` means its
 * time is up (the message says when, and whom to ask for a new delegation); `stale` means it
 * no longer authorizes anything for another reason; `revoked` means it, a token it was derived
 * from or its holder was revoked (the message says which hop, by whom, when and why);
 * `principal-mismatch` means the claimed
 * principal is not the one its last block names; `no-principal` means a bearer token, which has
 * nobody to answer to.
 *
 * @example
 * ```ts
 * try { await delegator.request({ token: forged, principal: 'coder', scope: ['true'], reason: 'x' }); }
 * catch (err) { if (err instanceof RequestTokenError) console.log(err.problem); } // 'invalid'
 * ```
 */
export class RequestTokenError extends MandateError {
  readonly problem: TokenProblem;

  constructor(problem: TokenProblem, message: string) {
    const code =
      problem === 'invalid' || problem === 'key-retired'
        ? 'ERR_REQUEST_TOKEN_INVALID'
        : problem === 'expired'
          ? 'ERR_REQUEST_TOKEN_EXPIRED'
          : problem === 'stale'
            ? 'ERR_REQUEST_TOKEN_STALE'
            : problem === 'revoked'
              ? 'ERR_REQUEST_TOKEN_REVOKED'
              : 'ERR_REQUEST_TOKEN_PRINCIPAL';
    super(code, problem === 'invalid' ? 'token is invalid' : message);
    this.problem = problem;
  }

  protected override details(): Record<string, unknown> {
    return { problem: this.problem };
  }
}

/**
 * The caller may not revoke this: only the owner revokes anything (a principal everywhere
 * included); an agent revokes only hops below its own place, named by a token or by the id of
 * a hop the Delegator knows.
 *
 * @example
 * ```ts
 * try { await delegator.revoke(plannerToken, { by: { token: coderToken }, reason: 'no' }); }
 * catch (err) { if (err instanceof RevokeForbiddenError) console.log(err.message); }
 * ```
 */
export class RevokeForbiddenError extends MandateError {
  constructor(message: string) {
    super('ERR_REQUEST_REVOKE_FORBIDDEN', message);
  }
}

/**
 * The content of a request or a decision is unusable: a condition that does not parse, a
 * reason that is empty or too long, too many conditions. `field` names the input; `cause`
 * holds the scope layer's error when there is one.
 *
 * @example
 * ```ts
 * try { await delegator.request({ ...input, scope: ['tool =='] }); }
 * catch (err) { if (err instanceof RequestInvalidError) console.log(err.field); } // 'scope[0]'
 * ```
 */
export class RequestInvalidError extends MandateError {
  readonly field: string;

  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super('ERR_REQUEST_INVALID', `${field} ${problem}`, options);
    this.field = field;
  }

  protected override details(): Record<string, unknown> {
    return { field: this.field };
  }
}

/**
 * The owner has no grantor to escalate to: the owner holds the root key, so its authority is
 * already everything.
 *
 * @example
 * ```ts
 * await delegator.escalate(id, { by: 'owner' }); // throws RequestCannotEscalateError
 * ```
 */
export class RequestCannotEscalateError extends MandateError {
  readonly requestId: string;

  constructor(requestId: string) {
    super(
      'ERR_REQUEST_CANNOT_ESCALATE',
      `request ${requestId} is addressed to the owner, who has nobody to escalate to`,
    );
    this.requestId = requestId;
  }

  protected override details(): Record<string, unknown> {
    return { id: this.requestId };
  }
}

/**
 * The store cannot be used: its schema is newer than this library understands, or it holds no
 * root key and none was supplied where one is required.
 *
 * @example
 * ```ts
 * try { await Delegator.open({ path }); }
 * catch (err) { if (err instanceof RequestStoreError) console.error(err.message); }
 * ```
 */
export class RequestStoreError extends MandateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_REQUEST_STORE', message, options);
  }
}

/**
 * The store's database cannot be reached now: refused, cut, restarting, out of connections, or
 * too slow to answer. Nothing was decided by the call that failed this way, unless the database
 * committed it just before the connection broke (deciding again then answers
 * `ERR_REQUEST_NOT_PENDING`). Try again shortly; the service answers it with 503. The message
 * of a failed call names no server or user; the one of a failed opening (for the operator)
 * names the server by its URL without the password.
 *
 * @example
 * ```ts
 * try { await delegator.approve(id, { by: 'owner' }); }
 * catch (err) { if (err instanceof RequestStoreUnavailableError) setTimeout(retry, 1000); }
 * ```
 */
export class RequestStoreUnavailableError extends MandateError {
  constructor(
    message = 'the request store cannot be reached right now; try again shortly',
    options?: { cause?: unknown },
  ) {
    super('ERR_REQUEST_STORE_UNAVAILABLE', message, options);
  }
}
