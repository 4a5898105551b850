/**
 * The argument checks shared by every area name the argument and pick the error by fault: a
 * `TypeError` for a wrong type, a `RangeError` for a wrong value.
 */
import { describe, expect, it } from 'vitest';
import { assertDate, isValidDate } from '../../src/_assert.js';

describe('assertDate', () => {
  it('accepts a Date holding a time', () => {
    expect(() => assertDate(new Date(0), 'options.now')).not.toThrow();
  });

  it.each([
    [Date.now(), TypeError, 'options.now must be a Date, got number'],
    ['2026-01-01', TypeError, 'options.now must be a Date, got string'],
    [null, TypeError, 'options.now must be a Date, got null'],
    [new Date(Number.NaN), RangeError, 'options.now must be a valid Date'],
  ])('refuses %j', (value, type, message) => {
    expect(() => assertDate(value, 'options.now')).toThrow(type);
    expect(() => assertDate(value, 'options.now')).toThrow(message);
  });
});

describe('isValidDate', () => {
  it('is true only for a Date holding a time', () => {
    expect(isValidDate(new Date(0))).toBe(true);
    expect(isValidDate(new Date(Number.NaN))).toBe(false);
    expect(isValidDate(0)).toBe(false);
    expect(isValidDate({ getTime: () => 0 })).toBe(false);
  });
});
