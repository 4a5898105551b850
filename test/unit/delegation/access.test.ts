// accessForTool and accessForTools: a token's verdict per tool before arguments are known
// (what discovery shows).
import { describe, expect, it } from 'vitest';
import {
  RootKeyring,
  TokenInvalidError,
  accessForTool,
  accessForTools,
  createRootKey,
  delegate,
  mintDelegation,
} from '../../../src/delegation/index.js';
import {
  addFirstPartyCaveat,
  decodeMacaroon,
  encodeMacaroon,
} from '../../../src/macaroon/index.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
const opts = { rootKeys: ring, now: NOW };
const planner = mintDelegation(ring, {
  to: 'planner',
  conditions: [
    'tool ~ "fs.*" or tool == "bank.list"',
    'tool == "bank.list" or args.path ~ "/repo/**"',
  ],
  expiresIn: 3600,
  now: NOW,
});

describe('accessForTool', () => {
  it('says allowed, conditional (with the residual condition) or denied per tool', () => {
    expect(accessForTool(planner, 'bank.list', opts)).toEqual({ status: 'allowed' });
    expect(accessForTool(planner, 'fs.read', opts)).toEqual({
      status: 'conditional',
      condition: 'args.path ~ "/repo/**"',
    });
    expect(accessForTool(planner, 'bank.transfer', opts)).toEqual({
      status: 'denied',
      failures: [
        {
          kind: 'condition',
          block: 0,
          index: 1,
          caveat: 'tool ~ "fs.*" or tool == "bank.list"',
          author: 'owner',
          reason: expect.stringContaining('bank.transfer') as unknown,
          term: expect.any(String) as unknown,
        },
      ],
    });
  });

  it('names the expiry when the time has passed', () => {
    const later = accessForTool(planner, 'bank.list', {
      rootKeys: ring,
      now: new Date('2026-03-01T13:00:00Z'),
    });
    expect(later).toEqual({
      status: 'denied',
      failures: [
        expect.objectContaining({
          index: 3,
          caveat: 'time < 2026-03-01T13:00:00Z',
          author: 'owner',
        }),
      ],
    });
    if (later.status === 'denied') expect(later.failures[0]?.reason).toMatch(/time/);
  });

  it('blames the conditions that together leave no arguments, when none excludes the tool alone', () => {
    const coder = delegate(planner, {
      to: 'coder',
      conditions: ['args.n < 1', 'args.n > 2'],
    }).token;
    const access = accessForTool(coder, 'fs.read', opts);
    expect(access.status).toBe('denied');
    if (access.status !== 'denied') return;
    expect(access.failures.map((f) => [f.index, f.author])).toEqual([
      [2, 'owner'],
      [5, 'planner'],
      [6, 'planner'],
    ]);
    expect(access.failures[1]?.reason).toMatch(/together with the other conditions/);
  });

  it('denies every tool when the token holds a caveat it cannot read', () => {
    const token = encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(planner), '???'));
    expect(accessForTool(token, 'bank.list', opts)).toEqual({
      status: 'denied',
      failures: [expect.objectContaining({ kind: 'unknown-caveat', index: 4, caveat: '???' })],
    });
  });

  it('checks the principal when one is given', () => {
    expect(accessForTool(planner, 'bank.list', { ...opts, principal: 'planner' }).status).toBe(
      'allowed',
    );
    expect(accessForTool(planner, 'bank.list', { ...opts, principal: 'mallory' })).toEqual({
      status: 'denied',
      failures: [expect.objectContaining({ kind: 'principal', index: 0, author: 'owner' })],
    });
  });

  const cases: [string, () => unknown, new (...a: never[]) => Error][] = [
    ['a bad token', () => accessForTool('nope', 'x', opts), TokenInvalidError],
    ['an unknown key', () => accessForTool(planner, 'x', { rootKeys: [] }), TokenInvalidError],
    ['token not a string', () => accessForTool(1 as never, 'x', opts), TypeError],
    ['tool not a string', () => accessForTool(planner, null as never, opts), TypeError],
    ['options missing', () => accessForTool(planner, 'x', undefined as never), TypeError],
    ['rootKeys wrong', () => accessForTool(planner, 'x', { rootKeys: 'k' as never }), TypeError],
    [
      'now wrong',
      () => accessForTool(planner, 'x', { rootKeys: ring, now: 'today' as never }),
      TypeError,
    ],
    [
      'principal wrong',
      () => accessForTool(planner, 'x', { rootKeys: ring, principal: 5 as never }),
      TypeError,
    ],
  ];
  it.each(cases)('refuses %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });
});

describe('accessForTools', () => {
  it('gives each tool, in order, what accessForTool gives it', () => {
    const tools = ['fs.read', 'bank.list', 'shell.run', 'fs.read'];
    expect(accessForTools(planner, tools, opts)).toEqual(
      tools.map((t) => accessForTool(planner, t, opts)),
    );
    expect(accessForTools(planner, [], opts)).toEqual([]);
  });

  it('denies every tool alike for a principal mismatch', () => {
    const access = accessForTools(planner, ['fs.read', 'bank.list'], {
      ...opts,
      principal: 'mallory',
    });
    expect(access.map((a) => a.status)).toEqual(['denied', 'denied']);
  });

  it.each<[string, unknown]>([
    ['tools not an array', 'fs.read'],
    ['a tool not a string', ['fs.read', 3]],
  ])('refuses %s', (_name, tools) => {
    expect(() => accessForTools(planner, tools as never, opts)).toThrow(TypeError);
  });
});
