// A delegation token is at most 16,384 characters and 128 caveats (DELEGATION_TOKEN_LIMITS):
// what an agent can make one call cost starts with reading its token, and a token must fit an
// HTTP header. Readers refuse a larger token as invalid, and nothing in mandate makes one.
import { describe, expect, it } from 'vitest';
import {
  DELEGATION_TOKEN_LIMITS,
  TokenInvalidError,
  authorize,
  delegate,
  inspectToken,
  mintDelegation,
  verifyDelegation,
} from '../../../src/delegation/index.js';
import {
  MacaroonLimitError,
  addFirstPartyCaveat,
  decodeMacaroon,
  encodeMacaroon,
} from '../../../src/macaroon/index.js';
import { NOW, appendUntilFull, coderChain } from './_hard-tokens.js';

const call = { tool: 'fs.read', args: { path: '/repo/a', amount: 5 }, principal: 'coder' };

describe('the delegation token limits', () => {
  it('are 16,384 characters and 128 caveats', () => {
    expect(DELEGATION_TOKEN_LIMITS).toEqual({ maxTokenSize: 16_384, maxCaveats: 128 });
    expect(Object.isFrozen(DELEGATION_TOKEN_LIMITS)).toBe(true);
  });

  it('admit a token filled to them', () => {
    const { ring, coder } = coderChain();
    const full = appendUntilFull(coder, [], (k) => `args.path != "/x${k}"`);
    expect(decodeMacaroon(full).caveats).toHaveLength(DELEGATION_TOKEN_LIMITS.maxCaveats);
    expect(verifyDelegation(full, { rootKeys: ring }).blocks.length).toBeGreaterThan(0);
    expect(authorize(full, call, { rootKeys: ring, now: NOW }).allowed).toBe(true);
  });

  it('refuse, when reading, a token with one caveat more', () => {
    const { ring, coder } = coderChain();
    const full = appendUntilFull(coder, [], (k) => `args.path != "/x${k}"`);
    const over = encodeMacaroon(addFirstPartyCaveat(decodeMacaroon(full), 'args.y != 1'));
    expect(over.length).toBeLessThan(DELEGATION_TOKEN_LIMITS.maxTokenSize);
    expect(() => verifyDelegation(over, { rootKeys: ring })).toThrow(TokenInvalidError);
    expect(() => authorize(over, call, { rootKeys: ring, now: NOW })).toThrow(TokenInvalidError);
    expect(() => inspectToken(over)).toThrow(TokenInvalidError);
  });

  it('refuse, when reading, a token longer than 16,384 characters', () => {
    const { ring, coder } = coderChain();
    const long = encodeMacaroon(
      addFirstPartyCaveat(decodeMacaroon(coder), `args.note != "${'n'.repeat(13_000)}"`),
    );
    expect(long.length).toBeGreaterThan(DELEGATION_TOKEN_LIMITS.maxTokenSize);
    expect(() => verifyDelegation(long, { rootKeys: ring })).toThrow(TokenInvalidError);
  });

  it('stop delegate and mintDelegation from making a token past them, saying which limit', () => {
    const { ring, coder } = coderChain();
    const many = Array.from({ length: 130 }, (_, k) => `args.x${k} != ${k}`);
    let caught: unknown;
    try {
      delegate(coder, { to: 'tester', conditions: many, now: NOW });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MacaroonLimitError);
    expect(caught).toMatchObject({ code: 'ERR_MACAROON_LIMIT', limit: 'maxCaveats', max: 128 });

    const wide = Array.from({ length: 4 }, (_, k) => `args.n${k} != "${'w'.repeat(4_000)}"`);
    expect(() => mintDelegation(ring, { to: 'planner', conditions: wide, now: NOW })).toThrow(
      expect.objectContaining({ limit: 'maxTokenSize', max: 16_384 }),
    );
  });
});
