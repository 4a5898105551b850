// Evaluation with explanations: every operator's true / false / undefined cases per ast.ts,
// Kleene logic, quantifiers, the path-alias rule, fail-closed handling of missing and non-JSON
// values, and the reason and failing term a denied caller sees.
import { describe, expect, it } from 'vitest';
import type { ScopeRequest, Truth } from '../../../src/scope/ast.js';
import { evaluateCaveat } from '../../../src/scope/index.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const req = (args: Record<string, unknown>, tool = 'fs.read', time = NOW): ScopeRequest => ({
  tool,
  args,
  time,
});
const truth = (text: string, args: Record<string, unknown>, tool?: string): Truth =>
  evaluateCaveat(text, req(args, tool)).value;

describe('comparison operators', () => {
  const T = true;
  const F = false;
  const U = undefined;
  // [caveat, args value of x, expected]
  const TABLE: readonly [string, unknown, Truth][] = [
    ['args.x == "a"', 'a', T],
    ['args.x == "a"', 'b', F],
    ['args.x == "1"', 1, F], // scalars of different types are unequal
    ['args.x == 1', 1, T],
    ['args.x == 1', 1.5, F],
    ['args.x == 0', -0, T],
    ['args.x == -0', 0, T],
    ['args.x == true', true, T],
    ['args.x == true', 'true', F],
    ['args.x == null', null, T],
    ['args.x == null', 0, F],
    ['args.x == 1', [1], U], // arrays and objects are not scalars
    ['args.x == 1', { a: 1 }, U],
    ['args.x != "a"', 'b', T],
    ['args.x != "a"', 'a', F],
    ['args.x != "a"', ['a'], U],
    ['args.x < 10', 5, T],
    ['args.x < 10', 10, F],
    ['args.x <= 10', 10, T],
    ['args.x > 10', 10, F],
    ['args.x >= 10', 10, T],
    ['args.x <= 10', '5', U],
    ['args.x <= 10', null, U],
    ['args.x <= 10', true, U],
    ['args.x < 2026-01-01T00:00:00Z', '2025-12-31T23:59:59.999Z', T],
    ['args.x < 2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', F],
    ['args.x <= 2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z', T],
    ['args.x < 2026-01-01T00:00:00Z', '2025-12-31', U], // not the exact instant form
    ['args.x < 2026-01-01T00:00:00Z', '2025-02-30T00:00:00Z', U], // not a real date
    ['args.x < 2026-01-01T00:00:00Z', '2025-01-01T00:00:00+00:00', U],
    ['args.x < 2026-01-01T00:00:00Z', 1, U],
    ['args.x == 2026-01-01T00:00:00Z', '2026-01-01T00:00:00.0Z', T],
    ['args.x == 2026-01-01T00:00:00Z', 'tomorrow', U],
    ['args.x != 2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', T],
    ['args.x ~ "/repo/**"', '/repo/a/b', T],
    ['args.x ~ "/repo/**"', '/etc/passwd', F],
    ['args.x ~ "/repo/**"', '/repo/../etc/passwd', U],
    ['args.x !~ "/secret/**"', '/pub/a', T],
    ['args.x !~ "/secret/**"', '/secret/k', F],
    ['args.x !~ "/secret/**"', '/pub/../secret/k', U],
    ['args.x ~ "*"', 5, U],
    ['args.x in ["a", "b"]', 'b', T],
    ['args.x in ["a", "b"]', 'c', F],
    ['args.x in [1, "1"]', 1, T],
    ['args.x in []', 'a', F],
    ['args.x in []', [], U],
    ['args.x in ["a"]', ['a'], U],
    ['args.x in ["a", 2026-01-01T00:00:00Z]', 'a', T],
    ['args.x in ["a", 2026-01-01T00:00:00Z]', '2026-01-01T00:00:00Z', T],
    ['args.x in ["a", 2026-01-01T00:00:00Z]', 'b', U], // b == instant is undefined
    ['args.x in ["a", 2026-01-01T00:00:00Z]', 5, U],
    ['args.x not in ["a", "b"]', 'c', T],
    ['args.x not in ["a", "b"]', 'a', F],
    ['args.x not in []', 'a', T],
    ['args.x not in []', { a: 1 }, U],
    ['args.x in [null, false]', false, T],
  ];
  it.each(TABLE)('%s with x = %j → %s', (caveat, x, expected) => {
    expect(truth(caveat, { x })).toBe(expected);
  });

  it('a missing path is undefined for every operator', () => {
    for (const text of [
      'args.x == 1',
      'args.x != 1',
      'args.x < 1',
      'args.x ~ "*"',
      'args.x !~ "*"',
      'args.x in []',
      'args.x not in []',
      'all args.x == 1',
      'any args.x == 1',
    ]) {
      expect(truth(text, {})).toBeUndefined();
    }
  });

  it('tool and time', () => {
    expect(truth('tool == "fs.read"', {}, 'fs.read')).toBe(true);
    expect(truth('tool ~ "fs.*"', {}, 'fs.read')).toBe(true);
    expect(truth('tool ~ "fs.*"', {}, 'fs.read/x')).toBe(false);
    expect(truth('tool in ["a", "fs.read"]', {}, 'fs.read')).toBe(true);
    expect(truth('tool !~ "shell.*"', {}, 'shell.exec')).toBe(false);
    expect(truth('time < 2026-06-01T12:00:00.001Z', {})).toBe(true);
    expect(truth('time < 2026-06-01T12:00:00Z', {})).toBe(false);
    expect(truth('time == 2026-06-01T12:00:00Z', {})).toBe(true);
    expect(truth('time != 2026-06-01T12:00:00Z', {})).toBe(false);
    expect(truth('time >= 2026-06-01T12:00:00Z', {})).toBe(true);
  });
});

