/**
 * The contract between an agent session (this layer) and whoever routes permission requests to
 * grantors (the Delegator, in the requests layer). Imports point one way (requests → tools), so
 * the session-side hook lives here as an interface that the requests layer implements and hands
 * to `createToolRunner({ broker })`. The words follow RFC 8628 (device authorization grant):
 * a request returns a ticket at once; the answer is awaited or polled, and polling says
 * `authorization_pending`, `slow_down`, `access_denied` or `expired_token`. Changes to these
 * types only by agreement between both layers.
 */
import type { Delegation } from '../delegation/index.js';

/**
 * Where a permission request stands.
 *
 * @example
 * ```ts
 * if (ticket.status === 'pending') await session.awaitResponse(ticket.id);
 * ```
 */
export type PermissionStatus =
  'pending' | 'approved' | 'denied' | 'escalated' | 'expired' | 'cancelled';

/**
 * What a requester gets back at once when it asks.
 *
 * @example
 * ```ts
 * const ticket = await session.requestPermission({ scope: 'tool == "bank.transfer"', reason: 'pay rent' });
 * console.log(ticket.id, ticket.status, ticket.interval);
 * ```
 */
export interface PermissionTicket {
  readonly id: string;
  readonly status: PermissionStatus;
  /** Minimum seconds between polls (RFC 8628 `interval`). */
  readonly interval: number;
  readonly expiresAt: Date;
}

/**
 * The final answer to a request.
 *
 * @example
 * ```ts
 * const outcome = await session.awaitResponse(ticket.id);
 * if (outcome.status === 'approved') await session.invoke('bank.transfer', args);
 * ```
 */
export type PermissionOutcome =
  | {
      readonly status: 'approved';
      readonly token: string;
      readonly scope: readonly string[];
      readonly expiresAt?: Date;
    }
  | { readonly status: 'denied'; readonly reason: string }
  | { readonly status: 'expired' }
  | { readonly status: 'cancelled' };

/**
 * RFC 8628 words for a poll.
 *
 * @example
 * ```ts
 * const answer = await session.poll(ticket.id);
 * if ('error' in answer && answer.error === 'authorization_pending') setTimeout(retry, answer.interval * 1000);
 * ```
 */
export type PollAnswer =
  | { readonly error: 'authorization_pending' | 'slow_down'; readonly interval: number }
  | { readonly error: 'access_denied'; readonly reason: string }
  | { readonly error: 'expired_token' }
  | {
      readonly status: 'approved';
      readonly token: string;
      readonly scope: readonly string[];
      readonly expiresAt?: Date;
    };

/**
 * A denied call a request may carry, so the grantor sees what was tried and whether the
 * approval would allow it: the tool and its arguments (plain JSON).
 *
 * @example
 * ```ts
 * const call: PermissionCall = { tool: err.tool, args: err.args }; // from a PermissionDenied
 * ```
 */
export interface PermissionCall {
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/**
 * What a session sends when it asks for more authority.
 *
 * @example
 * ```ts
 * const input: PermissionRequestInput = {
 *   token: session.token, principal: 'coder', scope: ['tool == "fs.write"'], reason: 'save the fix',
 *   call: { tool: 'fs.write', args: { path: '/repo/out/summary.md' } },
 * };
 * ```
 */
export interface PermissionRequestInput {
  /** The requester's current token (text or `Delegation`): proves who asks and from which chain. */
  readonly token: string | Delegation;
  readonly principal: string;
  /** Conditions (DSL texts), a conjunction: the scope asked for. */
  readonly scope: readonly string[];
  readonly reason: string;
  /** Lifetime of the request in seconds. */
  readonly expiresIn?: number;
  /** The denied call the request comes from, if any (bounded: see `REQUEST_LIMITS`). */
  readonly call?: PermissionCall;
}

/**
 * Routes permission requests to grantors; implemented by the requests layer's Delegator.
 *
 * @example
 * ```ts
 * const runner = createToolRunner({ rootKeys, tools, broker: delegator });
 * ```
 */
export interface PermissionBroker {
  request(input: PermissionRequestInput): Promise<PermissionTicket>;
  awaitResponse(
    id: string,
    options?: { readonly signal?: AbortSignal },
  ): Promise<PermissionOutcome>;
  poll(id: string): Promise<PollAnswer>;
}
