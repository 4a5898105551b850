/**
 * The v2 JSON format (libmacaroons doc/format.txt):
 *
 *     {"v":2,"l":"loc","i":"id","c":[{"i":"cid","l":"cl","v64":"…"}],"s64":"…"}
 *
 * Written in libmacaroons' key order, with `i` as text when the identifier is valid UTF-8 and
 * `i64` (base64url) otherwise; verification ids and the signature are always base64url. Read
 * with a small parser for exactly this shape rather than `JSON.parse`, because the format must
 * reject what `JSON.parse` silently accepts: a key given twice, or a field given both as text
 * and as base64. `v` may be absent (Go's encoder omits it) but must be 2 when present; `c` may
 * be absent for a macaroon without caveats; unknown keys are errors.
 */
import { base64DecodeCompat, base64urlEncode } from '../_base64url.js';
import { utf8Decode, utf8Encode } from '../_utf8.js';
import { allocBytes } from './_bytes.js';
import { MacaroonLimitError, MacaroonMalformedError } from './errors.js';
import type { MacaroonLimits } from './limits.js';
import {
  buildMacaroon,
  type Macaroon,
  type MacaroonParts,
  macaroonParts,
  SIGNATURE_BYTES,
} from './macaroon.js';

/** Encodes a macaroon as v2 JSON text. */
export function encodeV2J(m: Macaroon): string {
  const parts = macaroonParts(m);
  let out = '{"v":2';
  if (parts.location.length > 0) out += `,"l":${JSON.stringify(utf8Decode(parts.location) ?? '')}`;
  out += `,${dataField('i', parts.identifier)},"c":[`;
  parts.caveats.forEach((c, i) => {
    out += `${i === 0 ? '' : ','}{${dataField('i', c.identifier)}`;
    if (c.location !== undefined && c.location.length > 0) {
      out += `,"l":${JSON.stringify(utf8Decode(c.location) ?? '')}`;
    }
    if (c.verificationId !== undefined) out += `,"v64":"${base64urlEncode(c.verificationId)}"`;
    out += '}';
  });
  return `${out}],"s64":"${base64urlEncode(parts.signature)}"}`;
}

function dataField(name: string, bytes: Uint8Array): string {
  const text = utf8Decode(bytes);
  return text === undefined
    ? `"${name}64":"${base64urlEncode(bytes)}"`
    : `"${name}":${JSON.stringify(text)}`;
}

/** Members of an object: value, and where the key and the value start (for error offsets). */
type Fields = Map<
  string,
  { readonly value: string | number; readonly keyAt: number; readonly at: number }
>;

/** Decodes v2 JSON text. Throws `MacaroonMalformedError` or `MacaroonLimitError` only. */
export function decodeV2J(text: string, limits: MacaroonLimits): Macaroon {
  const reader = new Reader(text, limits);
  const caveats: MacaroonParts['caveats'][number][] = [];
  reader.ws();
  const top = reader.object((key) => {
    if (key !== 'c') return false;
    reader.array(() => {
      if (caveats.length >= limits.maxCaveats) {
        throw new MacaroonLimitError('maxCaveats', limits.maxCaveats, caveats.length + 1);
      }
      const at = reader.pos;
      const fields = reader.object(() => false);
      caveats.push(caveat(fields, at, reader));
    });
    return true;
  });
  reader.ws();
  if (reader.pos !== text.length) reader.fail('trailing characters after the object');
  allowOnly(top, ['v', 'l', 'l64', 'i', 'i64', 'c', 's', 's64'], reader);
  const version = top.get('v');
  if (version !== undefined && version.value !== 2 && version.value !== '2') {
    reader.fail('unsupported version (must be 2)', version.at);
  }
  const signature = data(top, 's', reader, 0);
  if (signature === undefined) return reader.fail('missing signature', 0);
  if (signature.length !== SIGNATURE_BYTES) reader.fail('signature is not 32 bytes', at(top, 's'));
  const identifier = data(top, 'i', reader, limits.maxFieldSize);
  if (identifier === undefined) return reader.fail('missing identifier', 0);
  return buildMacaroon({
    location: location(top, reader, limits) ?? new Uint8Array(0),
    identifier,
    caveats,
    signature,
  });
}

function caveat(fields: Fields, start: number, reader: Reader): MacaroonParts['caveats'][number] {
  allowOnly(fields, ['i', 'i64', 'l', 'l64', 'v', 'v64'], reader);
  const identifier = data(fields, 'i', reader, reader.limits.maxFieldSize);
  if (identifier === undefined) return reader.fail('caveat without identifier', start);
  if (identifier.length === 0) reader.fail('empty caveat identifier', start);
  const verificationId = data(fields, 'v', reader, reader.limits.maxFieldSize);
  const loc = location(fields, reader, reader.limits);
  if (verificationId?.length === 0) reader.fail('empty verification id', at(fields, 'v'));
  if (loc?.length === 0) reader.fail('empty caveat location', at(fields, 'l'));
  if (loc !== undefined && verificationId === undefined)
    reader.fail('caveat location without verification id', start);
  return verificationId === undefined
    ? { identifier }
    : { identifier, verificationId, location: loc };
}

