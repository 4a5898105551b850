/**
 * Reads a token into a delegation chain, and verifies it, with the caches that make repeated
 * authorization cheap.
 *
 * Reading splits the caveats into blocks at `to "…"` markers and gives every caveat an author:
 * `owner` for block 0, and for block k the principal named by block k-1's marker (`bearer`
 * when block 0 has no marker). Each caveat text is read once per process — parsed, canonically
 * printed and compiled — and kept in one bounded cache by text (also under its canonical text,
 * so a condition typed loosely and then stored canonically is parsed once). A caveat that is not
 * the DSL, a marker naming an unusable principal, and a third-party caveat (this verifier takes
 * no discharges) become "unknown" caveats, which always deny.
 *
 * Verifying checks the HMAC chain with the macaroon layer's signature-only fast path and then
 * caches the read chain by the token's normalized text (a copy wrapped over lines is the same
 * token), remembering which `RootKey` object verified it. A cached chain is used only when that
 * same key is among the caller's live keys, and retiring the key from a keyring drops its
 * entries, so the cache never outlives a key.
 */
import {
  MacaroonDischargeError,
  decodeMacaroon,
  normalizeMacaroonText,
  verifyMacaroonSignature,
  type Macaroon,
} from '../macaroon/index.js';
import {
  compileCondition,
  parseCaveat,
  printCaveat,
  type Condition,
  type ScopeRequest,
} from '../scope/index.js';
import { parseIdentifier } from './_identifier.js';
import { BoundedCache } from '../_lru.js';
import { utf8Decode } from '../_utf8.js';
import { TokenInvalidError } from './errors.js';
import {
  findRootKey,
  onRootKeyRetired,
  rootKeySecret,
  type RootKey,
  type RootKeys,
} from './keys.js';
import { BEARER_PRINCIPAL, OWNER_PRINCIPAL, principalProblem } from './principal.js';
import type { DelegationBlock, UnknownTokenCaveat } from './token-shapes.js';
import { DELEGATION_TOKEN_LIMITS } from './token-limits.js';
import { prefixIds } from './hops.js';

/** Entries in the cache of verified chains (by token text). */
export const CHAIN_CACHE_SIZE = 4096;
/** Entries in the cache of read caveats (by caveat text). */
export const CAVEAT_CACHE_SIZE = 8192;

/** What one caveat text is. */
export type Analysis =
  | {
      readonly kind: 'marker';
      readonly text: string;
      readonly principal: string;
      readonly problem?: string;
    }
  | {
      readonly kind: 'condition';
      readonly text: string;
      readonly ast: Condition;
      readonly test: (request: ScopeRequest) => boolean;
    }
  | {
      readonly kind: 'unknown';
      readonly text: string;
      readonly reason: string;
      /** The parser's error, when the text is not the DSL. */
      readonly error?: unknown;
    };

/** A caveat in its place in the chain. */
export interface ChainCaveat {
  readonly index: number;
  readonly block: number;
  readonly author: string;
  readonly analysis: Analysis;
}

/** A read (and possibly verified) token. */
export interface Chain {
  readonly token: string;
  readonly macaroon: Macaroon;
  readonly keyId: string;
  readonly delegationId: string;
  readonly location: string | null;
  /** Every caveat in token order, each with its block and author. */
  readonly caveats: readonly ChainCaveat[];
  /** Conditions and unknown caveats in token order: what authorization evaluates. */
  readonly checks: readonly ChainCaveat[];
  /** The conditions' ASTs, in token order: the token's scope for the algebra. */
  readonly scope: readonly Condition[];
  /** The blocks, in order. */
  readonly blocks: readonly DelegationBlock[];
  /** The last marker, whose principal every request must match; `null` for a bearer token. */
  readonly lastMarker: ChainCaveat | null;
  /** The number of the last block. */
  readonly lastBlock: number;
  /** The author of the last block: whom a denied holder should ask. */
  readonly askFrom: string;
  /**
   * What belongs to the chain once computed, kept on it (a field rather than a `WeakMap`, which
   * costs a lookup per call and burdens the garbage collector with every short-lived chain):
   * its hop ids, and the last answer of a revocation source.
   */
  readonly memo: ChainMemo;
}

/** See `Chain.memo`. */
export interface ChainMemo {
  hops?: ChainHops;
  revocation?: {
    readonly source: object;
    readonly version: number;
    readonly revoked: unknown;
  };
}

/** The hop ids of a chain (see hops.ts). */
export interface ChainHops {
  /** `prefixes[i]` names the token of the first `i` caveats. */
  readonly prefixes: readonly string[];
  /** `blocks[k]` is block k's id: the prefix that ends with the block. */
  readonly blocks: readonly string[];
}

