// The algebra's building blocks agree with the DSL's own definitions: each glob automaton with
// `matchGlob`, the path-alias automaton (stepped by code point) with the rule's plain statement,
// the instant automaton with
// `readInstant`, interval sets (over doubles and integer milliseconds) with plain comparisons, and
// the string search with direct evaluation of the formula it searched.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globAutomaton } from '../../../../src/scope/algebra/_glob-automaton.js';
import { InstantAutomaton } from '../../../../src/scope/algebra/_instant-automaton.js';
import { IntervalSet, nextDown, nextUp } from '../../../../src/scope/algebra/_interval.js';
import type { Domain } from '../../../../src/scope/algebra/_interval.js';
import { stringWitness } from '../../../../src/scope/algebra/_string-search.js';
import {
  S_NO_ALIAS,
  evalStr,
  sAnd,
  sGlob,
  sIn,
  sInst,
  sNot,
  sOr,
} from '../../../../src/scope/algebra/_strings.js';
import type { StrF } from '../../../../src/scope/algebra/_strings.js';
import { Budget, DEFAULT_ALGEBRA_LIMITS } from '../../../../src/scope/algebra/limits.js';
import { matchGlob } from '../../../../src/scope/glob.js';
import { formatInstant, readInstant } from '../../../../src/scope/instant.js';
import {
  ALIAS_START,
  aliasAccepting,
  aliasFate,
  aliasStep,
} from '../../../../src/scope/path-alias.js';
import { globPatternArb, globValueArb, pathLikeArb } from '../../../property/scope/_arbitraries.js';
import { referencePathAlias } from '../../../property/scope/_reference.js';

const budget = () => new Budget({ ...DEFAULT_ALGEBRA_LIMITS, timeLimitMs: 60_000 });

describe('glob automaton', () => {
  it('accepts exactly what matchGlob matches', () => {
    fc.assert(
      fc.property(
        globPatternArb(8),
        fc.array(globValueArb(8), { minLength: 1, maxLength: 8 }),
        (pattern, values) => {
          const a = globAutomaton(pattern);
          for (const v of values) expect(a.matches(v)).toBe(matchGlob(pattern, v));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a state that accepts everything after it, and a dead one, are recognized', () => {
    const a = globAutomaton('/repo/**');
    let s = 0;
    for (const ch of '/repo/') s = a.step(s, ch.codePointAt(0) as number, undefined);
    expect(a.fate(s)).toBe(true);
    const dead = a.step(0, 'x'.codePointAt(0) as number, undefined);
    expect(a.fate(dead)).toBe(false);
  });
});

describe('the path-alias automaton', () => {
  it('agrees with the plain statement of the rule, stepped one code point at a time', () => {
    fc.assert(
      fc.property(pathLikeArb(), (v) => {
        let s = ALIAS_START;
        for (const ch of v) s = aliasStep(s, ch.codePointAt(0) as number);
        expect(aliasAccepting(s)).toBe(referencePathAlias(v));
      }),
      { numRuns: 3000 },
    );
  });

  it('seals its fate once an alias is read, and never before', () => {
    let s = ALIAS_START;
    for (const ch of '/a/') s = aliasStep(s, ch.codePointAt(0) as number);
    expect(aliasFate(s)).toBeNull();
    expect(aliasFate(aliasStep(s, 0x2f))).toBe(true); // "/a//"
  });
});

/** Instant-like strings: valid ones, and ones with a character or a field changed. */
const instantLikeArb = fc.oneof(
  fc
    .integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(2101, 0, 1) })
    .map((ms) => formatInstant(ms)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 24 }),
      fc.integer({ min: 0, max: 60 }),
      fc.integer({ min: 0, max: 60 }),
      fc.constantFrom('', '.5', '.05', '.999', '.1234', '.'),
    )
    .map(
      ([y, mo, d, h, mi, s, f]) =>
        `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}${f}Z`,
    ),
  fc
    .tuple(
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
      fc.nat(23),
      fc.constantFrom('x', '0', '9', 'Z', '.', '-', ':', 'T', ''),
    )
    .map(([ms, at, ch]) => {
      const s = formatInstant(ms);
      return s.slice(0, at) + ch + s.slice(at + 1);
    }),
);

function run(a: InstantAutomaton, s: string): number {
  let state = a.start;
  for (const ch of s) state = a.step(state, ch.codePointAt(0) as number, budget());
  return state;
}

