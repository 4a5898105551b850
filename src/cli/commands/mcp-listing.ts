/**
 * `mandate mcp --list`: what an agent holding the token would see through the gateway, for the
 * person setting it up — every upstream tool with its mandate name and status (and the condition
 * of a conditional one, the caveats of a denied one), the tools left out and why, and mandate's
 * own two tools. With `--json`, the same as data. The upstream's names are its own text: the
 * output layer renders them inert.
 */
import type { ToolAccess } from '../../delegation/index.js';
import type { ConnectionAuthority, Gateway } from '../../mcp/index.js';
import { PERMISSION_TOOL_NAMES } from '../../tools/index.js';
import type { Context } from '../context.js';

/**
 * Prints the tools `authority` would see through `gateway`.
 *
 * @example
 * ```ts
 * await gatewayListing(ctx, gateway, authority, 'mcp-server-memory');
 * ```
 */
export async function gatewayListing(
  ctx: Context,
  gateway: Gateway,
  authority: ConnectionAuthority,
  upstream: string,
): Promise<void> {
  const served = await gateway.served();
  const access = await authority.access(served.list.map((s) => s.policyName));
  const rows = served.list.map((s, i) => ({
    tool: s.tool.name,
    mandateName: s.policyName,
    access: access[i] as ToolAccess,
  }));
  const out = ctx.out;
  out.data({
    principal: authority.principal,
    tools: rows.map((r) => ({ tool: r.tool, mandateName: r.mandateName, ...r.access })),
    skipped: served.skipped,
  });
  out.line(`${authority.principal} sees ${rows.length} tools of ${upstream}:`);
  out.table(
    ['tool', 'mandate name', 'status', ''],
    rows.map((r) => [r.tool, r.mandateName, statusWord(ctx, r.access), detail(r.access)]),
    '  ',
  );
  for (const s of served.skipped) out.line(`  left out: ${JSON.stringify(s.name)}: ${s.why}`);
  out.line(`and mandate's own: ${PERMISSION_TOOL_NAMES.request}, ${PERMISSION_TOOL_NAMES.check}`);
}

function statusWord(ctx: Context, access: ToolAccess): string {
  const s = ctx.out.style;
  return access.status === 'allowed'
    ? s.green('allowed')
    : access.status === 'conditional'
      ? s.yellow('conditional')
      : s.red('denied');
}

function detail(access: ToolAccess): string {
  if (access.status === 'conditional') return `when ${access.condition}`;
  if (access.status !== 'denied') return '';
  if (access.revoked !== undefined) return `revoked (${access.revoked.target})`;
  const [first] = access.failures;
  return first === undefined
    ? ''
    : `by ${first.caveat} (${first.author})${access.failures.length > 1 ? ` and ${access.failures.length - 1} more` : ''}`;
}