/**
 * The chain's hop ids, computed on first use (a SHA-256 per caveat, which the allowed path never
 * pays) and kept while the chain is.
 */
export function chainHops(chain: Chain): ChainHops {
  let hops = chain.memo.hops;
  if (hops === undefined) {
    const prefixes = prefixIds(chain.macaroon);
    // Block k ends where block k + 1 starts (its marker), the last one at the token's end.
    const ends: number[] = chain.blocks.map(() => chain.caveats.length);
    for (const c of chain.caveats)
      if (c.block > 0 && ends[c.block - 1] === chain.caveats.length) ends[c.block - 1] = c.index;
    hops = Object.freeze({
      prefixes: Object.freeze(prefixes),
      blocks: Object.freeze(ends.map((end) => prefixes[end] as string)),
    });
    chain.memo.hops = hops;
  }
  return hops;
}

/** The conditions of every block but the last: the scope of the grantor a holder asks. */
export function grantorScope(chain: Chain): Condition[] {
  const out: Condition[] = [];
  for (const b of chain.blocks) if (b.block < chain.lastBlock) out.push(...b.scope);
  return out;
}

const analyses = new BoundedCache<string, Analysis>(CAVEAT_CACHE_SIZE);
const verified = new BoundedCache<string, { readonly key: RootKey; readonly chain: Chain }>(
  CHAIN_CACHE_SIZE,
);
onRootKeyRetired((key) => verified.deleteWhere((entry) => entry.key === key));

/**
 * The text a token is known by: `normalizeMacaroonText`, so that a copy wrapped over several
 * lines (or with spaces around it) is the same token, in the caches and in `Delegation.token`.
 * The length limit counts the text as received.
 */
function tokenText(token: string): string {
  if (token.length === 0 || token.length > DELEGATION_TOKEN_LIMITS.maxTokenSize)
    throw new TokenInvalidError();
  return normalizeMacaroonText(token);
}

/** Decodes normalized token text; any failure is the one uninformative `TokenInvalidError`. */
function decodeToken(token: string): {
  readonly macaroon: Macaroon;
  readonly keyId: string;
  readonly delegationId: string;
} {
  let macaroon: Macaroon;
  try {
    macaroon = decodeMacaroon(token, { limits: DELEGATION_TOKEN_LIMITS });
  } catch {
    throw new TokenInvalidError();
  }
  const id = parseIdentifier(macaroon.identifier);
  if (id === undefined) throw new TokenInvalidError();
  return { macaroon, keyId: id.keyId, delegationId: id.delegationId };
}

/** Reads a token without verifying it. */
export function readChain(token: string): Chain {
  const text = tokenText(token);
  const { macaroon, keyId, delegationId } = decodeToken(text);
  return buildChain(text, macaroon, keyId, delegationId);
}

/**
 * Verifies a token under `rootKeys` and reads it; throws `TokenInvalidError` for a malformed
 * token, a key that is not live, or a bad signature. `useCache: false` skips the chain cache
 * (in both directions), for measurements.
 */
export function verifyChain(
  token: string,
  rootKeys: RootKeys,
  useCache = true,
): { readonly key: RootKey; readonly chain: Chain; readonly readMs?: number } {
  // The text as received is tried first, so that the usual hit costs one lookup; a wrapped
  // copy then finds the entry of its normalized text.
  const hit = useCache ? cached(token, rootKeys) : undefined;
  if (hit !== undefined) return hit;
  const started = performance.now();
  const text = tokenText(token);
  const again = useCache && text !== token ? cached(text, rootKeys) : undefined;
  if (again !== undefined) return again;
  const { macaroon, keyId, delegationId } = decodeToken(text);
  const key = findRootKey(rootKeys, keyId);
  if (key === undefined) throw new TokenInvalidError();
  try {
    verifyMacaroonSignature(macaroon, rootKeySecret(key));
  } catch (err) {
    // The macaroon layer checks the whole chain's signature before it looks for discharges, so
    // a missing discharge means the chain is authentic: its third-party caveats then deny as
    // unknown caveats, with a reason, instead of hiding behind the opaque error.
    if (!(err instanceof MacaroonDischargeError)) throw new TokenInvalidError();
  }
  const entry = { key, chain: buildChain(text, macaroon, keyId, delegationId) };
  if (useCache) verified.set(text, entry);
  // How long reading it took (wall clock, ms): a call's work budget counts it.
  return { ...entry, readMs: performance.now() - started };
}

function cached(
  text: string,
  rootKeys: RootKeys,
): { readonly key: RootKey; readonly chain: Chain } | undefined {
  const hit = verified.get(text);
  return hit !== undefined && findRootKey(rootKeys, hit.chain.keyId) === hit.key ? hit : undefined;
}

