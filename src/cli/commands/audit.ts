/**
 * `mandate audit`: the append-only audit log of the home's store (every mint, first sighting of
 * a delegation, request, decision with who/what/when/why, escalation and policy change), oldest
 * first, filtered by time, request, principal or kind; `--verify` re-computes the log's hash
 * chain and exits 1 when an entry was altered, removed or inserted behind the store's back.
 */
import type { Command } from 'commander';
import type { AuditKind, AuditRecord, Json } from '../../requests/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import { parseSince } from '../duration.js';
import { conjunctionText } from '../format.js';
import { EXIT, type ExitCode } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';

interface AuditOptions {
  readonly since?: string;
  readonly request?: string;
  readonly principal?: string;
  readonly kind?: string;
  readonly limit?: string;
  readonly verify?: boolean;
}

const KINDS: readonly AuditKind[] = [
  'key-add',
  'mint',
  'delegation-seen',
  'request',
  'approve',
  'deny',
  'escalate',
  'reopen',
  'expire',
  'cancel',
  'policy-add',
  'policy-remove',
];

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
      .option('--kind <kind>', `one kind of entry: ${KINDS.join(', ')}`)
      .option('--limit <n>', 'at most this many entries')
      .option('--verify', 'check the log’s hash chain (exit 1 if it was tampered with)'),
    [
      'mandate audit --since 2h',
      'mandate audit --request req_4f1c…',
      'mandate audit --verify',
      'mandate audit --json | jq ".entries[].kind"',
    ],
  ).action(action<AuditOptions>((ctx, _args, opts) => audit(ctx, opts)));
}

async function audit(ctx: Context, opts: AuditOptions): Promise<ExitCode> {
  if (opts.kind !== undefined && !KINDS.includes(opts.kind as AuditKind)) {
    throw new CliError('ERR_CLI_USAGE', `--kind must be one of ${KINDS.join(', ')}`);
  }
  let limit: number | undefined;
  if (opts.limit !== undefined) {
    limit = Number(opts.limit);
    if (!Number.isSafeInteger(limit) || limit <= 0)
      throw new CliError('ERR_CLI_USAGE', '--limit must be a positive integer');
  }
  const delegator = await ctx.delegator();
  const out = ctx.out;
  if (opts.verify === true) {
    const check = await delegator.verifyAudit();
    out.data(check);
    if (check.ok) {
      out.line(
        `${out.style.green('✓ audit log intact')}: ${check.count} entries, head ${check.head.slice(0, 16)}…`,
      );
      return EXIT.ok;
    }
    out.line(
      `${out.style.red('✗ audit log tampered with')} at entry ${check.seq}: ${check.problem}`,
    );
    return EXIT.error;
  }
  const entries = await delegator.audit({
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
      who(e),
      summary(e),
    ]),
  );
  return EXIT.ok;
}

function kindText(ctx: Context, kind: AuditKind): string {
  const s = ctx.out.style;
  if (kind === 'approve') return s.green(kind);
  if (kind === 'deny' || kind === 'expire' || kind === 'cancel') return s.red(kind);
  if (kind === 'escalate' || kind === 'request') return s.yellow(kind);
  return kind;
}

function who(e: AuditRecord): string {
  return e.subject === null || e.subject === e.actor ? e.actor : `${e.actor} → ${e.subject}`;
}

/**
 * One line of what an entry says: the request id, then the details that matter to a reader
 * (scope, reason, conditions, policy), never token fingerprints or hashes.
 */
function summary(e: AuditRecord): string {
  const parts: string[] = [];
  if (e.requestId !== null) parts.push(e.requestId);
  const d = e.details;
  for (const key of [
    'effect',
    'scope',
    'conditions',
    'chain',
    'reason',
    'why',
    'linked',
    'policy',
    'via',
    'expiresAt',
  ]) {
    const value = d[key];
    if (value === undefined || value === null) continue;
    // A manual decision is the usual case, and a request's own lifetime is noise here.
    if ((key === 'via' && value === 'manual') || (key === 'expiresAt' && e.kind === 'request'))
      continue;
    const label = key === 'expiresAt' ? 'until' : key;
    parts.push(
      `${label}: ${key === 'chain' && Array.isArray(value) ? value.join(', ') : text(value)}`,
    );
  }
  return parts.join('  ');
}

function text(value: Json): string {
  if (Array.isArray(value)) return conjunctionText(value.map((v: Json) => text(v)));
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
