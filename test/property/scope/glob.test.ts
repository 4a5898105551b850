// Glob matching agrees with a regular expression built from the same pattern on random
// patterns and values (code points, escapes, star runs, `/`, whole-segment `**`), the token form
// round-trips, and the path-alias rule agrees with its plain statement.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileGlob,
  hasPathAlias,
  matchGlob,
  parseGlob,
  printGlob,
} from '../../../src/scope/index.js';
import { globPatternArb, globTokensArb, globValueArb, pathLikeArb } from './_arbitraries.js';
import { globRegex, referencePathAlias } from './_reference.js';

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

  it('agrees with the regex reference on values longer than 256 (the literal prefilter)', () => {
    fc.assert(
      fc.property(
        globTokensArb(8),
        fc.array(globValueArb(80), { minLength: 8, maxLength: 8 }),
        fc.option(fc.nat(40)),
        (tokens, fillers, drop) => {
          // A value built to match, then perhaps with one of its characters dropped.
          const built = tokens
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
          const near = drop === null ? built : built.slice(0, drop) + built.slice(drop + 1);
          const value = 'b'.repeat(300) + near;
          const pattern = `**${printGlob(tokens)}`;
          expect(matchGlob(pattern, value)).toBe(globRegex(pattern).test(value));
        },
      ),
      { numRuns: 2000 },
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

  it('agrees with the regex reference on path-like patterns and values (whole-segment **)', () => {
    const pattern = fc
      .array(fc.constantFrom('/', '**', '*', 'a', '?', '/**', '**/', '/**/'), { maxLength: 6 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(pattern, pathLikeArb(6), (p, value) => {
        expect(matchGlob(p, value)).toBe(globRegex(p).test(value));
      }),
      { numRuns: 5000 },
    );
  });

  it('hasPathAlias is the plain statement of the rule', () => {
    fc.assert(
      fc.property(pathLikeArb(), (value) => {
        expect(hasPathAlias(value)).toBe(referencePathAlias(value));
      }),
      { numRuns: 5000 },
    );
  });
});