/**
 * Whether `key` is still the live key named by `chain` among `rootKeys`: a chain verified
 * earlier is trusted again only under the very key object that verified it.
 */
export function stillLive(chain: Chain, key: RootKey, rootKeys: RootKeys): boolean {
  return findRootKey(rootKeys, chain.keyId) === key;
}

/** Reads one caveat text (cached by text, and by its canonical text). */
export function analyseCaveat(text: string): Analysis {
  const cached = analyses.get(text);
  if (cached !== undefined) return cached;
  const analysis = analyseUncached(text);
  analyses.set(text, analysis);
  if (analysis.text !== text && analysis.kind !== 'unknown') analyses.set(analysis.text, analysis);
  return analysis;
}

function analyseUncached(text: string): Analysis {
  let ast;
  try {
    ast = parseCaveat(text);
  } catch (err) {
    const first = err instanceof Error ? (err.message.split('\n')[0] ?? '') : '';
    return {
      kind: 'unknown',
      text,
      reason: `not a caveat this verifier understands: ${first}`,
      error: err,
    };
  }
  if (ast.kind === 'marker') {
    const problem = principalProblem(ast.principal);
    return problem === undefined
      ? { kind: 'marker', text: printCaveat(ast), principal: ast.principal }
      : {
          kind: 'marker',
          text: printCaveat(ast),
          principal: ast.principal,
          problem: `the marker's principal ${problem}`,
        };
  }
  // The compiled predicate is true only when the condition is (false and undefined refuse).
  const canonical = printCaveat(ast);
  return { kind: 'condition', text: canonical, ast, test: compileCondition(ast, canonical) };
}

function buildChain(token: string, macaroon: Macaroon, keyId: string, delegationId: string): Chain {
  const all: ChainCaveat[] = [];
  const checks: ChainCaveat[] = [];
  const scope: Condition[] = [];
  let lastMarker: ChainCaveat | null = null;
  let block = 0;
  let author = OWNER_PRINCIPAL;
  let grantee: string | null = null;
  type MutableBlock = {
    block: number;
    grantor: string;
    grantee: string | null;
    conditions: string[];
    scope: Condition[];
    unknownCaveats: UnknownTokenCaveat[];
  };
  const blocks: MutableBlock[] = [
    {
      block: 0,
      grantor: OWNER_PRINCIPAL,
      grantee: null,
      conditions: [],
      scope: [],
      unknownCaveats: [],
    },
  ];
  const caveats = macaroon.caveats;
  for (let index = 0; index < caveats.length; index++) {
    const caveat = caveats[index]!;
    let analysis: Analysis;
    if (caveat.kind === 'third-party') {
      analysis = {
        kind: 'unknown',
        text: `third-party caveat${caveat.location ? ` at ${JSON.stringify(caveat.location)}` : ''}`,
        reason: 'third-party caveats need discharges, which this verifier does not accept',
      };
    } else {
      const text = utf8Decode(caveat.identifier);
      analysis =
        text === undefined
          ? {
              kind: 'unknown',
              text: `(${caveat.identifier.length} bytes, not UTF-8)`,
              reason: 'the caveat is not UTF-8 text',
            }
          : analyseCaveat(text);
    }
    if (analysis.kind === 'marker') {
      // A marker opens a new block, except the owner's own `to` at the very start of block 0.
      if (index > 0) {
        author = grantee ?? BEARER_PRINCIPAL;
        block += 1;
        blocks.push({
          block,
          grantor: author,
          grantee: null,
          conditions: [],
          scope: [],
          unknownCaveats: [],
        });
      }
      grantee = analysis.principal;
    }
    const current = blocks[block]!;
    const entry: ChainCaveat = { index, block, author, analysis };
    all.push(entry);
    if (analysis.kind === 'marker') {
      lastMarker = entry;
      current.grantee = analysis.principal;
      if (analysis.problem !== undefined) {
        checks.push(entry);
        current.unknownCaveats.push({ index, caveat: analysis.text, reason: analysis.problem });
      }
    } else {
      checks.push(entry);
      if (analysis.kind === 'condition') {
        scope.push(analysis.ast);
        current.conditions.push(analysis.text);
        current.scope.push(analysis.ast);
      } else current.unknownCaveats.push({ index, caveat: analysis.text, reason: analysis.reason });
    }
  }
  return {
    token,
    macaroon,
    keyId,
    delegationId,
    // The location is a hint outside the signature: shown, never trusted.
    location: macaroon.location === '' ? null : macaroon.location,
    caveats: all,
    checks,
    scope,
    blocks,
    lastMarker,
    lastBlock: block,
    askFrom: author,
    memo: {},
  };
}