describe('paths into the request', () => {
  it('walk own properties of plain objects only', () => {
    expect(truth('args.a.b == 1', { a: { b: 1 } })).toBe(true);
    expect(truth('args.a.b == 1', { a: [{ b: 1 }] })).toBeUndefined(); // an array on the way
    expect(truth('args.a.b == 1', { a: 'b' })).toBeUndefined();
    expect(truth('args.a.length == 1', { a: 'x' })).toBeUndefined();
    expect(truth('args.toString ~ "*"', {})).toBeUndefined(); // inherited, not own
    expect(truth('args.a.constructor ~ "*"', { a: {} })).toBeUndefined();
    expect(
      truth('args["__proto__"] == 1', JSON.parse('{"__proto__": 1}') as Record<string, unknown>),
    ).toBe(true);
    const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { b: 2 });
    expect(truth('args.a.b == 2', { a: nullProto })).toBe(true);
    class Box {
      b = 2;
    }
    expect(truth('args.a.b == 2', { a: new Box() })).toBeUndefined();
  });

  it('treat values that are not JSON as undefined, never as a pass under not', () => {
    for (const x of [
      undefined,
      NaN,
      Infinity,
      -Infinity,
      10n,
      () => 1,
      new Date(0),
      Symbol('s'),
      new Map(),
    ]) {
      for (const text of [
        'args.x == 1',
        'args.x != 1',
        'args.x < 1',
        'args.x >= 1',
        'args.x in [1]',
        'args.x not in [1]',
        'args.x ~ "**"',
      ]) {
        expect(truth(text, { x })).toBeUndefined();
        expect(evaluateCaveat(`not ${text}`, req({ x })).holds).toBe(false);
      }
    }
  });
});

