/**
 * `mandate audit`: the append-only audit log of the home's store (every key added or retired,
 * mint, first sighting of a delegation, request, decision with who — and from which place in
 * the delegation tree — what, when and why, escalation, policy change and revocation), oldest
 * first, filtered by time, request, principal or kind. `--verify` re-computes the log's hash
 * chain, with `--expect-head` checks that the log still holds a head kept from before (so a log
 * cut short is caught), holds every request to the entries that record it, prints the head to
 * keep, and exits 1 on any disagreement. What agents wrote (reasons, names, scopes) is shown
 * inert.
 */
import type { Command } from 'commander';
import {
  AUDIT_KINDS,
  type AuditCheck,
  type AuditKind,
  type AuditRecord,
  type Json,
} from '../../requests/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { parseSince } from '../duration.js';
import { conjunctionText } from '../format.js';
import { EXIT, inert, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';
import { withServiceUrl } from '../acting.js';
import { grantorChannel } from '../grantor-channel.js';
import { serviceUrlOf } from '../requester-channel.js';

interface AuditOptions {
  readonly since?: string;
  readonly request?: string;
  readonly principal?: string;
  readonly kind?: string;
  readonly limit?: string;
  readonly verify?: boolean;
  readonly expectHead?: string;
  readonly url?: string;
}

/**
 * Registers `audit`.
 *
 * @example
 * ```ts
 * registerAuditCommand(program, action);
 * ```
 */
export function registerAuditCommand(program: Command, action: ActionFactory): void {
  withExamples(
    withServiceUrl(
      program
        .command('audit')
        .description(
          'the audit log: who minted, asked, approved, denied or escalated what, when and why',
        )
        .option(
          '--since <when>',
          'entries from this long ago (2h, 7d) or this instant (2026-05-01T00:00:00Z)',
        )
        .option('--request <id>', 'entries about one request')
        .option('--principal <name>', 'entries by or about this principal (or owner)')
        .option('--kind <kind>', `one kind of entry: ${AUDIT_KINDS.join(', ')}`)
        .option('--limit <n>', 'at most this many entries')
        .option(
          '--verify',
          'check the log’s hash chain and the requests against it (exit 1 if tampered with)',
        )
        .option(
          '--expect-head <hash>',
          'with --verify (implied): the log must still hold this head, printed by an earlier --verify',
        ),
    ),
    [
      'mandate audit --since 2h',
      'mandate audit --request req_4f1c…',
      'mandate audit --verify',
      'mandate audit --verify --expect-head "$(cat audit.head)"',
      'mandate audit --json | jq ".entries[].kind"',
    ],
  ).action(action<AuditOptions>((ctx, _args, opts) => audit(ctx, opts)));
}

async function audit(ctx: Context, opts: AuditOptions): Promise<ExitCode> {
  if (opts.kind !== undefined && !AUDIT_KINDS.includes(opts.kind as AuditKind)) {
    throw new CliError('ERR_CLI_USAGE', `--kind must be one of ${AUDIT_KINDS.join(', ')}`);
  }
  let limit: number | undefined;
  if (opts.limit !== undefined) {
    limit = Number(opts.limit);
    if (!Number.isSafeInteger(limit) || limit <= 0)
      throw new CliError('ERR_CLI_USAGE', '--limit must be a positive integer');
  }
  if (opts.expectHead !== undefined && !/^[0-9a-f]{64}$/i.test(opts.expectHead)) {
    throw new CliError(
      'ERR_CLI_USAGE',
      '--expect-head must be a head hash (64 hex digits) printed by an earlier "mandate audit --verify"',
    );
  }
  const channel = await grantorChannel(ctx, {}, serviceUrlOf(ctx, opts.url));
  if (opts.verify === true || opts.expectHead !== undefined) {
    const expectHead = opts.expectHead === undefined ? {} : { expectHead: opts.expectHead };
    return verify(ctx, await channel.verifyAudit(expectHead));
  }
  const out = ctx.out;
  const entries = await channel.audit({
    ...(opts.since === undefined ? {} : { since: parseSince(opts.since, ctx.now()) }),
    ...(opts.request === undefined ? {} : { requestId: opts.request }),
    ...(opts.principal === undefined ? {} : { principal: opts.principal }),
    ...(opts.kind === undefined ? {} : { kind: opts.kind as AuditKind }),
    ...(limit === undefined ? {} : { limit }),
  });
  out.data({ entries });
  if (entries.length === 0) {
    out.line(out.style.dim('no audit entries match'));
    return EXIT.ok;
  }
  out.table(
    ['#', 'TIME', 'KIND', 'WHO', 'DETAILS'],
    entries.map((e) => [
      String(e.seq),
      e.at.toISOString().replace('T', ' ').slice(0, 19),
      kindText(ctx, e.kind),
      inert(who(e)),
      inert(summary(e)),
    ]),
  );
  return EXIT.ok;
}

/** Prints the result of `--verify`: exit 0 only when the chain, the head and the requests agree. */
function verify(ctx: Context, check: AuditCheck): ExitCode {
  const out = ctx.out;
  out.data(check);
  if (check.ok) {
    out.line(
      `${out.style.green('✓ audit log intact')}: ${check.count} entries; ${check.requests} request(s) agree with it`,
    );
    out.line(`  head: ${check.head}  (keep it; check later with --expect-head)`);
    return EXIT.ok;
  }
  const where = check.seq === null ? '' : ` at entry ${check.seq}`;
  out.line(`${out.style.red('✗ audit log tampered with')}${where}: ${inert(check.problem)}`);
  for (const m of check.mismatches) {
    const entry = m.seq === null ? '' : ` (entry ${m.seq})`;
    out.line(`  ${inert(m.requestId)}${entry}: ${m.problem}`);
  }
  return EXIT.error;
}

function kindText(ctx: Context, kind: AuditKind): string {
  const s = ctx.out.style;
  if (kind === 'approve') return s.green(kind);
  if (kind === 'deny' || kind === 'expire' || kind === 'cancel' || kind === 'revoke')
    return s.red(kind);
  if (kind === 'escalate' || kind === 'request') return s.yellow(kind);
  return kind;
}

function who(e: AuditRecord): string {
  return e.subject === null || e.subject === e.actor ? e.actor : `${e.actor} → ${e.subject}`;
}

/**
 * One line of what an entry says: the request id, then the details that matter to a reader
 * (scope, reason, conditions, policy, the key an entry adds or retires, and where in the
 * delegation tree an agent that decided stood), never token fingerprints or hashes.
 */
function summary(e: AuditRecord): string {
  const parts: string[] = [];
  if (e.requestId !== null) parts.push(e.requestId);
  const d = e.details;
  for (const key of [
    'keyId',
    'target',
    'effect',
    'scope',
    'conditions',
    'chain',
    'reason',
    'cause',
    'why',
    'linked',
    'policy',
    'via',
    'place',
    'expiresAt',
  ]) {
    const value = d[key];
    if (value === undefined || value === null || skipped(e, key, value)) continue;
    const label = key === 'expiresAt' ? 'until' : key === 'keyId' ? 'key' : key;
    const shown =
      key === 'chain' && Array.isArray(value)
        ? value.join(', ')
        : key === 'place'
          ? JSON.stringify(value)
          : text(value);
    parts.push(`${label}: ${shown}`);
  }
  return parts.join('  ');
}

/**
 * Details that are noise in the listing: a manual decision (the usual case), a request's own
 * lifetime, the owner's place (the root: its name says it), and the key of anything but a key
 * entry (every token names one).
 */
function skipped(e: AuditRecord, key: string, value: Json): boolean {
  if (key === 'via') return value === 'manual';
  if (key === 'expiresAt') return e.kind === 'request';
  if (key === 'place') return Array.isArray(value) && value.length === 0;
  if (key === 'keyId') return e.kind !== 'key-add' && e.kind !== 'key-retire';
  return false;
}

function text(value: Json): string {
  if (Array.isArray(value)) return conjunctionText(value.map((v: Json) => text(v)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
