/**
 * Type-level tests of the error codes: this file is never run, it only has to compile under
 * `npm run typecheck`. A user can `switch (err.code)` on any `MandateError` exhaustively; each
 * area's union is exactly the codes of that area's classes; an unknown code does not compile.
 */
import {
  MandateError,
  MacaroonError,
  type CliErrorCode,
  type DelegationErrorCode,
  type ErrorCode,
  type MacaroonErrorCode,
  type RequestErrorCode,
  type ScopeErrorCode,
  type ServerErrorCode,
  type McpErrorCode,
  type ToolErrorCode,
} from '../../src/index.js';

/** `true` when `A` and `B` are the same type. */
type Equal<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(proof: Equal<A, B>): Equal<A, B> => proof;

// `code` on the base class is the whole union, so a switch over it can be exhaustive.
same<MandateError['code'], ErrorCode>(true);
same<MacaroonError['code'], MacaroonErrorCode>(true);

// The area unions make up the whole, and no code belongs to two areas.
same<
  ErrorCode,
  | MacaroonErrorCode
  | ScopeErrorCode
  | DelegationErrorCode
  | ToolErrorCode
  | RequestErrorCode
  | ServerErrorCode
  | McpErrorCode
  | CliErrorCode
>(true);
same<MacaroonErrorCode & (ScopeErrorCode | DelegationErrorCode | ToolErrorCode), never>(true);
same<RequestErrorCode & (DelegationErrorCode | ToolErrorCode | CliErrorCode), never>(true);

// Every code has the documented shape.
same<ErrorCode extends `ERR_${string}_${string}` ? true : false, true>(true);

/** An exhaustive switch over one area: it compiles only while every case is handled. */
export function scopeStatus(err: MandateError): number {
  const code = err.code;
  switch (code) {
    case 'ERR_SCOPE_SYNTAX':
    case 'ERR_SCOPE_TYPE':
      return 400;
    case 'ERR_SCOPE_LIMIT':
      return 413;
    default: {
      const rest: Exclude<ErrorCode, ScopeErrorCode> = code;
      return rest.length;
    }
  }
}

// @ts-expect-error: a code outside the union is refused.
export const unknown = new MandateError('ERR_NOT_A_CODE', 'x');
