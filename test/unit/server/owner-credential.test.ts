// The owner credential: random, recognisable, compared exactly against the current one (read on
// every check, so a rotation takes effect at once), and never a root key.
import { describe, expect, it } from 'vitest';
import {
  createOwnerCredential,
  isOwnerCredentialForm,
  ownerCheck,
} from '../../../src/server/owner-credential.js';

describe('the owner credential', () => {
  it('is a fresh random bearer secret of a recognisable form', () => {
    const a = createOwnerCredential();
    const b = createOwnerCredential();
    expect(a).toMatch(/^mandate-owner\.[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(isOwnerCredentialForm(a)).toBe(true);
    expect(isOwnerCredentialForm(`${a}x`)).toBe(false);
  });

  it('is checked against the current one, which may change', () => {
    let current: string | undefined = createOwnerCredential();
    const isOwner = ownerCheck(() => current);
    const first = current;
    expect(isOwner(first)).toBe(true);
    expect(isOwner(`${first.slice(0, -1)}A`)).toBe(first.endsWith('A'));
    current = createOwnerCredential();
    expect(isOwner(first)).toBe(false);
    expect(isOwner(current)).toBe(true);
    current = undefined;
    expect(isOwner(first)).toBe(false);
    // A stored value that is not of the form accepts nothing, even itself.
    current = 'mandate-owner.short';
    expect(isOwner('mandate-owner.short')).toBe(false);
  });
});
