/**
 * The v2 binary format (libmacaroons doc/format.txt), canonical wire form of mandate tokens:
 *
 *     macaroon: 0x02 [LOCATION] IDENTIFIER EOS caveat* EOS SIGNATURE
 *     caveat:   [LOCATION] IDENTIFIER [VID] EOS
 *     field:    type:varint length:varint bytes      (LOCATION=1 IDENTIFIER=2 VID=4 SIGNATURE=6)
 *
 * The reader accepts exactly what the writer emits: minimal varints, no empty optional field,
 * no empty caveat, a location on a caveat only with a verification id, a 32-byte signature,
 * and nothing after it. So decoding then encoding gives back the same bytes, and any change to
 * a token either fails here or changes a field.
 */
import { isUtf8 } from '../_utf8.js';
import { MacaroonLimitError, MacaroonMalformedError } from './errors.js';
import type { MacaroonLimits } from './limits.js';
import {
  CAVEATS,
  COUNT,
  ID_LEN,
  ID_OFF,
  LOC_LEN,
  LOC_OFF,
  type Macaroon,
  macaroonBuffer,
  macaroonLayout,
  SIG_OFF,
  SIGNATURE_BYTES,
  STRIDE,
  wrapMacaroon,
} from './macaroon.js';

const EOS = 0;
const LOCATION = 1;
const IDENTIFIER = 2;
const VID = 4;
const SIGNATURE = 6;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function fieldSize(len: number): number {
  return 1 + varintLength(len) + len;
}

/** Size in bytes of a macaroon's v2 binary encoding. */
export function v2Size(m: Macaroon): number {
  const l = macaroonLayout(m);
  let size = 1 + (l[LOC_LEN] === 0 ? 0 : fieldSize(l[LOC_LEN]!)) + fieldSize(l[ID_LEN]!) + 1;
  for (let i = 0, p = CAVEATS; i < l[COUNT]!; i++, p += STRIDE) {
    size += fieldSize(l[p + 1]!) + 1;
    if (l[p + 3] !== 0) size += fieldSize(l[p + 3]!);
    if (l[p + 5] !== 0) size += fieldSize(l[p + 5]!);
  }
  return size + 1 + fieldSize(SIGNATURE_BYTES);
}

/** Length of the base64url (unpadded) text of the v2 encoding. */
export function v2TextLength(m: Macaroon): number {
  return Math.ceil((v2Size(m) * 4) / 3);
}

