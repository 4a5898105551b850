/**
 * Tokens an agent can write to make the scope algebra work hard: its own token, to which it
 * appends, offline, as many hard conditions as the token limits admit. Each condition
 * ANDs sixty alternatives over seven numbers and five globs, which the simplifier cannot settle
 * quickly; the literals change with `seed`, so that no cache answers for a fresh token.
 */
import {
  DELEGATION_TOKEN_LIMITS,
  RootKeyring,
  createRootKey,
  delegate,
  mintDelegation,
} from '../../../src/delegation/index.js';
import {
  addFirstPartyCaveat,
  decodeMacaroon,
  encodeMacaroon,
} from '../../../src/macaroon/index.js';

export const NOW = new Date('2026-03-01T12:00:00Z');

/** One hard conjunction of 120 comparisons. */
export function hardCondition(seed: number): string {
  return Array.from(
    { length: 60 },
    (_, i) => `(args.a${i % 7} > ${i + seed} or args.g ~ "t${i % 5}.*")`,
  ).join(' and ');
}

/**
 * `token` with `first`, then as many of `next(k)` as fit within `DELEGATION_TOKEN_LIMITS`,
 * appended as raw caveats.
 */
export function appendUntilFull(
  token: string,
  first: readonly string[],
  next: (k: number) => string,
): string {
  let m = decodeMacaroon(token);
  for (const c of first) m = addFirstPartyCaveat(m, c);
  for (let k = 0; ; k++) {
    const grown = addFirstPartyCaveat(m, next(k));
    if (
      grown.caveats.length > DELEGATION_TOKEN_LIMITS.maxCaveats ||
      encodeMacaroon(grown).length > DELEGATION_TOKEN_LIMITS.maxTokenSize
    )
      return encodeMacaroon(m);
    m = grown;
  }
}

/** An owner → planner → coder chain; the coder's token is what the agent then appends to. */
export function coderChain(): { readonly ring: RootKeyring; readonly coder: string } {
  const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
  const planner = mintDelegation(ring, {
    to: 'planner',
    conditions: ['tool ~ "fs.*" or tool ~ "bank.*"'],
    now: NOW,
    expiresIn: 3600,
  });
  const coder = delegate(planner, {
    to: 'coder',
    conditions: ['args.path ~ "/repo/**"', 'args.amount <= 100'],
    now: NOW,
  }).token;
  return { ring, coder };
}

/** CPU time (all threads of this process) that `fn` takes, in milliseconds. */
export function cpuMs(fn: () => unknown): number {
  const start = process.cpuUsage();
  fn();
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}
