/**
 * The kinds of audit entry, as a list: the CLI's `--kind` and the console's filter offer them.
 * A module of its own, importing nothing, so that the console's page (DOM code, which cannot
 * take in the Node-typed modules behind the store's model) can import it too.
 */

/** Every kind of audit entry, in the order of a delegation's life. */
export const AUDIT_KINDS = [
  'key-add',
  'key-retire',
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
  'revoke',
] as const;
