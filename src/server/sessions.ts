/**
 * How a person signs in to the console: a one-time link (a random code, valid for a few
 * minutes, usable once) becomes a session kept by the service, carried by a cookie that is
 * HttpOnly and SameSite=Strict (and Secure over TLS). A session acts as the owner. Every call
 * that changes anything must also carry the session's CSRF token in `X-CSRF-Token`: a page of
 * another origin can make the browser send the cookie, but cannot read the token. Codes and
 * sessions live in memory: restarting the service signs everyone out.
 */
import { timingSafeEqual } from 'node:crypto';
import { randomBytes } from '@noble/hashes/utils.js';
import { base64urlEncode } from '../_base64url.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'mandate_session';

/** How long things last, in ms. */
export interface SessionLimits {
  /** A sign-in link, from when it is made to when it is used. */
  readonly linkMs: number;
  /** A session, from its last use. */
  readonly idleMs: number;
  /** Sessions kept at most (the idlest is dropped first). */
  readonly maxSessions: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = Object.freeze({
  linkMs: 10 * 60_000,
  idleMs: 12 * 3600_000,
  maxSessions: 64,
});

interface Session {
  readonly csrf: string;
  lastUsed: number;
}

/**
 * The service's sign-in links and sessions.
 *
 * @example
 * ```ts
 * const sessions = new Sessions(DEFAULT_SESSION_LIMITS, () => Date.now());
 * const code = sessions.issueLink();
 * const id = sessions.redeem(code); // once
 * ```
 */
export class Sessions {
  readonly #limits: SessionLimits;
  readonly #now: () => number;
  readonly #links = new Map<string, number>();
  readonly #sessions = new Map<string, Session>();

  constructor(limits: SessionLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** A new one-time sign-in code. */
  issueLink(): string {
    const now = this.#now();
    for (const [code, until] of this.#links) if (until <= now) this.#links.delete(code);
    const code = secret();
    this.#links.set(code, now + this.#limits.linkMs);
    return code;
  }

  /** The new session's id for a code not used and not expired; `undefined` otherwise. */
  redeem(code: string): string | undefined {
    const until = this.#links.get(code);
    if (until === undefined) return undefined;
    this.#links.delete(code);
    const now = this.#now();
    if (until <= now) return undefined;
    if (this.#sessions.size >= this.#limits.maxSessions) {
      const idlest = [...this.#sessions.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
      if (idlest !== undefined) this.#sessions.delete(idlest[0]);
    }
    const id = secret();
    this.#sessions.set(id, { csrf: secret(), lastUsed: now });
    return id;
  }

  /** The session's CSRF token, if the session is live (using it keeps it alive). */
  csrfOf(id: string): string | undefined {
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    const now = this.#now();
    if (now - session.lastUsed > this.#limits.idleMs) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.lastUsed = now;
    return session.csrf;
  }

  /** Ends a session. */
  end(id: string): void {
    this.#sessions.delete(id);
  }
}

/**
 * Whether `presented` equals `expected`, in constant time.
 *
 * @example
 * ```ts
 * sameSecret(c.req.header('x-csrf-token') ?? '', csrf);
 * ```
 */
export function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function secret(): string {
  return base64urlEncode(randomBytes(32));
}
