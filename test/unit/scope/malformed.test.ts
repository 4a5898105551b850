// A table of malformed caveats and the exact error each gives: code, position and the words a
// person (or a model) fixing the caveat needs. Peggy's own error never escapes.
import { describe, expect, it } from 'vitest';
import { ScopeSyntaxError, parseCaveat } from '../../../src/scope/index.js';

const START = 'expected "to", "not", "(", "true", "false", "all", "any", "tool", "time" or "args"';
const VALUE = 'expected string, instant, number, "true", "false" or "null"';
const OPERATOR = 'expected "not", "in" or operator';
const CONDITION = 'expected "not", "(", "true", "false", "all", "any", "tool", "time" or "args"';
const AFTER = 'expected "and", "or" or end of caveat';
const INSTANT =
  'is not a valid instant: write a real UTC date and time as YYYY-MM-DDTHH:MM:SS[.fff]Z';
const S = 'ERR_SCOPE_SYNTAX';
const T = 'ERR_SCOPE_TYPE';

// [input, code, line:column, words the message contains]
const TABLE: readonly (readonly [string, string, string, string])[] = [
  ['', S, '1:1', `${START} but found the end of the caveat`],
  ['   ', S, '1:4', `${START} but found the end of the caveat`],
  ['a == 1', S, '1:1', 'found "a" (a path starts with tool, time or args, e.g. args.amount)'],
  ['args == 1', S, '1:5', 'expected "." or "[" but found " "'],
  ['args. == 1', S, '1:6', 'expected key but found " "'],
  ['args.1a == 1', S, '1:6', 'expected key but found "1a"'],
  [
    'args["a] == 1',
    S,
    '1:14',
    'expected string character, "\\\\" or "\\"" but found the end of the caveat',
  ],
  ['args[a] == 1', S, '1:6', 'expected string but found "a"'],
  ['args[1] == 1', S, '1:6', 'expected string but found "1"'],
  [
    'args.a',
    S,
    '1:7',
    'expected ".", "[", "not", "in" or operator but found the end of the caveat',
  ],
  ['args.a = 1', S, '1:8', `${OPERATOR} but found "=" (write "==" to compare)`],
  ['args.a => 1', S, '1:8', 'found "=>" (write ">=")'],
  ['args.a =< 1', S, '1:8', 'found "=<" (write "<=")'],
  ['args.a <> 1', S, '1:9', `${VALUE} but found ">"`],
  ['args.a == ', S, '1:11', `${VALUE} but found the end of the caveat`],
  ['args.a == 01', S, '1:11', `${VALUE} but found "01"`],
  ['args.a == 1.', S, '1:12', `${AFTER} but found "."`],
  ['args.a == .5', S, '1:11', `${VALUE} but found ".5"`],
  ['args.a == +1', S, '1:11', `${VALUE} but found "+"`],
  ['args.a == 1e', S, '1:11', `${VALUE} but found "1e"`],
  ['args.a == 1e999', T, '1:11', 'the number 1e999 is too large: numbers must be finite'],
  ["args.a == 'x'", S, '1:11', 'found "\'" (strings use double quotes)'],
  [
    'args.a == "x',
    S,
    '1:13',
    'expected string character, "\\\\" or "\\"" but found the end of the caveat',
  ],
  [
    'args.a == "\\x"',
    S,
    '1:13',
    'expected escape (\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX) but found "x"',
  ],
  ['args.a == "\\u12"', S, '1:13', 'expected escape'],
  [
    'args.a == "a\nb"',
    S,
    '1:13',
    'a control character such as a newline must be escaped inside a string',
  ],
  ['args.a == TRUE', S, '1:11', `${VALUE} but found "TRUE"`],
  ['args.a == nil', S, '1:11', `${VALUE} but found "nil"`],
  ['args.a == [1]', S, '1:11', `${VALUE} but found "["`],
  ['args.a in 1', S, '1:11', 'expected "[" but found "1"'],
  ['args.a in [1,]', S, '1:14', `${VALUE} but found "]"`],
  ['args.a in [1 2]', S, '1:14', 'expected "," or "]" but found "2"'],
  ['args.a in [[1]]', S, '1:12', 'found "["'],
  ['args.a in ["a" "b"]', S, '1:16', 'expected "," or "]" but found "\\""'],
  ['args.a not [1]', S, '1:12', 'expected "in" but found "["'],
  ['args.a not in', S, '1:14', 'expected "[" but found the end of the caveat'],
  ['args.a ~ 1', T, '1:10', '~ needs a string glob pattern, not a number'],
  ['args.a !~ null', T, '1:11', '!~ needs a string glob pattern, not null'],
  ['args.a < "x"', T, '1:10', '< needs a number or an instant, not a string'],
  ['args.a >= true', T, '1:11', '>= needs a number or an instant, not a boolean'],
  ['all args.a > null', T, '1:14', '> needs a number or an instant, not null'],
  ['tool == 1', T, '1:9', 'tool compares only with strings, not with a number'],
  ['tool != null', T, '1:9', 'tool compares only with strings, not with null'],
  ['tool < 3', T, '1:1', 'tool is a string, and strings have no order'],
  ['tool in ["a", 1]', T, '1:15', 'tool compares only with strings, not with a number'],
  [
    'tool == 2026-01-01T00:00:00Z',
    T,
    '1:9',
    'tool compares only with strings, not with an instant',
  ],
  [
    'time == "x"',
    T,
    '1:9',
    'time compares only with an instant (YYYY-MM-DDTHH:MM:SSZ), not with a string',
  ],
  [
    'time ~ "x"',
    T,
    '1:1',
    'time compares only with an instant by ==, !=, <, <=, > or >=, not with ~',
  ],
  ['time in [2026-01-01T00:00:00Z]', T, '1:1', 'not with in'],
  ['time not in []', T, '1:1', 'not with in'],
  [
    'time < 5',
    T,
    '1:8',
    'time compares only with an instant (YYYY-MM-DDTHH:MM:SSZ), not with a number',
  ],
  [
    'all tool == "x"',
    T,
    '1:1',
    'all applies only to an args path (an array argument), not to tool',
  ],
  [
    'any time < 2026-01-01T00:00:00Z',
    T,
    '1:1',
    'any applies only to an args path (an array argument), not to time',
  ],
  [
    'all args.a',
    S,
    '1:11',
    'expected ".", "[", "not", "in" or operator but found the end of the caveat',
  ],
  ['all all args.a == 1', S, '1:5', 'found "all"'],
  ['args.a == 1 and', S, '1:16', `${CONDITION} but found the end of the caveat`],
  ['args.a == 1 or or args.b == 1', S, '1:16', `${CONDITION} but found "or" (line`],
  ['and args.a == 1', S, '1:1', `${START} but found "and" (line`],
  ['(args.a == 1', S, '1:13', 'expected "and", "or" or ")" but found the end of the caveat'],
  ['args.a == 1)', S, '1:12', `${AFTER} but found ")"`],
  ['()', S, '1:2', `${CONDITION} but found ")"`],
  ['not', S, '1:4', `${CONDITION} but found the end of the caveat`],
  ['not not', S, '1:8', `${CONDITION} but found the end of the caveat`],
  ['args.a == 1 && args.b == 2', S, '1:13', `${AFTER} but found "&&" (write "and")`],
  ['args.a == 1 || args.b == 2', S, '1:13', `${AFTER} but found "||" (write "or")`],
  ['!args.a == 1', S, '1:1', 'found "!" (write "not")'],
  ['to', S, '1:3', 'expected string but found the end of the caveat'],
  ['to coder', S, '1:4', 'expected string but found "coder"'],
  ['to "a" and args.a == 1', S, '1:8', 'expected end of caveat but found "and"'],
  ['not to "a"', S, '1:5', 'found "to"'],
  ['args.a == 2026-13-01T00:00:00Z', S, '1:11', `"2026-13-01T00:00:00Z" ${INSTANT}`],
  ['args.a < 2026-01-01T00:00:00+02:00', S, '1:10', `"2026-01-01T00:00:00+02:00" ${INSTANT}`],
  ['args.a < 2026-01-01', S, '1:10', `"2026-01-01" ${INSTANT}`],
  ['args.a < 2026-02-30T00:00:00Z', S, '1:10', `"2026-02-30T00:00:00Z" ${INSTANT}`],
  ['args.a < 2025-02-29T00:00:00Z', S, '1:10', `"2025-02-29T00:00:00Z" ${INSTANT}`],
  ['args.a < 2026-01-01T24:00:00Z', S, '1:10', `"2026-01-01T24:00:00Z" ${INSTANT}`],
  ['args.a < 2026-01-01T00:00:60Z', S, '1:10', `"2026-01-01T00:00:60Z" ${INSTANT}`],
  ['args.a < 2026-01-01T00:00:00.1234Z', S, '1:10', `"2026-01-01T00:00:00.1234Z" ${INSTANT}`],
  ['args.a < 2026-01-01t00:00:00z', S, '1:10', `"2026-01-01t00:00:00z" ${INSTANT}`],
  [
    'args.a ~ "a\\\\"',
    S,
    '1:10',
    'the glob pattern ends with a lone backslash: write "\\\\\\\\" for a literal backslash',
  ],
  ['args.a == 1\n  and args.b = 2', S, '2:14', `${OPERATOR} but found "=" (write "==" to compare)`],
  ['args.a == 1 args.b == 2', S, '1:13', `${AFTER} but found "args.b"`],
  [
    'trueish',
    S,
    '1:1',
    `${START} but found "trueish" (a path starts with tool, time or args, e.g. args.amount)`,
  ],
  ['args.a == truex', S, '1:11', 'found "truex"'],
  ['args.a.b.', S, '1:10', 'expected key but found the end of the caveat'],
  ['args.a["b"', S, '1:11', 'expected "]" but found the end of the caveat'],
  ['args.a ~ "x" extra', S, '1:14', `${AFTER} but found "extra"`],
  ['true false', S, '1:6', `${AFTER} but found "false"`],
  ['args .a == 1', S, '1:5', 'expected "." or "["'],
  ['tool.name == "x"', S, '1:5', `${OPERATOR} but found ".name"`],
  ['args.a == 1 andnot args.b == 2', S, '1:13', `${AFTER} but found "andnot"`],
  ['args.a in ["a"]]', S, '1:16', `${AFTER} but found "]"`],
  ['args.a == -', S, '1:11', `${VALUE} but found "-"`],
];

describe('malformed caveats', () => {
  it('has at least 50 rows', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(50);
  });

  it.each(TABLE)('%j → %s at %s', (input, code, position, words) => {
    let error: unknown;
    try {
      parseCaveat(input);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ScopeSyntaxError);
    const e = error as ScopeSyntaxError;
    expect(e.code).toBe(code);
    expect(`${e.line}:${e.column}`).toBe(position);
    expect(e.message).toContain(words);
    // The excerpt is the offending line with a caret under the column.
    const [line, caret] = e.excerpt.split('\n') as [string, string];
    expect(input.split('\n')[e.line - 1]).toBe(line);
    expect(caret).toBe(`${' '.repeat(e.column - 1)}^`);
    expect(e.message.endsWith(e.excerpt)).toBe(true);
    if (code === S && !words.includes('instant') && !words.includes('backslash')) {
      expect(e.cause).toBeInstanceOf(SyntaxError); // Peggy's error, kept as the cause
      expect(e.expected.length).toBeGreaterThan(0);
    }
  });
});
