/**
 * Where a requester's commands (`request`, `status`) go: the home's Delegator (its keys decide
 * what a denied call needs), or, given a service (`--url` or `$MANDATE_URL`), `mandate serve`
 * over HTTP with the requester's own token (an agent that holds no home and no keys).
 */
import type { AuthorizationDecision } from '../delegation/index.js';
import { authorize, inspectToken } from '../delegation/index.js';
import { DelegatorClient } from '../server/index.js';
import type {
  PermissionOutcome,
  PermissionRequestInput,
  PermissionTicket,
  PollAnswer,
} from '../tools/index.js';
import { CliError } from './cli-error.js';
import type { Context } from './context.js';

/** A request as the requester's commands show it while it waits. */
export interface PendingView {
  readonly id: string;
  readonly requester: string;
  readonly grantor: string;
  readonly scope: readonly string[];
  readonly call: unknown;
}

/** What the requester's commands do, against a home or a service. */
export interface RequesterChannel {
  /** Whether the call is allowed, and what it needs when it is not. */
  decide(
    token: string,
    call: {
      readonly tool: string;
      readonly args: Record<string, unknown>;
      readonly principal: string;
    },
  ): Promise<AuthorizationDecision>;
  request(input: PermissionRequestInput): Promise<PermissionTicket>;
  /** The request as the requester sees it while it waits. */
  pending(ticket: PermissionTicket, input: PermissionRequestInput): Promise<PendingView>;
  poll(id: string): Promise<PollAnswer>;
  awaitResponse(id: string, options: { readonly signal: AbortSignal }): Promise<PermissionOutcome>;
}

/**
 * The service to use: `--url`, else `$MANDATE_URL`; `undefined` for the home.
 *
 * @example
 * ```ts
 * const url = serviceUrlOf(ctx, opts.url);
 * ```
 */
export function serviceUrlOf(ctx: Context, option: string | undefined): string | undefined {
  const url = option ?? ctx.env['MANDATE_URL'];
  if (url === undefined || url === '') return undefined;
  if (!/^https?:\/\/\S+$/.test(url))
    throw new CliError('ERR_CLI_USAGE', `--url must be an http(s) URL, got ${JSON.stringify(url)}`);
  return url;
}

/**
 * The channel for `url` (a service, acting with `token`) or, without one, the home.
 *
 * @example
 * ```ts
 * const channel = await requesterChannel(ctx, serviceUrlOf(ctx, opts.url), token);
 * ```
 */
export async function requesterChannel(
  ctx: Context,
  url: string | undefined,
  token: string,
): Promise<RequesterChannel> {
  if (url !== undefined) {
    const client = new DelegatorClient(url, { credential: token });
    return {
      decide: (t, call) => client.authorize(t, call),
      request: (input) => client.request(input),
      pending: (ticket, input) =>
        Promise.resolve({
          id: ticket.id,
          requester: input.principal,
          grantor: inspectToken(token).askFrom,
          scope: input.scope,
          call: input.call ?? null,
        }),
      poll: (id) => client.poll(id),
      awaitResponse: (id, options) => client.awaitResponse(id, options),
    };
  }
  const delegator = await ctx.delegator();
  return {
    decide: (t, call) =>
      Promise.resolve(authorize(t, call, { rootKeys: ctx.keys().keyring, now: ctx.now() })),
    request: (input) => delegator.request(input),
    pending: async (ticket) => delegator.get(ticket.id),
    poll: (id) => delegator.poll(id),
    awaitResponse: (id, options) => delegator.awaitResponse(id, options),
  };
}
