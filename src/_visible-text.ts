/**
 * Which characters of text an agent wrote (a reason, a principal name, a tool name, arguments, a
 * caveat) are never shown as they are, and how each is shown instead, for every place a person
 * reads such text: the terminal (`cli/output.ts`) and the browser console
 * (`server/console/page`). The characters are the controls (C0, DEL, C1: ESC, newline and tab
 * included), the format characters (general category Cf: bidi embeddings, overrides and
 * isolates, zero-width spaces and joiners, the soft hyphen, the byte order mark, tag
 * characters), the line and paragraph separators, and lone surrogates. Each could move a
 * terminal's cursor, recolour or hide text, start a line that looks like the program's own,
 * reorder what a person reads (U+202E), or make two different values look alike. Each is shown
 * as a visible escape: `\xNN` below U+0100, `\u{…}` above. Everything else is shown as it is.
 * This file is plain TypeScript with no Node or DOM dependency, so both sides share it.
 */

/**
 * The characters shown as escapes. Global: use it with `replace`, `split` or `matchAll`, never
 * with `test` or `exec` (which keep state in `lastIndex`).
 */
export const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

/**
 * The visible escape of one unsafe character.
 *
 * @example
 * ```ts
 * escapeCharacter('\u001b'); // '\\x1b'
 * escapeCharacter('\u202e'); // '\\u{202e}'
 * ```
 */
export function escapeCharacter(c: string): string {
  const code = c.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * `text` with every unsafe character replaced by its visible escape.
 *
 * @example
 * ```ts
 * inertText('pay rent\u001b[2J'); // 'pay rent\\x1b[2J'
 * inertText('evil\u202etxt.exe'); // 'evil\\u{202e}txt.exe'
 * ```
 */
export function inertText(text: string): string {
  return text.replace(UNSAFE_TEXT, escapeCharacter);
}

/** A run of text as it is shown: as written, or one unsafe character's escape. */
export interface VisiblePart {
  readonly text: string;
  /** Whether `text` is the escape of an unsafe character (a page shows it marked as such). */
  readonly escaped: boolean;
}

/**
 * `text` cut into runs shown as written and the escapes of the unsafe characters between them,
 * so that a page can mark each escape (a terminal just joins them: `inertText`).
 *
 * @example
 * ```ts
 * visibleParts('a\u202eb');
 * // [{ text: 'a', escaped: false }, { text: '\\u{202e}', escaped: true }, { text: 'b', escaped: false }]
 * ```
 */
export function visibleParts(text: string): VisiblePart[] {
  const parts: VisiblePart[] = [];
  let at = 0;
  for (const match of text.matchAll(UNSAFE_TEXT)) {
    const index = match.index;
    if (index > at) parts.push({ text: text.slice(at, index), escaped: false });
    parts.push({ text: escapeCharacter(match[0]), escaped: true });
    at = index + match[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at), escaped: false });
  return parts;
}
