// The one rule for showing text an agent wrote, shared by the terminal and the browser console:
// controls, format characters (bidi overrides, zero-width characters), line and paragraph
// separators and lone surrogates become visible escapes; everything else is shown as written.
import { describe, expect, it } from 'vitest';
import { escapeCharacter, inertText, visibleParts } from '../../src/_visible-text.js';
import { inert } from '../../src/cli/output.js';

describe('inertText', () => {
  it.each([
    ['plain text', 'plain text'],
    ['café 日本語 😀 עברית', 'café 日本語 😀 עברית'],
    ['pay rent\u001b[2J', 'pay rent\\x1b[2J'],
    ['a\nb\tc\rd', 'a\\x0ab\\x09c\\x0dd'],
    ['evil\u202etxt.exe', 'evil\\u{202e}txt.exe'],
    ['bob\u200b@x', 'bob\\u{200b}@x'],
    ['\u2066isolate\u2069', '\\u{2066}isolate\\u{2069}'],
    ['line\u2028para\u2029', 'line\\u{2028}para\\u{2029}'],
    ['x\u007f\u0085', 'x\\x7f\\x85'],
    ['\ud800lone', '\\u{d800}lone'],
    ['\u{e0041}tag', '\\u{e0041}tag'],
    ['soft\u00adhyphen', 'soft\\xadhyphen'],
  ])('%j → %s', (text, shown) => {
    expect(inertText(text)).toBe(shown);
  });

  it('is what the terminal prints', () => {
    const hostile = 'coder\u202e\u001b[31mred\u200b';
    expect(inert(hostile)).toBe(inertText(hostile));
  });
});

describe('visibleParts', () => {
  it('marks each escape apart from the text around it', () => {
    expect(visibleParts('a\u202eb\u200b')).toEqual([
      { text: 'a', escaped: false },
      { text: '\\u{202e}', escaped: true },
      { text: 'b', escaped: false },
      { text: '\\u{200b}', escaped: true },
    ]);
    expect(visibleParts('')).toEqual([]);
    expect(visibleParts('<img src=x onerror=alert(1)>')).toEqual([
      { text: '<img src=x onerror=alert(1)>', escaped: false },
    ]);
  });

  it('joins back to inertText, and escapes one astral character as one', () => {
    const text = 'a\u{e0041}b\u0000\u202d';
    expect(
      visibleParts(text)
        .map((p) => p.text)
        .join(''),
    ).toBe(inertText(text));
    expect(escapeCharacter('\u{e0041}')).toBe('\\u{e0041}');
  });

  it('keeps no state between calls (the pattern is global)', () => {
    for (let i = 0; i < 3; i++) expect(visibleParts('x\u202ey').length).toBe(3);
  });
});
