/**
 * Scopes as a person deciding reads them, over HTTP: conditions checked as they are typed (the
 * caret excerpt of a syntax error), an approval checked as it is edited (every condition, then
 * the preview: verdict, effect, end, whether the denied call passes; a request it would allow
 * beyond that call; the conditions that widen with `**`), and a principal's effective scope,
 * simplified. The consent console calls these on every edit; the CLI and other clients may too.
 */
import type { Hono } from 'hono';
import type { ApprovalPreview } from '../requests/index.js';
import type { ScopeRequest } from '../scope/index.js';
import { grantorRef, ownerOnly } from './callers.js';
import { bodyOf, identify, type ServiceContext } from './context.js';
import { ServiceError, errorAnswer, type ErrorAnswer } from './errors.js';
import {
  beyondCall,
  checkConditions,
  effectiveScope,
  globstarConditions,
  type ConditionCheck,
} from './scope-views.js';

/** The answer of `POST /v1/requests/{id}/check`. */
export interface ApprovalCheck {
  /** The conditions to grant (as typed, or as asked), each checked. */
  readonly conditions: readonly ConditionCheck[];
  /** What approving with them would do; `null` when a condition does not parse or it fails. */
  readonly preview: ApprovalPreview | null;
  /** Why the approval would be refused (beyond what was asked, beyond the grantor…), if so. */
  readonly problem: ErrorAnswer['body'] | null;
  /** A request the approval would allow that is not the denied call behind the request. */
  readonly beyondCall: ScopeRequest | null;
  /** The conditions that widen with a `**` glob. */
  readonly globstar: readonly string[];
}

/** Refusals of an approval that are answers about its terms, not failures of the call. */
const TERM_PROBLEMS = new Set([
  'ERR_REQUEST_SCOPE_NOT_REQUESTED',
  'ERR_REQUEST_EXCEEDS_AUTHORITY',
  'ERR_REQUEST_INVALID',
  'ERR_DELEGATION_CONDITION_INVALID',
  'ERR_SCOPE_SYNTAX',
  'ERR_SCOPE_TYPE',
  'ERR_SCOPE_LIMIT',
]);

/**
 * Adds the scope routes to `app`.
 *
 * @example
 * ```ts
 * scopeRoutes(app, ctx);
 * ```
 */
export function scopeRoutes(app: Hono, ctx: ServiceContext): void {
  const { delegator } = ctx;

  app.post('/v1/scope/check', async (c) => {
    identify(ctx, c);
    const body = await bodyOf<{ conditions: readonly string[] }>(c, 'checkConditions');
    const { checks, parsed } = checkConditions(body.conditions);
    return c.json(
      {
        conditions: checks,
        globstar: parsed === undefined ? [] : globstarConditions(parsed),
      },
      200,
    );
  });

  app.post('/v1/requests/:id/check', async (c) => {
    const caller = identify(ctx, c);
    const id = c.req.param('id');
    const body = await bodyOf<{ scope?: readonly string[]; expiresIn?: number }>(
      c,
      'checkApproval',
    );
    const typed = body.scope === undefined ? undefined : checkConditions(body.scope);
    if (typed !== undefined && typed.parsed === undefined) {
      // Only the caller's own text is answered: nothing of the request is read.
      const answer: ApprovalCheck = {
        conditions: typed.checks,
        preview: null,
        problem: null,
        beyondCall: null,
        globstar: [],
      };
      return c.json(answer, 200);
    }
    let preview: ApprovalPreview | null = null;
    let problem: ErrorAnswer['body'] | null = null;
    try {
      // First, so that only the request's grantor learns anything of it.
      preview = await delegator.preview(id, {
        by: grantorRef(caller),
        ...(body.scope === undefined ? {} : { scope: body.scope }),
        ...(body.expiresIn === undefined ? {} : { expiresIn: body.expiresIn }),
      });
    } catch (err) {
      const answer = errorAnswer(err);
      if (answer === undefined || !TERM_PROBLEMS.has(answer.body.code)) throw err;
      problem = answer.body;
    }
    const view = await delegator.get(id);
    const granted = typed ?? checkConditions(view.scope);
    const answer: ApprovalCheck = {
      conditions: granted.checks,
      preview,
      problem,
      beyondCall:
        preview === null || view.call === null
          ? null
          : beyondCall(view.call, preview.effect, ctx.now()),
      globstar: globstarConditions(granted.parsed ?? []),
    };
    return c.json(answer, 200);
  });

  app.get('/v1/scope/effective', async (c) => {
    const caller = identify(ctx, c);
    ownerOnly(caller, "a principal's effective scope");
    const principal = c.req.query('principal');
    if (principal === undefined || principal === '' || principal.length > 128)
      throw new ServiceError(
        'ERR_SERVER_BAD_REQUEST',
        'principal must be a principal name (1 to 128 characters)',
        400,
      );
    return c.json(effectiveScope(await delegator.delegations(), principal), 200);
  });
}
