/**
 * The agent sessions attached to a Delegator (`delegator.attach`), to which it hands a
 * grantor's new token when an escalation that grantor made is approved. Only sessions of that
 * principal still holding the very token that escalated are updated.
 */

/** An agent session the Delegator can hand a grantor's new token to. */
export interface AttachableSession {
  readonly principal: string;
  readonly token: string;
  updateDelegation(token: string): void;
}

/**
 * A set of attached sessions.
 *
 * @example
 * ```ts
 * const sessions = new AttachedSessions();
 * const detach = sessions.attach(plannerSession);
 * sessions.deliver('planner', oldToken, newToken);
 * ```
 */
export class AttachedSessions {
  readonly #sessions = new Set<AttachableSession>();

  /** Attaches `session`; returns the function that detaches it. */
  attach(session: AttachableSession): () => void {
    if (typeof session.updateDelegation !== 'function')
      throw new TypeError('session must have updateDelegation(token)');
    this.#sessions.add(session);
    return () => {
      this.#sessions.delete(session);
    };
  }

  /** Hands `to` to every session of `principal` that still holds `from`. */
  deliver(principal: string, from: string, to: string): void {
    for (const session of this.#sessions) {
      if (session.principal !== principal || session.token !== from) continue;
      try {
        session.updateDelegation(to);
      } catch {
        // A session that refuses the token (another runner's keys) keeps its own: nothing to undo.
      }
    }
  }

  /** Detaches every session. */
  clear(): void {
    this.#sessions.clear();
  }
}
