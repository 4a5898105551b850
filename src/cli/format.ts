/**
 * How the CLI shows the library's values to a person: a token's blocks (who granted what to
 * whom, and until when), a scope one alternative per line, an authorization decision (every
 * failed caveat with its block, author and reason, then the needed scope and whom to ask; or the
 * revoked hop, by whom, when and why), a revocation, a permission request, and a witness request
 * from the algebra. Short lines, aligned labels, colour only through `Output.style` (which
 * renders every line inert). JSON mode never comes here: commands print the library's own
 * objects there.
 */
import type {
  AuthorizationDecision,
  Revocation,
  RevocationStaleness,
  RevokedHop,
  TokenBlock,
} from '../delegation/index.js';
import type { PermissionRequestView } from '../requests/index.js';
import {
  and,
  DEFAULT_SCOPE_LIMITS,
  expiryOf as scopeExpiry,
  type Alternatives,
  parseCaveat,
  parseCondition,
  printCaveat,
  type Condition,
  type ScopeRequest,
} from '../scope/index.js';
import { formatDuration } from './duration.js';
import type { Output } from './output.js';

/**
 * The instant from which the conditions allow nothing (the scope layer's `expiryOf`: the
 * earliest bound of a conjunction, the latest of a disjunction whose every branch is bounded,
 * so an approval's `(old) or (granted)` lasts as long as its longer branch). `undefined` when
 * nothing bounds them. Conditions that do not parse are skipped (the token's own check reports
 * them).
 *
 * @example
 * ```ts
 * expiryOf(['tool ~ "bank.*"', 'time < 2026-06-01T00:00:00Z']); // 2026-06-01T00:00:00.000Z
 * ```
 */
export function expiryOf(conditions: readonly string[]): Date | undefined {
  const parsed: Condition[] = [];
  for (const text of conditions) {
    try {
      const ast = parseCaveat(text);
      if (ast.kind !== 'marker') parsed.push(ast);
    } catch {
      continue;
    }
  }
  const end = scopeExpiry(parsed);
  return end === null || !Number.isFinite(end) ? undefined : new Date(end);
}

/**
 * A conjunction of condition texts on one line, built as one AST and printed once, so `or`
 * branches come out parenthesized exactly where they must be. Condition texts that do not parse
 * (from a store or an audit entry written by something else) are shown as a JSON list instead of
 * being guessed at.
 *
 * @example
 * ```ts
 * conjunctionText(['tool == "a" or tool == "b"', 'args.n <= 5']); // '(tool == "a" or tool == "b") and args.n <= 5'
 * ```
 */
export function conjunctionText(conditions: readonly string[]): string {
  let parsed: Condition[];
  try {
    parsed = conditions.map((text) => parseCondition(text));
  } catch {
    return JSON.stringify(conditions);
  }
  return printCaveat(and(parsed), { limits: DISPLAY_LIMITS });
}

/**
 * Each condition was parsed within the default limits; their conjunction may hold more text and
 * comparisons than one condition may, and one more level of nesting.
 */
const DISPLAY_LIMITS = {
  maxTextLength: Number.MAX_SAFE_INTEGER,
  maxComparisons: Number.MAX_SAFE_INTEGER,
  maxDepth: DEFAULT_SCOPE_LIMITS.maxDepth + 1,
};

/**
 * `text` as one word of a shell command line a person may copy: bare when plainly safe, else in
 * single quotes (a `'` inside becomes `'\''`).
 *
 * @example
 * ```ts
 * shellWord('bank.transfer');          // 'bank.transfer'
 * shellWord('{"account":"checking"}'); // `'{"account":"checking"}'`
 * ```
 */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * "in 29d23h" / "3m ago" for an instant relative to now.
 *
 * @example
 * ```ts
 * relative(new Date(Date.now() + 3_600_000), new Date()); // "in 1h"
 * ```
 */
