/**
 * Text an agent wrote reaches a person's terminal inert: control characters that could move the
 * cursor, recolour the screen or fake a line of the CLI's own are shown as escapes.
 */
import { describe, expect, it } from 'vitest';
import { inert } from '../../../src/cli/output.js';

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
  ])('shows %j as %j', (text, shown) => {
    expect(inert(text)).toBe(shown);
  });

  it('leaves no C0, DEL or C1 control character in anything', () => {
    const every = Array.from({ length: 0xa0 }, (_, i) => String.fromCharCode(i)).join('');
    // eslint-disable-next-line no-control-regex
    expect(inert(every)).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });
});
