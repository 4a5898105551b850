/**
 * The long fuzz run (`npm run test:slow`): the same properties as fuzz.test.ts with a hundred
 * times more cases.
 */
import { describe, it } from 'vitest';
import { fuzzProperties } from './_fuzz.js';

describe('decodeMacaroon on hostile input (long run)', () => {
  it('throws only its own errors on random bytes, strings, JSON and edited tokens', () => {
    fuzzProperties(30_000);
  });
});
