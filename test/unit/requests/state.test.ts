/**
 * The request state machine, as a full table: every pair of statuses, allowed or not.
 */
import { describe, expect, it } from 'vitest';
import type { RequestStatus } from '../../../src/requests/store/model.js';
import {
  assertTransition,
  canTransition,
  isFinal,
  isOpen,
} from '../../../src/requests/store/state.js';

const ALL: RequestStatus[] = ['pending', 'escalated', 'approved', 'denied', 'expired', 'cancelled'];
const ALLOWED = new Set([
  'pending>approved',
  'pending>denied',
  'pending>escalated',
  'pending>expired',
  'pending>cancelled',
  'escalated>pending',
  'escalated>approved',
  'escalated>denied',
  'escalated>expired',
  'escalated>cancelled',
]);

describe('request state machine', () => {
  for (const from of ALL) {
    for (const to of ALL) {
      const allowed = ALLOWED.has(`${from}>${to}`);
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(canTransition(from, to)).toBe(allowed);
        if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(RangeError);
      });
    }
  }

  it('calls pending and escalated open, the rest final', () => {
    expect(ALL.filter(isOpen)).toEqual(['pending', 'escalated']);
    expect(ALL.filter(isFinal)).toEqual(['approved', 'denied', 'expired', 'cancelled']);
  });

  it('refuses statuses it does not know', () => {
    expect(canTransition('lost' as RequestStatus, 'approved')).toBe(false);
  });
});
