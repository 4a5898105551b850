/**
 * Error codes follow one pattern, `ERR_<AREA>_<REASON>`, and the exported `ErrorCode` union
 * lists exactly the codes thrown: every exported error class is constructed here (a new class
 * without a sample fails the test), each code must match the pattern and be in `CODES`, and
 * `CODES` is tied to the union both ways by the compiler, so a code added to the union but
 * never thrown, or thrown but missing from the union, is caught.
 */
import { describe, expect, it } from 'vitest';
import { CliError, ContextualError } from '../../src/cli/cli-error.js';
import { errorBody } from '../../src/cli/output.js';
import { McpGatewayError } from '../../src/mcp/errors.js';
import { ServiceError } from '../../src/server/errors.js';
import * as mandate from '../../src/index.js';
import type {
  AuthorizationDenied,
  CliErrorCode,
  ErrorCode,
  McpErrorCode,
} from '../../src/index.js';

const { MandateError } = mandate;

/** Every code, once; `satisfies` keeps it inside the union, `Unlisted` keeps the union inside it. */
const CODES = [
  'ERR_MACAROON_MALFORMED',
  'ERR_MACAROON_LIMIT',
  'ERR_MACAROON_SIGNATURE',
  'ERR_MACAROON_DISCHARGE',
  'ERR_MACAROON_CAVEAT',
  'ERR_SCOPE_SYNTAX',
  'ERR_SCOPE_TYPE',
  'ERR_SCOPE_LIMIT',
  'ERR_TOKEN_INVALID',
  'ERR_DELEGATION_CONDITION_INVALID',
  'ERR_TOOLS_UNKNOWN_TOOL',
  'ERR_TOOLS_INVALID_ARGUMENTS',
  'ERR_PERMISSION_DENIED',
  'ERR_TOOLS_NO_BROKER',
  'ERR_TOOLS_PRINCIPAL_MISMATCH',
  'ERR_REQUEST_NOT_FOUND',
  'ERR_REQUEST_POLICY_NOT_FOUND',
  'ERR_REQUEST_NOT_PENDING',
  'ERR_REQUEST_EXPIRED',
  'ERR_REQUEST_FORBIDDEN',
  'ERR_REQUEST_EXCEEDS_AUTHORITY',
  'ERR_REQUEST_SCOPE_NOT_REQUESTED',
  'ERR_REQUEST_TOKEN_INVALID',
  'ERR_REQUEST_TOKEN_EXPIRED',
  'ERR_REQUEST_TOKEN_STALE',
  'ERR_REQUEST_TOKEN_REVOKED',
  'ERR_REQUEST_REVOKE_FORBIDDEN',
  'ERR_REQUEST_TOKEN_PRINCIPAL',
  'ERR_REQUEST_INVALID',
  'ERR_REQUEST_CANNOT_ESCALATE',
  'ERR_REQUEST_STORE',
  'ERR_REQUEST_STORE_UNAVAILABLE',
  'ERR_SERVER_UNAUTHORIZED',
  'ERR_SERVER_BAD_REQUEST',
  'ERR_SERVER_FORBIDDEN',
  'ERR_SERVER_NOT_FOUND',
  'ERR_SERVER_TOO_LARGE',
  'ERR_SERVER_RATE_LIMITED',
  'ERR_SERVER_UNAVAILABLE',
  'ERR_SERVER_INTERNAL',
  'ERR_MCP_UPSTREAM_START',
  'ERR_MCP_UPSTREAM_UNAVAILABLE',
  'ERR_MCP_UPSTREAM_INVALID',
  'ERR_MCP_UNAUTHORIZED',
  'ERR_CLI_USAGE',
  'ERR_CLI_BAD_DURATION',
  'ERR_CLI_BAD_INPUT',
  'ERR_CLI_NO_HOME',
  'ERR_CLI_HOME_EXISTS',
  'ERR_CLI_UNSAFE_PERMISSIONS',
  'ERR_CLI_KEY_FILE',
  'ERR_CLI_COMMAND_FAILED',
  'ERR_CLI_UNEXPECTED',
] as const satisfies readonly ErrorCode[];
type Unlisted = Exclude<ErrorCode, (typeof CODES)[number]>;
const everyCodeListed: [Unlisted] extends [never] ? true : Unlisted = true;

const CLI_CODES = CODES.filter((c): c is CliErrorCode => c.startsWith('ERR_CLI_'));

const POSITION = { line: 1, column: 1, offset: 0, excerpt: 'x\n^' };
const DENIED: AuthorizationDenied = {
  allowed: false,
  failures: [],
  keyId: 'k',
  delegationId: 'd',
};

