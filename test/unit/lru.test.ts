// The bounded CLOCK cache behind every hot-path cache: bounded, and recently used entries survive.
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/_lru.js';

describe('BoundedCache', () => {
  it('never holds more than max entries', () => {
    const cache = new BoundedCache<number, number>(3);
    for (let i = 0; i < 100; i++) {
      cache.set(i, i);
      if (i % 2 === 0) cache.get(i);
      expect(cache.size).toBeLessThanOrEqual(3);
    }
  });

  it('gives a used entry a second chance and evicts an unused one', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3); // 'a' was used: 'b' goes
    expect(cache.get('a')).toBe(1);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toBe(3);
  });

  it('evicts even when every entry was used', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    cache.get('b');
    cache.set('c', 3);
    expect(cache.size).toBe(2);
    expect(cache.get('c')).toBe(3);
  });

  it('bounds the work of one eviction: at most 8 second chances, then the oldest goes', () => {
    // A full sweep of a large cache whose entries were all used made one call slow.
    const cache = new BoundedCache<number, number>(100);
    for (let i = 0; i < 100; i++) cache.set(i, i);
    for (let i = 0; i < 100; i++) cache.get(i);
    cache.set(100, 100);
    expect(cache.size).toBe(100);
    for (let i = 0; i < 8; i++) expect(cache.get(i)).toBe(i);
    expect(cache.get(8)).toBeUndefined();
    expect(cache.get(9)).toBe(9);
  });

  it('replaces a value and deletes by predicate', () => {
    const cache = new BoundedCache<string, number>(5);
    cache.set('a', 1);
    cache.set('a', 2);
    cache.set('b', 3);
    expect(cache.get('a')).toBe(2);
    cache.deleteWhere((v) => v === 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses max %s', (max) => {
    expect(() => new BoundedCache(max)).toThrow(RangeError);
  });
});
