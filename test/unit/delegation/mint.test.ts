// mintDelegation and delegate: the identifier, canonical conditions, appending only, expiry,
// empty-scope warnings, rotation, and a table of bad inputs for each.
import { describe, expect, it } from 'vitest';
import {
  ConditionInvalidError,
  RootKeyring,
  TokenInvalidError,
  authorize,
  createRootKey,
  delegate,
  inspectToken,
  mintDelegation,
} from '../../../src/delegation/index.js';
import { decodeMacaroon } from '../../../src/macaroon/index.js';
import { ScopeSyntaxError } from '../../../src/scope/index.js';

const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('mintDelegation', () => {
  it('emits a v2 base64url token whose identifier names the key and a fresh delegation id', () => {
    const a = mintDelegation(ring, {
      to: 'planner',
      conditions: ['tool == "x"'],
      location: 'https://runner',
    });
    const b = mintDelegation(ring, { to: 'planner', conditions: ['tool == "x"'] });
    expect(a).toMatch(/^[A-Za-z0-9_-]+$/);
    const m = decodeMacaroon(a);
    expect(text(m.identifier)).toMatch(/^md1\.k1\.[A-Za-z0-9_-]{22}$/);
    expect(m.location).toBe('https://runner');
    expect(inspectToken(a).delegationId).not.toBe(inspectToken(b).delegationId);
  });

  it('stores conditions in canonical form, after the marker', () => {
    const token = mintDelegation(ring, {
      to: 'planner',
      conditions: ['tool   in ["a","b"]', '(args.n<=3)'],
    });
    expect(decodeMacaroon(token).caveats.map((c) => text(c.identifier))).toEqual([
      'to "planner"',
      'tool in ["a", "b"]',
      'args.n <= 3',
    ]);
  });

  it('writes expiresIn as a time condition from the injected clock', () => {
    const token = mintDelegation(ring, {
      conditions: [],
      expiresIn: 90,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(inspectToken(token).blocks[0]?.conditions).toEqual(['time < 2026-01-01T00:01:30Z']);
  });

  it('signs with the newest key of a ring; old tokens keep verifying until retired', () => {
    const local = new RootKeyring([createRootKey({ id: 'a' })]);
    const old = mintDelegation(local, { conditions: ['tool == "t"'] });
    local.rotate({ id: 'b' });
    const fresh = mintDelegation(local, { conditions: ['tool == "t"'] });
    expect(inspectToken(fresh).keyId).toBe('b');
    expect(authorize(old, { tool: 't', args: {} }, { rootKeys: local }).allowed).toBe(true);
    local.retire('a');
    expect(() => authorize(old, { tool: 't', args: {} }, { rootKeys: local })).toThrow(
      TokenInvalidError,
    );
    expect(authorize(fresh, { tool: 't', args: {} }, { rootKeys: local }).allowed).toBe(true);
  });

  it('mints with a single key too', () => {
    const key = createRootKey({ id: 'solo' });
    expect(inspectToken(mintDelegation(key, { conditions: [] })).keyId).toBe('solo');
  });

  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp?][] = [
    ['a string key', () => mintDelegation('secret' as never, { conditions: [] }), TypeError],
    ['an empty ring', () => mintDelegation(new RootKeyring(), { conditions: [] }), RangeError],
    ['options null', () => mintDelegation(ring, null as never), TypeError],
    ['conditions missing', () => mintDelegation(ring, {} as never), TypeError],
    [
      'a condition that is a number',
      () => mintDelegation(ring, { conditions: [5 as never] }),
      TypeError,
      /conditions\[0\]/,
    ],
    [
      'a syntax error',
      () => mintDelegation(ring, { conditions: ['tool == "a"', 'tool =='] }),
      ConditionInvalidError,
      /conditions\[1\]/,
    ],
    [
      'a type error',
      () => mintDelegation(ring, { conditions: ['time == "noon"'] }),
      ConditionInvalidError,
    ],
    [
      'a marker as a condition',
      () => mintDelegation(ring, { conditions: ['to "x"'] }),
      ConditionInvalidError,
      /marker/,
    ],
    ['to empty', () => mintDelegation(ring, { to: '', conditions: [] }), RangeError, /options\.to/],
    [
      'to reserved',
      () => mintDelegation(ring, { to: 'owner', conditions: [] }),
      RangeError,
      /reserved/,
    ],
    ['to with a newline', () => mintDelegation(ring, { to: 'a\nb', conditions: [] }), RangeError],
    [
      'to too long',
      () => mintDelegation(ring, { to: 'x'.repeat(129), conditions: [] }),
      RangeError,
    ],
    ['to a number', () => mintDelegation(ring, { to: 7 as never, conditions: [] }), TypeError],
    [
      'location a number',
      () => mintDelegation(ring, { conditions: [], location: 1 as never }),
      TypeError,
    ],
    ['expiresIn zero', () => mintDelegation(ring, { conditions: [], expiresIn: 0 }), RangeError],
    [
      'expiresIn negative',
      () => mintDelegation(ring, { conditions: [], expiresIn: -5 }),
      RangeError,
    ],
    [
      'expiresIn NaN',
      () => mintDelegation(ring, { conditions: [], expiresIn: Number.NaN }),
      RangeError,
    ],
    [
      'expiresIn a string',
      () => mintDelegation(ring, { conditions: [], expiresIn: '60' as never }),
      TypeError,
    ],
    [
      'expiresIn past 9999',
      () => mintDelegation(ring, { conditions: [], expiresIn: 1e12 }),
      RangeError,
    ],
    [
      'now a number',
      () => mintDelegation(ring, { conditions: [], expiresIn: 5, now: 5 as never }),
      TypeError,
    ],
  ];
  it.each(cases)('refuses %s', (_name, call, error, message) => {
    expect(call).toThrow(error);
    if (message) expect(call).toThrow(message);
  });

  it('keeps the parser error as the cause of ConditionInvalidError', () => {
    try {
      mintDelegation(ring, { conditions: ['args.x >> 1'] });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConditionInvalidError);
      expect((err as Error).cause).toBeInstanceOf(ScopeSyntaxError);
      expect((err as ConditionInvalidError).toJSON()).toMatchObject({
        code: 'ERR_DELEGATION_CONDITION_INVALID',
        argument: 'options.conditions',
        index: 0,
      });
    }
  });
});

