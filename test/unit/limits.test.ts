/**
 * The one limits resolver every area uses: overrides merged over the defaults, each refused by
 * name when it is not a known limit (`TypeError`), not a number (`TypeError`) or not a positive
 * integer (`RangeError`).
 */
import { describe, expect, it } from 'vitest';
import { mergeLimits } from '../../src/_limits.js';

const DEFAULTS = Object.freeze({ maxDepth: 32, maxSize: 1024 });
const merge = (overrides: unknown) => mergeLimits(DEFAULTS, overrides, 'options.limits', 'a limit');

describe('mergeLimits', () => {
  it('returns the defaults themselves when nothing is overridden', () => {
    expect(merge(undefined)).toBe(DEFAULTS);
  });

  it('merges a subset over the defaults, frozen, leaving the defaults alone', () => {
    const limits = merge({ maxDepth: 8, maxSize: undefined });
    expect(limits).toEqual({ maxDepth: 8, maxSize: 1024 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(DEFAULTS.maxDepth).toBe(32);
  });

  it.each([
    [3, TypeError, 'options.limits must be an object, got number'],
    [[], TypeError, 'options.limits must be an object, got an array'],
    [{ maxDpeth: 3 }, TypeError, 'options.limits.maxDpeth is not a limit'],
    [{ toString: 3 }, TypeError, 'options.limits.toString is not a limit'],
    [{ maxDepth: '3' }, TypeError, 'options.limits.maxDepth must be a number, got string'],
    [{ maxDepth: 0 }, RangeError, 'options.limits.maxDepth must be a positive integer, got 0'],
    [{ maxDepth: 1.5 }, RangeError, 'options.limits.maxDepth must be a positive integer, got 1.5'],
    [{ maxDepth: Infinity }, RangeError, 'options.limits.maxDepth must be a positive integer'],
  ])('refuses %j', (overrides, type, message) => {
    expect(() => merge(overrides)).toThrow(type);
    expect(() => merge(overrides)).toThrow(message);
  });
});
