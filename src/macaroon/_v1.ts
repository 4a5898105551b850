/**
 * The v1 format of libmacaroons, read for legacy tokens and written for interop (macaroons.js,
 * older libmacaroons). A v1 token is base64url text of a sequence of packets:
 *
 *     packet: 4 lowercase hex digits (the packet's whole length) key ' ' value '\n'
 *     order:  location identifier (cid [vid] [cl])* signature
 *
 * As with v2, the reader takes only what the writer emits (lowercase hex, exact lengths, keys in
 * that order, non-empty caveat fields, a 32-byte signature, nothing after it), so every byte of
 * a token is either checked here or lands in a field.
 */
import { utf8Decode } from '../_utf8.js';
import { asciiText } from './_bytes.js';
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

const MAX_PACKET = 0xffff;
const HEX = '0123456789abcdef';
const KEYS = ['location', 'identifier', 'cid', 'vid', 'cl', 'signature'] as const;
type Key = (typeof KEYS)[number];
const KEY_BYTES = new Map<Key, Uint8Array>(KEYS.map((k) => [k, new TextEncoder().encode(k)]));

/** Encodes a macaroon as v1 packets (the caller base64url-encodes them). */
export function encodeV1(m: Macaroon): Uint8Array {
  const buf = macaroonBuffer(m);
  const l = macaroonLayout(m);
  const packets: [Key, number, number][] = [
    ['location', l[LOC_OFF]!, l[LOC_LEN]!],
    ['identifier', l[ID_OFF]!, l[ID_LEN]!],
  ];
  for (let i = 0, p = CAVEATS; i < l[COUNT]!; i++, p += STRIDE) {
    packets.push(['cid', l[p]!, l[p + 1]!]);
    if (l[p + 3] !== 0) packets.push(['vid', l[p + 2]!, l[p + 3]!]);
    if (l[p + 5] !== 0) packets.push(['cl', l[p + 4]!, l[p + 5]!]);
  }
  packets.push(['signature', l[SIG_OFF]!, SIGNATURE_BYTES]);
  let size = 0;
  for (const [key, , len] of packets) {
    const packet = 4 + key.length + 1 + len + 1;
    if (packet > MAX_PACKET)
      throw new MacaroonLimitError('maxFieldSize', MAX_PACKET - 6 - key.length, len);
    size += packet;
  }
  const out = new Uint8Array(size);
  let o = 0;
  for (const [key, off, len] of packets) {
    const packet = 4 + key.length + 1 + len + 1;
    for (let s = 12; s >= 0; s -= 4) out[o++] = HEX.charCodeAt((packet >> s) & 15);
    out.set(KEY_BYTES.get(key)!, o);
    o += key.length;
    out[o++] = 0x20;
    for (let i = 0; i < len; i++) out[o++] = buf[off + i]!;
    out[o++] = 0x0a;
  }
  return out;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/**
 * Decodes v1 packets (already base64-decoded; `buf` must be a private copy, which the macaroon
 * keeps). Throws `MacaroonMalformedError` or `MacaroonLimitError` only.
 */
export function decodeV1(buf: Uint8Array, limits: MacaroonLimits): Macaroon {
  const n = buf.length;
  let p = 0;
  let valOff = 0;
  let valLen = 0;
  const fail = (reason: string, at = p): never => {
    throw new MacaroonMalformedError(reason, { format: 'v1', offset: at });
  };
  /** Reads the packet at p: returns its key and sets valOff/valLen. */
  const next = (): Key => {
    if (n - p < 4) fail('truncated packet header');
    let size = 0;
    for (let i = 0; i < 4; i++) {
      const v = hexValue(buf[p + i]!);
      if (v < 0) fail('packet header is not lowercase hex', p + i);
      size = size * 16 + v;
    }
    if (size < 4 + 2 + 1) fail('packet too short');
    if (n - p < size) fail('truncated packet');
    const end = p + size - 1;
    if (buf[end] !== 0x0a) fail('packet does not end with a newline', end);
    let space = p + 4;
    while (space < end && buf[space] !== 0x20) space++;
    if (space === end) fail('packet has no key');
    const name = asciiText(buf.subarray(p + 4, space));
    const key = KEYS.find((k) => k === name);
    if (key === undefined) return fail(`unknown packet key ${JSON.stringify(name.slice(0, 16))}`);
    valOff = space + 1;
    valLen = end - valOff;
    if (valLen > limits.maxFieldSize && key !== 'signature') {
      throw new MacaroonLimitError('maxFieldSize', limits.maxFieldSize, valLen);
    }
    p += size;
    return key;
  };

  const layout: number[] = [0, 0, 0, 0, 0, 0];
  if (next() !== 'location') fail('first packet is not the location', 0);
  if (valLen > 0 && utf8Decode(buf, valOff, valLen) === undefined) fail('location is not UTF-8', 0);
  layout[LOC_OFF] = valOff;
  layout[LOC_LEN] = valLen;
  const idAt = p;
  if (next() !== 'identifier') fail('second packet is not the identifier', idAt);
  layout[ID_OFF] = valOff;
  layout[ID_LEN] = valLen;
  let count = 0;
  for (;;) {
    const at = p;
    const key = next();
    if (key === 'signature') break;
    if (key !== 'cid') fail(`unexpected ${key} packet`, at);
    if (valLen === 0) fail('empty caveat identifier', at);
    if (count >= limits.maxCaveats)
      throw new MacaroonLimitError('maxCaveats', limits.maxCaveats, count + 1);
    count++;
    layout.push(valOff, valLen, 0, 0, 0, 0);
    const base = layout.length - STRIDE;
    const save = p;
    const second = next();
    if (second === 'vid') {
      if (valLen === 0) fail('empty verification id', save);
      layout[base + 2] = valOff;
      layout[base + 3] = valLen;
      const save2 = p;
      if (next() === 'cl') {
        if (valLen === 0) fail('empty caveat location', save2);
        if (utf8Decode(buf, valOff, valLen) === undefined)
          fail('caveat location is not UTF-8', save2);
        layout[base + 4] = valOff;
        layout[base + 5] = valLen;
      } else p = save2;
    } else if (second === 'cl') fail('caveat location without verification id', save);
    else p = save;
  }
  if (valLen !== SIGNATURE_BYTES) fail('signature is not 32 bytes');
  layout[SIG_OFF] = valOff;
  if (p !== n) fail('trailing bytes after signature');
  layout[COUNT] = count;
  return wrapMacaroon(buf, layout);
}
