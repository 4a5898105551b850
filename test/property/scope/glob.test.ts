// Glob matching agrees with a regular expression built from the same pattern on random
// patterns and values (code points, escapes, star runs, `/`), and the token form round-trips.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileGlob,
  matchGlob,
  parseGlob,
  printGlob,
  hasDotDotSegment,
} from '../../../src/scope/index.js';
import { globPatternArb, globTokensArb, globValueArb } from './_arbitraries.js';
import { globRegex } from './_reference.js';

describe('glob matching', () => {
  it('agrees with the regex reference on short patterns', () => {
    fc.assert(
      fc.property(globPatternArb(10), globValueArb(12), (pattern, value) => {
        expect(matchGlob(pattern, value)).toBe(globRegex(pattern).test(value));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the regex reference on values built to match (prefix/suffix peeling, wildcards)', () => {
    fc.assert(
      fc.property(
        globTokensArb(10),
        fc.array(globValueArb(3), { minLength: 10, maxLength: 10 }),
        (tokens, fillers) => {
          // Instantiate the pattern into a value that should match, then perturb nothing: both must say yes.
          const value = tokens
            .map((t, i) =>
              t.kind === 'char'
                ? t.char
                : t.kind === 'one'
                  ? 'a'
                  : t.kind === 'star'
                    ? (fillers[i] ?? '').replace(/\//g, '')
                    : (fillers[i] ?? ''),
            )
            .join('');
          const pattern = printGlob(tokens);
          expect(matchGlob(pattern, value)).toBe(globRegex(pattern).test(value));
          expect(matchGlob(tokens, value)).toBe(matchGlob(pattern, value));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with the regex reference on long patterns (the multi-word automaton)', () => {
    fc.assert(
      fc.property(globPatternArb(120), globValueArb(60), (pattern, value) => {
        expect(compileGlob(pattern)(value)).toBe(globRegex(pattern).test(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('printGlob inverts parseGlob', () => {
    fc.assert(
      fc.property(globTokensArb(12), (tokens) => {
        expect(parseGlob(printGlob(tokens))).toEqual(tokens);
      }),
      { numRuns: 1000 },
    );
  });

  it('hasDotDotSegment is "some segment is exactly .."', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('.', '..', '...', 'a', 'a..', '..a', ''), { maxLength: 5 }),
        (segments) => {
          expect(hasDotDotSegment(segments.join('/'))).toBe(segments.includes('..'));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