export function relative(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  if (seconds === 0) return 'now';
  return seconds > 0 ? `in ${formatDuration(seconds)}` : `${formatDuration(-seconds)} ago`;
}

/**
 * An expiry with its distance from now, red once passed.
 *
 * @example
 * ```ts
 * out.fields([['expires', expiryText(out, expiryOf(conditions), new Date())]]);
 * ```
 */
export function expiryText(out: Output, at: Date | undefined, now: Date): string {
  if (at === undefined) return out.style.yellow('never (no time limit)');
  const text = `${at.toISOString()} (${relative(at, now)})`;
  return at.getTime() <= now.getTime() ? out.style.red(`${text}, expired`) : text;
}

/**
 * Prints a token's blocks: one heading line per hop, its conditions indented below.
 *
 * @example
 * ```ts
 * printBlocks(out, inspectToken(token).blocks, new Date());
 * ```
 */
export function printBlocks(
  out: Output,
  blocks: readonly (TokenBlock & { readonly id?: string })[],
  now: Date,
  indent = '  ',
): void {
  const s = out.style;
  for (const block of blocks) {
    const grantee =
      block.grantee === null ? s.yellow('any holder (bearer)') : s.bold(block.grantee);
    const expires = expiryOf(block.conditions);
    const until =
      expires === undefined
        ? ''
        : s.dim(`  until ${expires.toISOString()} (${relative(expires, now)})`);
    out.line(
      `${indent}${s.dim(`block ${block.block}`)}  ${s.bold(block.grantor)} → ${grantee}${until}`,
    );
    if (block.id !== undefined) out.line(`${indent}    ${s.dim(`id ${block.id}`)}`);
    if (block.conditions.length === 0 && block.unknownCaveats.length === 0)
      out.line(`${indent}    ${s.dim('(no conditions: all of the grantor’s authority)')}`);
    for (const condition of block.conditions)
      for (const line of conditionLines(condition)) out.line(`${indent}    ${line}`);
    for (const unknown of block.unknownCaveats) {
      out.line(
        `${indent}    ${s.red(`✗ ${unknown.caveat}`)} ${s.dim(`(${unknown.reason}; denies every request)`)}`,
      );
    }
  }
}

/**
 * A condition as lines: one line, or for a disjunction (an approval's `(previous) or (granted)`)
 * one line per alternative as written, `either …` / `or …`, rather than one flat
 * `A and B or C and D` line. Text that does not parse is one line, as given.
 *
 * @example
 * ```ts
 * conditionLines('tool == "a" and args.n <= 1 or tool == "b"');
 * // ['either tool == "a" and args.n <= 1', 'or     tool == "b"']
 * ```
 */
export function conditionLines(text: string): string[] {
  let ast;
  try {
    ast = parseCondition(text);
  } catch {
    return [text];
  }
  if (ast.kind !== 'or') return [text];
  return ast.operands.map(
    (operand, i) =>
      `${i === 0 ? 'either' : 'or    '} ${printCaveat(operand, { limits: DISPLAY_LIMITS })}`,
  );
}

/**
 * Prints a scope read as alternatives (`alternatives` from the algebra), one per line, made
 * inert, with a note when an algebra limit stopped the simplification. Prints nothing more for
 * an empty list: what "nothing" means is the caller's to say.
 *
 * @example
 * ```ts
 * printAlternatives(out, alternatives(delegation.scope), '  ');
 * ```
 */
export function printAlternatives(out: Output, scope: Alternatives, indent = '  '): void {
  for (const alternative of scope.alternatives) out.line(`${indent}${alternative}`);
  if (!scope.complete)
    out.line(
      `${indent}${out.style.dim('(not fully simplified: an algebra limit was reached; the meaning is exact)')}`,
    );
}

/**
 * Prints an authorization decision: allowed in one line, or every failed caveat, the needed
 * scope, suggestions and whom to ask; a revoked token's denial says which hop (or principal) was
 * revoked, by whom, when and why, and a stale view of revocations says so.
 *
 * @example
 * ```ts
 * printDecision(out, authorize(token, request, { rootKeys }), request.tool, 'budget-agent');
 * ```
 */
