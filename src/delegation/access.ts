/**
 * `accessForTool` and `accessForTools`: what a token allows for a tool, before any arguments are
 * known. This is what tool discovery shows an agent: `allowed`, `denied` with the caveats that
 * exclude the tool, or `conditional` with the condition left on `args` once the tool and the
 * time are fixed (the algebra's partial evaluation). It never hides anything: a denied tool is
 * reported as denied, with reasons, so the agent knows what it could ask for. One call shares one
 * algebra budget over all its tools, since the token's holder writes the conditions the algebra
 * works on.
 */
import { assertObject, assertString, describe, isValidDate } from '../_assert.js';
import type { Budget } from '../scope/algebra/limits.js';
import {
  evaluateCaveat,
  fieldsRead,
  residual,
  type Condition,
  type Residual,
  type ScopeRequest,
} from '../scope/index.js';
import type { ChainCaveat } from './_chain.js';
import { DISCOVERY_ALGEBRA_LIMITS, delegationBudget, whileBudgetLasts } from './budgets.js';
import { chainOf, type Delegation } from './delegation.js';
import type { AuthorizationFailure, RevocationStaleness, RevokedHop } from './decision.js';
import { assertRevocationOptions, revocationDenial, type RevocationSource } from './revocation.js';
import { assertRootKeys, type RootKeys } from './keys.js';

/**
 * Options of `accessForTool`.
 *
 * @example
 * ```ts
 * accessForTool(token, 'fs.read', { rootKeys: ring, now: new Date(), principal: 'coder' });
 * ```
 */
export interface ToolAccessOptions {
  readonly rootKeys: RootKeys;
  /** The verifier's clock. Default: the current time. */
  readonly now?: Date;
  /** The caller; when given, it must match the token's last `to` marker. */
  readonly principal?: string;
  /** Where to learn of revocations; a revoked token is denied every tool (see `authorize`). */
  readonly revocations?: RevocationSource;
  /** With `revocations`: the most its view may lag, in seconds (see `authorize`). */
  readonly maxRevocationStaleness?: number;
}

/**
 * A token's verdict on a tool, independent of arguments where possible.
 *
 * @example
 * ```ts
 * const access = accessForTool(token, 'fs.write', { rootKeys: ring });
 * if (access.status === 'conditional') console.log('allowed when', access.condition);
 * ```
 */
export type ToolAccess =
  | { readonly status: 'allowed' }
  | { readonly status: 'conditional'; readonly condition: string }
  | {
      readonly status: 'denied';
      readonly failures: readonly AuthorizationFailure[];
      /** The revocation that reaches the token, when that is why. */
      readonly revoked?: RevokedHop;
      /** Present when the verifier's view of revocations is too old (see `authorize`). */
      readonly revocationsStale?: RevocationStaleness;
    };

/**
 * Says whether `token` (text or a `Delegation`) allows calls to `tool` at `now`: always, never
 * (with the caveats that exclude it), or when the arguments satisfy a residual condition.
 * Throws `TokenInvalidError` for a token that does not verify.
 *
 * @example
 * ```ts
 * accessForTool(token, 'fs.write', { rootKeys: ring });
 * // { status: 'conditional', condition: 'args.path ~ "/repo/src/**"' }
 * ```
 */
export function accessForTool(
  token: string | Delegation,
  tool: string,
  options: ToolAccessOptions,
): ToolAccess {
  assertString(tool, 'tool');
  return accessForTools(token, [tool], options)[0] as ToolAccess;
}

/**
 * `accessForTool` for each of `tools`, in order, with one verification and one algebra budget
 * (`DISCOVERY_ALGEBRA_LIMITS`) for all of them together: this is what tool discovery runs. Past
 * the budget, a tool's residual condition is exact but less simplified (so it may be shown as
 * `conditional` where more work would have said `allowed` or `denied`).
 *
 * @example
 * ```ts
 * accessForTools(token, ['fs.read', 'bank.transfer'], { rootKeys: ring, principal: 'coder' });
 * // [{ status: 'conditional', condition: 'args.path ~ "/repo/**"' }, { status: 'denied', failures: [ … ] }]
 * ```
 */
