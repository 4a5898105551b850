/**
 * The `Macaroon` value and its caveats.
 *
 * A macaroon keeps every field's bytes in one private buffer and a table of offsets into it,
 * so decoding a token costs one copy of its bytes and verification reads the HMAC inputs in
 * place, without building an object per caveat. The public fields are materialized the first
 * time they are read, as private copies: changing them cannot change what is verified or
 * encoded. Instances are frozen and can only be made by this module's functions
 * (`createMacaroon`, the attenuation functions, `decodeMacaroon`).
 */
import { utf8Decode } from '../_utf8.js';
import { clip, utf8Lossy } from './_bytes.js';
import { MacaroonMalformedError } from './errors.js';

/** Offsets in a macaroon's layout table. */
export const LOC_OFF = 0;
export const LOC_LEN = 1;
export const ID_OFF = 2;
export const ID_LEN = 3;
export const SIG_OFF = 4;
export const COUNT = 5;
/** Caveat i's entries start at `CAVEATS + i * STRIDE`: cid offset/length, vid offset/length, cl offset/length. */
export const CAVEATS = 6;
export const STRIDE = 6;

/** Length of a signature (an HMAC-SHA256 output) in bytes. */
export const SIGNATURE_BYTES = 32;

const INTERNAL: unique symbol = Symbol('mandate.macaroon');

let bufferOf!: (m: Macaroon) => Uint8Array;
let layoutOf!: (m: Macaroon) => Layout;

/**
 * Where each field lives in a macaroon's buffer: see the offsets above. A plain array of small
 * integers (V8 keeps those on the JS heap; a typed array this size would need a separate
 * allocation).
 */
export type Layout = readonly number[];

/**
 * A first-party caveat: a condition the verifier checks itself (in mandate, one statement of
 * the scope DSL, UTF-8).
 *
 * @example
 * ```ts
 * for (const c of m.caveats) if (c.kind === 'first-party') console.log(c.text);
 * ```
 */
export class FirstPartyCaveat {
  readonly kind = 'first-party' as const;
  /** The caveat's bytes, as signed. */
  readonly identifier: Uint8Array;
  #text: string | undefined;

  /** @internal */
  constructor(token: typeof INTERNAL, identifier: Uint8Array) {
    if (token !== INTERNAL) throw new TypeError('caveats are made by the macaroon functions');
    this.identifier = identifier;
    Object.freeze(this);
  }

  /** The identifier as UTF-8 text; throws `MacaroonMalformedError` if it is not valid UTF-8. */
  get text(): string {
    return (this.#text ??= caveatText(this.identifier));
  }
}

/**
 * A third-party caveat: satisfied only by a discharge macaroon from the service at `location`.
 * `verificationId` holds the caveat key, encrypted under the signature that preceded it.
 *
 * @example
 * ```ts
 * const wanted = m.caveats.filter((c) => c.kind === 'third-party').map((c) => [c.location, c.text]);
 * ```
 */
export class ThirdPartyCaveat {
  readonly kind = 'third-party' as const;
  /** The caveat identifier the third party understands, as signed. */
  readonly identifier: Uint8Array;
  /** Nonce and secretbox of the caveat key (72 bytes when made by libmacaroons or mandate). */
  readonly verificationId: Uint8Array;
  /** Where to get the discharge (a hint: not covered by the signature). */
  readonly location: string;
  #text: string | undefined;

  /** @internal */
  constructor(
    token: typeof INTERNAL,
    identifier: Uint8Array,
    verificationId: Uint8Array,
    location: string,
  ) {
    if (token !== INTERNAL) throw new TypeError('caveats are made by the macaroon functions');
    this.identifier = identifier;
    this.verificationId = verificationId;
    this.location = location;
    Object.freeze(this);
  }

  /** The identifier as UTF-8 text; throws `MacaroonMalformedError` if it is not valid UTF-8. */
  get text(): string {
    return (this.#text ??= caveatText(this.identifier));
  }
}

/**
 * A caveat of either kind; switch on `kind`.
 *
 * @example
 * ```ts
 * const describe = (c: MacaroonCaveat) => (c.kind === 'first-party' ? c.text : `ask ${c.location}`);
 * ```
 */
export type MacaroonCaveat = FirstPartyCaveat | ThirdPartyCaveat;

function caveatText(identifier: Uint8Array): string {
  const text = utf8Decode(identifier);
  if (text === undefined) throw new MacaroonMalformedError('caveat identifier is not valid UTF-8');
  return text;
}

/**
 * An immutable macaroon: an identifier naming its root key, an optional location hint, a list
 * of caveats, and the HMAC chain's final signature.
 *
 * A `Macaroon` is not trusted because it exists: `decodeMacaroon` only checks its form.
 * Verify it with `verifyMacaroon` (or `verifyMacaroonSignature`) before acting on it.
 *
 * @example
 * ```ts
 * const m = createMacaroon({ rootKey: secret, identifier: 'key-1', location: 'https://bank' });
 * console.log(m.location, m.caveats.length); // https://bank 0
 * ```
 */
export class Macaroon {
  readonly #buf: Uint8Array;
  readonly #layout: Layout;
  #identifier: Uint8Array | undefined;
  #location: string | undefined;
  #caveats: readonly MacaroonCaveat[] | undefined;
  #signature: Uint8Array | undefined;

  static {
    bufferOf = (m) => m.#buf;
    layoutOf = (m) => m.#layout;
  }

  /** @internal Made only by `createMacaroon`, the attenuation functions and `decodeMacaroon`. */
  constructor(token: typeof INTERNAL, buf: Uint8Array, layout: Layout) {
    if (token !== INTERNAL)
      throw new TypeError('use createMacaroon or decodeMacaroon to make a Macaroon');
    this.#buf = buf;
    this.#layout = layout;
    Object.freeze(this);
  }