/** Instances of each exported error class, one per code it can carry. */
const SAMPLES: Record<string, () => readonly InstanceType<typeof MandateError>[]> = {
  MacaroonMalformedError: () => [new mandate.MacaroonMalformedError('bad')],
  MacaroonLimitError: () => [new mandate.MacaroonLimitError('maxCaveats', 1, 2)],
  MacaroonSignatureError: () => [new mandate.MacaroonSignatureError()],
  MacaroonDischargeError: () => [new mandate.MacaroonDischargeError('missing', 'c')],
  MacaroonCaveatError: () => [new mandate.MacaroonCaveatError([])],
  ScopeSyntaxError: () => [
    new mandate.ScopeSyntaxError('bad', POSITION, { expected: [], found: null }),
  ],
  ScopeTypeError: () => [new mandate.ScopeTypeError('bad', POSITION)],
  ScopeLimitError: () => [new mandate.ScopeLimitError('maxDepth', 1, 2, 'the depth')],
  TokenInvalidError: () => [new mandate.TokenInvalidError()],
  ConditionInvalidError: () => [new mandate.ConditionInvalidError('conditions', 0, 'bad')],
  UnknownToolError: () => [new mandate.UnknownToolError('t')],
  InvalidArgumentsError: () => [new mandate.InvalidArgumentsError('t', [])],
  PermissionDenied: () => [new mandate.PermissionDenied('t', DENIED, {})],
  NoBrokerError: () => [new mandate.NoBrokerError()],
  PrincipalMismatchError: () => [new mandate.PrincipalMismatchError('a', null)],
  RequestNotFoundError: () => [
    new mandate.RequestNotFoundError('req_1'),
    new mandate.RequestNotFoundError('pol_1', 'policy'),
  ],
  RequestNotPendingError: () => [new mandate.RequestNotPendingError('req_1', 'denied')],
  RequestExpiredError: () => [new mandate.RequestExpiredError('req_1')],
  RequestForbiddenError: () => [new mandate.RequestForbiddenError('req_1', 'self-decision', 'no')],
  RevokeForbiddenError: () => [new mandate.RevokeForbiddenError('no')],
  RequestExceedsAuthorityError: () => [
    new mandate.RequestExceedsAuthorityError('req_1', 'g', null, 'x'),
  ],
  RequestScopeNotRequestedError: () => [
    new mandate.RequestScopeNotRequestedError('req_1', null, 'x'),
  ],
  RequestTokenError: () => [
    new mandate.RequestTokenError('invalid', 'x'),
    new mandate.RequestTokenError('expired', 'x'),
    new mandate.RequestTokenError('stale', 'x'),
    new mandate.RequestTokenError('revoked', 'x'),
    new mandate.RequestTokenError('principal-mismatch', 'x'),
  ],
  RequestInvalidError: () => [new mandate.RequestInvalidError('scope', 'is empty')],
  RequestCannotEscalateError: () => [new mandate.RequestCannotEscalateError('req_1')],
  RequestStoreError: () => [new mandate.RequestStoreError('disk full')],
  RequestStoreUnavailableError: () => [new mandate.RequestStoreUnavailableError()],
  CliError: () =>
    CLI_CODES.filter((c) => c !== 'ERR_CLI_UNEXPECTED').map((c) => new CliError(c, 'x')),
  ContextualError: () => [new ContextualError(new mandate.TokenInvalidError(), '--token')],
};

const exportedErrorClasses = [
  ...Object.entries(mandate),
  ['CliError', CliError],
  ['ContextualError', ContextualError],
]
  .filter(
    ([, value]) =>
      typeof value === 'function' &&
      value.prototype instanceof MandateError &&
      // MacaroonError is abstract: its subclasses stand for it.
      value !== mandate.MacaroonError,
  )
  .map(([name]) => name as string);

describe('error codes', () => {
  it('list each code once', () => {
    expect(everyCodeListed).toBe(true);
    expect(new Set(CODES).size).toBe(CODES.length);
  });

  it('have a sample for every exported error class', () => {
    expect(exportedErrorClasses.sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each(Object.entries(SAMPLES))(
    '%s: ERR_<AREA>_<REASON>, in the ErrorCode union',
    (name, make) => {
      for (const err of make()) {
        expect(err).toBeInstanceOf(MandateError);
        expect(err.name).toBe(name);
        expect(err.code).toMatch(/^ERR_[A-Z]+_[A-Z_]+$/);
        expect(CODES).toContain(err.code);
        expect(err.toJSON()).toMatchObject({ code: err.code });
      }
    },
  );

  it('are all thrown by some class, or printed by the CLI for a foreign failure', () => {
    const thrown = new Set(Object.values(SAMPLES).flatMap((make) => make().map((e) => e.code)));
    thrown.add(errorBody(new Error('boom'))['code'] as ErrorCode);
    // The service's own codes (mandate/server, outside the root barrel).
    for (const code of CODES.filter((c) => c.startsWith('ERR_SERVER_')))
      thrown.add(new ServiceError(code, 'x', 400).code);
    // The gateway's own codes (mandate/mcp, outside the root barrel).
    for (const code of CODES.filter((c): c is McpErrorCode => c.startsWith('ERR_MCP_')))
      thrown.add(new McpGatewayError(code, 'x').code);
    expect([...thrown].sort()).toEqual([...CODES].sort());
  });
});