describe('quantifiers', () => {
  it.each([
    ['all args.f ~ "src/**"', ['src/a', 'src/b'], true],
    ['all args.f ~ "src/**"', ['src/a', 'lib/b'], false],
    ['all args.f ~ "src/**"', [], true],
    ['all args.f ~ "src/**"', ['src/a', 5], undefined],
    ['all args.f ~ "src/**"', ['lib/a', 5], false], // false wins in Kleene and
    ['all args.f ~ "src/**"', ['src/../etc'], undefined],
    ['any args.f ~ "src/**"', ['lib/a', 'src/b'], true],
    ['any args.f ~ "src/**"', ['lib/a'], false],
    ['any args.f ~ "src/**"', [], false],
    ['any args.f ~ "src/**"', ['lib/a', 5], undefined],
    ['any args.f ~ "src/**"', ['src/a', 5], true], // true wins in Kleene or
    ['all args.f in [1, 2]', [1, 2, 2], true],
    ['any args.f not in [1, 2]', [1, 3], true],
    ['all args.f <= 10', [1, 10], true],
    ['all args.f ~ "*"', 'src/a', undefined], // not an array
    ['any args.f == 1', { 0: 1 }, undefined],
  ] as const)('%s with f = %j → %s', (caveat, f, expected) => {
    expect(truth(caveat, { f })).toBe(expected);
  });
});

describe('Kleene logic', () => {
  const T = 'args.t == 1';
  const F = 'args.t == 2';
  const U = 'args.missing == 1';
  const env = { t: 1 };
  it.each([
    [`not ${T}`, false],
    [`not ${F}`, true],
    [`not ${U}`, undefined],
    [`${F} and ${U}`, false],
    [`${U} and ${F}`, false],
    [`${T} and ${U}`, undefined],
    [`${T} and ${T}`, true],
    [`${T} or ${U}`, true],
    [`${U} or ${T}`, true],
    [`${F} or ${U}`, undefined],
    [`${F} or ${F}`, false],
    [`not (${F} or ${U})`, undefined],
    [`not (${F} and ${U})`, true],
    ['true', true],
    ['false', false],
    [`true or ${U}`, true],
    [`false and ${U}`, false],
    [`true and ${U}`, undefined],
  ] as const)('%s → %s', (caveat, expected) => {
    const evaluation = evaluateCaveat(caveat, req(env));
    expect(evaluation.value).toBe(expected);
    expect(evaluation.holds).toBe(expected === true);
  });
});

