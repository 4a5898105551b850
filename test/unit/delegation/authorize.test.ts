// authorize: verification, the principal rule, every failure reported with its place and
// author, the needed scope, unknown caveats, the one opaque error, and the chain cache.
import { describe, expect, it } from 'vitest';
import {
  RootKeyring,
  TokenInvalidError,
  authorize,
  createRootKey,
  delegate,
  mintDelegation,
} from '../../../src/delegation/index.js';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
} from '../../../src/macaroon/index.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
const opts = { rootKeys: ring, now: NOW };

const plannerToken = mintDelegation(ring, {
  to: 'planner',
  conditions: [
    'tool ~ "fs.*" or tool ~ "bank.*"',
    'tool != "bank.transfer" or args.amount <= 1000',
  ],
});
const coderToken = delegate(plannerToken, {
  to: 'coder',
  conditions: ['tool in ["fs.read", "fs.write"]', 'args.path ~ "/repo/**"'],
}).token;

function appendRaw(token: string, caveat: string | Uint8Array): string {
  return encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(token), caveat));
}

describe('authorize: allowed', () => {
  it('allows a call that every condition allows, for the last marker principal', () => {
    const d = authorize(
      coderToken,
      { tool: 'fs.read', args: { path: '/repo/a.ts' }, principal: 'coder' },
      opts,
    );
    expect(d.allowed).toBe(true);
    expect(d.failures).toEqual([]);
    expect(d.keyId).toBe('k1');
    expect(d.delegationId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('authorize: denials', () => {
  it('lists every failed condition with block, index, caveat, author, reason and term', () => {
    const d = authorize(
      coderToken,
      { tool: 'bank.transfer', args: { amount: 5000 }, principal: 'coder' },
      opts,
    );
    expect(d.allowed).toBe(false);
    expect(d.failures).toEqual([
      {
        kind: 'condition',
        block: 0,
        index: 2,
        caveat: 'tool != "bank.transfer" or args.amount <= 1000',
        author: 'owner',
        reason: expect.stringContaining('5000') as unknown,
        term: expect.any(String) as unknown,
      },
      {
        kind: 'condition',
        block: 1,
        index: 4,
        caveat: 'tool in ["fs.read", "fs.write"]',
        author: 'planner',
        reason: expect.stringContaining('bank.transfer') as unknown,
        term: expect.any(String) as unknown,
      },
      {
        kind: 'condition',
        block: 1,
        index: 5,
        caveat: 'args.path ~ "/repo/**"',
        author: 'planner',
        reason: 'args.path is missing',
        term: 'args.path ~ "/repo/**"',
      },
    ]);
  });

  it('gives the needed scope and whom to ask (the grantor of the last block)', () => {
    const d = authorize(
      coderToken,
      { tool: 'fs.write', args: { path: '/etc/passwd' }, principal: 'coder' },
      opts,
    );
    if (d.allowed) throw new Error('expected a denial');
    expect(d.failures.map((f) => f.index)).toEqual([5]);
    expect(d.needed?.askFrom).toBe('planner');
    expect(d.needed?.scope.join(' and ')).toContain('"/etc/passwd"');
    expect(d.needed?.scope.join(' and ')).toContain('"fs.write"');
    const one = authorize(
      plannerToken,
      { tool: 'shell.run', args: {}, principal: 'planner' },
      opts,
    );
    if (one.allowed) throw new Error('expected a denial');
    expect(one.needed?.askFrom).toBe('owner');
  });

  it('says whether the grantor can grant the needed scope now, from its own authority', () => {
    const within = authorize(
      coderToken,
      { tool: 'fs.write', args: { path: '/etc/x' }, principal: 'coder' },
      opts,
    );
    expect(within.allowed === false && within.needed?.grantable).toBe(true);
    const beyond = authorize(
      coderToken,
      { tool: 'bank.transfer', args: { amount: 5000 }, principal: 'coder' },
      opts,
    );
    if (beyond.allowed) throw new Error('expected a denial');
    expect(beyond.needed?.askFrom).toBe('planner');
    expect(beyond.needed?.grantable).toBe(false); // the owner capped planner at 1000: escalate
    // An expiry in the grantor's own token does not make a grant impossible before it.
    const timed = mintDelegation(ring, {
      to: 'planner',
      conditions: ['tool ~ "fs.*"'],
      expiresIn: 3600,
      now: NOW,
    });
    const sub = delegate(timed, { to: 'coder', conditions: ['tool == "fs.read"'] }).token;
    const d = authorize(sub, { tool: 'fs.write', args: {}, principal: 'coder' }, opts);
    if (d.allowed) throw new Error('expected a denial');
    expect(d.needed).toMatchObject({
      scope: ['tool == "fs.write"'],
      grantable: true,
      askFrom: 'planner',
    });
    expect(d.needed?.suggestions.every((x) => x.grantable === true || x.grantable === false)).toBe(
      true,
    );
  });

  it('never stops at the first failure: the same denial however many conditions fail before', () => {
    const narrowed = delegate(coderToken, {
      to: 'tester',
      conditions: ['tool == "fs.read"', 'args.path ~ "/repo/test/**"'],
    }).token;
    const d = authorize(
      narrowed,
      { tool: 'shell.run', args: { path: '/x' }, principal: 'tester' },
      opts,
    );
    expect(d.failures.map((f) => [f.block, f.index, f.author])).toEqual([
      [0, 1, 'owner'],
      [1, 4, 'planner'],
      [1, 5, 'planner'],
      [2, 7, 'coder'],
      [2, 8, 'coder'],
    ]);
  });
});

describe('authorize: the principal rule', () => {
  it('refuses a token used by another principal, without a needed scope', () => {
    const d = authorize(
      coderToken,
      { tool: 'fs.read', args: { path: '/repo/a' }, principal: 'mallory' },
      opts,
    );
    if (d.allowed) throw new Error('expected a denial');
    expect(d.failures).toEqual([
      {
        kind: 'principal',
        block: 1,
        index: 3,
        caveat: 'to "coder"',
        author: 'planner',
        reason: 'the token is delegated to "coder", not "mallory"',
      },
    ]);
    expect(d.needed).toBeUndefined();
  });

  it('refuses a delegated token when the request names no principal', () => {
    const d = authorize(coderToken, { tool: 'fs.read', args: { path: '/repo/a' } }, opts);
    expect(d.allowed).toBe(false);
    expect(d.failures[0]?.kind).toBe('principal');
  });

  it('lets a bearer token (no marker) be used by anyone, and names the bearer as author of a later block', () => {
    const bearer = mintDelegation(ring, { conditions: ['tool == "fs.read"'] });
    expect(authorize(bearer, { tool: 'fs.read', args: {} }, opts).allowed).toBe(true);
    expect(
      authorize(bearer, { tool: 'fs.read', args: {}, principal: 'anyone' }, opts).allowed,
    ).toBe(true);
    const handed = delegate(bearer, { to: 'coder', conditions: ['args.path ~ "/a/**"'] }).token;
    const d = authorize(
      handed,
      { tool: 'fs.read', args: { path: '/b' }, principal: 'coder' },
      opts,
    );
    if (d.allowed) throw new Error('expected a denial');
    expect(d.failures[0]).toMatchObject({ block: 1, index: 2, author: 'bearer' });
    expect(d.needed?.askFrom).toBe('bearer');
  });
});

describe('authorize: caveats this verifier does not understand deny', () => {
  it('denies on a caveat that is not the DSL, naming it', () => {
    const token = appendRaw(coderToken, 'account = 42');
    const d = authorize(
      token,
      { tool: 'fs.read', args: { path: '/repo/a' }, principal: 'coder' },
      opts,
    );
    if (d.allowed) throw new Error('expected a denial');
    expect(d.failures).toEqual([
      expect.objectContaining({
        kind: 'unknown-caveat',
        block: 1,
        index: 6,
        caveat: 'account = 42',
        author: 'planner',
      }),
    ]);
    expect(d.needed).toBeUndefined();
  });

  it('denies on a caveat that is not UTF-8', () => {
    const token = appendRaw(coderToken, new Uint8Array([0xff, 0xfe]));
    const d = authorize(
      token,
      { tool: 'fs.read', args: { path: '/repo/a' }, principal: 'coder' },
      opts,
    );
    expect(d.failures).toEqual([
      expect.objectContaining({ kind: 'unknown-caveat', reason: 'the caveat is not UTF-8 text' }),
    ]);
  });

  it('denies on a marker naming a reserved principal', () => {
    const token = appendRaw(appendRaw(coderToken, 'to "owner"'), 'to "coder"');
    const d = authorize(
      token,
      { tool: 'fs.read', args: { path: '/repo/a' }, principal: 'coder' },
      opts,
    );
    expect(d.failures).toEqual([
      expect.objectContaining({ kind: 'unknown-caveat', index: 6, caveat: 'to "owner"' }),
    ]);
  });

  it('denies on a third-party caveat (no discharges here), after verifying the chain', () => {
    const m = addThirdPartyCaveat(decodeMacaroon(coderToken), {
      rootKey: new Uint8Array(32).fill(7),
      identifier: 'approve:1',
      location: 'https://approver',
    });
    const token = encodeMacaroon(m);
    const d = authorize(
      token,
      { tool: 'fs.read', args: { path: '/repo/a' }, principal: 'coder' },
      opts,
    );
    expect(d.failures).toEqual([expect.objectContaining({ kind: 'unknown-caveat', index: 6 })]);
    expect(d.failures[0]?.reason).toMatch(/third-party/);
    // With a forged signature it is the opaque error, not a failure list.
    const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    expect(() =>
      authorize(forged, { tool: 'fs.read', args: {}, principal: 'coder' }, opts),
    ).toThrow(TokenInvalidError);
  });
});

describe('authorize: invalid tokens are one opaque error', () => {
  const other = new RootKeyring([createRootKey({ id: 'k1' })]);
  const foreignId = encodeMacaroon(
    createMacaroon({ rootKey: new Uint8Array(32), identifier: 'md1.k1.short' }),
  );
  const tampered =
    plannerToken.slice(0, 40) + (plannerToken[40] === 'A' ? 'B' : 'A') + plannerToken.slice(41);
  const cases: [string, string, Parameters<typeof authorize>[2]][] = [
    ['garbage', 'not a token', opts],
    ['empty', '', opts],
    ['too long', 'A'.repeat(70_000), opts],
    ['a v2 token with a foreign identifier layout', foreignId, opts],
    [
      'a token of a key that is not live',
      plannerToken,
      { rootKeys: [createRootKey({ id: 'k2' })], now: NOW },
    ],
    ['a different key under the same id', plannerToken, { rootKeys: other, now: NOW }],
    ['a tampered token', tampered, opts],
  ];
  it.each(cases)('%s', (_name, token, options) => {
    let caught: unknown;
    try {
      authorize(token, { tool: 'fs.read', args: {}, principal: 'planner' }, options);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TokenInvalidError);
    expect((caught as TokenInvalidError).toJSON()).toEqual({
      code: 'ERR_TOKEN_INVALID',
      message: 'token is invalid',
    });
    expect((caught as Error).cause).toBeUndefined();
  });
});

describe('authorize: expiry', () => {
  it('refuses after expiresIn, naming the expiry caveat and its author', () => {
    const start = new Date('2026-03-01T00:00:00Z');
    const token = mintDelegation(ring, {
      to: 'planner',
      conditions: ['tool == "fs.read"'],
      expiresIn: 3600,
      now: start,
    });
    const req = { tool: 'fs.read', args: {}, principal: 'planner' };
    expect(
      authorize(token, req, { rootKeys: ring, now: new Date('2026-03-01T00:59:59Z') }).allowed,
    ).toBe(true);
    const d = authorize(token, req, { rootKeys: ring, now: new Date('2026-03-01T01:00:00Z') });
    expect(d.failures).toEqual([
      expect.objectContaining({
        kind: 'condition',
        index: 2,
        caveat: 'time < 2026-03-01T01:00:00Z',
        author: 'owner',
      }),
    ]);
  });
});

describe('authorize: the cache of verified chains', () => {
  it('drops a chain when its key is retired, and never serves it to callers without the key', () => {
    const local = new RootKeyring([createRootKey({ id: 'old' })]);
    const token = mintDelegation(local, { to: 'a', conditions: ['tool == "t"'] });
    const req = { tool: 't', args: {}, principal: 'a' };
    expect(authorize(token, req, { rootKeys: local }).allowed).toBe(true); // now cached
    expect(() => authorize(token, req, { rootKeys: [createRootKey({ id: 'old' })] })).toThrow(
      TokenInvalidError,
    );
    expect(() => authorize(token, req, { rootKeys: [] })).toThrow(TokenInvalidError);
    const old = local.signingKey;
    local.rotate({ id: 'new' });
    expect(authorize(token, req, { rootKeys: local }).allowed).toBe(true); // old keys verify until retired
    expect(authorize(token, req, { rootKeys: [old] }).allowed).toBe(true);
    local.retire('old');
    expect(() => authorize(token, req, { rootKeys: local })).toThrow(TokenInvalidError);
  });

  it('gives the same decision with and without the cache', () => {
    const req = { tool: 'fs.write', args: { path: '/tmp/x' }, principal: 'coder' };
    expect(authorize(coderToken, req, { ...opts, cache: false })).toEqual(
      authorize(coderToken, req, opts),
    );
  });
});

describe('authorize: bad arguments', () => {
  const req = { tool: 'fs.read', args: {}, principal: 'coder' };
  const cases: [string, () => unknown, ErrorConstructor][] = [
    ['token not a string', () => authorize(5 as never, req, opts), TypeError],
    ['request null', () => authorize(coderToken, null as never, opts), TypeError],
    [
      'tool not a string',
      () => authorize(coderToken, { ...req, tool: 1 as never }, opts),
      TypeError,
    ],
    ['args an array', () => authorize(coderToken, { ...req, args: [] as never }, opts), TypeError],
    ['args missing', () => authorize(coderToken, { tool: 'x' } as never, opts), TypeError],
    [
      'args a Map',
      () => authorize(coderToken, { ...req, args: new Map() as never }, opts),
      TypeError,
    ],
    [
      'principal a number',
      () => authorize(coderToken, { ...req, principal: 3 as never }, opts),
      TypeError,
    ],
    ['options missing', () => authorize(coderToken, req, undefined as never), TypeError],
    ['rootKeys missing', () => authorize(coderToken, req, { now: NOW } as never), TypeError],
    [
      'rootKeys of strings',
      () => authorize(coderToken, req, { rootKeys: ['k'] as never }),
      TypeError,
    ],
    [
      'now a string',
      () => authorize(coderToken, req, { rootKeys: ring, now: '2026' as never }),
      TypeError,
    ],
    [
      'now invalid',
      () => authorize(coderToken, req, { rootKeys: ring, now: new Date(Number.NaN) }),
      RangeError,
    ],
    [
      'cache not a boolean',
      () => authorize(coderToken, req, { rootKeys: ring, cache: 1 as never }),
      TypeError,
    ],
  ];
  it.each(cases)('%s', (_name, call, error) => {
    expect(call).toThrow(error);
  });
});
