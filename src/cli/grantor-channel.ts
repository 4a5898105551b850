/**
 * Where a grantor's commands (`inbox`, `approve`, `deny`, `escalate`, `revoke`, `delegations`,
 * `policy`, `audit`) go: the home's Delegator,
 * or, given a service (`--url` or `$MANDATE_URL`), `mandate serve` over HTTP, acting with the
 * agent's token (`--token`) or, for the owner, the home's owner credential.
 */
import { inspectToken, isDelegation, verifyDelegation } from '../delegation/index.js';
import type {
  ApprovalPreview,
  ApproveRequestOptions,
  AuditCheck,
  AuditQuery,
  AuditRecord,
  DelegationNode,
  DelegationQuery,
  InboxItem,
  PermissionRequestView,
  PolicyView,
  RevokeResult,
  RevokeTarget,
} from '../requests/index.js';
import { DelegatorClient, type ApprovalTerms, type PolicyTerms } from '../server/index.js';
import { grantorOf, type ActingOptions } from './acting.js';
import { CliError } from './cli-error.js';
import type { Context } from './context.js';

/** What the grantor's commands do, against a home or a service. */
export interface GrantorChannel {
  /** The principal acting: `owner`, or the agent's. */
  readonly name: string;
  inbox(): Promise<InboxItem[]>;
  /** The request, as its grantor sees it. */
  view(id: string): Promise<PermissionRequestView>;
  preview(id: string, terms: ApprovalTerms): Promise<ApprovalPreview>;
  approve(id: string, terms: ApprovalTerms): Promise<PermissionRequestView>;
  deny(id: string, reason: string): Promise<PermissionRequestView>;
  escalate(id: string, autoApprove: boolean): Promise<PermissionRequestView>;
  revoke(target: RevokeTarget, reason: string): Promise<RevokeResult>;
  delegations(query: DelegationQuery): Promise<DelegationNode[]>;
  /**
   * Standing policies: the acting grantor's; with `everyone`, the owner on its home sees every
   * grantor's (a service shows each grantor its own).
   */
  policies(everyone: boolean): Promise<PolicyView[]>;
  addPolicy(terms: PolicyTerms): Promise<PolicyView>;
  removePolicy(id: string): Promise<void>;
  audit(query: AuditQuery): Promise<AuditRecord[]>;
  verifyAudit(options: { readonly expectHead?: string }): Promise<AuditCheck>;
}

/**
 * The channel for the acting options and `url` (a service) or, without one, the home.
 *
 * @example
 * ```ts
 * const channel = await grantorChannel(ctx, opts, serviceUrlOf(ctx, opts.url));
 * ```
 */
export async function grantorChannel(
  ctx: Context,
  opts: ActingOptions,
  url: string | undefined,
): Promise<GrantorChannel> {
  const by = grantorOf(ctx, opts);
  if (url !== undefined) {
    const credential = by === 'owner' ? ownerCredential(ctx) : tokenText(by.token);
    const client = new DelegatorClient(url, { credential });
    return {
      name: by === 'owner' ? 'owner' : (verifyOrInspectName(ctx, credential) ?? 'bearer'),
      inbox: () => client.inbox(),
      view: async (id) => {
        const found = (await client.inbox()).find((item) => item.id === id);
        if (found === undefined)
          throw new CliError('ERR_CLI_USAGE', `no open request ${id} in your inbox at ${url}`);
        return found;
      },
      preview: (id, terms) => client.preview(id, terms),
      approve: (id, terms) => client.approve(id, terms),
      deny: (id, reason) => client.deny(id, reason),
      escalate: (id, autoApprove) => client.escalate(id, { autoApprove }),
      revoke: (target, reason) =>
        client.revoke(
          typeof target === 'string'
            ? target
            : isDelegation(target)
              ? target.token
              : { principal: target.principal },
          reason,
        ),
      delegations: (query) => client.delegations(query),
      policies: () => client.policies(),
      addPolicy: (terms) => client.addPolicy(terms),
      removePolicy: (id) => client.removePolicy(id),
      audit: (query) => client.audit(query),
      verifyAudit: (options) => client.verifyAudit(options),
    };
  }
  const delegator = await ctx.delegator();
  const options = (terms: ApprovalTerms): ApproveRequestOptions => ({ by, ...terms });
  return {
    // The Delegator verifies the token on every verb; this reads it from the cache.
    name:
      by === 'owner'
        ? 'owner'
        : (verifyDelegation(by.token, { rootKeys: delegator.rootKeys }).principal ?? 'bearer'),
    inbox: () => delegator.inbox(by),
    view: (id) => delegator.get(id),
    preview: (id, terms) => delegator.preview(id, options(terms)),
    approve: (id, terms) => delegator.approve(id, options(terms)),
    deny: (id, reason) => delegator.deny(id, { by, reason }),
    escalate: (id, autoApprove) => delegator.escalate(id, { by, autoApprove }),
    revoke: (target, reason) => delegator.revoke(target, { by, reason }),
    delegations: (query) => delegator.delegations(query),
    policies: (everyone) => delegator.policies(everyone ? undefined : by),
    addPolicy: (terms) => delegator.addPolicy({ grantor: by, ...terms }),
    removePolicy: (id) => delegator.removePolicy(id, { grantor: by }),
    audit: (query) => delegator.audit(query),
    verifyAudit: (options) => delegator.verifyAudit(options),
  };
}

/** The home's owner credential, for acting as the owner through a service. */
function ownerCredential(ctx: Context): string {
  const credential = ctx.hasHome() ? ctx.home.readOwnerCredential() : undefined;
  if (credential === undefined)
    throw new CliError(
      'ERR_CLI_USAGE',
      'to act as the owner through a service, run this where the home (with owner.credential) is, or act as an agent with --token',
    );
  return credential;
}

function tokenText(token: string | { readonly token: string }): string {
  return typeof token === 'string' ? token : token.token;
}

/** The principal a token names: verified when the home's keys are here, else as it claims. */
function verifyOrInspectName(ctx: Context, token: string): string | null {
  // Without keys the name is the token's claim; the service verifies it on every call.
  return ctx.hasHome()
    ? verifyDelegation(token, { rootKeys: ctx.keys().keyring }).principal
    : inspectToken(token).principal;
}
