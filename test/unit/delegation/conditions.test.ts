// normalizeConditions (canonical form, one typed error per bad condition) and principal names.
import { describe, expect, it } from 'vitest';
import {
  ConditionInvalidError,
  MAX_PRINCIPAL_LENGTH,
  normalizeConditions,
  principalProblem,
} from '../../../src/delegation/index.js';
import { ScopeLimitError, ScopeSyntaxError, ScopeTypeError } from '../../../src/scope/index.js';

describe('normalizeConditions', () => {
  it('returns each condition in canonical printed form', () => {
    expect(normalizeConditions(['tool  in ["a","b"]', '(args.n<=3)', 'not(args.x==1)'])).toEqual([
      'tool in ["a", "b"]',
      'args.n <= 3',
      'not args.x == 1',
    ]);
  });

  it('is idempotent', () => {
    const once = normalizeConditions(['args.a ~ "/x/**" and (args.b > 1 or args.c == null)']);
    expect(normalizeConditions(once)).toEqual(once);
  });

  const cases: [string, unknown, new (...a: never[]) => Error, unknown?][] = [
    ['a string instead of a list', 'tool == "a"', TypeError],
    ['null', null, TypeError],
    ['a number in the list', ['tool == "a"', 3], TypeError],
    ['a syntax error', ['tool == "a"', 'tool =='], ConditionInvalidError, ScopeSyntaxError],
    ['a type error', ['time < "noon"'], ConditionInvalidError, ScopeTypeError],
    [
      'a limit error',
      [`args.a in [${Array.from({ length: 2000 }, (_, i) => i).join(', ')}]`],
      ConditionInvalidError,
      ScopeLimitError,
    ],
    ['a marker', ['to "coder"'], ConditionInvalidError],
    ['an empty text', [''], ConditionInvalidError],
  ];
  it.each(cases)('refuses %s', (_name, input, error, cause) => {
    let caught: unknown;
    try {
      normalizeConditions(input as never, 'scope');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(error);
    if (cause !== undefined) expect((caught as Error).cause).toBeInstanceOf(cause);
    if (caught instanceof ConditionInvalidError) {
      expect(caught.argument).toBe('scope');
      expect(caught.message).toMatch(/^scope\[\d\] is not a valid condition: /);
      expect(caught.message).not.toContain('\n');
    }
  });
});

describe('principalProblem', () => {
  it.each([
    ['planner', undefined],
    ['coder-2', undefined],
    ['alice@example.com', undefined],
    ['spiffe://corp/agent/7', undefined],
    ['ünïcødé', undefined],
    ['x'.repeat(MAX_PRINCIPAL_LENGTH), undefined],
    ['', 'is empty'],
    ['x'.repeat(MAX_PRINCIPAL_LENGTH + 1), 'is longer than 128 characters'],
    ['owner', 'is reserved'],
    ['bearer', 'is reserved'],
    ['tab\there', 'contains a control character'],
    ['nul\u0000', 'contains a control character'],
    [' padded', 'has leading or trailing whitespace'],
  ])('%j → %s', (name, problem) => {
    expect(principalProblem(name)).toBe(problem);
  });
});
