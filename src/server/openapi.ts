/**
 * The service's OpenAPI 3.1 document, built from the route table below and the very schemas
 * the routes validate their bodies with (`schemas.ts`).
 */
import { BODY_SCHEMAS, type BodyName } from './schemas.js';

interface Operation {
  readonly method: 'get' | 'post' | 'delete';
  readonly path: string;
  readonly summary: string;
  readonly body?: BodyName;
  /** Who may call: an agent token, the owner credential, either, or nobody in particular. */
  readonly auth: 'agent' | 'owner' | 'either' | 'none';
  readonly stream?: boolean;
}

const OPERATIONS: readonly Operation[] = [
  {
    method: 'post',
    path: '/v1/requests',
    summary: 'Ask for permission (an agent, with its token)',
    body: 'createRequest',
    auth: 'agent',
  },
  {
    method: 'get',
    path: '/v1/requests/{id}',
    summary: 'Poll a request (RFC 8628 token-endpoint errors while undecided)',
    auth: 'either',
  },
  {
    method: 'delete',
    path: '/v1/requests/{id}',
    summary: 'Cancel a request (its requester only)',
    auth: 'agent',
  },
  {
    method: 'get',
    path: '/v1/inbox',
    summary:
      "The grantor's pending requests with verdict and preview; text/event-stream resumes from Last-Event-ID",
    auth: 'either',
    stream: true,
  },
  {
    method: 'post',
    path: '/v1/requests/{id}/preview',
    summary: 'What approving would do',
    body: 'approve',
    auth: 'either',
  },
  {
    method: 'post',
    path: '/v1/requests/{id}/approve',
    summary: 'Approve (within what was asked and the grantor’s authority)',
    body: 'approve',
    auth: 'either',
  },
  {
    method: 'post',
    path: '/v1/requests/{id}/deny',
    summary: 'Deny with a reason',
    body: 'deny',
    auth: 'either',
  },
  {
    method: 'post',
    path: '/v1/requests/{id}/escalate',
    summary: "Escalate to the grantor's grantor",
    body: 'escalate',
    auth: 'either',
  },
  {
    method: 'post',
    path: '/v1/requests/{id}/check',
    summary:
      'Check an approval as it is edited: each condition (caret excerpt), the preview, a request it allows beyond the call, the conditions with **',
    body: 'checkApproval',
    auth: 'either',
  },
  {
    method: 'post',
    path: '/v1/scope/check',
    summary: 'Check conditions as they are typed: canonical text or the caret excerpt of the error',
    body: 'checkConditions',
    auth: 'either',
  },
  {
    method: 'get',
    path: '/v1/scope/effective',
    summary: "A principal's effective scope (?principal=), simplified, one alternative per line",
    auth: 'owner',
  },
  {
    method: 'get',
    path: '/v1/policies',
    summary: "The grantor's standing policies",
    auth: 'either',
  },
  {
    method: 'post',
    path: '/v1/policies',
    summary: 'Add a standing policy',
    body: 'addPolicy',
    auth: 'either',
  },
  {
    method: 'delete',
    path: '/v1/policies/{id}',
    summary: 'Remove a standing policy',
    auth: 'either',
  },
  {
    method: 'get',
    path: '/v1/revocations',
    summary: 'The revocation feed after ?cursor; text/event-stream with complete events',
    auth: 'either',
    stream: true,
  },
  {
    method: 'post',
    path: '/v1/revoke',
    summary: 'Revoke a token or hop id (and what derives from it), or a principal (owner only)',
    body: 'revoke',
    auth: 'either',
  },
  {
    method: 'get',
    path: '/v1/delegations',
    summary: 'The delegation tree with statuses',
    auth: 'owner',
  },
  { method: 'get', path: '/v1/audit', summary: 'Audit entries', auth: 'owner' },
  {
    method: 'post',
    path: '/v1/audit/verify',
    summary: "Verify the audit log's hash chain",
    body: 'verifyAudit',
    auth: 'owner',
  },
  {
    method: 'post',
    path: '/v1/authorize',
    summary: 'Decide a tool call offline-style: failures, needed scope, whom to ask',
    body: 'authorize',
    auth: 'none',
  },
  {
    method: 'post',
    path: '/v1/access',
    summary:
      "Each named tool's status under a token: allowed, conditional (with the condition) or denied",
    body: 'access',
    auth: 'none',
  },
  {
    method: 'post',
    path: '/access/v1/evaluation',
    summary: 'OpenID AuthZEN 1.0 access evaluation',
    body: 'evaluation',
    auth: 'none',
  },
  {
    method: 'post',
    path: '/v1/signin-links',
    summary: 'A one-time console sign-in link (owner credential)',
    auth: 'owner',
  },
  {
    method: 'get',
    path: '/v1/signin',
    summary: 'Use a sign-in link: a session cookie (HttpOnly, SameSite=Strict)',
    auth: 'none',
  },
  {
    method: 'get',
    path: '/v1/session',
    summary: "The session's CSRF token (session cookie)",
    auth: 'none',
  },
  { method: 'post', path: '/v1/signout', summary: 'End the session', auth: 'either' },
  { method: 'get', path: '/v1/openapi.json', summary: 'This document', auth: 'none' },
];

const ERROR = {
  type: 'object',
  required: ['error', 'code', 'message'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } },
};

/**
 * The OpenAPI document.
 *
 * @example
 * ```ts
 * const doc = openApiDocument();
 * doc.paths['/v1/requests'].post.requestBody;
 * ```
 */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.auth === 'none' ? { security: [] } : {}),
      ...(op.auth === 'agent' ? { security: [{ agentToken: [] }] } : {}),
      ...(op.auth === 'owner' ? { security: [{ ownerCredential: [] }] } : {}),
      ...(params.length === 0 ? {} : { parameters: params }),
      ...(op.body === undefined
        ? {}
        : {
            requestBody: {
              required: true,
              content: {
                'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } },
              },
            },
          }),
      responses: {
        '200': {
          description: 'OK',
          content: {
            'application/json': {},
            ...(op.stream === true ? { 'text/event-stream': {} } : {}),
          },
        },
        default: {
          description: 'An error',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'mandate',
      version: '1',
      description:
        'Constrained delegation for AI agents: permission requests, decisions, revocation and authorization over HTTP.',
    },
    security: [{ agentToken: [] }, { ownerCredential: [] }],
    paths,
    components: {
      securitySchemes: {
        agentToken: {
          type: 'http',
          scheme: 'bearer',
          description: "The agent's own current mandate token",
        },
        ownerCredential: {
          type: 'http',
          scheme: 'bearer',
          description: 'The owner credential (mandate-owner.…)',
        },
      },
      schemas: { ...BODY_SCHEMAS, Error: ERROR },
    },
  };
}
