/**
 * The delegation tree: every hop the Delegator knows of, nested under the hop it was delegated
 * from, with its status (live, expired, revoked: by whom, when, why), its own conditions, its end
 * and how it was learnt of (minted, an approval, seen). A live hop can be revoked, with
 * confirmation and a reason: the revocation reaches it and everything derived from it (the
 * branch). Any grantee's effective scope (every condition down its chain, simplified, one
 * alternative per line) opens beside the tree.
 */
import type { Api } from './api.js';
import { confirmStep } from './dialogs.js';
import { agentText, append, attrText, button, el, replace, type Child } from './dom.js';
import { when } from './format.js';
import { conditionList } from './request-view.js';
import type { DelegationNode, EffectiveScope } from './types.js';

/** The tree view. */
export class TreeView {
  readonly root: HTMLElement;
  readonly #api: Api;
  readonly #note: (...text: Child[]) => void;
  readonly #tree: HTMLElement;
  readonly #scope: HTMLElement;

  constructor(api: Api, note: (...text: Child[]) => void) {
    this.#api = api;
    this.#note = note;
    this.#tree = el('div', { class: 'tree-slot' });
    this.#scope = el('aside', {
      class: 'scope-panel',
      attrs: { 'aria-live': 'polite', tabindex: '-1' },
    });
    this.root = el(
      'section',
      { class: 'view delegations', attrs: { 'aria-labelledby': 'tree-title' } },
      el(
        'header',
        { class: 'view-head' },
        el('h1', { attrs: { id: 'tree-title' } }, 'Delegations'),
        button('Refresh', () => void this.load(), { attrs: { 'data-action': 'refresh' } }),
      ),
      el('div', { class: 'split' }, this.#tree, this.#scope),
    );
  }

  /** Reads the tree from the service and shows it. */
  async load(): Promise<void> {
    let nodes: DelegationNode[];
    try {
      nodes = await this.#api.get<DelegationNode[]>('/v1/delegations');
    } catch (err) {
      replace(this.#tree, el('p', { class: 'problem' }, (err as Error).message));
      return;
    }
    const children = new Map<string | null, DelegationNode[]>();
    const ids = new Set(nodes.map((n) => n.id));
    for (const node of nodes) {
      const parent = node.parent !== null && ids.has(node.parent) ? node.parent : null;
      children.set(parent, [...(children.get(parent) ?? []), node]);
    }
    const branch = (parent: string | null, level: number): HTMLElement | null => {
      const under = children.get(parent) ?? [];
      if (under.length === 0) return null;
      return el(
        'ul',
        { attrs: { role: level === 1 ? 'tree' : 'group', 'aria-label': 'Delegations' } },
        ...under.map((node) => this.#node(node, level, branch(node.id, level + 1))),
      );
    };
    const forest = branch(null, 1);
    replace(
      this.#tree,
      forest ?? el('p', { class: 'empty' }, 'No delegations yet: mint one with mandate mint.'),
    );
  }

  #node(node: DelegationNode, level: number, below: HTMLElement | null): HTMLElement {
    const grantee = node.grantee ?? 'any holder (bearer)';
    const row = el(
      'div',
      { class: 'hop' },
      el('span', { class: `status ${node.status}` }, node.status),
      ' ',
      node.grantor === 'owner' ? el('strong', {}, 'owner') : agentText(node.grantor),
      el('span', { class: 'arrow', attrs: { 'aria-hidden': 'true' } }, ' → '),
      el('strong', {}, agentText(grantee)),
      el(
        'span',
        { class: 'muted' },
        ` · block ${node.block} · ${node.source === 'approval' ? 'by approval' : node.source === 'mint' ? 'minted' : 'seen'} · `,
        node.expiresAt === null ? 'no end in time' : `until ${when(node.expiresAt)}`,
      ),
    );
    const details = el('div', { class: 'hop-details' });
    if (node.conditions.length > 0) append(details, conditionList(node.conditions));
    else append(details, el('p', { class: 'muted' }, 'no conditions of its own'));
    if (node.revoked !== undefined)
      append(
        details,
        el(
          'p',
          { class: 'revoked' },
          'revoked by ',
          agentText(node.revoked.by),
          ` at ${when(new Date(node.revoked.at).toISOString())}: `,
          agentText(node.revoked.reason),
        ),
      );
    const actions = el('div', { class: 'actions' });
    if (node.grantee !== null)
      append(
        actions,
        button('Effective scope', () => void this.#showScope(node.grantee as string), {
          attrs: {
            'data-action': 'scope',
            'aria-label': `Effective scope of ${attrText(grantee)}`,
          },
        }),
      );
    if (node.status === 'live')
      append(
        actions,
        button('Revoke…', () => void this.#revoke(node, grantee), {
          class: 'danger',
          attrs: {
            'data-action': 'revoke',
            'aria-label': `Revoke the delegation to ${attrText(grantee)}`,
          },
        }),
      );
    return el(
      'li',
      {
        class: `node ${node.status}`,
        attrs: {
          role: 'treeitem',
          'aria-level': String(level),
          'aria-expanded': below === null ? 'false' : 'true',
          'data-id': node.id,
        },
      },
      row,
      details,
      actions,
      below,
    );
  }

  async #revoke(node: DelegationNode, grantee: string): Promise<void> {
    const reason = await confirmStep({
      title: 'Revoke this branch?',
      body: [
        el(
          'p',
          {},
          'The delegation from ',
          node.grantor === 'owner' ? 'the owner' : agentText(node.grantor),
          ' to ',
          agentText(grantee),
          ', and every delegation derived from it, will stop working at once. Their open requests are cancelled. This cannot be undone.',
        ),
      ],
      confirm: 'Revoke',
      danger: true,
      reason: { label: 'Reason (recorded in the audit log)', placeholder: 'why it must stop' },
    });
    if (reason === null) return;
    try {
      await this.#api.post('/v1/revoke', { target: node.id, reason });
      this.#note('Revoked the delegation to ', agentText(grantee), ' and what derives from it.');
    } catch (err) {
      this.#note('Could not revoke: ', (err as Error).message);
    }
    await this.load();
  }

  async #showScope(principal: string): Promise<void> {
    let scope: EffectiveScope;
    try {
      scope = await this.#api.get<EffectiveScope>(
        `/v1/scope/effective?principal=${encodeURIComponent(principal)}`,
      );
    } catch (err) {
      replace(this.#scope, el('p', { class: 'problem' }, (err as Error).message));
      return;
    }
    const alternatives = scope.scope.alternatives;
    replace(
      this.#scope,
      el('h2', {}, 'What ', agentText(principal), ' may do'),
      alternatives.length === 0
        ? el('p', { class: 'muted' }, 'Nothing: it holds no live delegation.')
        : el(
            'div',
            {},
            el('p', { class: 'muted' }, 'Any one of these (simplified, one alternative per line):'),
            conditionList(alternatives, 'conditions alternatives'),
          ),
      scope.scope.complete
        ? null
        : el(
            'p',
            { class: 'muted' },
            'Not fully simplified (an algebra limit); the meaning is exact.',
          ),
      scope.delegations.length > 1
        ? el(
            'details',
            {},
            el('summary', {}, `From ${scope.delegations.length} live delegations`),
            ...scope.delegations.map((d) =>
              el(
                'div',
                { class: 'held' },
                el('p', {}, 'from ', agentText(d.grantor), ` (block ${d.block})`),
                conditionList(d.scope.alternatives),
              ),
            ),
          )
        : null,
    );
    this.#scope.focus();
  }
}