describe('delegate', () => {
  const parent = mintDelegation(ring, { to: 'planner', conditions: ['tool ~ "fs.*"'] });

  it('appends the marker and conditions, keeping every parent caveat as a prefix', () => {
    const { token, warnings } = delegate(parent, {
      to: 'coder',
      conditions: ['args.path ~ "/repo/**"'],
      expiresIn: 60,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    expect(warnings).toEqual([]);
    const before = decodeMacaroon(parent).caveats.map((c) => text(c.identifier));
    const after = decodeMacaroon(token).caveats.map((c) => text(c.identifier));
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length)).toEqual([
      'to "coder"',
      'args.path ~ "/repo/**"',
      'time < 2026-01-01T00:01:00Z',
    ]);
    expect(inspectToken(token).delegationId).toBe(inspectToken(parent).delegationId);
  });

  it('needs no key: it works on any decodable token of this layout', () => {
    const unknownKey = mintDelegation(createRootKey({ id: 'elsewhere' }), {
      to: 'a',
      conditions: [],
    });
    expect(() => delegate(unknownKey, { to: 'b', conditions: [] })).not.toThrow();
  });

  it('reports, but allows, conditions that leave nothing', () => {
    const { token, warnings } = delegate(parent, {
      to: 'coder',
      conditions: ['tool == "bank.transfer"'],
    });
    expect(warnings.map((w) => w.code)).toEqual(['empty-scope']);
    expect(typeof token).toBe('string');
    const contradiction = delegate(parent, {
      to: 'coder',
      conditions: ['args.n < 1', 'args.n > 2'],
    });
    expect(contradiction.warnings.map((w) => w.code)).toEqual(['empty-scope']);
  });

  const cases: [string, () => unknown, new (...a: never[]) => Error][] = [
    [
      'a token that is not a string',
      () => delegate(5 as never, { to: 'b', conditions: [] }),
      TypeError,
    ],
    [
      'a malformed token',
      () => delegate('garbage', { to: 'b', conditions: [] }),
      TokenInvalidError,
    ],
    ['options null', () => delegate(parent, null as never), TypeError],
    ['to missing', () => delegate(parent, { conditions: [] } as never), TypeError],
    ['to reserved', () => delegate(parent, { to: 'bearer', conditions: [] }), RangeError],
    [
      'conditions a string',
      () => delegate(parent, { to: 'b', conditions: 'tool == "x"' as never }),
      TypeError,
    ],
    [
      'a bad condition',
      () => delegate(parent, { to: 'b', conditions: ['args.'] }),
      ConditionInvalidError,
    ],
    [
      'a marker condition',
      () => delegate(parent, { to: 'b', conditions: ['to "c"'] }),
      ConditionInvalidError,
    ],
    [
      'expiresIn Infinity',
      () => delegate(parent, { to: 'b', conditions: [], expiresIn: Infinity }),
      RangeError,
    ],
  ];
  it.each(cases)('refuses %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });
});
