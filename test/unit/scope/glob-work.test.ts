// Bounded work per evaluation (issue 12): one caveat ORing 29 long globs that do not match, against
// a 1 MB argument, blocked the event loop for seconds. The request's glob work is priced before
// any matching; above maxGlobWork every glob comparison of the caveat is undefined, so the
// caveat fails closed with a reason naming the limit.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCOPE_LIMITS,
  compileCaveat,
  evaluateCaveat,
  parseCondition,
} from '../../../src/scope/index.js';
import type { ScopeRequest } from '../../../src/scope/index.js';
import { globWeight, globWork } from '../../../src/scope/glob-work.js';

const call = (args: Record<string, unknown>): ScopeRequest => ({
  tool: 'fs.write',
  args,
  time: new Date('2026-01-01T00:00:00Z'),
});

const ADVERSARIAL = Array.from(
  { length: 29 },
  (_, i) => `args.x ~ ${JSON.stringify(`${'*a'.repeat(120)}*c${i}*`)}`,
).join(' or ');
const ONE_MB = call({ x: 'a'.repeat(1 << 20) });

describe('globWork', () => {
  it('prices each value read by a glob: (length + 1) × (1 + ⌊pattern length / 32⌋)', () => {
    expect(globWeight('/repo/**')).toBe(1);
    expect(globWeight('x'.repeat(31))).toBe(1);
    expect(globWeight('x'.repeat(32))).toBe(2);
    expect(globWeight('*a'.repeat(128))).toBe(9);
    const condition = parseCondition(
      'args.p ~ "/repo/**" or not args.q !~ "x" or all args.r ~ "*" or args.s == "y"',
    );
    expect(globWork(condition, call({}))).toBe(0);
    expect(globWork(condition, call({ p: 'abc' }))).toBe(4);
    expect(globWork(condition, call({ p: 'abc', q: 7 }))).toBe(5);
    expect(globWork(condition, call({ r: ['ab', 3, ''] }))).toBe(3 + 1 + 1);
    expect(globWork(condition, call({ s: 'y'.repeat(1000) }))).toBe(0);
    expect(globWork(parseCondition(ADVERSARIAL), ONE_MB)).toBe(29 * 8 * ((1 << 20) + 1));
  });

  it('stops counting once past the cap', () => {
    const condition = parseCondition('all args.r ~ "*"');
    const many = call({ r: Array.from({ length: 100_000 }, () => 'abc') });
    expect(globWork(condition, many, 10)).toBe(12);
  });
});

describe('over the budget, every glob comparison is undefined', () => {
  it('the adversarial caveat of issue 12 is refused, with the limit named, without matching', () => {
    const started = performance.now();
    const compiled = compileCaveat(ADVERSARIAL);
    expect(compiled.truth(ONE_MB)).toBeUndefined();
    const evaluation = evaluateCaveat(ADVERSARIAL, ONE_MB);
    expect(evaluation).toMatchObject({ holds: false, value: undefined });
    expect(evaluation.reason).toBe(
      `no alternative holds: args.x is 1048576 characters long: this caveat's globs would take ${29 * 8 * ((1 << 20) + 1)} units of work on this request, more than maxGlobWork (${DEFAULT_SCOPE_LIMITS.maxGlobWork})`,
    );
    // Matching would take seconds; pricing takes microseconds (a generous bound for loaded CI).
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('fails closed: a deny-list and a negated glob do not hold either', () => {
    const limits = { limits: { maxGlobWork: 100 } };
    const long = call({ path: `/pub/${'a'.repeat(200)}` });
    expect(evaluateCaveat('args.path !~ "/secret/**"', long, limits).holds).toBe(false);
    expect(evaluateCaveat('not (args.path ~ "/secret/**")', long, limits).holds).toBe(false);
    expect(evaluateCaveat('args.path !~ "/secret/**"', long).holds).toBe(true);
  });

  it('is priced on what the caveat could read, so every evaluation order agrees', () => {
    const limits = { limits: { maxGlobWork: 100 } };
    const text = 'tool == "fs.write" or args.content !~ "*KEY*"';
    // `or` is true at once; no glob comparison decides it, and the budget does not change that.
    expect(evaluateCaveat(text, call({ content: 'x'.repeat(500) }), limits).holds).toBe(true);
    const globFirst = 'args.path ~ "/repo/**" and args.content !~ "*KEY*"';
    const request = call({ path: '/repo/a', content: 'x'.repeat(500) });
    expect(evaluateCaveat(globFirst, request, limits)).toMatchObject({
      value: undefined,
      term: 'args.path ~ "/repo/**"',
    });
    expect(compileCaveat(globFirst, limits).truth(request)).toBeUndefined();
  });

  it('is exact at the limit', () => {
    const text = 'args.x ~ "a*"';
    const at = call({ x: 'a'.repeat(99) }); // (99 + 1) × 1 = 100
    expect(evaluateCaveat(text, at, { limits: { maxGlobWork: 100 } }).holds).toBe(true);
    expect(evaluateCaveat(text, at, { limits: { maxGlobWork: 99 } }).value).toBeUndefined();
  });

  it('counts every element of a quantified glob', () => {
    const text = 'all args.files ~ "src/**"';
    const files = call({ files: Array.from({ length: 50 }, () => 'src/a') });
    expect(evaluateCaveat(text, files, { limits: { maxGlobWork: 300 } }).holds).toBe(true);
    expect(evaluateCaveat(text, files, { limits: { maxGlobWork: 299 } }).reason).toMatch(
      /^args\.files is an array of 50: this caveat's globs would take 300 units of work on this request, more than maxGlobWork \(299\)$/,
    );
  });
});