export function accessForTools(
  token: string | Delegation,
  tools: readonly string[],
  options: ToolAccessOptions,
): ToolAccess[] {
  const list: unknown = tools;
  if (!Array.isArray(list)) throw new TypeError(`tools must be an array, got ${describe(list)}`);
  tools.forEach((t, i) => assertString(t, `tools[${i}]`));
  assertObject(options, 'options');
  assertRootKeys(options.rootKeys, 'options.rootKeys');
  if (options.principal !== undefined) assertString(options.principal, 'options.principal');
  const now = options.now ?? new Date();
  if (!isValidDate(now))
    throw new TypeError(`options.now must be a valid Date, got ${describe(now)}`);
  assertRevocationOptions(options);
  const { chain } = chainOf(token, options.rootKeys, 'token');
  if (options.revocations !== undefined) {
    const refused = revocationDenial(
      chain,
      options.revocations,
      options.maxRevocationStaleness,
      now,
    );
    if (refused !== undefined) {
      const denied: ToolAccess = {
        status: 'denied',
        failures: refused.failures,
        ...(refused.revoked === undefined ? {} : { revoked: refused.revoked }),
        ...(refused.revocationsStale === undefined
          ? {}
          : { revocationsStale: refused.revocationsStale }),
      };
      return tools.map(() => denied);
    }
  }

  const failures: AuthorizationFailure[] = [];
  const marker = chain.lastMarker;
  if (
    options.principal !== undefined &&
    marker !== null &&
    marker.analysis.kind === 'marker' &&
    marker.analysis.principal !== options.principal
  ) {
    failures.push(
      failure(
        marker,
        'principal',
        `the token is delegated to ${JSON.stringify(marker.analysis.principal)}, not ${JSON.stringify(options.principal)}`,
      ),
    );
  }
  for (const check of chain.checks) {
    const a = check.analysis;
    if (a.kind === 'unknown') failures.push(failure(check, 'unknown-caveat', a.reason));
    else if (a.kind === 'marker')
      failures.push(failure(check, 'unknown-caveat', a.problem ?? 'unusable marker'));
  }
  if (failures.length > 0) return tools.map((): ToolAccess => ({ status: 'denied', failures }));

  const budget = delegationBudget(DISCOVERY_ALGEBRA_LIMITS);
  const alike = new Map<Condition, Residual['status']>();
  return tools.map((tool) => access(chain.checks, chain.scope, tool, now, budget, alike));
}

/**
 * One tool's access under a token free of unknown caveats and principal trouble. `alike` keeps,
 * across the tools of one call, the verdicts of conditions that read neither `tool` nor `time`:
 * theirs is the same for every tool.
 */
function access(
  checks: readonly ChainCaveat[],
  scope: readonly Condition[],
  tool: string,
  now: Date,
  budget: Budget,
  alike: Map<Condition, Residual['status']>,
): ToolAccess {
  const fixed = { tool, time: now };
  const overall = residual(scope, fixed, whileBudgetLasts(budget));
  if (overall.status === 'allowed') return { status: 'allowed' };
  if (overall.status === 'conditional')
    return { status: 'conditional', condition: overall.condition as string };

  // Denied: name the conditions that exclude the tool on their own; when none does, the
  // conditions left conditional contradict each other, and together they are the reason.
  const request: ScopeRequest = { tool, args: {}, time: now };
  const conditions = checks.filter((c) => c.analysis.kind === 'condition');
  const verdicts = conditions.map((c) => {
    const ast = astOf(c);
    let status = alike.get(ast);
    if (status === undefined) {
      status = residual([ast], fixed, whileBudgetLasts(budget)).status;
      if (fieldsRead(ast).every((f) => f.root === 'args')) alike.set(ast, status);
    }
    return { check: c, status };
  });
  const alone = verdicts.filter((v) => v.status === 'denied');
  if (alone.length > 0) {
    return {
      status: 'denied',
      failures: alone.map((v) => conditionFailure(v.check, request, tool)),
    };
  }
  return {
    status: 'denied',
    failures: verdicts
      .filter((v) => v.status === 'conditional')
      .map((v) =>
        failure(
          v.check,
          'condition',
          `together with the other conditions, no arguments to ${JSON.stringify(tool)} satisfy it`,
        ),
      ),
  };
}

function astOf(check: ChainCaveat) {
  if (check.analysis.kind !== 'condition') throw new Error('unreachable: not a condition');
  return check.analysis.ast;
}

function conditionFailure(
  check: ChainCaveat,
  request: ScopeRequest,
  tool: string,
): AuthorizationFailure {
  // With no arguments, a condition that is plainly false says why (wrong tool, expired);
  // one that is merely undefined would blame a missing argument, which is not the reason.
  const result = evaluateCaveat(astOf(check), request);
  if (result.value === false && result.reason !== undefined) {
    const base = failure(check, 'condition', result.reason);
    return result.term === undefined ? base : { ...base, term: result.term };
  }
  return failure(check, 'condition', `no arguments to ${JSON.stringify(tool)} satisfy it`);
}

function failure(
  check: ChainCaveat,
  kind: AuthorizationFailure['kind'],
  reason: string,
): AuthorizationFailure {
  return {
    kind,
    block: check.block,
    index: check.index,
    caveat: check.analysis.text,
    author: check.author,
    reason,
  };
}
