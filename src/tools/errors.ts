/**
 * The typed failures of the tool runner. Each says plainly what went wrong, carries structured
 * fields for programs, and never runs the tool: unknown tools and malformed arguments are
 * refused before any policy is evaluated, and a denied call fails at once with the full
 * decision. `PermissionDenied.toJSON()` mirrors OAuth's `insufficient_scope` error (RFC 6750
 * §3.1) so that agents and HTTP adapters can treat it the way they treat a bearer-token denial.
 */
import type { AuthorizationDenied } from '../delegation/index.js';
import { MandateError } from '../errors.js';
import type { ArgumentProblem } from './arguments.js';
import { printConjunction } from './_conjunction.js';

/**
 * The call named a tool that is not registered. Discovery lists every registered tool.
 *
 * @example
 * ```ts
 * await session.invoke('fs.delete', { path }); // throws UnknownToolError, code ERR_TOOLS_UNKNOWN_TOOL
 * ```
 */
export class UnknownToolError extends MandateError {
  readonly tool: string;

  constructor(tool: string) {
    super('ERR_TOOLS_UNKNOWN_TOOL', `no tool named ${JSON.stringify(tool)} is registered`);
    this.tool = tool;
  }

  protected override details(): Record<string, unknown> {
    return { tool: this.tool };
  }
}

/**
 * The arguments are not JSON, exceed the argument limits, or do not conform to the tool's
 * schema. `problems` lists each with a JSON Pointer into the arguments.
 *
 * @example
 * ```ts
 * try { await session.invoke('bank.transfer', { amount: 'ten' }); }
 * catch (err) { if (err instanceof InvalidArgumentsError) console.log(err.problems); }
 * // [{ instancePath: '/amount', message: 'must be number' }, …]
 * ```
 */
export class InvalidArgumentsError extends MandateError {
  readonly tool: string;
  readonly problems: readonly ArgumentProblem[];

  constructor(tool: string, problems: readonly ArgumentProblem[]) {
    const list = problems.map(
      (p) => `${p.instancePath === '' ? 'arguments' : `arguments${p.instancePath}`} ${p.message}`,
    );
    super(
      'ERR_TOOLS_INVALID_ARGUMENTS',
      `invalid arguments for ${JSON.stringify(tool)}: ${list.join('; ')}`,
    );
    this.tool = tool;
    this.problems = problems;
  }

  protected override details(): Record<string, unknown> {
    return { tool: this.tool, problems: this.problems };
  }
}

/**
 * The delegation does not allow the call. The handler did not run. `decision` holds every
 * failed caveat (block, index, caveat, author, reason, term) and, when asking could help, the
 * needed scope and whom to ask; `tool` and `args` are the denied call, to hand to
 * `session.requestPermission({ call })` so the grantor sees what was tried. The arguments stay
 * on the object only: the message and `toJSON()` never carry them (they may be large, up to the
 * runner's argument limits, and they are the caller's own data).
 *
 * @example
 * ```ts
 * try { await session.invoke('bank.transfer', { to: 'bob', amount: 500 }); }
 * catch (err) {
 *   if (err instanceof PermissionDenied) {
 *     console.log(JSON.stringify(err));
 *     // { code: 'ERR_PERMISSION_DENIED', error: 'insufficient_scope', error_description: '…',
 *     //   scope: 'tool == "bank.transfer" and args.amount == 500 …', failures: [ … ], … }
 *     const scope = err.decision.needed?.scope;
 *     if (scope) await session.requestPermission({ scope, call: { tool: err.tool, args: err.args }, reason: 'pay bob' });
 *   }
 * }
 * ```
 */
export class PermissionDenied extends MandateError {
  readonly tool: string;
  /** The denied call's arguments, as the runner authorized them (a frozen snapshot). */
  readonly args: Readonly<Record<string, unknown>>;
  readonly decision: AuthorizationDenied;

  constructor(
    tool: string,
    decision: AuthorizationDenied,
    args: Readonly<Record<string, unknown>>,
  ) {
    super('ERR_PERMISSION_DENIED', describeDenial(tool, decision));
    this.tool = tool;
    this.args = args;
    this.decision = decision;
  }

