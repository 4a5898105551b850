/**
 * The JSON bodies the service accepts, as JSON Schemas: each route validates its body against
 * its schema before anything else runs, and the OpenAPI document (`/v1/openapi.json`) is built
 * from the same schemas, so the description cannot drift from what is enforced. The library
 * checks the content again (conditions parse, reasons are plain text, limits); the schemas
 * check the shape (types, required fields, no unknown fields, sizes).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { REQUEST_LIMITS } from '../requests/index.js';
import { ServiceError } from './errors.js';

type Schema = Readonly<Record<string, unknown>>;

const conditions: Schema = {
  type: 'array',
  items: { type: 'string', minLength: 1, maxLength: 4096 },
  minItems: 1,
  maxItems: REQUEST_LIMITS.maxScopeConditions,
};
const reason: Schema = { type: 'string', minLength: 1, maxLength: REQUEST_LIMITS.maxReasonLength };
const seconds: Schema = { type: 'number', exclusiveMinimum: 0 };
const token: Schema = { type: 'string', minLength: 1, maxLength: 16_384 };

/** The most tool names one `POST /v1/access` may ask about. */
export const MAX_ACCESS_TOOLS = 256;

/** The body of every route that takes one, by operation. */
export const BODY_SCHEMAS = {
  createRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['scope', 'reason'],
    properties: {
      scope: conditions,
      reason,
      expiresIn: seconds,
      call: {
        type: 'object',
        additionalProperties: false,
        required: ['tool', 'args'],
        properties: {
          tool: { type: 'string', minLength: 1, maxLength: REQUEST_LIMITS.maxCallToolLength },
          args: { type: 'object' },
        },
      },
    },
  },
  approve: {
    type: 'object',
    additionalProperties: false,
    properties: { scope: conditions, expiresIn: seconds, reason },
  },
  deny: {
    type: 'object',
    additionalProperties: false,
    required: ['reason'],
    properties: { reason },
  },
  escalate: {
    type: 'object',
    additionalProperties: false,
    properties: { autoApprove: { type: 'boolean' } },
  },
  addPolicy: {
    type: 'object',
    additionalProperties: false,
    required: ['effect', 'scope'],
    properties: {
      effect: { enum: ['approve', 'deny'] },
      scope: conditions,
      expiresIn: seconds,
      grantExpiresIn: seconds,
    },
  },
  revoke: {
    type: 'object',
    additionalProperties: false,
    required: ['reason'],
    properties: {
      target: token,
      principal: { type: 'string', minLength: 1, maxLength: 128 },
      reason,
    },
  },
  checkConditions: {
    type: 'object',
    additionalProperties: false,
    required: ['conditions'],
    properties: { conditions },
  },
  checkApproval: {
    type: 'object',
    additionalProperties: false,
    properties: { scope: conditions, expiresIn: seconds },
  },
  verifyAudit: {
    type: 'object',
    additionalProperties: false,
    properties: { expectHead: { type: 'string', pattern: '^[0-9a-f]{64}$' } },
  },
  authorize: {
    type: 'object',
    additionalProperties: false,
    required: ['token', 'tool', 'args'],
    properties: {
      token,
      tool: { type: 'string', minLength: 1, maxLength: 4096 },
      args: { type: 'object' },
      principal: { type: 'string', minLength: 1, maxLength: 128 },
    },
  },
  access: {
    type: 'object',
    additionalProperties: false,
    required: ['token', 'tools'],
    properties: {
      token,
      tools: {
        type: 'array',
        items: { type: 'string', minLength: 1, maxLength: 4096 },
        maxItems: MAX_ACCESS_TOOLS,
      },
      principal: { type: 'string', minLength: 1, maxLength: 128 },
    },
  },
  evaluation: {
    type: 'object',
    required: ['subject', 'action'],
    properties: {
      subject: {
        type: 'object',
        required: ['type', 'id', 'properties'],
        properties: {
          type: { type: 'string' },
          id: { type: 'string', minLength: 1, maxLength: 128 },
          properties: {
            type: 'object',
            required: ['token'],
            properties: { token },
          },
        },
      },
      action: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 4096 } },
      },
      resource: { type: 'object' },
      context: { type: 'object', properties: { args: { type: 'object' } } },
    },
  },
} as const satisfies Readonly<Record<string, Schema>>;

export type BodyName = keyof typeof BODY_SCHEMAS;

const ajv = new Ajv({ allErrors: false, strict: true, coerceTypes: false, logger: false });
const validators = new Map<BodyName, ValidateFunction>(
  (Object.keys(BODY_SCHEMAS) as BodyName[]).map((name) => [name, ajv.compile(BODY_SCHEMAS[name])]),
);

/**
 * `body` if it matches the schema of `name`; a `ServiceError` (400) naming the first problem
 * otherwise.
 *
 * @example
 * ```ts
 * const input = checkBody<{ scope: string[]; reason: string }>('createRequest', await c.req.json());
 * ```
 */
export function checkBody<T>(name: BodyName, body: unknown): T {
  const validate = validators.get(name) as ValidateFunction;
  if (validate(body)) return body as T;
  const first = validate.errors?.[0];
  const where =
    first === undefined ? '' : `${first.instancePath === '' ? 'the body' : first.instancePath}`;
  throw new ServiceError(
    'ERR_SERVER_BAD_REQUEST',
    `${where} ${first?.message ?? 'is not valid'}`.trim(),
    400,
  );
}
