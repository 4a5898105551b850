/**
 * Text an agent wrote reaches a person's terminal inert: control characters that could move the
 * cursor, recolour or hide the screen, or fake a line of the CLI's own are shown as escapes, and
 * so are format characters that reorder or hide text (bidi overrides, zero-width characters).
 * Every line `Output` writes is rendered that way, and only the CLI's own styles colour it.
 */
import { describe, expect, it } from 'vitest';
import {
  createStyle,
  inert,
  jsonLine,
  Output,
  render,
  visibleLength,
} from '../../../src/cli/output.js';

/** What must never reach a terminal raw. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** The CLI's own colours, and the start of any escape sequence. */
// eslint-disable-next-line no-control-regex
const OWN_COLOURS = /\u001b\[(1|2|22|31|32|33|35|36|39)m/g;
// eslint-disable-next-line no-control-regex
const CSI = /\u001b\[/g;

describe('inert', () => {
  it.each([
    ['pay rent', 'pay rent'],
    ['pay\u001b[2J rent', 'pay\\x1b[2J rent'],
    ['two\nlines\r', 'two\\x0alines\\x0d'],
    ['tab\there', 'tab\\x09here'],
    ['nul\u0000', 'nul\\x00'],
    ['del\u007f', 'del\\x7f'],
    ['csi\u009b31m', 'csi\\x9b31m'],
    ['nel\u0085', 'nel\\x85'],
    ['café ✓ 日本', 'café ✓ 日本'],
    ['conceal\u001b[8mhidden\u001b[0m', 'conceal\\x1b[8mhidden\\x1b[0m'],
    ['osc 52 \u001b]52;c;cm0gLXJmIH4=\u0007', 'osc 52 \\x1b]52;c;cm0gLXJmIH4=\\x07'],
    ['evil\u202etxt.exe', 'evil\\u{202e}txt.exe'],
    ['\u2066isolate\u2069', '\\u{2066}isolate\\u{2069}'],
    ['zero\u200bwidth\u200d', 'zero\\u{200b}width\\u{200d}'],
    ['\ufeffbom', '\\u{feff}bom'],
    ['soft\u00adhyphen', 'soft\\xadhyphen'],
    ['line\u2028para\u2029', 'line\\u{2028}para\\u{2029}'],
    ['tag\u{e0041}', 'tag\\u{e0041}'],
  ])('shows %j as %j', (text, shown) => {
    expect(inert(text)).toBe(shown);
  });

  it('leaves no control, format or separator character in anything', () => {
    const every = Array.from({ length: 0x110000 }, (_, i) =>
      i >= 0xd800 && i <= 0xdfff ? '' : String.fromCodePoint(i),
    ).join('');
    expect(inert(every)).not.toMatch(UNSAFE);
  });
});

describe('render and Output', () => {
  const on = createStyle(true);

  it('keeps the CLI’s own colours and escapes an agent’s', () => {
    const line = `${on.red('denied')} ${'\u001b[8mhidden\u001b[32m'}`;
    expect(render(line)).toBe('\u001b[31mdenied\u001b[39m \\x1b[8mhidden\\x1b[32m');
  });

  it('a styled string carries no ESC before it is rendered, so text cannot borrow its colours', () => {
    expect(on.bold('x')).not.toContain('\u001b');
    expect(visibleLength(on.bold('x'))).toBe(1);
    expect(visibleLength('a\u202eb')).toBe('a\\u{202e}b'.length);
  });

  function capture(tty: boolean) {
    let stdout = '';
    let stderr = '';
    const out = new Output({
      json: false,
      stdout: { isTTY: tty, write: (t: string) => (stdout += t) },
      stderr: { isTTY: tty, write: (t: string) => (stderr += t) },
      env: {},
    });
    return { out, text: () => stdout + stderr };
  }

  it('renders every line, field, table cell, note and error inert', () => {
    for (const tty of [false, true]) {
      const { out, text } = capture(tty);
      const hostile = 'x\u001b[8m\nfake ✓ line\u202e\u001b]52;c;aGk=\u0007';
      out.line(out.style.green(hostile));
      out.heading(hostile);
      out.fields([['reason', hostile]]);
      out.table(['A', 'B'], [[hostile, hostile]]);
      out.note(out.errStyle.dim(hostile));
      out.error(new Error(hostile));
      const written = text();
      // Lines end with the CLI's own newlines; a colour is only ever one of the CLI's styles.
      for (const line of written.split('\n')) {
        expect(line.replace(OWN_COLOURS, '')).not.toMatch(UNSAFE);
      }
      expect(written).not.toContain('\u001b[8m');
      expect(written).not.toContain('\u001b]52');
      expect(written).toContain('x\\x1b[8m\\x0afake ✓ line\\u{202e}\\x1b]52;c;aGk=\\x07');
      expect(written.match(CSI) !== null).toBe(tty);
    }
  });

  it('JSON is left exact: only JSON’s own escaping', () => {
    let stdout = '';
    const out = new Output({
      json: true,
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => true },
      env: {},
    });
    out.data({ reason: 'a\u202eb\u001b[8m' });
    expect(JSON.parse(stdout)).toEqual({ reason: 'a\u202eb\u001b[8m' });
    expect(stdout).toContain('a\u202eb\\u001b[8m');
  });
});

describe('jsonLine', () => {
  it('writes JSON that parses back exactly and shows no control or format character raw', () => {
    const value = { caller: 'ev\u001b[8mil\u202e\u{e0041}', n: 1 };
    const line = jsonLine(value);
    expect(line).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(line).toContain('\\u202e');
    expect(line).toContain('\\udb40\\udc41');
    expect(JSON.parse(line)).toEqual(value);
  });
});
