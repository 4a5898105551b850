// Console sign-in: a link works once and only for a few minutes; a session lives while it is
// used and ends after a long idle time or on sign-out; the oldest idle session makes room.
import { describe, expect, it } from 'vitest';
import { Sessions, sameSecret } from '../../../src/server/sessions.js';

function sessions(limits: Partial<{ linkMs: number; idleMs: number; maxSessions: number }> = {}) {
  let now = 1_000_000;
  const s = new Sessions(
    { linkMs: 600_000, idleMs: 3_600_000, maxSessions: 64, ...limits },
    () => now,
  );
  return { s, advance: (ms: number) => (now += ms) };
}

describe('Sessions', () => {
  it('redeems a link once, and not after it expires', () => {
    const { s, advance } = sessions();
    const code = s.issueLink();
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const id = s.redeem(code);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.redeem(code)).toBeUndefined();
    const late = s.issueLink();
    advance(600_001);
    expect(s.redeem(late)).toBeUndefined();
    expect(s.redeem('made-up')).toBeUndefined();
  });

  it('keeps a session alive while it is used, ends it after the idle time or on sign-out', () => {
    const { s, advance } = sessions();
    const id = s.redeem(s.issueLink()) as string;
    const csrf = s.csrfOf(id);
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    advance(3_000_000);
    expect(s.csrfOf(id)).toBe(csrf);
    advance(3_000_000);
    expect(s.csrfOf(id)).toBe(csrf);
    advance(3_600_001);
    expect(s.csrfOf(id)).toBeUndefined();
    const other = s.redeem(s.issueLink()) as string;
    s.end(other);
    expect(s.csrfOf(other)).toBeUndefined();
  });

  it('drops the idlest session when full', () => {
    const { s, advance } = sessions({ maxSessions: 2 });
    const a = s.redeem(s.issueLink()) as string;
    advance(10);
    const b = s.redeem(s.issueLink()) as string;
    advance(10);
    s.csrfOf(a);
    const c = s.redeem(s.issueLink()) as string;
    expect([s.csrfOf(a), s.csrfOf(b), s.csrfOf(c)].map((x) => x !== undefined)).toEqual([
      true,
      false,
      true,
    ]);
  });

  it('compares secrets exactly', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abc', 'abd')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
  });
});
