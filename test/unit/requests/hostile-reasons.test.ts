/**
 * Issue 12: a reason is text an agent writes and a person reads (inbox, audit, status). A
 * reason carrying `ESC[8m` hid the real "asks for" line in `mandate inbox`, and one carrying
 * U+202E reordered what followed it. Reasons of requests, denials and approvals are one
 * paragraph of plain text: control characters (C0 including newline and tab, DEL, C1), Unicode
 * format characters (bidi overrides and isolates, zero-width characters, BOM), line and
 * paragraph separators and lone surrogates are refused at the API, with an error that names the
 * field and the code point, escaped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RequestInvalidError } from '../../../src/requests/index.js';
import { checkReason } from '../../../src/requests/input.js';
import { setup, type Setup } from './_setup.js';

let s: Setup;
afterEach(async () => {
  await s?.delegator.close();
});

/** Each hostile character, with the code point the error must name. */
const HOSTILE: readonly (readonly [string, string])[] = [
  ['\u0000', 'U+0000'],
  ['\u001b', 'U+001B'],
  ['\n', 'U+000A'],
  ['\r', 'U+000D'],
  ['\t', 'U+0009'],
  ['\u007f', 'U+007F'],
  ['\u0085', 'U+0085'],
  ['\u009b', 'U+009B'],
  ['\u00ad', 'U+00AD'],
  ['\u061c', 'U+061C'],
  ['\u200b', 'U+200B'],
  ['\u200e', 'U+200E'],
  ['\u202e', 'U+202E'],
  ['\u2066', 'U+2066'],
  ['\u2069', 'U+2069'],
  ['\u2028', 'U+2028'],
  ['\u2029', 'U+2029'],
  ['\ufeff', 'U+FEFF'],
  ['\ud800', 'U+D800'],
  ['\u{e0041}', 'U+E0041'],
];

/** The error's message, checked to carry the code point escaped and no hostile character raw. */
function refusal(run: () => unknown, field: string, codePoint: string): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(RequestInvalidError);
  const err = caught as RequestInvalidError;
  expect(err.field).toBe(field);
  expect(err.message).toContain(codePoint);
  expect(err.message.startsWith(`${field} `)).toBe(true);
  // eslint-disable-next-line no-control-regex
  expect(err.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u);
}

describe('checkReason', () => {
  it.each(HOSTILE.map(([char, codePoint]) => ({ char, codePoint })))(
    'refuses $codePoint',
    ({ char, codePoint }) => {
      refusal(() => checkReason(`pay the rent${char} now`, 'reason'), 'reason', codePoint);
    },
  );

  it('names the first offending character and where it is', () => {
    expect(() => checkReason('ok\u202egnp.exe\u001b[8m', 'reason')).toThrow(
      /reason contains U\+202E \(a format character\) at character 3/,
    );
  });

  it('accepts one paragraph of ordinary text in any script, emoji included', () => {
    for (const text of [
      'pay the rent',
      'Zahlung für März — 80 €',
      'سداد الفاتورة',
      '支付房租',
      'ship it 🚀',
      'quotes "x" and \\ backslashes',
    ])
      expect(checkReason(text, 'reason')).toBe(text);
  });
});

describe('reasons at the Delegator', () => {
  it('refuses a request whose reason carries a terminal escape, a newline or a bidi override', async () => {
    s = await setup();
    for (const [char, codePoint] of [
      ['\u001b[8m', 'U+001B'],
      ['\nasks for: nothing', 'U+000A'],
      ['\u202e', 'U+202E'],
    ] as const) {
      await expect(
        s.delegator.request({
          token: s.planner,
          principal: 'planner',
          scope: ['tool == "fs.write"'],
          reason: `fix it${char}`,
        }),
      ).rejects.toThrow(new RegExp(`^reason contains ${codePoint.replace('+', '\\+')}`));
    }
    expect(await s.delegator.audit({ kind: 'request' })).toEqual([]);
  });

  it('refuses such a denial reason and approval reason, and the request stays pending', async () => {
    s = await setup();
    const { id } = await s.delegator.request({
      token: s.planner,
      principal: 'planner',
      scope: ['tool == "fs.write"'],
      reason: 'fix it',
    });
    await expect(
      s.delegator.deny(id, { by: 'owner', reason: 'no\u001b]52;c;cm0gLXJmIC8=\u0007' }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID', field: 'reason' });
    await expect(
      s.delegator.approve(id, { by: 'owner', reason: 'ok\u2066hidden' }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID', field: 'options.reason' });
    expect((await s.delegator.get(id)).status).toBe('pending');
  });
});
