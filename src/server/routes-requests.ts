/**
 * The request lifecycle over HTTP: an agent asks (`POST /v1/requests`), polls in RFC 8628's
 * words (`GET /v1/requests/{id}`; as an event stream, one `outcome` event once it is decided)
 * or cancels (`DELETE`); a grantor (the owner, or an agent by
 * its token) reads its inbox as JSON or as a resumable event stream, previews, approves, denies
 * or escalates, and keeps standing policies.
 */
import type { Hono } from 'hono';
import type { PermissionCall } from '../tools/index.js';
import { grantorRef, type Caller } from './callers.js';
import {
  bodyOf,
  identify,
  identifyAgent,
  integerOf,
  wantsStream,
  type ServiceContext,
} from './context.js';
import { eventStream } from './streams.js';
import { ServiceError } from './errors.js';

interface CreateBody {
  readonly scope: readonly string[];
  readonly reason: string;
  readonly expiresIn?: number;
  readonly call?: PermissionCall;
}

/**
 * Adds the request routes to `app`.
 *
 * @example
 * ```ts
 * requestRoutes(app, ctx);
 * ```
 */
export function requestRoutes(app: Hono, ctx: ServiceContext): void {
  const { delegator } = ctx;

  app.post('/v1/requests', async (c) => {
    const agent = identifyAgent(ctx, c, 'asking for permission');
    const body = await bodyOf<CreateBody>(c, 'createRequest');
    const ticket = await delegator.request({
      token: agent.delegation,
      principal: agent.name,
      scope: body.scope,
      reason: body.reason,
      ...(body.expiresIn === undefined ? {} : { expiresIn: body.expiresIn }),
      ...(body.call === undefined ? {} : { call: body.call }),
    });
    return c.json(ticket, 201);
  });

  app.get('/v1/requests/:id', async (c) => {
    const caller = identify(ctx, c);
    const id = c.req.param('id');
    await mustBeRequester(ctx, caller, id);
    if (wantsStream(c)) {
      // One event when the request is decided (or expires, or is cancelled), then the end.
      return eventStream(ctx, c, caller, async (stream, signal) => {
        const outcome = await delegator.awaitResponse(id, { signal });
        await stream.writeSSE({ event: 'outcome', data: JSON.stringify(outcome) });
      });
    }
    const answer = await delegator.poll(id);
    if ('error' in answer) {
      // RFC 8628 §3.5: the device-flow token endpoint answers these with 400.
      const body =
        answer.error === 'access_denied'
          ? { error: answer.error, error_description: answer.reason }
          : answer.error === 'expired_token'
            ? { error: answer.error, error_description: 'the request expired before a decision' }
            : { error: answer.error, interval: answer.interval };
      return c.json(body, 400);
    }
    return c.json(answer, 200);
  });

  app.delete('/v1/requests/:id', async (c) => {
    const agent = identifyAgent(ctx, c, 'cancelling a request');
    const view = await delegator.cancel(c.req.param('id'), {
      by: { token: agent.delegation.token },
    });
    return c.json(view, 200);
  });

  app.get('/v1/inbox', async (c) => {
    const caller = identify(ctx, c);
    const by = grantorRef(caller);
    if (!wantsStream(c)) return c.json(await delegator.inbox(by), 200);
    const last = c.req.header('last-event-id');
    const resumeAfter = last === undefined ? undefined : integerOf(last, 'Last-Event-ID');
    // Checked before the stream starts, so that a bad caller gets its error as JSON.
    const snapshot = resumeAfter === undefined ? await delegator.inboxSnapshot(by) : undefined;
    return eventStream(ctx, c, caller, async (stream, signal) => {
      const sent = new Set<string>();
      if (snapshot !== undefined) {
        // The snapshot's events carry no id: a stream cut before `ready` starts over.
        for (const item of snapshot.items) {
          sent.add(item.id);
          await stream.writeSSE({ event: 'request', data: JSON.stringify(item) });
        }
        await stream.writeSSE({ event: 'ready', id: String(snapshot.seq), data: '{}' });
      }
      const afterSeq = snapshot?.seq ?? resumeAfter;
      const events = delegator.inboxEvents(by, {
        signal,
        ...(afterSeq === undefined ? {} : { afterSeq }),
      });
      for await (const { seq, item } of events) {
        if (sent.has(item.id)) continue;
        sent.add(item.id);
        await stream.writeSSE({ event: 'request', id: String(seq), data: JSON.stringify(item) });
      }
    });
  });

  app.post('/v1/requests/:id/preview', async (c) => {
    const caller = identify(ctx, c);
    const body = await bodyOf<ApproveBody>(c, 'approve');
    return c.json(
      await delegator.preview(c.req.param('id'), { by: grantorRef(caller), ...approveTerms(body) }),
      200,
    );
  });

  app.post('/v1/requests/:id/approve', async (c) => {
    const caller = identify(ctx, c);
    const body = await bodyOf<ApproveBody>(c, 'approve');
    const view = await delegator.approve(c.req.param('id'), {
      by: grantorRef(caller),
      ...approveTerms(body),
    });
    // The grantor sees the decision; the new token is for the requester alone (it polls).
    return c.json(
      { ...view, outcome: view.outcome === null ? null : { status: view.status } },
      200,
    );
  });

  app.post('/v1/requests/:id/deny', async (c) => {
    const caller = identify(ctx, c);
    const body = await bodyOf<{ reason: string }>(c, 'deny');
    return c.json(
      await delegator.deny(c.req.param('id'), { by: grantorRef(caller), reason: body.reason }),
      200,
    );
  });

  app.post('/v1/requests/:id/escalate', async (c) => {
    const caller = identify(ctx, c);
    const body = await bodyOf<{ autoApprove?: boolean }>(c, 'escalate');
    return c.json(
      await delegator.escalate(c.req.param('id'), {
        by: grantorRef(caller),
        ...(body.autoApprove === undefined ? {} : { autoApprove: body.autoApprove }),
      }),
      200,
    );
  });

  app.get('/v1/policies', async (c) => {
    const caller = identify(ctx, c);
    return c.json(await delegator.policies(grantorRef(caller)), 200);
  });

  app.post('/v1/policies', async (c) => {
    const caller = identify(ctx, c);
    const body = await bodyOf<PolicyBody>(c, 'addPolicy');
    const view = await delegator.addPolicy({ grantor: grantorRef(caller), ...body });
    return c.json(view, 201);
  });

  app.delete('/v1/policies/:id', async (c) => {
    const caller = identify(ctx, c);
    await delegator.removePolicy(c.req.param('id'), { grantor: grantorRef(caller) });
    return c.body(null, 204);
  });
}

interface ApproveBody {
  readonly scope?: readonly string[];
  readonly expiresIn?: number;
  readonly reason?: string;
}

interface PolicyBody {
  readonly effect: 'approve' | 'deny';
  readonly scope: readonly string[];
  readonly expiresIn?: number;
  readonly grantExpiresIn?: number;
}

function approveTerms(body: ApproveBody) {
  return {
    ...(body.scope === undefined ? {} : { scope: body.scope }),
    ...(body.expiresIn === undefined ? {} : { expiresIn: body.expiresIn }),
    ...(body.reason === undefined ? {} : { reason: body.reason }),
  };
}

/**
 * Only the requester (the agent at the place that asked) or the owner reads a request's answer:
 * it carries the new token. Anyone else is told there is no such request.
 */
async function mustBeRequester(ctx: ServiceContext, caller: Caller, id: string): Promise<void> {
  if (caller.kind === 'owner') return;
  if (!(await ctx.delegator.isRequester(id, caller.delegation)))
    throw new ServiceError('ERR_SERVER_NOT_FOUND', `no request ${id} of yours`, 404);
}