describe('reasons and terms', () => {
  const explain = (text: string, args: Record<string, unknown>, tool = 'fs.read') => {
    const { reason, term } = evaluateCaveat(text, req(args, tool));
    return { reason, term };
  };

  it('uses the sentences of the spec', () => {
    expect(explain('args.amount <= 100', { amount: 500 })).toEqual({
      reason: 'args.amount is 500, not <= 100',
      term: 'args.amount <= 100',
    });
    expect(explain('args.path ~ "/repo/**"', {})).toEqual({
      reason: 'args.path is missing',
      term: 'args.path ~ "/repo/**"',
    });
    expect(explain('args.path ~ "/repo/**"', { path: '/repo/../etc' })).toEqual({
      reason: 'args.path "/repo/../etc" has a ".." segment: ~ judges only normalized paths',
      term: 'args.path ~ "/repo/**"',
    });
  });

  it('points at the first false operand of an and, else the first undefined one', () => {
    expect(
      explain(
        'tool == "bank.transfer" and args.to == "savings" and args.amount <= 100',
        { to: 'checking', amount: 5 },
        'bank.transfer',
      ),
    ).toEqual({
      reason: 'args.to is "checking", not "savings"',
      term: 'args.to == "savings"',
    });
    expect(explain('args.a == 1 and args.b == 2', { b: 3 })).toEqual({
      reason: 'args.b is 3, not 2',
      term: 'args.b == 2',
    });
    expect(explain('args.a == 1 and args.b == 2', { a: 1 })).toEqual({
      reason: 'args.b is missing',
      term: 'args.b == 2',
    });
  });

  it('lists every alternative of a failing or', () => {
    expect(explain('tool in ["a", "b"] or args.x == 1', { x: 2 }, 'c')).toEqual({
      reason: 'no alternative holds: tool is "c", not one of ["a", "b"]; args.x is 2, not 1',
      term: 'tool in ["a", "b"] or args.x == 1',
    });
  });

  it('names the preface once when a failing or nests another', () => {
    expect(
      explain(
        '(tool == "a" and (args.x == 1 or args.y == 1)) or args.z == 1',
        { x: 2, y: 2, z: 2 },
        'a',
      ),
    ).toEqual({
      reason: 'no alternative holds: args.x is 2, not 1; args.y is 2, not 1; args.z is 2, not 1',
      term: 'tool == "a" and (args.x == 1 or args.y == 1) or args.z == 1',
    });
  });

  it('explains a failing not by what its operand matched, or by the missing value', () => {
    expect(explain('not (tool ~ "shell.*")', {}, 'shell.exec')).toEqual({
      reason: 'tool "shell.exec" matches "shell.*"',
      term: 'not tool ~ "shell.*"',
    });
    expect(explain('not (args.amount > 100)', {})).toEqual({
      reason: 'args.amount is missing',
      term: 'args.amount > 100',
    });
    expect(explain('not (args.a == 1 and args.b == 2)', { a: 1, b: 2 })).toEqual({
      reason: 'args.a is 1; and args.b is 2',
      term: 'not (args.a == 1 and args.b == 2)',
    });
    expect(explain('not args.env not in ["dev"]', { env: 'prod' })).toEqual({
      reason: 'args.env is "prod", not one of ["dev"]',
      term: 'not args.env not in ["dev"]',
    });
    expect(explain('not args.n != 3', { n: 4 }).reason).toBe('args.n is 4, not 3');
    expect(explain('not args.n < 3', { n: 2 }).reason).toBe('args.n is 2, which is < 3');
    expect(explain('not args.p !~ "/a/*"', { p: '/b' }).reason).toBe(
      'args.p "/b" does not match "/a/*"',
    );
    expect(explain('not all args.f ~ "src/**"', { f: ['src/a'] }).reason).toBe(
      'every element of args.f matches "src/**"',
    );
    expect(explain('not all args.f ~ "src/**"', { f: [] }).reason).toBe(
      'args.f is an empty array, so every element matches "src/**"',
    );
    expect(explain('not any args.f == 1', { f: [0, 1] }).reason).toBe('args.f[1] is 1');
    expect(explain('not true', {})).toEqual({ reason: '"true" always holds', term: 'not true' });
  });

  it('says which element of an array failed, or that none matched', () => {
    expect(explain('all args.files ~ "src/**"', { files: ['src/a', 'lib/b'] })).toEqual({
      reason: 'args.files[1] "lib/b" does not match "src/**"',
      term: 'all args.files ~ "src/**"',
    });
    expect(explain('any args.files ~ "src/**"', { files: ['lib/a'] }).reason).toBe(
      'no element of args.files matches "src/**"',
    );
    expect(explain('any args.files ~ "src/**"', { files: [] }).reason).toBe(
      'args.files is an empty array, so no element matches "src/**"',
    );
    expect(explain('any args.n <= 3', { n: [5, 'x'] }).reason).toBe(
      'args.n[1] is "x", but <= 3 needs a number',
    );
    expect(explain('all args.n in [1]', { n: 'x' }).reason).toBe(
      'args.n is "x", but all needs an array',
    );
    expect(explain('any args.n != 1', { n: [1, 1] }).reason).toBe('no element of args.n is not 1');
    expect(explain('any args.n not in [1]', { n: [1] }).reason).toBe(
      'no element of args.n is not one of [1]',
    );
    expect(explain('any args.n > 1', { n: [1] }).reason).toBe('no element of args.n is > 1');
    expect(explain('any args.n !~ "a"', { n: ['a'] }).reason).toBe(
      'no element of args.n does not match "a"',
    );
  });

  it('names the type a value needed', () => {
    expect(explain('args.n == 1', { n: [1] }).reason).toBe(
      'args.n is an array of 1, but == 1 needs a string, number, boolean or null',
    );
    expect(explain('args.n == 1', { n: {} }).reason).toBe(
      'args.n is an object, but == 1 needs a string, number, boolean or null',
    );
    expect(explain('args.w < 2026-01-01T00:00:00Z', { w: 'tomorrow' }).reason).toBe(
      'args.w is "tomorrow", but < 2026-01-01T00:00:00Z needs an instant string (YYYY-MM-DDTHH:MM:SSZ)'.replace(
        'SSZ',
        'SS[.fff]Z',
      ),
    );
    expect(explain('args.p ~ "*"', { p: 5 }).reason).toBe('args.p is 5, but ~ "*" needs a string');
    expect(explain('args.p in ["a", 2026-01-01T00:00:00Z]', { p: 'b' }).reason).toBe(
      'args.p is "b", but the list value 2026-01-01T00:00:00Z needs an instant string (YYYY-MM-DDTHH:MM:SS[.fff]Z)',
    );
    expect(explain('args.p in ["a"]', { p: [] }).reason).toBe(
      'args.p is an empty array, but in needs a string, number, boolean or null',
    );
    expect(explain('args.p == 1', { p: NaN }).reason).toBe(
      'args.p is NaN (not a JSON number), but == 1 needs a string, number, boolean or null',
    );
    expect(explain('args.p == 1', { p: () => 1 }).reason).toBe(
      'args.p is not a JSON value (function), but == 1 needs a string, number, boolean or null',
    );
  });

  it('shortens long values and lists', () => {
    const long = 'x'.repeat(500);
    expect(explain('args.s == "a"', { s: long }).reason).toBe(
      `args.s is "${'x'.repeat(70)}…" (500 characters), not "a"`,
    );
    const list = `[${Array.from({ length: 20 }, (_, i) => i).join(', ')}]`;
    expect(explain(`args.n in ${list}`, { n: 99 }).reason).toBe(
      'args.n is 99, not one of [0, 1, 2, 3, 4, 5, 6, 7, … (20 values)]',
    );
  });

  it('quotes the time and constants', () => {
    expect(explain('time < 2026-01-01T00:00:00Z', {})).toEqual({
      reason: 'time is 2026-06-01T12:00:00Z, not < 2026-01-01T00:00:00Z',
      term: 'time < 2026-01-01T00:00:00Z',
    });
    expect(explain('false', {})).toEqual({ reason: '"false" never holds', term: 'false' });
  });

  it('gives no reason when the caveat holds', () => {
    expect(evaluateCaveat('args.a == 1', req({ a: 1 }))).toEqual({ holds: true, value: true });
  });
});

describe('misuse', () => {
  it('refuses a marker: it is structure, not a condition', () => {
    expect(() => evaluateCaveat('to "coder"', req({}))).toThrow(TypeError);
    expect(() => evaluateCaveat({ kind: 'marker', principal: 'coder' }, req({}))).toThrow(
      TypeError,
    );
  });

  it.each([
    ['a null request', null],
    ['a tool that is not a string', { tool: 1, args: {}, time: NOW }],
    ['args that are an array', { tool: 't', args: [], time: NOW }],
    ['args that are a Map', { tool: 't', args: new Map(), time: NOW }],
    ['a time that is not a Date', { tool: 't', args: {}, time: NOW.getTime() }],
    ['an invalid Date', { tool: 't', args: {}, time: new Date(NaN) }],
  ])('refuses %s with a TypeError', (_, request) => {
    expect(() => evaluateCaveat('true', request as unknown as ScopeRequest)).toThrow(TypeError);
  });
});
