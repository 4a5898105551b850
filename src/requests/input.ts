/**
 * Checking what arrives from requesters and deciders, and the limits that bound it. Requests
 * come from agents, which are not trusted to be well behaved, so every text has a length limit,
 * a scope has a bounded number of conditions, a denied call carried along is bounded JSON, and
 * lifetimes are bounded. Scopes are parsed and stored in canonical printed form, so the same
 * condition always has the same text (one idempotency key, one way to read it in the inbox);
 * a call is stored as canonical JSON for the same reason. Wrong types are caller misuse
 * (`TypeError`/`RangeError` naming the argument); unusable content is a `RequestInvalidError`.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { assertBoolean, assertObject, describe } from '../_assert.js';
import { canonicalJson, parseFrozenJson, type Json } from '../_json.js';
import { DELEGATION_TOKEN_LIMITS, normalizeConditions } from '../delegation/index.js';
import { snapshotArguments } from '../tools/arguments.js';
import { RequestInvalidError } from './errors.js';

/**
 * The limits on requests, with their defaults.
 *
 * @example
 * ```ts
 * console.log(REQUEST_LIMITS.maxReasonLength); // 2000
 * ```
 */
export const REQUEST_LIMITS = Object.freeze({
  /** Longest reason (of a request or a denial), in UTF-16 code units. */
  maxReasonLength: 2000,
  /** Most conditions in one requested, approved or policy scope. */
  maxScopeConditions: 32,
  /** Longest token accepted, in characters (`DELEGATION_TOKEN_LIMITS.maxTokenSize`). */
  maxTokenLength: DELEGATION_TOKEN_LIMITS.maxTokenSize,
  /** Lifetime of a request when the requester gives none, in seconds (1 hour). */
  defaultRequestLifetime: 3600,
  /** Longest lifetime a request may ask for, in seconds (7 days). */
  maxRequestLifetime: 7 * 24 * 3600,
  /** Longest tool name in a request's call, in characters (as the registry's tool names). */
  maxCallToolLength: 128,
  /** Largest call a request may carry: bytes of its canonical JSON (UTF-8), tool included. */
  maxCallBytes: 16_384,
  /** Deepest nesting of objects and arrays in a call's arguments (the arguments object is 1). */
  maxCallDepth: 16,
});

/** Latest instant the DSL can write (its instants have four-digit years). */
const MAX_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Parses a scope (one condition text or a list, a conjunction) into canonical texts, without
 * duplicates. `field` names the input in errors.
 *
 * @example
 * ```ts
 * normalizeScope(['tool=="a"', 'args.n<=3'], 'scope'); // ['tool == "a"', 'args.n <= 3']
 * ```
 */
export function normalizeScope(scope: unknown, field: string): string[] {
  const list = typeof scope === 'string' ? [scope] : scope;
  if (!Array.isArray(list))
    throw new TypeError(`${field} must be a string or an array of strings, got ${describe(scope)}`);
  if (list.length === 0) throw new RequestInvalidError(field, 'must hold at least one condition');
  if (list.length > REQUEST_LIMITS.maxScopeConditions) {
    throw new RequestInvalidError(
      field,
      `holds ${list.length} conditions; at most ${REQUEST_LIMITS.maxScopeConditions} are allowed`,
    );
  }
  let texts: string[];
  try {
    texts = normalizeConditions(list as string[], field);
  } catch (err) {
    if (err instanceof TypeError || err instanceof RangeError) throw err;
    const message = err instanceof Error ? err.message : String(err);
    throw new RequestInvalidError(field, `is not a valid scope: ${message}`, { cause: err });
  }
  return [...new Set(texts)];
}

/**
 * The characters a reason may not hold: control characters (C0, newline and tab included, DEL,
 * C1), format characters (bidi overrides and isolates, zero-width characters, the BOM, tag
 * characters), line and paragraph separators, and lone surrogates. Each can recolour, hide,
 * reorder or break up what a person reads in a terminal or a browser.
 */
const UNSAFE_IN_REASON = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

/**
 * Checks a reason (of a request, a denial or an approval): a non-empty string within the length
 * limit, one paragraph of plain text. A reason is written by one party and read by another (an
 * agent's by a person at the inbox, a person's by an agent), so a character that could act on
 * the reader's screen rather than be read is refused, never stripped: the error names the field,
 * the code point as `U+XXXX` (never the character itself) and where it is.
 *
 * @example
 * ```ts
 * checkReason('need to pay the rent', 'reason');
 * checkReason('ok\u001b[8m', 'reason'); // RequestInvalidError: reason contains U+001B (a control character) at character 3; …
 * ```
 */
