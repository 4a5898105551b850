// Denial reasons never print two different strings alike (issue 12): string comparisons are
// exact, so `bob@evil.com` + U+200B passes `not in ["bob@evil.com"]`, and an `in` allow-list
// refuses NFD `café` — a reason that printed the value raw would read "is "x", not one of ["x"]".
import { describe, expect, it } from 'vitest';
import { evaluateCaveat } from '../../../src/scope/index.js';
import type { ScopeRequest } from '../../../src/scope/index.js';
import { visibleString } from '../../../src/scope/_visible.js';

const call = (args: Record<string, unknown>): ScopeRequest => ({
  tool: 'mail.send',
  args,
  time: new Date('2026-01-01T00:00:00Z'),
});

describe('visibleString', () => {
  it.each([
    ['plain', '"plain"'],
    ['café', '"café"'],
    ['日本語 😀', '"日本語 😀"'],
    ['say "hi" \\', '"say \\"hi\\" \\\\"'],
    ['a\nb\tc', '"a\\nb\\tc"'],
    ['bob\u200b', '"bob\\u200b"'], // zero-width space
    ['cafe\u0301', '"cafe\\u0301"'], // NFD: combining acute accent
    ['\u202egnp.exe', '"\\u202egnp.exe"'], // right-to-left override
    ['a\u00a0b', '"a\\u00a0b"'], // no-break space
    ['a\u3164b', '"a\\u3164b"'], // Hangul filler: a letter that prints blank
    ['x\u007f\u0085', '"x\\u007f\\u0085"'], // DEL, a C1 control
    ['\ud800', '"\\ud800"'], // a lone surrogate
    ['\u{e0041}', '"\\udb40\\udc41"'], // a tag character
    ['\ufe0f', '"\\ufe0f"'], // a variation selector
  ])('%j → %s', (value, expected) => {
    expect(visibleString(value)).toBe(expected);
    expect(JSON.parse(visibleString(value))).toBe(value);
  });
});

describe('denial reasons', () => {
  it('tell apart a value that differs from a listed one only invisibly', () => {
    const allow = 'args.to in ["bob@example.com"]';
    expect(evaluateCaveat(allow, call({ to: 'bob@example.com\u200b' })).reason).toBe(
      'args.to is "bob@example.com\\u200b", not one of ["bob@example.com"]',
    );
    const nfc = 'args.name == "caf\u00e9"';
    expect(evaluateCaveat(nfc, call({ name: 'cafe\u0301' })).reason).toBe(
      'args.name is "cafe\\u0301", not "café"',
    );
  });

  it('escape the listed values as well, so an invisible character in the caveat shows', () => {
    const allow = 'args.to in ["bob@example.com\\u200b"]';
    expect(evaluateCaveat(allow, call({ to: 'bob@example.com' })).reason).toBe(
      'args.to is "bob@example.com", not one of ["bob@example.com\\u200b"]',
    );
    expect(evaluateCaveat('args.to == "a\\u00a0b"', call({ to: 'a b' })).reason).toBe(
      'args.to is "a b", not "a\\u00a0b"',
    );
  });

  it('escape bidi overrides in quoted values and in shortened long ones', () => {
    const reason = evaluateCaveat('args.f ~ "*.txt"', call({ f: '\u202etxt.exe' })).reason;
    expect(reason).toBe('args.f "\\u202etxt.exe" does not match "*.txt"');
    const long = `${'a'.repeat(60)}\u202e${'b'.repeat(60)}`;
    expect(evaluateCaveat('args.f == "x"', call({ f: long })).reason).toBe(
      `args.f is "${'a'.repeat(60)}\\u202e${'b'.repeat(9)}…" (121 characters), not "x"`,
    );
  });
});
