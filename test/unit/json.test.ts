/**
 * Canonical JSON, the one form the audit log hashes and a request stores its call in: stable
 * under key order, refusing numbers JSON cannot carry; and the deep freeze of checked values.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, freezeJson, type Json } from '../../src/_json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,1]},"b":1}',
    );
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
    expect(canonicalJson('é"\n')).toBe(JSON.stringify('é"\n'));
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(RangeError);
    expect(() => canonicalJson([Infinity])).toThrow(RangeError);
  });
});

describe('freezeJson', () => {
  it('freezes every object and array inside, and returns the same value', () => {
    const value = { a: [{ b: 1 }], c: { d: 'x' } } as const satisfies Json;
    const copy = JSON.parse(JSON.stringify(value)) as { a: { b: number }[]; c: { d: string } };
    expect(freezeJson(copy)).toBe(copy);
    expect([copy, copy.a, copy.a[0], copy.c].every((v) => Object.isFrozen(v))).toBe(true);
    expect(freezeJson('text')).toBe('text');
  });
});
