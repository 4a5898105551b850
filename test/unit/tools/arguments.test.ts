// The argument snapshot: what the schema, the policy and the handler all see is one frozen copy.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ARGUMENT_LIMITS, snapshotArguments } from '../../../src/tools/arguments.js';

describe('snapshotArguments', () => {
  it('copies plain JSON and freezes it deeply', () => {
    const input = { a: 1, b: ['x', { c: null, d: true }] };
    const result = snapshotArguments(input);
    if (!result.ok) throw new Error('expected ok');
    expect(result.value).toEqual(input);
    expect(result.value).not.toBe(input);
    expect(Object.isFrozen(result.value)).toBe(true);
    expect(Object.isFrozen((result.value['b'] as unknown[])[1])).toBe(true);
  });

  it('reads a getter once, so the policy and the handler see the same value', () => {
    let reads = 0;
    const input = {
      get path() {
        reads++;
        return reads === 1 ? '/repo/a' : '/etc/passwd';
      },
    };
    const result = snapshotArguments(input);
    if (!result.ok) throw new Error('expected ok');
    expect(result.value['path']).toBe('/repo/a');
    expect(result.value['path']).toBe('/repo/a');
    expect(reads).toBe(1);
  });

  it('keeps a "__proto__" key as data, not as a prototype', () => {
    const input = JSON.parse('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    const result = snapshotArguments(input);
    if (!result.ok) throw new Error('expected ok');
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(Object.keys(result.value)).toEqual(['__proto__']);
    expect((result.value as { admin?: boolean }).admin).toBeUndefined();
  });

  it('accepts objects with a null prototype', () => {
    const input = Object.assign(Object.create(null) as object, { a: 1 });
    expect(snapshotArguments(input).ok).toBe(true);
  });

  const deep = (n: number): unknown => (n === 0 ? 1 : { x: deep(n - 1) });
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  const throwing = {
    get x() {
      throw new Error('boom');
    },
  };
  it.each([
    ['an array at the top', [1], '', /JSON object/],
    ['null at the top', null, '', /JSON object/],
    ['a string at the top', 'x', '', /JSON object/],
    ['a Date', { when: new Date(0) }, '/when', /Date/],
    ['a Map', { m: new Map() }, '/m', /Map/],
    ['a function', { f: () => 1 }, '/f', /function/],
    ['undefined', { u: undefined }, '/u', /undefined/],
    ['a bigint', { n: 1n }, '/n', /bigint/],
    ['NaN', { n: Number.NaN }, '/n', /finite/],
    ['Infinity', { list: [1, Infinity] }, '/list/1', /finite/],
    ['a cycle', cyclic, '/self', /circular/],
    [
      'too deep',
      deep(40),
      '/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x/x',
      /deeper/,
    ],
    ['a throwing getter', throwing, '', /threw/],
    ['a key with a slash', { 'a/b': { c: Symbol('s') } }, '/a~1b/c', /symbol/],
  ])('refuses %s with its path', (_name, input, path, message) => {
    const result = snapshotArguments(input);
    if (result.ok) throw new Error('expected a problem');
    expect(result.problem.instancePath).toBe(path);
    expect(result.problem.message).toMatch(message);
  });

  // 2^53 + 1 cannot be a double: by the time it arrives it is 2^53, the neighbouring account.
  it.each([
    ['9007199254740993 from JSON (2^53)', JSON.parse('{"account":9007199254740993}'), '/account'],
    ['-(2^53)', { nested: { n: -(2 ** 53) } }, '/nested/n'],
    ['1e300', { list: [1, 1e300] }, '/list/1'],
    ['Number.MAX_VALUE', { n: Number.MAX_VALUE }, '/n'],
  ])('refuses an integer beyond ±(2^53 − 1), %s, naming its path', (_name, input, path) => {
    const result = snapshotArguments(input);
    if (result.ok) throw new Error('expected a problem');
    expect(result.problem.instancePath).toBe(path);
    expect(result.problem.message).toMatch(/beyond ±\(2\^53 − 1\).*rounded.*string/);
  });

  it('keeps every number a double holds exactly: safe integers and fractions', () => {
    const input = { max: 2 ** 53 - 1, min: -(2 ** 53 - 1), half: 0.5, tiny: 5e-324, big: 1.5e15 };
    const result = snapshotArguments(input);
    if (!result.ok) throw new Error(result.problem.message);
    expect(result.value).toEqual(input);
  });

  it('bounds the number of values and the text size', () => {
    const many = { list: Array.from({ length: 20 }, (_, i) => i) };
    expect(snapshotArguments(many, { ...DEFAULT_ARGUMENT_LIMITS, maxValues: 10 }).ok).toBe(false);
    const long = { s: 'x'.repeat(100) };
    const result = snapshotArguments(long, { ...DEFAULT_ARGUMENT_LIMITS, maxTextLength: 50 });
    expect(result.ok).toBe(false);
  });

  it('allows repeated (shared, acyclic) sub-objects', () => {
    const shared = { a: 1 };
    expect(snapshotArguments({ x: shared, y: shared }).ok).toBe(true);
  });
});
