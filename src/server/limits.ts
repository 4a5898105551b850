/**
 * The service's limits on what one caller can make it do: the size of a body, the rate of
 * calls per caller (a token bucket per agent, and one for the owner, and one per address for
 * unauthenticated routes), and the number of open streams per caller. Past a limit the answer is
 * a JSON error (413 or 429), never a slow or dropped connection.
 */
import { ServiceError } from './errors.js';

/** The limits, with their defaults. */
export interface ServiceLimits {
  /** Largest request body, in bytes. */
  readonly maxBodyBytes: number;
  /** Calls per second one caller may make, sustained. */
  readonly callsPerSecond: number;
  /** Calls one caller may make at once after a pause (the bucket's size). */
  readonly burst: number;
  /** Open streams (inbox, revocations) per caller. */
  readonly maxStreamsPerCaller: number;
}

export const DEFAULT_SERVICE_LIMITS: ServiceLimits = Object.freeze({
  maxBodyBytes: 65_536,
  callsPerSecond: 50,
  burst: 200,
  maxStreamsPerCaller: 8,
});

/** Buckets kept at most; the idlest are dropped first (a dropped bucket is a full one). */
const MAX_BUCKETS = 10_000;

/**
 * Token buckets by caller key.
 *
 * @example
 * ```ts
 * const rate = new RateLimiter(DEFAULT_SERVICE_LIMITS, () => Date.now());
 * rate.take(caller.key); // throws 429 past the limit
 * ```
 */
export class RateLimiter {
  readonly #limits: ServiceLimits;
  readonly #now: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #streams = new Map<string, number>();

  constructor(limits: ServiceLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Takes one call from `key`'s bucket; a 429 `ServiceError` when it is empty. */
  take(key: string): void {
    const now = this.#now();
    const { callsPerSecond, burst } = this.#limits;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_BUCKETS) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      bucket = { tokens: burst, at: now };
    } else this.#buckets.delete(key);
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * callsPerSecond);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (bucket.tokens < 1)
      throw new ServiceError(
        'ERR_SERVER_RATE_LIMITED',
        `more than ${callsPerSecond} calls per second: slow down`,
        429,
      );
    bucket.tokens -= 1;
  }

  /** Opens a stream for `key`; returns its release. A 429 past `maxStreamsPerCaller`. */
  openStream(key: string): () => void {
    const open = this.#streams.get(key) ?? 0;
    if (open >= this.#limits.maxStreamsPerCaller)
      throw new ServiceError(
        'ERR_SERVER_RATE_LIMITED',
        `at most ${this.#limits.maxStreamsPerCaller} open streams per caller`,
        429,
      );
    this.#streams.set(key, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#streams.get(key) ?? 1) - 1;
      if (left === 0) this.#streams.delete(key);
      else this.#streams.set(key, left);
    };
  }
}