export function checkReason(reason: unknown, field: string): string {
  if (typeof reason !== 'string')
    throw new TypeError(`${field} must be a string, got ${describe(reason)}`);
  if (reason.trim().length === 0) throw new RequestInvalidError(field, 'must say why');
  if (reason.length > REQUEST_LIMITS.maxReasonLength) {
    throw new RequestInvalidError(
      field,
      `is longer than ${REQUEST_LIMITS.maxReasonLength} characters`,
    );
  }
  const unsafe = UNSAFE_IN_REASON.exec(reason);
  if (unsafe !== null) {
    const char = unsafe[0];
    const codePoint = (char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    const kind = /\p{Cc}/u.test(char)
      ? 'a control character'
      : /\p{Cf}/u.test(char)
        ? 'a format character'
        : /\p{Cs}/u.test(char)
          ? 'half of a surrogate pair'
          : 'a line or paragraph separator';
    throw new RequestInvalidError(
      field,
      `contains U+${codePoint} (${kind}) at character ${unsafe.index + 1}; a reason is one paragraph of plain text`,
    );
  }
  return reason;
}

/**
 * Checks a lifetime in seconds: a positive finite number no larger than `max`, ending before
 * the year 10000 when counted from `now` (ms). Returns it, or `fallback` when it is `undefined`.
 *
 * @example
 * ```ts
 * checkLifetime(undefined, 'expiresIn', 3600, 86400); // 3600
 * ```
 */
export function checkLifetime(
  value: unknown,
  field: string,
  fallback: number,
  max: number,
  now = 0,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number')
    throw new TypeError(`${field} must be a number of seconds, got ${describe(value)}`);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${field} must be a positive number of seconds`);
  if (value > max) throw new RangeError(`${field} must be at most ${max} seconds`);
  if (now + Math.round(value * 1000) > MAX_INSTANT_MS)
    throw new RangeError(`${field} reaches past the year 9999`);
  return value;
}

/**
 * The denied call a request remembers, as checked: the tool and its arguments, frozen canonical
 * JSON (keys sorted at every level).
 */
export type RequestCall = {
  readonly tool: string;
  readonly args: { readonly [key: string]: Json };
};

/**
 * Checks the call a request carries (`input.call`), if any: a tool name within
 * `maxCallToolLength` and a plain JSON object of arguments, nested at most `maxCallDepth` deep
 * and at most `maxCallBytes` as canonical JSON. Anything JSON cannot carry (a function, NaN, a
 * bigint, a `Date`, a `Map`, `undefined`, a cycle, a throwing getter) is refused, never
 * converted. Returns the canonical form, or `null` when there is no call.
 *
 * @example
 * ```ts
 * checkCall({ tool: 'fs.write', args: { path: '/repo/a.md', content: 'x' } });
 * // { tool: 'fs.write', args: { content: 'x', path: '/repo/a.md' } } (frozen)
 * checkCall({ tool: 'fs.write', args: { when: new Date() } }); // RequestInvalidError: call args/when is not JSON: …
 * ```
 */
export function checkCall(call: unknown): RequestCall | null {
  if (call === undefined) return null;
  assertObject(call, 'input.call');
  const { tool, args } = call;
  if (typeof tool !== 'string')
    throw new TypeError(`input.call.tool must be a string, got ${describe(tool)}`);
  if (tool.length === 0 || tool.length > REQUEST_LIMITS.maxCallToolLength) {
    throw new RequestInvalidError(
      'call',
      `tool must be 1 to ${REQUEST_LIMITS.maxCallToolLength} characters`,
    );
  }
  assertObject(args, 'input.call.args');
  // The byte limit bounds the text and the count of values too (each takes a byte at least),
  // so the snapshot stops early on a huge or deep input instead of copying it all.
  const snapshot = snapshotArguments(args, {
    maxDepth: REQUEST_LIMITS.maxCallDepth,
    maxValues: REQUEST_LIMITS.maxCallBytes,
    maxTextLength: REQUEST_LIMITS.maxCallBytes,
  });
  if (!snapshot.ok) {
    const { instancePath, message } = snapshot.problem;
    throw new RequestInvalidError('call', `args${instancePath} ${message}`);
  }
  const text = callToJson({ tool, args: snapshot.value as RequestCall['args'] });
  if (utf8ToBytes(text).length > REQUEST_LIMITS.maxCallBytes) {
    throw new RequestInvalidError(
      'call',
      `is larger than ${REQUEST_LIMITS.maxCallBytes} bytes of JSON`,
    );
  }
  return callFromJson(text);
}

/**
 * A request's call as stored text: canonical JSON.
 *
 * @example
 * ```ts
 * callToJson({ tool: 'fs.write', args: { path: '/repo/a' } }); // '{"args":{"path":"/repo/a"},"tool":"fs.write"}'
 * ```
 */
export function callToJson(call: RequestCall): string {
  return canonicalJson(call);
}

/**
 * A request's call back from its stored text (`callToJson`'s), frozen.
 *
 * @example
 * ```ts
 * const call = row.call === null ? null : callFromJson(row.call);
 * ```
 */
export function callFromJson(text: string): RequestCall {
  return parseFrozenJson<RequestCall>(text);
}

/**
 * A permission request as checked on arrival: who claims to ask, for what, why, until when,
 * and the denied call it came from, if it says.
 */
export interface RequestArrival {
  readonly principal: string;
  readonly scope: readonly string[];
  readonly reason: string;
  readonly call: RequestCall | null;
  /** When it was filed and when it expires, in ms. */
  readonly at: number;
  readonly expiresAt: number;
}

/**
 * Checks a requester's input (`delegator.request`) at `at` (ms); the token is checked apart,
 * when it is verified.
 *
 * @example
 * ```ts
 * const arrival = checkRequestInput({ token, principal: 'coder', scope: 'tool == "x"', reason: 'fix' }, Date.now());
 * ```
 */
export function checkRequestInput(input: unknown, at: number): RequestArrival {
  assertObject(input, 'input');
  const { principal, scope, reason, expiresIn, call } = input;
  if (typeof principal !== 'string')
    throw new TypeError(`input.principal must be a string, got ${describe(principal)}`);
  const checkedScope = normalizeScope(scope, 'scope');
  const checkedReason = checkReason(reason, 'reason');
  const checkedCall = checkCall(call);
  const lifetime = checkLifetime(
    expiresIn,
    'expiresIn',
    REQUEST_LIMITS.defaultRequestLifetime,
    REQUEST_LIMITS.maxRequestLifetime,
    at,
  );
  return {
    principal,
    scope: checkedScope,
    reason: checkedReason,
    call: checkedCall,
    at,
    expiresAt: at + Math.round(lifetime * 1000),
  };
}

/** An approval's terms as checked on arrival. */
export interface ApprovalTerms {
  readonly scope?: string[];
  /** When the grant ends (ms), or `null` for no time box of its own. */
  readonly timeBox: number | null;
  readonly reason?: string;
}

/**
 * Checks a grantor's approval options (`delegator.approve`) at `at` (ms); `by` is checked
 * apart, when the grantor is authenticated.
 *
 * @example
 * ```ts
 * checkApprovalTerms({ by: 'owner', expiresIn: 600 }, Date.now()); // { timeBox: now + 600000 }
 * ```
 */
export function checkApprovalTerms(
  options: { readonly scope?: unknown; readonly expiresIn?: unknown; readonly reason?: unknown },
  at: number,
): ApprovalTerms {
  const reason =
    options.reason === undefined ? undefined : checkReason(options.reason, 'options.reason');
  const scope = options.scope === undefined ? undefined : normalizeScope(options.scope, 'scope');
  const expiresIn = checkLifetime(options.expiresIn, 'options.expiresIn', 0, NO_LIMIT, at);
  return {
    ...(scope === undefined ? {} : { scope }),
    timeBox: options.expiresIn === undefined ? null : at + Math.round(expiresIn * 1000),
    ...(reason === undefined ? {} : { reason }),
  };
}

/**
 * Checks a grantor's escalation options (`delegator.escalate`); `by` is checked apart. Returns
 * whether to approve the request at once when the escalation is approved.
 *
 * @example
 * ```ts
 * checkEscalation({ by: { token }, autoApprove: true }); // true
 * ```
 */
export function checkEscalation(options: unknown): boolean {
  assertObject(options, 'options');
  const { autoApprove } = options;
  if (autoApprove !== undefined) assertBoolean(autoApprove, 'options.autoApprove');
  return autoApprove === true;
}

/**
 * A short public fingerprint of a token (hex SHA-256, first 32 digits): what the audit log
 * records instead of the token, which is a credential.
 *
 * @example
 * ```ts
 * fingerprint(token); // '3f1c…' (32 hex digits)
 * ```
 */
export function fingerprint(token: string): string {
  return bytesToHex(sha256(utf8ToBytes(token))).slice(0, 32);
}

/**
 * The idempotency key of a request: the token and the set of conditions asked for (order and
 * repetition do not matter, since the scope is a conjunction).
 *
 * @example
 * ```ts
 * idempotencyKey(token, ['b', 'a']) === idempotencyKey(token, ['a', 'b']); // true
 * ```
 */
export function idempotencyKey(token: string, scope: readonly string[]): string {
  const canonical = JSON.stringify([token, [...new Set(scope)].sort()]);
  return bytesToHex(sha256(utf8ToBytes(canonical)));
}

/**
 * A fresh random id with a prefix (`req_…`, `pol_…`): 128 bits in hex.
 *
 * @example
 * ```ts
 * newId('req'); // 'req_9f86d081884c7d659a2feaa0c55ad015'
 * ```
 */
export function newId(prefix: 'req' | 'pol'): string {
  return `${prefix}_${bytesToHex(randomBytes(16))}`;
}

/** A lifetime bound that only the DSL's year 9999 limits (for grants and policies). */
export const NO_LIMIT = Number.MAX_SAFE_INTEGER / 1000;

/** The RFC 8628 polling interval a new request starts with, in seconds (RFC 8628's default). */
export const DEFAULT_POLL_INTERVAL = 5;

/** How much `slow_down` adds to the interval, in seconds (RFC 8628 §3.5). */
export const SLOW_DOWN_STEP = 5;

/** The interval never grows beyond this, in seconds. */
export const MAX_POLL_INTERVAL = 60;
