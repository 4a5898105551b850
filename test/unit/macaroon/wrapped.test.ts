/**
 * Tokens wrapped over several lines, as `base64` (76 columns), `openssl base64` (64) and mail
 * clients write them, or pasted with stray spaces: libmacaroons and pymacaroons skip ASCII
 * whitespace in base64, and so does `decodeMacaroon`, in every base64 form (v2, v1, JSON in
 * base64, standard alphabet with padding), for text and ASCII bytes alike. Whitespace inside
 * JSON strings stays content; anything else that is not base64 is still refused; the size limit
 * counts the input as given. The libmacaroons serialization vectors are the samples.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  normalizeMacaroonText,
  MacaroonLimitError,
  MacaroonMalformedError,
} from '../../../src/macaroon/index.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const VECTORS = join(import.meta.dirname, '../../vectors/libmacaroons');

/** `text` cut into lines of `width` characters joined by `eol`, with a final `eol`. */
function wrap(text: string, width: number, eol: string): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join(eol) + eol;
}

/**
 * A base64 text of every macaroon in the libmacaroons serialization files. Their v2 and v2j
 * lines are base64 of the binary and of the JSON (standard alphabet, padded); a v1 line wraps
 * the v1 text, itself base64, in one more layer.
 */
const vectorTexts = ['serialization_1', 'serialization_2', 'serialization_3'].flatMap((file) =>
  readFileSync(join(VECTORS, file), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [format, text] = line.split(' ') as [string, string];
      const token = format === 'v1' ? Buffer.from(text, 'base64').toString('latin1') : text;
      return [`${file} ${format}`, token] as const;
    }),
);

describe('decodeMacaroon reads wrapped base64', () => {
  it.each(vectorTexts)(
    '%s: wrapped at 76 and 64 columns, LF or CRLF, the same macaroon',
    (_name, text) => {
      const expected = hex(encodeMacaroonBinary(decodeMacaroon(text)));
      const wrappings = [
        wrap(text, 76, '\n'),
        wrap(text, 64, '\r\n'),
        wrap(text, 4, ' '),
        `\t${wrap(text, 10, '\n\t')}`,
      ];
      for (const input of wrappings) {
        expect(hex(encodeMacaroonBinary(decodeMacaroon(input)))).toBe(expected);
        expect(hex(encodeMacaroonBinary(decodeMacaroon(new TextEncoder().encode(input))))).toBe(
          expected,
        );
      }
    },
  );

  it('reads our own v2 and v1 wrapped, and standard base64 with its padding on the next line', () => {
    const base = createMacaroon({ rootKey: 'k', identifier: 'md1.k.id', location: 'https://x' });
    let m = addFirstPartyCaveat(base, 'tool == "fs.read"');
    // A binary length that is not a multiple of 3, so that standard base64 has padding.
    if (encodeMacaroonBinary(m).length % 3 === 0) m = addFirstPartyCaveat(base, 'tool == "fs.rm"');
    const expected = hex(encodeMacaroonBinary(m));
    const std = Buffer.from(encodeMacaroonBinary(m)).toString('base64');
    expect(std).toMatch(/=$/);
    for (const input of [
      wrap(encodeMacaroon(m), 76, '\n'),
      wrap(encodeMacaroon(m, { format: 'v1' }), 76, '\r\n'),
      `${std.replace(/=+$/, '')}\n${std.match(/=+$/)?.[0]}\n`,
    ]) {
      expect(hex(encodeMacaroonBinary(decodeMacaroon(input)))).toBe(expected);
    }
  });

  it('keeps whitespace inside JSON strings as content', () => {
    const m = addFirstPartyCaveat(createMacaroon({ rootKey: 'k', identifier: 'i' }), 'a  b\tc');
    const json = encodeMacaroon(m, { format: 'v2j' });
    const back = decodeMacaroon(`\n  ${json.replace(',', ',\n  ')}\n`);
    expect(back.caveats[0]?.text).toBe('a  b\tc');
  });

  it('still refuses what is not base64, and whitespace other than space, tab, CR and LF', () => {
    const text = encodeMacaroon(createMacaroon({ rootKey: 'k', identifier: 'i' }));
    for (const input of [
      `${text.slice(0, 8)}\u000b${text.slice(8)}`, // vertical tab
      `${text.slice(0, 8)}\u00a0${text.slice(8)}`, // no-break space
      `${text.slice(0, 8)}\f${text.slice(8)}`,
      `${text.slice(0, 8)}.${text.slice(8)}`,
      ' \r\n\t ',
    ]) {
      expect(() => decodeMacaroon(input)).toThrow(MacaroonMalformedError);
    }
  });

  it('counts the size limit on the input as given, whitespace included', () => {
    const text = encodeMacaroon(createMacaroon({ rootKey: 'k', identifier: 'i' }));
    const wrapped = wrap(text, 8, '\n');
    expect(() => decodeMacaroon(wrapped, { limits: { maxTokenSize: text.length } })).toThrow(
      MacaroonLimitError,
    );
    expect(() =>
      decodeMacaroon(wrapped, { limits: { maxTokenSize: wrapped.length } }),
    ).not.toThrow();
  });
});

describe('normalizeMacaroonText', () => {
  it.each([
    ['a token as it is', 'AgEFbG9j', 'AgEFbG9j'],
    ['surrounding whitespace', ' \tAgEFbG9j\r\n', 'AgEFbG9j'],
    ['wrapped lines', 'AgEF\r\nbG9j\n', 'AgEFbG9j'],
    ['spaces inside', 'Ag EF bG 9j', 'AgEFbG9j'],
    ['JSON, trimmed only', ' {"i": "a b"}\n', '{"i": "a b"}'],
    ['only whitespace', ' \n', ''],
    ['other characters, left for the decoder', 'Ag\u00a0EF', 'Ag\u00a0EF'],
  ])('%s', (_name, input, output) => {
    expect(normalizeMacaroonText(input)).toBe(output);
  });

  it('refuses a non-string', () => {
    expect(() => normalizeMacaroonText(42 as never)).toThrow(TypeError);
  });
});