function allowOnly(fields: Fields, names: readonly string[], reader: Reader): void {
  for (const [key, { keyAt: pos }] of fields) {
    if (!names.includes(key)) reader.fail(`unknown key ${JSON.stringify(key.slice(0, 16))}`, pos);
  }
  for (const name of names) {
    if (!name.endsWith('64') && fields.has(name) && fields.has(`${name}64`)) {
      reader.fail(`both ${name} and ${name}64 given`, at(fields, name));
    }
  }
}

function at(fields: Fields, name: string): number {
  return (fields.get(name) ?? fields.get(`${name}64`))?.at ?? 0;
}

/** A data field given as UTF-8 text (`name`) or base64 (`name64`). */
function data(fields: Fields, name: string, reader: Reader, max: number): Uint8Array | undefined {
  const text = fields.get(name);
  const b64 = fields.get(`${name}64`);
  let bytes: Uint8Array;
  if (text !== undefined) {
    if (typeof text.value !== 'string') return reader.fail(`${name} must be a string`, text.at);
    const encoded = utf8Encode(text.value);
    if (encoded === undefined) return reader.fail(`${name} has a lone surrogate`, text.at);
    bytes = encoded;
  } else if (b64 !== undefined) {
    if (typeof b64.value !== 'string') return reader.fail(`${name}64 must be a string`, b64.at);
    const decoded = base64DecodeCompat(b64.value, allocBytes);
    if (!(decoded instanceof Uint8Array))
      return reader.fail(`${name}64 is not base64: ${decoded.reason}`, b64.at);
    bytes = decoded;
  } else return undefined;
  if (max > 0 && bytes.length > max)
    throw new MacaroonLimitError('maxFieldSize', max, bytes.length);
  return bytes;
}

/** A location (`l` text or `l64` base64 of UTF-8). */
function location(fields: Fields, reader: Reader, limits: MacaroonLimits): Uint8Array | undefined {
  const bytes = data(fields, 'l', reader, limits.maxFieldSize);
  if (bytes !== undefined && utf8Decode(bytes) === undefined)
    reader.fail('location is not UTF-8', at(fields, 'l'));
  return bytes;
}

/** A cursor over the JSON text with the few productions the format needs. */
class Reader {
  pos = 0;

  constructor(
    readonly text: string,
    readonly limits: MacaroonLimits,
  ) {}

  fail(reason: string, offset = this.pos): never {
    throw new MacaroonMalformedError(reason, { format: 'v2j', offset });
  }

  ws(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  expect(char: string): void {
    this.ws();
    if (this.text[this.pos] !== char) this.fail(`expected ${JSON.stringify(char)}`);
    this.pos++;
  }

  /**
   * Reads an object of string or number members; `nested(key)` may consume a structured value
   * itself and return true. Duplicate keys are errors.
   */
  object(nested: (key: string) => boolean): Fields {
    const fields: Fields = new Map();
    this.expect('{');
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return fields;
    }
    for (;;) {
      this.ws();
      const keyAt = this.pos;
      if (this.text[this.pos] !== '"') this.fail('expected a key');
      const key = this.string();
      if (fields.has(key)) this.fail(`duplicate key ${JSON.stringify(key.slice(0, 16))}`, keyAt);
      this.expect(':');
      this.ws();
      const valueAt = this.pos;
      if (nested(key)) fields.set(key, { value: 0, keyAt, at: valueAt });
      else fields.set(key, { value: this.scalar(), keyAt, at: valueAt });
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return fields;
      if (c !== ',') this.fail('expected "," or "}"', this.pos - 1);
    }
  }

  /** Reads an array, calling `item` for each element. */
  array(item: () => void): void {
    this.expect('[');
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      item();
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return;
      if (c !== ',') this.fail('expected "," or "]"', this.pos - 1);
    }
  }

  /** A string, or the number 2 (the only number the format has). */
  scalar(): string | number {
    const c = this.text[this.pos];
    if (c === '"') return this.string();
    if (c === '2' && !/[0-9.eE+-]/.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      return 2;
    }
    return this.fail('expected a string or the version number 2');
  }

  /** A JSON string (RFC 8259 §7), strictly: no raw control characters, only the defined escapes. */
  string(): string {
    const t = this.text;
    this.pos++;
    let out = '';
    let run = this.pos;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(this.pos);
      if (c === 0x22) {
        out += t.slice(run, this.pos);
        this.pos++;
        return out;
      }
      if (c < 0x20) this.fail('control character in string');
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += t.slice(run, this.pos);
      const e = t[this.pos + 1];
      const simple = e === undefined ? undefined : ESCAPES.get(e);
      if (simple !== undefined) {
        out += simple;
        this.pos += 2;
      } else if (e === 'u') {
        const hex = t.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.pos += 6;
      } else this.fail('bad escape');
      run = this.pos;
    }
  }
}

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);
