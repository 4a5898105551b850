/**
 * The owner's records and the verifier's questions over HTTP: the revocation feed (JSON since a
 * cursor, or a stream that says when it is complete), revoking, the delegation tree, the audit
 * log (read and verify), and authorization itself for tool servers in other languages, also as
 * OpenID AuthZEN 1.0's evaluation endpoint, with discovery (each tool's status) beside it.
 */
import type { Hono } from 'hono';
import {
  TokenInvalidError,
  accessForTools,
  authorize,
  type AuthorizationDecision,
} from '../delegation/index.js';
import type { AuditKind, DelegationStatus } from '../requests/index.js';
import { grantorRef, ownerOnly } from './callers.js';
import {
  addressKey,
  bodyOf,
  identify,
  integerOf,
  wantsStream,
  type ServiceContext,
} from './context.js';
import { eventStream } from './streams.js';
import { ServiceError } from './errors.js';

/**
 * Adds the record and authorization routes to `app`.
 *
 * @example
 * ```ts
 * recordRoutes(app, ctx);
 * ```
 */
export function recordRoutes(app: Hono, ctx: ServiceContext): void {
  const { delegator } = ctx;

  app.get('/v1/revocations', async (c) => {
    const caller = identify(ctx, c);
    const last = c.req.header('last-event-id') ?? c.req.query('cursor') ?? '0';
    const cursor = integerOf(last, 'cursor');
    if (!wantsStream(c)) {
      const limit = integerOf(c.req.query('limit') ?? '1000', 'limit');
      return c.json(await delegator.revocationFeed(cursor, limit), 200);
    }
    return eventStream(ctx, c, caller, async (stream, signal) => {
      let at = cursor;
      while (!signal.aborted) {
        const page = await delegator.revocationFeed(at, 1000);
        for (const r of page.revocations)
          await stream.writeSSE({
            event: 'revocation',
            id: String(r.seq),
            data: JSON.stringify(r),
          });
        at = page.cursor;
        if (!page.more) {
          // Complete as of `asOf`: what a verifier records as the freshness of its view.
          await stream.writeSSE({
            event: 'complete',
            data: JSON.stringify({ cursor: at, asOf: page.asOf }),
          });
          await stream.sleep(ctx.feedIntervalMs);
        }
      }
    });
  });

  app.post('/v1/revoke', async (c) => {
    const caller = identify(ctx, c);
    const body = await bodyOf<{ target?: string; principal?: string; reason: string }>(c, 'revoke');
    if ((body.target === undefined) === (body.principal === undefined))
      throw new ServiceError(
        'ERR_SERVER_BAD_REQUEST',
        'give exactly one of target (a token or a hop id) and principal',
        400,
      );
    const target = body.target ?? { principal: body.principal as string };
    const outcome = await delegator.revoke(target, { by: grantorRef(caller), reason: body.reason });
    return c.json(outcome, outcome.already ? 200 : 201);
  });

  app.get('/v1/delegations', async (c) => {
    const caller = identify(ctx, c);
    ownerOnly(caller, 'the delegation tree');
    const status = c.req.queries('status') as DelegationStatus[] | undefined;
    const principal = c.req.query('principal');
    return c.json(
      await delegator.delegations({
        ...(principal === undefined ? {} : { principal }),
        ...(status === undefined ? {} : { status }),
      }),
      200,
    );
  });

  app.get('/v1/audit', async (c) => {
    const caller = identify(ctx, c);
    ownerOnly(caller, 'the audit log');
    const q = c.req.query();
    return c.json(
      await delegator.audit({
        ...(q['since'] === undefined ? {} : { since: new Date(q['since']) }),
        ...(q['until'] === undefined ? {} : { until: new Date(q['until']) }),
        ...(q['requestId'] === undefined ? {} : { requestId: q['requestId'] }),
        ...(q['principal'] === undefined ? {} : { principal: q['principal'] }),
        ...(q['kind'] === undefined ? {} : { kind: q['kind'] as AuditKind }),
        ...(q['limit'] === undefined ? {} : { limit: integerOf(q['limit'], 'limit') }),
      }),
      200,
    );
  });

  app.post('/v1/audit/verify', async (c) => {
    const caller = identify(ctx, c);
    ownerOnly(caller, 'verifying the audit log');
    const body = await bodyOf<{ expectHead?: string }>(c, 'verifyAudit');
    return c.json(await delegator.verifyAudit(body), 200);
  });

  app.post('/v1/authorize', async (c) => {
    ctx.rate.take(addressKey(c));
    const body = await bodyOf<AuthorizeBody>(c, 'authorize');
    const decision = decide(ctx, body.token, body.tool, body.args, body.principal);
    if (decision === undefined)
      throw new ServiceError('ERR_SERVER_UNAUTHORIZED', 'the token is not valid here', 401);
    return c.json(decision, 200);
  });

  // Discovery for a verifier without the root keys (the MCP gateway of an agent that holds only
  // its token): each tool's status, as `accessForTools` gives it, with the Delegator's revocations.
  app.post('/v1/access', async (c) => {
    ctx.rate.take(addressKey(c));
    const body = await bodyOf<AccessBody>(c, 'access');
    try {
      const access = accessForTools(body.token, body.tools, {
        rootKeys: ctx.delegator.rootKeys,
        revocations: ctx.delegator.revocations(),
        now: ctx.now(),
        ...(body.principal === undefined ? {} : { principal: body.principal }),
      });
      return c.json(access, 200);
    } catch (err) {
      if (err instanceof TokenInvalidError)
        throw new ServiceError('ERR_SERVER_UNAUTHORIZED', 'the token is not valid here', 401);
      throw err;
    }
  });

  // OpenID AuthZEN 1.0 (Access Evaluation API): subject = the agent (its token in properties),
  // action = the tool, context.args = the arguments. The answer is `decision`, with mandate's
  // denial (failures, needed scope, whom to ask) as `context`.
  app.post('/access/v1/evaluation', async (c) => {
    ctx.rate.take(addressKey(c));
    const body = await bodyOf<EvaluationBody>(c, 'evaluation');
    const args = body.context?.args ?? {};
    const decision = decide(
      ctx,
      body.subject.properties.token,
      body.action.name,
      args,
      body.subject.id,
    );
    if (decision === undefined)
      return c.json({ decision: false, context: { reason: 'the token is not valid here' } }, 200);
    if (decision.allowed) return c.json({ decision: true }, 200);
    const context = {
      failures: decision.failures,
      ...(decision.needed === undefined ? {} : { needed: decision.needed }),
      ...(decision.expired === undefined ? {} : { expired: decision.expired }),
      ...(decision.revoked === undefined ? {} : { revoked: decision.revoked }),
    };
    return c.json({ decision: false, context }, 200);
  });
}

interface AuthorizeBody {
  readonly token: string;
  readonly tool: string;
  readonly args: Record<string, unknown>;
  readonly principal?: string;
}

interface AccessBody {
  readonly token: string;
  readonly tools: readonly string[];
  readonly principal?: string;
}

interface EvaluationBody {
  readonly subject: { readonly id: string; readonly properties: { readonly token: string } };
  readonly action: { readonly name: string };
  readonly context?: { readonly args?: Record<string, unknown> };
}

/** The library's decision, with the Delegator's revocations; `undefined` for an invalid token. */
function decide(
  ctx: ServiceContext,
  token: string,
  tool: string,
  args: Record<string, unknown>,
  principal: string | undefined,
): AuthorizationDecision | undefined {
  try {
    return authorize(
      token,
      { tool, args, ...(principal === undefined ? {} : { principal }) },
      {
        rootKeys: ctx.delegator.rootKeys,
        revocations: ctx.delegator.revocations(),
        now: ctx.now(),
      },
    );
  } catch (err) {
    if (err instanceof TokenInvalidError) return undefined;
    throw err;
  }
}