  protected override details(): Record<string, unknown> {
    const needed = this.decision.needed;
    return {
      error: 'insufficient_scope',
      error_description: this.message,
      ...(needed === undefined ? {} : { scope: printConjunction(needed.scope) }),
      tool: this.tool,
      failures: this.decision.failures,
      ...(needed === undefined ? {} : { needed }),
      ...(this.decision.neededUnavailable === undefined
        ? {}
        : { neededUnavailable: this.decision.neededUnavailable }),
      ...(this.decision.expired === undefined ? {} : { expired: this.decision.expired }),
      ...(this.decision.revoked === undefined ? {} : { revoked: this.decision.revoked }),
      ...(this.decision.revocationsStale === undefined
        ? {}
        : { revocationsStale: this.decision.revocationsStale }),
    };
  }
}

/**
 * `session.requestPermission`, `awaitResponse` or `poll` was called on a runner created
 * without a broker.
 *
 * @example
 * ```ts
 * createToolRunner({ rootKeys, tools }).startAgent({ principal, token }).requestPermission(…);
 * // rejects with NoBrokerError, code ERR_TOOLS_NO_BROKER
 * ```
 */
export class NoBrokerError extends MandateError {
  constructor() {
    super(
      'ERR_TOOLS_NO_BROKER',
      'this tool runner has no permission broker: pass one to createToolRunner({ broker })',
    );
  }
}

/**
 * A token given to `startAgent` or `updateDelegation` is delegated to another principal than
 * the session's (or, for `updateDelegation`, to nobody). The session keeps its old token.
 *
 * @example
 * ```ts
 * runner.startAgent({ principal: 'mallory', token: tokenForCoder });
 * // throws PrincipalMismatchError, code ERR_TOOLS_PRINCIPAL_MISMATCH
 * ```
 */
export class PrincipalMismatchError extends MandateError {
  /** The session's principal. */
  readonly principal: string;
  /** The principal the token is delegated to, or `null` for a token with no `to` marker. */
  readonly tokenPrincipal: string | null;

  constructor(principal: string, tokenPrincipal: string | null) {
    super(
      'ERR_TOOLS_PRINCIPAL_MISMATCH',
      tokenPrincipal === null
        ? `the token is not delegated to any principal, so it cannot be bound to ${JSON.stringify(principal)}`
        : `the token is delegated to ${JSON.stringify(tokenPrincipal)}, not ${JSON.stringify(principal)}`,
    );
    this.principal = principal;
    this.tokenPrincipal = tokenPrincipal;
  }

  protected override details(): Record<string, unknown> {
    return { principal: this.principal, tokenPrincipal: this.tokenPrincipal };
  }
}

function describeDenial(tool: string, decision: AuthorizationDenied): string {
  const parts = decision.failures.map(
    (f) =>
      `caveat ${f.index} (block ${f.block}, by ${f.author}) ${JSON.stringify(f.caveat)}: ${f.reason}`,
  );
  const stale = decision.revocationsStale;
  if (stale !== undefined) {
    const since =
      stale.completeAt === null
        ? 'has never been complete'
        : `was last complete at ${stale.completeAt}`;
    return `${JSON.stringify(tool)} is not permitted: this verifier's view of revocations ${since}, more than the ${stale.maxStaleness} s it accepts, so it refuses every call until it is fresh again`;
  }
  const needed = decision.needed;
  const expired = decision.expired;
  const ask =
    decision.revoked !== undefined
      ? '; asking for more cannot help: a new delegation must be made'
      : expired !== undefined
        ? `; the token expired at ${expired.at}: ask ${JSON.stringify(expired.askFrom)} for a new delegation`
        : needed === undefined
          ? ''
          : needed.grantableBy === needed.askFrom
            ? `; ask ${JSON.stringify(needed.askFrom)} for more`
            : `; ask ${JSON.stringify(needed.askFrom)} for more (the call is beyond its own authority: it will have to escalate to ${JSON.stringify(needed.grantableBy)})`;
  return `${JSON.stringify(tool)} is not permitted by this delegation: ${parts.join('; ')}${ask}`;
}
