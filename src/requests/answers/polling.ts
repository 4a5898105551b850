/**
 * Polling in RFC 8628's words (OAuth 2.0 device authorization grant, §3.5). A requester that
 * does not await may poll; each answer is `authorization_pending` (ask again after `interval`
 * seconds), `slow_down` (you polled sooner than `interval` after your previous poll: the
 * interval grows by 5 seconds for this and every later poll), `access_denied` (with the
 * grantor's reason), `expired_token`, or the approval with the new token. A final answer is
 * given whenever it exists, however fast the poll: throttling only ever delays a pending
 * request. The rule is a pure function of the stored request and the clock, so it is tested
 * with an injected time and behaves the same for every process sharing a store.
 */
import type { PollAnswer } from '../../tools/broker.js';
import type { RequestRecord } from '../store/model.js';
import { MAX_POLL_INTERVAL, SLOW_DOWN_STEP } from '../input.js';
import { approvalView } from './views.js';

/** A poll's answer and the polling state to store with it, if any. */
export interface PollStep {
  readonly answer: PollAnswer;
  /** Record this poll (its time and the interval now in force); absent for final answers. */
  readonly touch?: { readonly at: number; readonly interval: number };
}

/**
 * What a poll at `now` (ms) gets for `record`. The caller has already expired the request if
 * its time is up.
 *
 * @example
 * ```ts
 * const { answer, touch } = pollStep(record, Date.now());
 * if (touch) await store.touchPoll(record.id, touch.at, touch.interval);
 * ```
 */
export function pollStep(record: RequestRecord, now: number): PollStep {
  const outcome = record.outcome;
  if (outcome !== null) {
    switch (outcome.status) {
      case 'approved':
        return { answer: approvalView(outcome) };
      case 'denied':
        return { answer: { error: 'access_denied', reason: outcome.reason } };
      case 'cancelled':
        return {
          answer: {
            error: 'access_denied',
            reason:
              record.decidedBy === 'system'
                ? "the request was withdrawn: the requester's token was revoked"
                : 'the request was cancelled by its requester',
          },
        };
      case 'expired':
        return { answer: { error: 'expired_token' } };
    }
  }
  if (record.lastPolledAt !== null && now - record.lastPolledAt < record.interval * 1000) {
    const interval = Math.min(record.interval + SLOW_DOWN_STEP, MAX_POLL_INTERVAL);
    return { answer: { error: 'slow_down', interval }, touch: { at: now, interval } };
  }
  return {
    answer: { error: 'authorization_pending', interval: record.interval },
    touch: { at: now, interval: record.interval },
  };
}
