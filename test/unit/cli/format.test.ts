/**
 * How the CLI shows a conjunction of conditions: one AST printed once, never condition texts
 * joined by hand, so the line means what the scope means; and a disjunction (an approval's
 * `(previous) or (granted)`) one alternative per line rather than one flat line.
 */
import { describe, expect, it } from 'vitest';
import { conditionLines, conjunctionText, shellWord } from '../../../src/cli/format.js';
import { parseCondition, printCaveat } from '../../../src/scope/index.js';

describe('conjunctionText', () => {
  it.each([
    [['tool == "a"'], 'tool == "a"'],
    [['tool == "a" or tool == "b"', 'args.n <= 5'], '(tool == "a" or tool == "b") and args.n <= 5'],
    [['args.s == " or "', 'args.n <= 5'], 'args.s == " or " and args.n <= 5'],
    [
      ['args.a == 1 and args.b == 2', 'not args.c == 3'],
      'args.a == 1 and args.b == 2 and not args.c == 3',
    ],
    [[], 'true'],
  ])('shows %j as %j', (conditions, text) => {
    expect(conjunctionText(conditions)).toBe(text);
  });

  it('prints text that parses back to the conjunction', () => {
    const text = conjunctionText(['tool ~ "fs.*" or tool == "x"', 'time < 2026-01-01T00:00:00Z']);
    expect(printCaveat(parseCondition(text))).toBe(text);
  });

  it('holds the conjunction of conditions each at the size limits', () => {
    const wide = Array.from({ length: 128 }, (_, i) => `args.a == ${i}`).join(' or ');
    expect(conjunctionText([wide, wide])).toBe(`(${wide}) and (${wide})`);
  });

  it('shows conditions that do not parse as a JSON list, not as a conjunction', () => {
    expect(conjunctionText(['tool ==', 'args.n <= 5'])).toBe('["tool ==","args.n <= 5"]');
  });
});

describe('conditionLines', () => {
  it.each([
    ['tool == "a"', ['tool == "a"']],
    [
      'tool == "a" and args.n <= 1 or tool == "b" and args.n > 5',
      ['either tool == "a" and args.n <= 1', 'or     tool == "b" and args.n > 5'],
    ],
    [
      '(tool == "a" or tool == "b") and args.n <= 5',
      ['(tool == "a" or tool == "b") and args.n <= 5'],
    ],
    ['args.s == " or "', ['args.s == " or "']],
    ['tool ==', ['tool ==']],
  ])('shows %j as %j', (text, lines) => {
    expect(conditionLines(text)).toEqual(lines);
  });
});

describe('shellWord', () => {
  it.each([
    ['bank.transfer', 'bank.transfer'],
    ['@call.json', '@call.json'],
    ['{"account":"checking"}', `'{"account":"checking"}'`],
    ["it's", `'it'\\''s'`],
    ['a b', "'a b'"],
    ['$HOME', "'$HOME'"],
    ['', "''"],
  ])('quotes %j as %j', (text, word) => {
    expect(shellWord(text)).toBe(word);
  });
});