export function printDecision(
  out: Output,
  decision: AuthorizationDecision,
  tool: string,
  principal: string | undefined,
  indent = '',
): void {
  const s = out.style;
  const who = principal === undefined ? '' : ` as ${s.bold(principal)}`;
  if (decision.allowed) {
    out.line(`${indent}${s.green('✓ allowed')}  ${tool}${who}`);
    return;
  }
  out.line(`${indent}${s.red('✗ denied')}  ${tool}${who}`);
  if (decision.revoked !== undefined) {
    printRevoked(out, decision.revoked, `${indent}  `);
    return;
  }
  if (decision.revocationsStale !== undefined) {
    printStale(out, decision.revocationsStale, `${indent}  `);
    return;
  }
  for (const f of decision.failures) {
    out.line(
      `${indent}  caveat ${f.index} ${s.dim(`(block ${f.block}, written by`)} ${s.bold(f.author)}${s.dim(')')}: ${s.cyan(f.caveat)}`,
    );
    out.line(
      `${indent}    ${f.reason}${f.term !== undefined && f.term !== f.caveat ? s.dim(`  [at ${f.term}]`) : ''}`,
    );
  }
  const needed = decision.needed;
  if (decision.expired !== undefined) {
    const { at, askFrom } = decision.expired;
    out.line(
      `${indent}  the token expired at ${at}; ask ${s.bold(askFrom)} for a new delegation ${s.dim('(a permission request cannot help)')}`,
    );
    return;
  }
  if (needed === undefined) {
    out.line(
      `${indent}  ${s.dim('asking for more cannot fix this (wrong principal or an unknown caveat)')}`,
    );
    return;
  }
  out.line(`${indent}  needed scope ${s.dim('(ask')} ${s.bold(needed.askFrom)}${s.dim('):')}`);
  for (const c of needed.scope) out.line(`${indent}    ${s.green(c)}`);
  if (needed.grantable === true) {
    out.line(
      `${indent}  ${s.dim(`within ${needed.askFrom}'s authority: it can approve as asked`)}`,
    );
  } else if (needed.grantableBy !== needed.askFrom) {
    out.line(
      `${indent}  ${s.dim(`beyond ${needed.askFrom}'s authority: it will have to escalate to`)} ${s.bold(needed.grantableBy)}`,
    );
  }
  if (needed.suggestions.length > 0) {
    out.line(`${indent}  ${s.dim('broader scopes that would also do:')}`);
    for (const suggestion of needed.suggestions) {
      const grantable =
        suggestion.grantable === true
          ? s.dim(`  (${needed.askFrom} can grant it)`)
          : suggestion.grantable === false
            ? s.dim(`  (beyond ${needed.askFrom}: it would escalate)`)
            : '';
      out.line(`${indent}    ${conjunctionText(suggestion.scope)}${grantable}`);
    }
  }
}

/**
 * Prints what a denial says of a revoked token: which hop (block, grantor → grantee, id) or
 * which principal was revoked, by whom, when and why, and that asking cannot help.
 */
function printRevoked(out: Output, revoked: RevokedHop, indent: string): void {
  const s = out.style;
  const hop = `block ${revoked.block}, ${revoked.grantor} → ${revoked.grantee ?? 'any holder (bearer)'}`;
  out.line(
    revoked.kind === 'principal'
      ? `${indent}${s.red('revoked:')} every delegation to ${s.bold(revoked.target)} ${s.dim(`(${hop})`)}`
      : `${indent}${s.red('revoked:')} ${s.bold(revoked.target)} ${s.dim(`(${hop})`)}, and every token derived from it`,
  );
  out.line(`${indent}  by ${s.bold(revoked.by)} at ${revoked.at}: ${revoked.reason}`);
  out.line(
    `${indent}${s.dim('a permission request cannot help: a revocation is final; only a new delegation can replace it')}`,
  );
}

/** Prints the denial of a verifier whose view of revocations is too old to trust. */
function printStale(out: Output, stale: RevocationStaleness, indent: string): void {
  const s = out.style;
  const since =
    stale.completeAt === null ? 'was never complete' : `was last complete at ${stale.completeAt}`;
  out.line(
    `${indent}${s.red('revocations unknown:')} this verifier's list of revocations ${since}, more than ${formatDuration(Math.max(1, stale.maxStaleness))} ago`,
  );
  out.line(
    `${indent}${s.dim('every call is refused until it is brought up to date; the token itself was not checked')}`,
  );
}

/**
 * A revocation in a few words: by whom, when (and how long ago), and why.
 *
 * @example
 * ```ts
 * out.line(`revoked ${revocationText(outcome.revocation, new Date())}`);
 * // 'by owner at 2026-03-01T12:00:00.000Z (3s ago): the coder leaked its token'
 * ```
 */
export function revocationText(revocation: Revocation, now: Date): string {
  const at = new Date(revocation.at);
  return `by ${revocation.by} at ${at.toISOString()} (${relative(at, now)}): ${revocation.reason}`;
}

/**
 * Prints a permission request as its grantor sees it.
 *
 * @example
 * ```ts
 * printRequest(out, await delegator.get(id), new Date());
 * ```
 */
export function printRequest(
  out: Output,
  view: PermissionRequestView,
  now: Date,
  indent = '',
): void {
  const s = out.style;
  out.line(
    `${indent}${s.bold(view.id)}  ${statusText(out, view.status)}  ${s.bold(view.requester)} → ${s.bold(view.grantor)}`,
  );
  out.fields(
    [
      ['reason', view.reason],
      ['asks for', conjunctionText(view.scope)],
      ['expires', `${view.expiresAt.toISOString()} (${relative(view.expiresAt, now)})`],
      ...(view.escalatedTo === null ? [] : [['escalated to', view.escalatedTo] as const]),
      ...(view.escalationOf === null ? [] : [['escalates', view.escalationOf] as const]),
      ...(view.decidedBy === null
        ? []
        : [
            [
              'decided by',
              `${view.decidedBy}${view.policyId === null ? '' : ` (policy ${view.policyId})`}`,
            ] as const,
          ]),
      ...outcomeRows(view),
    ],
    `${indent}  `,
  );
}

function outcomeRows(view: PermissionRequestView): (readonly [string, string])[] {
  const outcome = view.outcome;
  if (outcome === null) return [];
  if (outcome.status === 'approved') {
    return [
      ['granted', conjunctionText(outcome.scope)],
      ...(outcome.expiresAt === undefined
        ? []
        : [['grant ends', outcome.expiresAt.toISOString()] as const]),
    ];
  }
  if (outcome.status === 'denied') return [['denied', outcome.reason]];
  return [];
}

/**
 * A request status, coloured by what it means for the requester.
 *
 * @example
 * ```ts
 * out.line(statusText(out, 'pending'));
 * ```
 */
export function statusText(out: Output, status: string): string {
  const s = out.style;
  switch (status) {
    case 'approved':
      return s.green(status);
    case 'denied':
    case 'expired':
    case 'cancelled':
      return s.red(status);
    default:
      return s.yellow(status);
  }
}

/**
 * A witness request from the algebra, on one line: tool, args as JSON, time.
 *
 * @example
 * ```ts
 * witnessText({ tool: 'bank.transfer', args: { amount: 101 }, time: new Date(0) });
 * // 'tool "bank.transfer", args {"amount":101}, time 1970-01-01T00:00:00.000Z'
 * ```
 */
export function witnessText(witness: ScopeRequest): string {
  return `tool ${JSON.stringify(witness.tool)}, args ${JSON.stringify(witness.args)}, time ${witness.time.toISOString()}`;
}
