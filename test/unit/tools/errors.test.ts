// The runner's errors: codes, messages and toJSON shapes that adapters print as they are.
import { describe, expect, it } from 'vitest';
import type { AuthorizationDenied } from '../../../src/delegation/index.js';
import {
  InvalidArgumentsError,
  NoBrokerError,
  PermissionDenied,
  PrincipalMismatchError,
  UnknownToolError,
} from '../../../src/tools/index.js';

const failure = {
  kind: 'condition' as const,
  block: 1,
  index: 4,
  caveat: 'args.amount <= 100',
  author: 'planner',
  reason: 'args.amount is 500, not <= 100',
  term: 'args.amount <= 100',
};

describe('PermissionDenied', () => {
  it('mirrors insufficient_scope with the whole needed scope as one condition', () => {
    const decision: AuthorizationDenied = {
      allowed: false,
      failures: [failure],
      needed: {
        scope: ['tool == "bank.transfer"', 'args.amount == 500 or args.amount == 0'],
        grantable: true,
        suggestions: [],
        unexpressible: [],
        askFrom: 'planner',
        grantableBy: 'planner',
      },
      keyId: 'k',
      delegationId: 'd',
    };
    const err = new PermissionDenied('bank.transfer', decision, { to: 'bob', amount: 500 });
    expect(err.message).toBe(
      '"bank.transfer" is not permitted by this delegation: caveat 4 (block 1, by planner) "args.amount <= 100": ' +
        'args.amount is 500, not <= 100; ask "planner" for more',
    );
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      code: 'ERR_PERMISSION_DENIED',
      message: err.message,
      error: 'insufficient_scope',
      error_description: err.message,
      scope: 'tool == "bank.transfer" and (args.amount == 500 or args.amount == 0)',
      tool: 'bank.transfer',
      failures: [failure],
      needed: decision.needed,
    });
  });

  it('omits scope when asking cannot help', () => {
    const err = new PermissionDenied(
      'fs.read',
      {
        allowed: false,
        failures: [{ ...failure, kind: 'principal' }],
        keyId: 'k',
        delegationId: 'd',
      },
      {},
    );
    const json = err.toJSON();
    expect(json['error']).toBe('insufficient_scope');
    expect('scope' in json).toBe(false);
    expect('needed' in json).toBe(false);
  });
});

describe('PermissionDenied and the denied call', () => {
  it('keeps the arguments on the object, out of its message and JSON, however large', () => {
    const decision: AuthorizationDenied = {
      allowed: false,
      failures: [failure],
      keyId: 'k',
      delegationId: 'd',
    };
    const small = new PermissionDenied('fs.write', decision, { path: '/repo/a' });
    const args = { path: '/repo/a', content: 'x'.repeat(100_000) };
    const large = new PermissionDenied('fs.write', decision, args);
    expect(large.args).toBe(args);
    expect(large.message).toBe(small.message);
    expect(JSON.stringify(large)).toBe(JSON.stringify(small));
    expect(JSON.stringify(large)).not.toContain('/repo/a');
  });
});

describe('the other errors', () => {
  it.each([
    [new UnknownToolError('x'), 'ERR_TOOLS_UNKNOWN_TOOL', { tool: 'x' }],
    [
      new InvalidArgumentsError('t', [{ instancePath: '/a', message: 'must be number' }]),
      'ERR_TOOLS_INVALID_ARGUMENTS',
      { tool: 't', problems: [{ instancePath: '/a', message: 'must be number' }] },
    ],
    [new NoBrokerError(), 'ERR_TOOLS_NO_BROKER', {}],
    [
      new PrincipalMismatchError('a', 'b'),
      'ERR_TOOLS_PRINCIPAL_MISMATCH',
      { principal: 'a', tokenPrincipal: 'b' },
    ],
  ])('%s has its code and fields', (err, code, fields) => {
    expect(err.code).toBe(code);
    expect(err.toJSON()).toEqual({ code, message: err.message, ...fields });
  });

  it('words argument problems with their paths', () => {
    expect(
      new InvalidArgumentsError('t', [{ instancePath: '', message: 'must be object' }]).message,
    ).toBe('invalid arguments for "t": arguments must be object');
  });
});
