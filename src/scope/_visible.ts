/**
 * Quoting strings for denial reasons so that two different strings never print alike. Caveats
 * compare code points exactly, so an agent may send a value that differs from a listed one only
 * invisibly: a zero-width space, a bidi control, a no-break space, a decomposed accent (NFD `e`
 * + U+0301 against NFC `é`). A reason that printed both raw would read "is "x", not one of
 * ["x"]". Here every code point that is a control, format, separator (other than the space),
 * combining mark, private-use, unassigned or default-ignorable character is written as a JSON
 * `\uXXXX` escape, so the quoted text is still a valid JSON (and DSL) string for the same value.
 */

/** Code points that print as nothing, as blank, or on top of their neighbour. */
const UNCLEAR = /^[\p{C}\p{Z}\p{M}\p{Default_Ignorable_Code_Point}]$/u;

const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * `value` as a JSON string literal in which every unclear code point is escaped.
 *
 * @example
 * ```ts
 * visibleString('bob@evil.com\u200b'); // '"bob@evil.com\\u200b"'
 * visibleString('cafe\u0301');         // '"cafe\\u0301"'
 * visibleString('café');               // '"café"'
 * ```
 */
export function visibleString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const short = SHORT[ch];
    if (short !== undefined) out += short;
    else if ((ch >= ' ' && ch <= '~') || !UNCLEAR.test(ch)) out += ch;
    else for (let i = 0; i < ch.length; i++) out += `\\u${hex4(ch.charCodeAt(i))}`;
  }
  return `${out}"`;
}

function hex4(unit: number): string {
  return unit.toString(16).padStart(4, '0');
}