describe('instant automaton', () => {
  it('accepts exactly the instant strings inside the interval set', () => {
    const bound = fc.integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(2101, 0, 1) });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(bound, bound, fc.boolean(), fc.boolean()), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(instantLikeArb, { minLength: 1, maxLength: 10 }),
        (ivs, strings) => {
          const set = IntervalSet.of(
            'int',
            ivs.map(([a, b, lo, hi]) => ({
              lo: Math.min(a, b),
              loOpen: lo,
              hi: Math.max(a, b),
              hiOpen: hi,
            })),
          );
          const a = new InstantAutomaton([set]);
          for (const s of strings) {
            const ms = readInstant(s);
            expect(a.accepting(run(a, s), 0)).toBe(ms !== undefined && set.has(ms));
          }
        },
      ),
      { numRuns: 800 },
    );
  });

  it('knows leap years: February 29 exists in 2024 and 2000, not in 2026 or 1900', () => {
    const a = new InstantAutomaton([IntervalSet.all('int')]);
    for (const [s, ok] of [
      ['2024-02-29T00:00:00Z', true],
      ['2000-02-29T12:00:00.5Z', true],
      ['2026-02-29T00:00:00Z', false],
      ['1900-02-29T00:00:00Z', false],
      ['2026-04-31T00:00:00Z', false],
      ['2026-12-31T23:59:59.999Z', true],
    ] as const) {
      expect(a.accepting(run(a, s), 0)).toBe(ok);
      expect(readInstant(s) !== undefined).toBe(ok);
    }
  });
});

describe('interval sets', () => {
  const point = (domain: Domain) =>
    domain === 'real'
      ? fc.constantFrom(-2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3)
      : fc.integer({ min: -3, max: 3 });
  const setArb = (domain: Domain) =>
    fc
      .array(
        fc.tuple(
          point(domain),
          point(domain),
          fc.boolean(),
          fc.boolean(),
          fc.boolean(),
          fc.boolean(),
        ),
        { maxLength: 3 },
      )
      .map((ivs) =>
        IntervalSet.of(
          domain,
          ivs.map(([a, b, lo, hi, infLo, infHi]) => ({
            lo: infLo ? -Infinity : Math.min(a, b),
            loOpen: lo || infLo,
            hi: infHi ? Infinity : Math.max(a, b),
            hiOpen: hi || infHi,
          })),
        ),
      );
  const probes = [-1e300, -3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3, 1e300].flatMap((x) => [
    x,
    nextUp(x),
    nextDown(x),
  ]);

  for (const domain of ['real', 'int'] as const) {
    it(`${domain}: intersection, union and complement are pointwise`, () => {
      const xs = domain === 'real' ? probes : [-4, -3, -2, -1, 0, 1, 2, 3, 4];
      fc.assert(
        fc.property(setArb(domain), setArb(domain), (a, b) => {
          for (const x of xs) {
            expect(a.intersect(b).has(x)).toBe(a.has(x) && b.has(x));
            expect(a.union(b).has(x)).toBe(a.has(x) || b.has(x));
            expect(a.complement().has(x)).toBe(!a.has(x));
          }
          const pick = a.pick(0.25);
          expect(pick === undefined).toBe(a.isEmpty());
          if (pick !== undefined) expect(a.has(pick)).toBe(true);
        }),
        { numRuns: 1000 },
      );
    });
  }

  it('an open interval between adjacent doubles is empty', () => {
    expect(
      IntervalSet.of('real', [{ lo: 1, loOpen: true, hi: nextUp(1), hiOpen: true }]).isEmpty(),
    ).toBe(true);
    expect(IntervalSet.of('int', [{ lo: 1, loOpen: true, hi: 2, hiOpen: true }]).isEmpty()).toBe(
      true,
    );
  });
});

describe('string search', () => {
  const atom = fc.oneof(
    globPatternArb(5).map((g) => sAnd([sGlob(g), S_NO_ALIAS])),
    globPatternArb(5).map(sGlob),
    fc.array(globValueArb(4), { maxLength: 3 }).map(sIn),
    fc
      .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 0, 3) })
      .map((ms) => sInst(IntervalSet.below('int', ms, false))),
  );
  const formula: fc.Arbitrary<StrF> = fc.letrec((tie) => ({
    f: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      atom,
      tie('f').map((f) => sNot(f as StrF)),
      fc.array(tie('f'), { minLength: 2, maxLength: 3 }).map((fs) => sAnd(fs as StrF[])),
      fc.array(tie('f'), { minLength: 2, maxLength: 3 }).map((fs) => sOr(fs as StrF[])),
    ),
  })).f;

  it('finds a member when there is one, and only then', () => {
    fc.assert(
      fc.property(formula, fc.array(globValueArb(5), { maxLength: 10 }), (f, probesList) => {
        const w = stringWitness(f, budget());
        if (w !== null) expect(evalStr(f, w)).toBe(true);
        else for (const s of probesList) expect(evalStr(f, s)).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });
});
