// A token wrapped over lines (as `base64` and mail write it), or pasted with spaces around it,
// is the same token: it verifies, authorizes and reads exactly like the one-line text, shares its
// entry in the cache of verified chains, and stops verifying with it when its key is retired.
import { describe, expect, it } from 'vitest';
import {
  DELEGATION_TOKEN_LIMITS,
  RootKeyring,
  TokenInvalidError,
  authorize,
  createRootKey,
  delegate,
  inspectToken,
  mintDelegation,
  verifyDelegation,
} from '../../../src/delegation/index.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function wrap(text: string, width: number, eol: string): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join(eol) + eol;
}

function setup() {
  const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
  const token = mintDelegation(ring, {
    to: 'coder',
    conditions: ['tool == "fs.read"', 'args.path ~ "/repo/**"'],
  });
  return { ring, token, wrapped: wrap(token, 76, '\r\n') };
}

describe('a wrapped token', () => {
  it('authorizes exactly like the one-line token, allowed and denied', () => {
    const { ring, token, wrapped } = setup();
    for (const request of [
      { tool: 'fs.read', args: { path: '/repo/a' }, principal: 'coder' },
      { tool: 'fs.read', args: { path: '/etc/passwd' }, principal: 'coder' },
    ]) {
      const one = authorize(token, request, { rootKeys: ring, now: NOW });
      for (const cache of [true, false]) {
        expect(authorize(wrapped, request, { rootKeys: ring, now: NOW, cache })).toEqual(one);
        expect(authorize(` ${token}\n`, request, { rootKeys: ring, now: NOW, cache })).toEqual(one);
      }
    }
  });

  it('is known by its one-line text: verifyDelegation, inspectToken and delegate see the same token', () => {
    const { ring, token, wrapped } = setup();
    const first = verifyDelegation(wrapped, { rootKeys: ring });
    expect(first.token).toBe(token);
    // One cache entry for both texts: the one-line text finds what the wrapped one verified.
    expect(verifyDelegation(token, { rootKeys: ring })).toBe(first);
    expect(verifyDelegation(wrap(token, 64, '\n'), { rootKeys: ring })).toBe(first);
    expect(inspectToken(wrapped)).toEqual(inspectToken(token));
    const child = delegate(wrapped, { to: 'sub', conditions: ['tool == "fs.read"'] }).token;
    expect(child).toBe(delegate(token, { to: 'sub', conditions: ['tool == "fs.read"'] }).token);
  });

  it('stops verifying with its key, cached or not', () => {
    const { ring, token, wrapped } = setup();
    verifyDelegation(wrapped, { rootKeys: ring });
    ring.rotate();
    ring.retire('k1');
    for (const text of [wrapped, token]) {
      expect(() => verifyDelegation(text, { rootKeys: ring })).toThrow(TokenInvalidError);
    }
  });

  it('counts the token length limit on the text as received', () => {
    const { ring, token } = setup();
    const padded = `${token}${' '.repeat(DELEGATION_TOKEN_LIMITS.maxTokenSize - token.length + 1)}`;
    expect(() => verifyDelegation(padded, { rootKeys: ring })).toThrow(TokenInvalidError);
    expect(verifyDelegation(padded.slice(0, -1), { rootKeys: ring }).token).toBe(token);
  });
});
