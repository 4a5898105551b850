// The caveat tagged template: every interpolated value is written as a literal, so user input
// cannot change the caveat's structure; the result is validated by parsing.
import { describe, expect, it } from 'vitest';
import {
  ScopeLimitError,
  ScopeSyntaxError,
  caveat,
  caveatWith,
  evaluateCaveat,
  globLiteral,
  parseCaveat,
} from '../../../src/scope/index.js';

describe('caveat`…`', () => {
  it('quotes each kind of value', () => {
    expect(caveat`tool == ${'bank.transfer'} and args.amount <= ${100}`).toBe(
      'tool == "bank.transfer" and args.amount <= 100',
    );
    expect(caveat`args.b == ${true} and args.c != ${null} and args.n == ${-0}`).toBe(
      'args.b == true and args.c != null and args.n == -0',
    );
    expect(caveat`time < ${new Date(Date.UTC(2026, 11, 1))}`).toBe('time < 2026-12-01T00:00:00Z');
    expect(caveat`time < ${new Date(Date.UTC(2026, 11, 1, 0, 0, 0, 5))}`).toBe(
      'time < 2026-12-01T00:00:00.005Z',
    );
    expect(caveat`tool in ${['fs.read', 'fs.list']}`).toBe('tool in ["fs.read", "fs.list"]');
    expect(caveat`args.x not in ${[1, 'a', null, false, new Date(0)]}`).toBe(
      'args.x not in [1, "a", null, false, 1970-01-01T00:00:00Z]',
    );
    expect(caveat`args.x in ${[]}`).toBe('args.x in []');
    expect(caveat`args[${'odd key'}] == 1`).toBe('args["odd key"] == 1');
  });

  it('keeps hostile strings inside their literal', () => {
    const hostile = '" or tool ~ "**';
    const text = caveat`args.to == ${hostile}`;
    expect(parseCaveat(text)).toEqual({
      kind: 'compare',
      quantifier: null,
      path: { root: 'args', keys: ['to'] },
      op: '==',
      value: { type: 'string', value: hostile },
    });
    expect(caveat`to ${'a"b\\c\n'}`).toBe('to "a\\"b\\\\c\\n"');
  });

  it('matches user paths literally when combined with globLiteral', () => {
    const dir = '/tmp/a*b';
    const text = caveat`args.path ~ ${`${globLiteral(dir)}/**`}`;
    const at = (path: string) =>
      evaluateCaveat(text, { tool: 't', args: { path }, time: new Date() }).holds;
    expect(at('/tmp/a*b/x')).toBe(true);
    expect(at('/tmp/aXb/x')).toBe(false);
  });

  it('reads the template text raw, as DSL source', () => {
    expect(caveat`args.p ~ "a\\*"`).toBe('args.p ~ "a\\\\*"');
    expect(parseCaveat(caveat`args.p ~ "a\\*"`)).toMatchObject({ value: { value: 'a\\*' } });
  });

  it('refuses values it cannot write', () => {
    expect(() => caveat`args.x == ${undefined}`).toThrow(TypeError);
    expect(() => caveat`args.x == ${{ a: 1 }}`).toThrow(TypeError);
    expect(() => caveat`args.x == ${10n}`).toThrow(TypeError);
    expect(() => caveat`args.x in ${[[1]]}`).toThrow(/values\[0\]\[0\]/);
    expect(() => caveat`args.x == ${NaN}`).toThrow(RangeError);
    expect(() => caveat`args.x == ${Infinity}`).toThrow(RangeError);
    expect(() => caveat`time < ${new Date(NaN)}`).toThrow(RangeError);
    expect(() => caveat`time < ${new Date('+010000-01-01T00:00:00Z')}`).toThrow(RangeError);
  });

  it('validates the whole text', () => {
    expect(() => caveat`args.x = ${1}`).toThrow(ScopeSyntaxError);
    expect(() => caveat`tool == ${1}`).toThrow(/tool compares only with strings/);
    expect(() => (caveat as unknown as (s: string) => string)('args.a == 1')).toThrow(TypeError);
  });

  it('caveatWith applies limits', () => {
    const many = Array.from({ length: 1100 }, (_, i) => i);
    expect(() => caveat`args.x in ${many}`).toThrow(ScopeLimitError);
    expect(caveatWith({ limits: { maxListLength: 2000 } })`args.x in ${many}`).toMatch(
      /^args\.x in \[0, 1, /,
    );
  });
});
