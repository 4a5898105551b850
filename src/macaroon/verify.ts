/**
 * Verification: `verifyMacaroonSignature` checks the HMAC chains (the macaroon's, then every
 * discharge's, recursively) and `verifyMacaroon` adds the first-party caveat checks.
 *
 * Signatures are checked before anything else looks at the caveats, so `check` never sees an
 * unauthenticated token and a forger only ever gets the fixed `MacaroonSignatureError`. The
 * discharges form a flat list, as in libmacaroons: each third-party caveat takes the first
 * not yet used discharge with its identifier, and every discharge must be used exactly once
 * (libmacaroons only refuses cycles, and ignores unused discharges). The chain is
 * computed in place over the token's own buffer with the allocation-free HMAC, so the common
 * case (no third-party caveats) allocates nothing per call.
 */
import { assertFunction, assertObject } from '../_assert.js';
import { argumentBytes, utf8Lossy } from './_bytes.js';
import {
  bind,
  bytesToWords,
  chainFirstParty,
  chainStart,
  chainThirdParty,
  type HmacKey,
  newHmacKey,
  openCaveatKey,
  prepareDerivedKey,
  prepareKey,
  signatureEquals,
} from './_chain.js';
import {
  type MacaroonCaveatFailure,
  MacaroonCaveatError,
  MacaroonDischargeError,
  MacaroonLimitError,
  MacaroonSignatureError,
} from './errors.js';
import { type MacaroonLimits, macaroonLimits } from './limits.js';
import {
  assertMacaroon,
  CAVEATS,
  COUNT,
  ID_LEN,
  ID_OFF,
  type Macaroon,
  macaroonBuffer,
  macaroonLayout,
  SIG_OFF,
  STRIDE,
} from './macaroon.js';

/**
 * Options of `verifyMacaroonSignature`.
 *
 * @example
 * ```ts
 * const options: VerifyMacaroonSignatureOptions = { discharges: [bindDischarge(m, discharge)] };
 * ```
 */
export interface VerifyMacaroonSignatureOptions {
  /** Discharge macaroons for the third-party caveats, each bound with `bindDischarge`. Default none. */
  readonly discharges?: readonly Macaroon[];
  /** Overrides of the default limits (see `MACAROON_DEFAULT_LIMITS`). */
  readonly limits?: Partial<MacaroonLimits>;
}

/**
 * Options of `verifyMacaroon`.
 *
 * @example
 * ```ts
 * const options: VerifyMacaroonOptions = { check: (c) => allowed.has(new TextDecoder().decode(c)) };
 * ```
 */
export interface VerifyMacaroonOptions extends VerifyMacaroonSignatureOptions {
  /**
   * Decides one first-party caveat (of the macaroon or of a discharge), given its bytes; only
   * `true` accepts. Called after every signature has verified, once per first-party caveat,
   * in order. If it throws, verification stops with that error.
   */
  readonly check: (caveat: Uint8Array) => boolean;
}

const NO_DISCHARGES: readonly Macaroon[] = Object.freeze([]);
const ROOT_SIG = new Int32Array(8);

/**
 * The prepared HMAC key of the last root key used, and that key (text, or a private copy of the
 * bytes) to recognize it: a verifier checks many tokens against one root key, and deriving and
 * preparing it is four of the compressions a short token needs.
 */
const ROOT_KEY: HmacKey = newHmacKey();
let lastKeyText: string | undefined;
let lastKeyBytes: Uint8Array | undefined;