  /** The macaroon identifier (names the root key), as signed. */
  get identifier(): Uint8Array {
    return (this.#identifier ??= this.#slice(ID_OFF));
  }

  /** The location hint, `''` when absent. Not covered by the signature. */
  get location(): string {
    return (this.#location ??=
      utf8Decode(this.#buf, this.#layout[LOC_OFF], this.#layout[LOC_LEN]) ?? '');
  }

  /** The caveats, in the order they were added. */
  get caveats(): readonly MacaroonCaveat[] {
    if (this.#caveats === undefined) {
      const l = this.#layout;
      const list: MacaroonCaveat[] = [];
      for (let i = 0, p = CAVEATS; i < l[COUNT]!; i++, p += STRIDE) {
        const identifier = this.#slice(p);
        if (l[p + 3] === 0) list.push(new FirstPartyCaveat(INTERNAL, identifier));
        else {
          const location = utf8Decode(this.#buf, l[p + 4], l[p + 5]) ?? '';
          list.push(new ThirdPartyCaveat(INTERNAL, identifier, this.#slice(p + 2), location));
        }
      }
      this.#caveats = Object.freeze(list);
    }
    return this.#caveats;
  }

  /** The final signature of the HMAC chain (32 bytes). Whoever holds it can use the token. */
  get signature(): Uint8Array {
    const off = this.#layout[SIG_OFF]!;
    return (this.#signature ??= this.#buf.slice(off, off + SIGNATURE_BYTES));
  }

  #slice(at: number): Uint8Array {
    const off = this.#layout[at]!;
    return this.#buf.slice(off, off + this.#layout[at + 1]!);
  }

  /** A summary for `console.log` and `util.inspect`; the signature is never shown. */
  [Symbol.for('nodejs.util.inspect.custom')](): object {
    return {
      location: this.location,
      identifier: clip(utf8Lossy(this.identifier)),
      caveats: this.caveats.map((c) =>
        c.kind === 'first-party'
          ? clip(utf8Lossy(c.identifier))
          : { thirdParty: clip(utf8Lossy(c.identifier)), location: c.location },
      ),
      signature: '(hidden)',
    };
  }
}

/** Fields of a macaroon to build, as byte arrays (not copied; the caller hands them over). */
export interface MacaroonParts {
  readonly location: Uint8Array;
  readonly identifier: Uint8Array;
  readonly caveats: readonly {
    readonly identifier: Uint8Array;
    readonly verificationId?: Uint8Array | undefined;
    readonly location?: Uint8Array | undefined;
  }[];
  readonly signature: Uint8Array;
}

/** Packs parts into one buffer plus layout and returns the macaroon. */
export function buildMacaroon(parts: MacaroonParts): Macaroon {
  const n = parts.caveats.length;
  let size = parts.location.length + parts.identifier.length + SIGNATURE_BYTES;
  for (const c of parts.caveats) {
    size += c.identifier.length + (c.verificationId?.length ?? 0) + (c.location?.length ?? 0);
  }
  const buf = new Uint8Array(size);
  const layout: number[] = new Array<number>(CAVEATS + n * STRIDE).fill(0);
  let off = 0;
  const put = (bytes: Uint8Array | undefined, at: number): void => {
    layout[at] = off;
    layout[at + 1] = bytes?.length ?? 0;
    if (bytes !== undefined) {
      buf.set(bytes, off);
      off += bytes.length;
    }
  };
  put(parts.location, LOC_OFF);
  put(parts.identifier, ID_OFF);
  parts.caveats.forEach((c, i) => {
    const p = CAVEATS + i * STRIDE;
    put(c.identifier, p);
    put(c.verificationId, p + 2);
    put(c.location, p + 4);
  });
  layout[SIG_OFF] = off;
  buf.set(parts.signature, off);
  layout[COUNT] = n;
  return new Macaroon(INTERNAL, buf, layout);
}

/** Wraps a decoder's buffer and layout (already validated) as a macaroon. */
export function wrapMacaroon(buf: Uint8Array, layout: Layout): Macaroon {
  return new Macaroon(INTERNAL, buf, layout);
}

/** The parts of an existing macaroon, as views into its buffer (for attenuation and encoding). */
export function macaroonParts(m: Macaroon): MacaroonParts {
  const buf = bufferOf(m);
  const l = layoutOf(m);
  const view = (at: number): Uint8Array => buf.subarray(l[at], l[at]! + l[at + 1]!);
  const caveats = [];
  for (let i = 0, p = CAVEATS; i < l[COUNT]!; i++, p += STRIDE) {
    caveats.push(
      l[p + 3] === 0
        ? { identifier: view(p) }
        : { identifier: view(p), verificationId: view(p + 2), location: view(p + 4) },
    );
  }
  return {
    location: view(LOC_OFF),
    identifier: view(ID_OFF),
    caveats,
    signature: buf.subarray(l[SIG_OFF], l[SIG_OFF]! + SIGNATURE_BYTES),
  };
}

/** The private buffer and layout of a macaroon, for the verifier and encoders (read only). */
export function macaroonBuffer(m: Macaroon): Uint8Array {
  return bufferOf(m);
}

/** See `macaroonBuffer`. */
export function macaroonLayout(m: Macaroon): Layout {
  return layoutOf(m);
}

/** Checks that a value is a `Macaroon` made by this library, naming the argument otherwise. */
export function assertMacaroon(value: unknown, name: string): asserts value is Macaroon {
  if (!(value instanceof Macaroon)) {
    throw new TypeError(`${name} must be a Macaroon (from createMacaroon or decodeMacaroon)`);
  }
}
