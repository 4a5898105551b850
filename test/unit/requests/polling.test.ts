/**
 * RFC 8628 polling answers with an injected clock: pending at the interval, slow_down (and a
 * longer interval, capped) when polled sooner, and final answers however fast the poll.
 */
import { describe, expect, it } from 'vitest';
import { MAX_POLL_INTERVAL } from '../../../src/requests/input.js';
import { pollStep } from '../../../src/requests/answers/polling.js';
import { pendingRecord } from './_records.js';

describe('pollStep', () => {
  it('answers authorization_pending on the first poll and at the interval', () => {
    const fresh = pendingRecord({ interval: 5 });
    expect(pollStep(fresh, 10_000)).toEqual({
      answer: { error: 'authorization_pending', interval: 5 },
      touch: { at: 10_000, interval: 5 },
    });
    const polled = pendingRecord({ interval: 5, lastPolledAt: 10_000 });
    expect(pollStep(polled, 15_000).answer).toEqual({
      error: 'authorization_pending',
      interval: 5,
    });
  });

  it('answers slow_down and adds 5 seconds when polled sooner than the interval', () => {
    const polled = pendingRecord({ interval: 5, lastPolledAt: 10_000 });
    expect(pollStep(polled, 14_999)).toEqual({
      answer: { error: 'slow_down', interval: 10 },
      touch: { at: 14_999, interval: 10 },
    });
    const slowed = pendingRecord({ interval: 10, lastPolledAt: 14_999 });
    expect(pollStep(slowed, 20_000).answer).toEqual({ error: 'slow_down', interval: 15 });
    expect(pollStep(slowed, 24_999).answer).toEqual({
      error: 'authorization_pending',
      interval: 10,
    });
  });

  it('never grows the interval past the cap', () => {
    const r = pendingRecord({ interval: MAX_POLL_INTERVAL, lastPolledAt: 0 });
    expect(pollStep(r, 1).answer).toEqual({ error: 'slow_down', interval: MAX_POLL_INTERVAL });
  });

  it('keeps an escalated request pending for the requester', () => {
    const r = pendingRecord({ status: 'escalated' });
    expect(pollStep(r, 0).answer).toEqual({ error: 'authorization_pending', interval: 5 });
  });

  it('gives final answers at once, without throttling', () => {
    const at = { lastPolledAt: 1000, interval: 5 };
    expect(
      pollStep(
        pendingRecord({
          ...at,
          status: 'approved',
          outcome: { status: 'approved', token: 't', scope: ['true'], expiresAt: null },
        }),
        1001,
      ),
    ).toEqual({ answer: { status: 'approved', token: 't', scope: ['true'] } });
    expect(
      pollStep(
        pendingRecord({
          ...at,
          status: 'approved',
          outcome: { status: 'approved', token: 't', scope: [], expiresAt: 5000 },
        }),
        1001,
      ).answer,
    ).toEqual({ status: 'approved', token: 't', scope: [], expiresAt: new Date(5000) });
    expect(
      pollStep(
        pendingRecord({ ...at, status: 'denied', outcome: { status: 'denied', reason: 'no' } }),
        1001,
      ),
    ).toEqual({
      answer: { error: 'access_denied', reason: 'no' },
    });
    expect(
      pollStep(pendingRecord({ ...at, status: 'expired', outcome: { status: 'expired' } }), 1001),
    ).toEqual({
      answer: { error: 'expired_token' },
    });
    expect(
      pollStep(
        pendingRecord({ ...at, status: 'cancelled', outcome: { status: 'cancelled' } }),
        1001,
      ).answer,
    ).toMatchObject({
      error: 'access_denied',
    });
  });
});
