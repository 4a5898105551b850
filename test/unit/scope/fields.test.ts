/**
 * What a condition reads and what a grant leaves standing: the fields each condition reads,
 * when two fields overlap, a scope's restrictions (split at every `and` once negations are
 * pushed down), the restrictions beside a set of fields, and a scope's expiry.
 */
import { describe, expect, it } from 'vitest';
import {
  expiryOf,
  fieldsOverlap,
  fieldsRead,
  parseCondition,
  pinnedTool,
  printCaveat,
  restrictionsBeside,
  restrictionsOf,
} from '../../../src/scope/index.js';

const parse = (texts: string[]) => texts.map((t) => parseCondition(t));

describe('fieldsRead', () => {
  it('lists each field once, in order, through not, and, or and quantifiers', () => {
    expect(
      fieldsRead(
        parseCondition('tool == "a" and not (args.n > 1 or all args.files ~ "*") or args.n < 0'),
      ),
    ).toEqual([{ root: 'tool' }, { root: 'args', keys: ['n'] }, { root: 'args', keys: ['files'] }]);
    expect(fieldsRead(parseCondition('true'))).toEqual([]);
  });
});

describe('fieldsOverlap', () => {
  it('overlaps equal roots, and args paths when one is a prefix of the other', () => {
    const a = { root: 'args', keys: ['a'] } as const;
    expect(fieldsOverlap(a, { root: 'args', keys: ['a', 'b'] })).toBe(true);
    expect(fieldsOverlap({ root: 'args', keys: ['a', 'b'] }, a)).toBe(true);
    expect(fieldsOverlap(a, { root: 'args', keys: ['ab'] })).toBe(false);
    expect(fieldsOverlap({ root: 'tool' }, { root: 'tool' })).toBe(true);
    expect(fieldsOverlap({ root: 'tool' }, { root: 'time' })).toBe(false);
  });
});

describe('restrictionsOf', () => {
  it('splits at and after pushing negations down, and drops true', () => {
    expect(
      restrictionsOf(
        parse(['not (tool == "a" or args.n > 3)', 'true', 'args.m == 1 or args.k == 2']),
      ).map((c) => printCaveat(c)),
    ).toEqual(['tool != "a"', 'args.n <= 3', 'args.m == 1 or args.k == 2']);
  });
});

describe('restrictionsBeside', () => {
  it('keeps the restrictions that read none of the fields', () => {
    const scope = parse([
      'tool in ["bank.get_balance"] and args.account == "checking"',
      'args.amount <= 100',
      'args.to.iban == "X" or tool == "b"',
      'time < 2027-01-01T00:00:00Z',
    ]);
    const kept = restrictionsBeside(scope, [
      { root: 'tool' },
      { root: 'args', keys: ['amount'] },
    ]).map((c) => printCaveat(c));
    expect(kept).toEqual(['args.account == "checking"', 'time < 2027-01-01T00:00:00Z']);
    expect(
      restrictionsBeside(scope, [{ root: 'args', keys: ['to'] }]).map((c) => printCaveat(c)),
    ).toEqual([
      'tool in ["bank.get_balance"]',
      'args.account == "checking"',
      'args.amount <= 100',
      'time < 2027-01-01T00:00:00Z',
    ]);
  });
});

describe('expiryOf', () => {
  it('is the earliest upper bound on time among the restrictions', () => {
    expect(
      expiryOf(
        parse(['time < 2027-01-01T00:00:00Z', 'tool == "a" and time <= 2026-06-01T00:00:00Z']),
      ),
    ).toBe(Date.UTC(2026, 5, 1) + 1);
    expect(expiryOf(parse(['time >= 2026-01-01T00:00:00Z', 'tool == "a"']))).toBe(null);
    // A bound inside an `or` is not an expiry of the whole scope.
    expect(expiryOf(parse(['time < 2026-01-01T00:00:00Z or tool == "a"']))).toBe(null);
  });
});

describe('restrictionsBeside one pinned tool', () => {
  it('reads restrictions on tool for that tool: kept what remains, dropped what blocks or always holds', () => {
    const scope = parse([
      'tool in ["fs.read", "fs.list"]',
      'tool != "bank.transfer" or args.amount <= 100 and args.to in ["savings"]',
      'tool == "bank.transfer" or args.path ~ "/repo/**"',
      'args.account == "checking"',
    ]);
    expect(pinnedTool(parse(['tool == "bank.transfer"', 'args.amount == 500']))).toBe(
      'bank.transfer',
    );
    expect(pinnedTool(parse(['tool in ["a", "b"]', 'tool in ["b", "c"]']))).toBe('b');
    expect(pinnedTool(parse(['tool in ["a", "b"]']))).toBe(undefined);
    expect(pinnedTool(parse(['args.amount <= 5']))).toBe(undefined);
    const kept = (fields: Parameters<typeof restrictionsBeside>[1]) =>
      restrictionsBeside(scope, fields, 'bank.transfer').map((c) => printCaveat(c));
    expect(kept([{ root: 'tool' }])).toEqual([
      'args.amount <= 100',
      'args.to == "savings"',
      'args.account == "checking"',
    ]);
    expect(kept([{ root: 'tool' }, { root: 'args', keys: ['amount'] }])).toEqual([
      'args.to == "savings"',
      'args.account == "checking"',
    ]);
  });
});