function prepareRootKey(rootKey: unknown): void {
  if (typeof rootKey === 'string') {
    if (rootKey === lastKeyText) return;
  } else if (
    rootKey instanceof Uint8Array &&
    lastKeyBytes !== undefined &&
    sameBytes(rootKey, lastKeyBytes)
  ) {
    return;
  }
  const bytes = argumentBytes(rootKey, 'rootKey');
  lastKeyText = undefined;
  lastKeyBytes = undefined;
  prepareDerivedKey(bytes, ROOT_KEY);
  if (typeof rootKey === 'string') {
    lastKeyText = rootKey;
    bytes.fill(0);
  } else lastKeyBytes = bytes;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
/** One running signature per discharge depth, reused across calls (nothing here calls user code). */
const SIGS: Int32Array[] = [];

/**
 * Verifies the HMAC chain of `macaroon` under `rootKey` (derived as libmacaroons does) and of
 * every discharge, without looking at what the first-party caveats say: the fast path for a
 * caller that evaluates all caveats itself (for example to report every failure). Returns
 * normally or throws `MacaroonSignatureError` (always the same message), `MacaroonDischargeError`
 * or `MacaroonLimitError`. The caller must then decide every first-party caveat of the
 * macaroon and of each discharge; skipping that grants more than the token says.
 *
 * @example
 * ```ts
 * verifyMacaroonSignature(m, rootKey);            // throws unless the chain verifies
 * const failures = m.caveats.filter((c) => c.kind === 'first-party' && !allows(c.text));
 * ```
 */
export function verifyMacaroonSignature(
  macaroon: Macaroon,
  rootKey: string | Uint8Array,
  options: VerifyMacaroonSignatureOptions = {},
): void {
  assertMacaroon(macaroon, 'macaroon');
  assertObject(options, 'options');
  prepareRootKey(rootKey);
  const limits = macaroonLimits(options.limits, 'options.limits');
  const discharges = options.discharges ?? NO_DISCHARGES;
  if (!Array.isArray(discharges))
    throw new TypeError('options.discharges must be an array of Macaroons');
  if (discharges.length > limits.maxDischarges) {
    throw new MacaroonLimitError('maxDischarges', limits.maxDischarges, discharges.length);
  }
  discharges.forEach((d, i) => assertMacaroon(d, `options.discharges[${i}]`));

  const buf = macaroonBuffer(macaroon);
  bytesToWords(buf, macaroonLayout(macaroon)[SIG_OFF]!, ROOT_SIG);
  const used = discharges.length === 0 ? undefined : new Uint8Array(discharges.length);
  verifyChain(macaroon, ROOT_KEY, 0, discharges, used, limits);
  if (used !== undefined) {
    const unused = used.indexOf(0);
    if (unused >= 0) throw new MacaroonDischargeError('unused', undefined, unused);
  }
}

/**
 * Verifies `macaroon` completely: the HMAC chains of it and of every discharge (see
 * `verifyMacaroonSignature`), then `check` on every first-party caveat of the macaroon and of
 * the discharges. Returns normally when all hold; otherwise throws a `MacaroonError`: a
 * `MacaroonCaveatError` lists every caveat that `check` refused.
 *
 * @example
 * ```ts
 * verifyMacaroon(m, rootKey, { check: (c) => new TextDecoder().decode(c) === 'account = 3735928559' });
 * ```
 */
export function verifyMacaroon(
  macaroon: Macaroon,
  rootKey: string | Uint8Array,
  options: VerifyMacaroonOptions,
): void {
  assertObject(options, 'options');
  const { check } = options;
  assertFunction(check, 'options.check');
  verifyMacaroonSignature(macaroon, rootKey, options);
  let failures = checkCaveats(macaroon, null, check, undefined);
  const discharges = options.discharges ?? NO_DISCHARGES;
  for (let i = 0; i < discharges.length; i++)
    failures = checkCaveats(discharges[i]!, i, check, failures);
  if (failures !== undefined) throw new MacaroonCaveatError(failures);
}

/** Runs `check` on each first-party caveat of `m` (a fresh copy of its bytes each time), collecting refusals. */
function checkCaveats(
  m: Macaroon,
  discharge: number | null,
  check: (caveat: Uint8Array) => boolean,
  failures: MacaroonCaveatFailure[] | undefined,
): MacaroonCaveatFailure[] | undefined {
  const buf = macaroonBuffer(m);
  const l = macaroonLayout(m);
  for (let index = 0, p = CAVEATS; index < l[COUNT]!; index++, p += STRIDE) {
    if (l[p + 3] !== 0) continue;
    const caveat = buf.slice(l[p], l[p]! + l[p + 1]!);
    if (check(caveat) !== true) {
      (failures ??= []).push({
        discharge,
        index,
        caveat: utf8Lossy(buf.subarray(l[p], l[p]! + l[p + 1]!)),
      });
    }
  }
  return failures;
}

/**
 * Computes `m`'s chain from `key`, compares it with `m`'s signature (bound to the root's, for
 * a discharge), then verifies the discharge of each third-party caveat with the caveat key.
 */
function verifyChain(
  m: Macaroon,
  key: HmacKey,
  depth: number,
  discharges: readonly Macaroon[],
  used: Uint8Array | undefined,
  limits: MacaroonLimits,
): void {
  const buf = macaroonBuffer(m);
  const l = macaroonLayout(m);
  const sig = (SIGS[depth] ??= new Int32Array(8));
  chainStart(key, buf, l[ID_OFF]!, l[ID_LEN]!, sig);
  let pending: { at: number; key: Int32Array | undefined }[] | undefined;
  for (let i = 0, p = CAVEATS; i < l[COUNT]!; i++, p += STRIDE) {
    const vidLen = l[p + 3]!;
    if (vidLen === 0) {
      chainFirstParty(sig, buf, l[p]!, l[p + 1]!);
    } else {
      (pending ??= []).push({ at: p, key: openCaveatKey(sig, buf, l[p + 2]!, vidLen) });
      chainThirdParty(sig, buf, l[p + 2]!, vidLen, l[p]!, l[p + 1]!);
    }
  }
  if (depth > 0) bind(ROOT_SIG, sig, sig);
  if (!signatureEquals(sig, buf, l[SIG_OFF]!)) throw new MacaroonSignatureError();
  if (pending === undefined) return;
  for (const { at, key: caveatKey } of pending) {
    // The chain verified, so the verification id is authentic: failing to open it means the
    // token was minted wrong, which is a signature failure like any other.
    if (caveatKey === undefined) throw new MacaroonSignatureError();
    const index = findDischarge(buf, l[at]!, l[at + 1]!, discharges, used);
    const caveat = (): string => utf8Lossy(buf.subarray(l[at], l[at]! + l[at + 1]!));
    if (index === -1 || used === undefined) throw new MacaroonDischargeError('missing', caveat());
    if (index < -1) throw new MacaroonDischargeError('reused', caveat(), -2 - index);
    used[index] = 1;
    if (depth + 1 > limits.maxDischargeDepth) {
      throw new MacaroonLimitError('maxDischargeDepth', limits.maxDischargeDepth, depth + 1);
    }
    const dischargeKey = newHmacKey();
    prepareKey(caveatKey, dischargeKey);
    verifyChain(discharges[index]!, dischargeKey, depth + 1, discharges, used, limits);
  }
}

/**
 * Index of the first unused discharge whose identifier equals `buf[off, off + len)`; failing
 * that, `-2 - i` for the first (used) match `i`; -1 when none matches.
 */
function findDischarge(
  buf: Uint8Array,
  off: number,
  len: number,
  discharges: readonly Macaroon[],
  used: Uint8Array | undefined,
): number {
  let usedMatch = -1;
  outer: for (let d = 0; d < discharges.length; d++) {
    const dm = discharges[d]!;
    const dl = macaroonLayout(dm);
    if (dl[ID_LEN] !== len) continue;
    const dbuf = macaroonBuffer(dm);
    const doff = dl[ID_OFF]!;
    for (let i = 0; i < len; i++) if (dbuf[doff + i] !== buf[off + i]) continue outer;
    if (used?.[d] === 0) return d;
    if (usedMatch < 0) usedMatch = -2 - d;
  }
  return usedMatch;
}
