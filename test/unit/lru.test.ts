// The bounded cache keeps at most `max` entries and evicts the least recently used one.
import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../src/_lru.js';

describe('BoundedCache', () => {
  it('evicts the least recently used entry when full', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('drops entries by predicate', () => {
    const cache = new BoundedCache<string, number>(10);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, i);
    cache.deleteWhere((v) => v % 2 === 0);
    expect(cache.size).toBe(2);
    expect(cache.get('k1')).toBe(1);
  });

  it('rejects a non-positive bound', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
  });
});