/** Encodes a macaroon as v2 binary. */
export function encodeV2(m: Macaroon): Uint8Array {
  const buf = macaroonBuffer(m);
  const l = macaroonLayout(m);
  const out = new Uint8Array(v2Size(m));
  let o = 0;
  const field = (type: number, off: number, len: number): void => {
    out[o++] = type;
    let n = len;
    while (n >= 0x80) {
      out[o++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    out[o++] = n;
    for (let i = 0; i < len; i++) out[o++] = buf[off + i]!;
  };
  out[o++] = 2;
  if (l[LOC_LEN] !== 0) field(LOCATION, l[LOC_OFF]!, l[LOC_LEN]!);
  field(IDENTIFIER, l[ID_OFF]!, l[ID_LEN]!);
  out[o++] = EOS;
  for (let i = 0, p = CAVEATS; i < l[COUNT]!; i++, p += STRIDE) {
    if (l[p + 5] !== 0) field(LOCATION, l[p + 4]!, l[p + 5]!);
    field(IDENTIFIER, l[p]!, l[p + 1]!);
    if (l[p + 3] !== 0) field(VID, l[p + 2]!, l[p + 3]!);
    out[o++] = EOS;
  }
  out[o++] = EOS;
  field(SIGNATURE, l[SIG_OFF]!, SIGNATURE_BYTES);
  return out;
}

/** A cursor over one token being decoded. */
class Reader {
  p = 0;

  constructor(
    readonly buf: Uint8Array,
    readonly maxField: number,
  ) {}

  fail(reason: string, at = this.p): never {
    throw new MacaroonMalformedError(reason, { format: 'v2', offset: at });
  }

  /** Reads the field at p (its type byte already checked) into `layout[at]` (offset) and `layout[at + 1]` (length). */
  field(layout: number[], at: number, optional: boolean): void {
    const buf = this.buf;
    const n = buf.length;
    let p = this.p + 1;
    let len = 0;
    let shift = 1;
    for (let i = 0; ; i++) {
      if (p >= n) this.fail('truncated field length', p);
      if (i === 4) this.fail('field length varint too long', p);
      const b = buf[p++]!;
      len += (b & 0x7f) * shift;
      shift *= 128;
      if (b < 0x80) {
        if (b === 0 && i > 0) this.fail('non-minimal varint', p - 1);
        break;
      }
    }
    if (len > this.maxField) throw new MacaroonLimitError('maxFieldSize', this.maxField, len);
    if (len === 0 && optional) this.fail('empty optional field', p);
    if (n - p < len) this.fail('truncated field', p);
    layout[at] = p;
    layout[at + 1] = len;
    this.p = p + len;
  }

  eos(what: string): void {
    if (this.p >= this.buf.length) this.fail(`truncated before end of ${what}`);
    if (this.buf[this.p] !== EOS) this.fail(`expected end of ${what}`);
    this.p++;
  }
}

/**
 * Decodes v2 binary. `buf` must be a private copy: the macaroon keeps it. Throws
 * `MacaroonMalformedError` or `MacaroonLimitError` only.
 */
export function decodeV2(buf: Uint8Array, limits: MacaroonLimits): Macaroon {
  const n = buf.length;
  const r = new Reader(buf, limits.maxFieldSize);
  const layout = [0, 0, 0, 0, 0, 0];
  if (n === 0 || buf[0] !== 2) r.fail('not a v2 macaroon (version byte is not 2)', 0);
  r.p = 1;
  if (buf[r.p] === LOCATION) r.field(layout, LOC_OFF, true);
  if (buf[r.p] !== IDENTIFIER) r.fail('missing identifier');
  r.field(layout, ID_OFF, false);
  r.eos('header');
  let count = 0;
  while (r.p < n && buf[r.p] !== EOS) {
    if (count >= limits.maxCaveats)
      throw new MacaroonLimitError('maxCaveats', limits.maxCaveats, count + 1);
    const at = CAVEATS + count * STRIDE;
    layout.push(0, 0, 0, 0, 0, 0);
    const start = r.p;
    if (buf[r.p] === LOCATION) r.field(layout, at + 4, true);
    if (buf[r.p] !== IDENTIFIER) r.fail('missing caveat identifier');
    r.field(layout, at, false);
    if (layout[at + 1] === 0) r.fail('empty caveat identifier', start);
    if (buf[r.p] === VID) r.field(layout, at + 2, true);
    if (layout[at + 5] !== 0) {
      if (layout[at + 3] === 0) r.fail('caveat location without verification id', start);
      if (!isUtf8(buf, layout[at + 4]!, layout[at + 5]!))
        r.fail('caveat location is not UTF-8', start);
    }
    r.eos('caveat');
    count++;
  }
  r.eos('caveats');
  if (buf[r.p] !== SIGNATURE) r.fail('missing signature');
  if (buf[r.p + 1] !== SIGNATURE_BYTES) r.fail('signature is not 32 bytes');
  if (n - (r.p + 2) < SIGNATURE_BYTES) r.fail('truncated signature');
  layout[SIG_OFF] = r.p + 2;
  if (r.p + 2 + SIGNATURE_BYTES !== n)
    r.fail('trailing bytes after signature', r.p + 2 + SIGNATURE_BYTES);
  if (layout[LOC_LEN] !== 0 && !isUtf8(buf, layout[LOC_OFF]!, layout[LOC_LEN]!))
    r.fail('location is not UTF-8', 1);
  layout[COUNT] = count;
  return wrapMacaroon(buf, layout);
}
