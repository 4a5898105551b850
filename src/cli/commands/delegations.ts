/**
 * `mandate delegations`: every delegation the home's Delegator knows (minted, approved, or seen
 * when a token reached it), oldest first, each hop with its id (what `revoke` takes), who gave
 * it to whom, its conditions, its expiry, its status (live, expired, revoked: by whom, when and
 * why) and how the home learned of it. `--tree` draws the delegation tree: owner mints at the
 * roots, each hop under the one it was delegated from, approvals marked with the request they
 * answered. A token delegated offline shows up once it reaches the home (a request, a
 * revocation, an agent acting with `--token`). Names and conditions are agents' text: `Output`
 * renders every line inert.
 */
import type { Command } from 'commander';
import type { DelegationNode, DelegationStatus } from '../../requests/index.js';
import { CliError } from '../cli-error.js';
import type { Context } from '../context.js';
import type { FlagNames } from '../flag-terms.js';
import { conditionLines, relative, revocationText } from '../format.js';
import { nonBlank } from '../input.js';
import { EXIT, type ExitCode, type Output } from '../output.js';
import { withExamples, type ActionFactory } from '../command.js';
import { withServiceUrl } from '../acting.js';
import { grantorChannel } from '../grantor-channel.js';
import { serviceUrlOf } from '../requester-channel.js';

interface DelegationsOptions {
  readonly principal?: string;
  readonly status?: string;
  readonly tree?: boolean;
  readonly url?: string;
}

/** The library's parameters of `delegations`, by the flags that set them. */
const DELEGATIONS_FLAGS: FlagNames = {
  'query.status': '--status',
  'query.principal': '--principal',
};

/**
 * Registers `delegations`.
 *
 * @example
 * ```ts
 * registerDelegationsCommand(program, action);
 * ```
 */
export function registerDelegationsCommand(program: Command, action: ActionFactory): void {
  withExamples(
    withServiceUrl(
      program
        .command('delegations')
        .description(
          'every delegation this home knows: who gave what to whom, until when, and whether it is live, expired or revoked',
        )
        .option('--principal <name>', 'only hops delegated to or by this principal', nonBlank)
        .option('--status <status>', 'only live, expired or revoked hops')
        .option('--tree', 'draw the delegation tree: each hop under the one it was delegated from'),
    ),
    [
      'mandate delegations',
      'mandate delegations --tree',
      'mandate delegations --principal coder --status revoked',
      'mandate delegations --status live --json | jq ".[].id"',
    ],
  ).action(
    action<DelegationsOptions>((ctx, _args, opts) => delegations(ctx, opts), DELEGATIONS_FLAGS),
  );
}

const STATUSES: readonly DelegationStatus[] = ['live', 'expired', 'revoked'];

async function delegations(ctx: Context, opts: DelegationsOptions): Promise<ExitCode> {
  if (opts.status !== undefined && !STATUSES.includes(opts.status as DelegationStatus))
    throw new CliError('ERR_CLI_USAGE', `--status must be one of ${STATUSES.join(', ')}`, {
      option: '--status',
    });
  const channel = await grantorChannel(ctx, {}, serviceUrlOf(ctx, opts.url));
  const nodes = await channel.delegations({
    ...(opts.principal === undefined ? {} : { principal: opts.principal }),
    ...(opts.status === undefined ? {} : { status: opts.status as DelegationStatus }),
  });
  const out = ctx.out;
  out.data(nodes);
  if (nodes.length === 0) {
    const filtered = opts.principal !== undefined || opts.status !== undefined;
    out.line(out.style.dim(filtered ? 'no delegations match' : 'no delegations known yet'));
    if (!filtered)
      out.line(
        out.style.dim(
          'a token delegated offline shows up once it reaches this home: a request, a revocation, an agent acting with --token',
        ),
      );
    return EXIT.ok;
  }
  const now = ctx.now();
  if (opts.tree === true) {
    printTree(out, nodes, now);
    return EXIT.ok;
  }
  out.heading(`${nodes.length} delegation${nodes.length === 1 ? '' : 's'}, oldest first`);
  const ids = new Set(nodes.map((n) => n.id));
  for (const node of nodes) {
    out.line();
    out.line(`  ${headText(out, node)}`);
    printDetails(out, node, ids, now, '    ');
  }
  return EXIT.ok;
}

/** A hop's first line: id, grantor → grantee, status, origin. */
function headText(out: Output, node: DelegationNode): string {
  const s = out.style;
  const grantee = node.grantee === null ? s.yellow('any holder (bearer)') : s.bold(node.grantee);
  return `${s.bold(node.id)}  ${s.bold(node.grantor)} → ${grantee}  ${statusText(out, node.status)}  ${s.dim(sourceText(node))}`;
}

function statusText(out: Output, status: DelegationStatus): string {
  const s = out.style;
  return status === 'live'
    ? s.green(status)
    : status === 'revoked'
      ? s.red(status)
      : s.yellow(status);
}

