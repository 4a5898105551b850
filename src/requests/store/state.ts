/**
 * The request state machine. A request starts `pending`; its grantor approves, denies or
 * escalates it, its requester may cancel it, and time may expire it. An `escalated` request
 * waits on a linked request one level up the chain: when that is approved it becomes `pending`
 * again (or `approved` at once when the grantor asked for that), when that is denied it is
 * `denied` too, and when that expires or is cancelled it is `pending` again so its grantor can
 * still decide. `approved`, `denied`, `expired` and `cancelled` are final: nothing leaves them.
 * Every store write goes through `assertTransition`, so no code path can, say, approve an
 * expired request.
 */
import type { RequestStatus } from './model.js';

const TRANSITIONS: Readonly<Record<RequestStatus, readonly RequestStatus[]>> = Object.freeze({
  pending: ['approved', 'denied', 'escalated', 'expired', 'cancelled'],
  escalated: ['pending', 'approved', 'denied', 'expired', 'cancelled'],
  approved: [],
  denied: [],
  expired: [],
  cancelled: [],
});

/**
 * Whether a request may move from `from` to `to`.
 *
 * @example
 * ```ts
 * canTransition('pending', 'approved');  // true
 * canTransition('expired', 'approved');  // false
 * ```
 */
export function canTransition(from: RequestStatus, to: RequestStatus): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/**
 * Throws a `RangeError` when the move is not in the state machine. A programming error, not a
 * request failure: callers check the status first and report `RequestNotPendingError`.
 *
 * @example
 * ```ts
 * assertTransition('approved', 'denied'); // RangeError
 * ```
 */
export function assertTransition(from: RequestStatus, to: RequestStatus): void {
  if (!canTransition(from, to)) throw new RangeError(`a request cannot go from ${from} to ${to}`);
}

/**
 * Whether a request in this status can still change (`pending` or `escalated`).
 *
 * @example
 * ```ts
 * isOpen('escalated'); // true
 * ```
 */
export function isOpen(status: RequestStatus): boolean {
  return status === 'pending' || status === 'escalated';
}

/**
 * Whether this status is an answer the requester receives (`approved`, `denied`, `expired`,
 * `cancelled`).
 *
 * @example
 * ```ts
 * isFinal('denied'); // true
 * ```
 */
export function isFinal(status: RequestStatus): boolean {
  return !isOpen(status);
}