function sourceText(node: DelegationNode): string {
  if (node.source === 'mint') return 'minted';
  if (node.source === 'approval') return 'approval';
  return 'delegated offline';
}

/**
 * The details of a hop, as labelled lines: its conditions (one per line, a disjunction one
 * alternative per line), expiry, where it comes from (the hop it was delegated from; for an
 * approval, the request's token it answered), when the home learned of it, and its revocation.
 */
function printDetails(
  out: Output,
  node: DelegationNode,
  listed: ReadonlySet<string>,
  now: Date,
  indent: string,
): void {
  const s = out.style;
  const rows: [string, string[]][] = [
    [
      'conditions',
      node.conditions.length === 0
        ? [s.dim('none of its own')]
        : node.conditions.flatMap((c) => conditionLines(c)),
    ],
    ['expires', [expiresText(out, node, now)]],
  ];
  if (node.parent !== null)
    rows.push(['from', [`${node.parent}${listed.has(node.parent) ? '' : s.dim(' (not listed)')}`]]);
  if (node.via !== null) rows.push(['approves', [`a request from ${node.via}`]]);
  rows.push([
    'known since',
    [`${node.firstSeenAt} (${relative(new Date(node.firstSeenAt), now)})`],
  ]);
  const revoked = revokedText(out, node, now);
  if (revoked !== undefined) rows.push(['revoked', [revoked]]);
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  for (const [label, lines] of rows)
    lines.forEach((line, i) =>
      out.line(`${indent}${s.dim((i === 0 ? `${label}:` : '').padEnd(width))} ${line}`),
    );
}

function expiresText(out: Output, node: DelegationNode, now: Date): string {
  if (node.expiresAt === null) return out.style.yellow('never (no time limit)');
  const at = new Date(node.expiresAt);
  const text = `${node.expiresAt} (${relative(at, now)})`;
  return at.getTime() <= now.getTime() ? out.style.red(`${text}, expired`) : text;
}

/** How a revoked hop was revoked: itself, with an ancestor, or with every hop to its grantee. */
function revokedText(out: Output, node: DelegationNode, now: Date): string | undefined {
  const r = node.revoked;
  if (r === undefined) return undefined;
  const how =
    r.kind === 'principal'
      ? `every delegation to ${out.style.bold(r.target)}, `
      : r.target === node.id
        ? ''
        : `with ${r.target}, `;
  return `${how}${revocationText(r, now)}`;
}

/**
 * Draws the tree: a hop under the one it was delegated from (its `parent`), roots first (owner
 * mints and approvals, and hops whose parent is not listed), children in the order the home
 * learned of them. Each hop's details follow its line, kept inside its branch.
 */
function printTree(out: Output, nodes: readonly DelegationNode[], now: Date): void {
  const ids = new Set(nodes.map((n) => n.id));
  const children = new Map<string, DelegationNode[]>();
  const roots: DelegationNode[] = [];
  for (const node of nodes) {
    if (node.parent === null || !ids.has(node.parent) || node.parent === node.id) {
      roots.push(node);
      continue;
    }
    const siblings = children.get(node.parent) ?? [];
    siblings.push(node);
    children.set(node.parent, siblings);
  }
  const drawn = new Set<string>();
  const draw = (node: DelegationNode, first: string, rest: string): void => {
    if (drawn.has(node.id)) return;
    drawn.add(node.id);
    const below = children.get(node.id) ?? [];
    out.line(`${first}${headText(out, node)}`);
    const detail = `${rest}${below.length > 0 ? '│   ' : '    '}`;
    for (const line of treeDetails(out, node, ids, now)) out.line(`${detail}${line}`);
    below.forEach((child, i) => {
      const last = i === below.length - 1;
      draw(child, `${rest}${last ? '└── ' : '├── '}`, `${rest}${last ? '    ' : '│   '}`);
    });
  };
  roots.forEach((root, i) => {
    if (i > 0) out.line();
    draw(root, '', '');
  });
}

/** The details a tree shows under a hop's line, each a bullet (a disjunction's continued). */
function treeDetails(
  out: Output,
  node: DelegationNode,
  listed: ReadonlySet<string>,
  now: Date,
): string[] {
  const s = out.style;
  const bullet = s.dim('·');
  const lines =
    node.conditions.length === 0
      ? [`${bullet} ${s.dim('no conditions of its own')}`]
      : node.conditions.flatMap((c) =>
          conditionLines(c).map((line, i) => `${i === 0 ? bullet : ' '} ${line}`),
        );
  lines.push(`${bullet} ${s.dim('expires')} ${expiresText(out, node, now)}`);
  if (node.via !== null)
    lines.push(`${bullet} ${s.dim('approved for a request from')} ${node.via}`);
  if (node.parent !== null && !listed.has(node.parent))
    lines.push(`${bullet} ${s.dim('delegated from')} ${node.parent} ${s.dim('(not listed)')}`);
  const revoked = revokedText(out, node, now);
  if (revoked !== undefined) lines.push(`${bullet} ${s.red('revoked')} ${revoked}`);
  return lines;
}
