/**
 * The consent console's entry point: reads the session (a person arrives here from a one-time
 * sign-in link, which left an HttpOnly session cookie), then shows four views (the live inbox,
 * the delegation tree, the audit log, the standing policies) behind tabs, with the stream's
 * state, a line for notes, and sign-out. Without a session it says how to get a link. Keys:
 * 1–4 switch views (when not typing), the tabs also follow the arrow keys.
 */
import { Api } from './api.js';
import { AuditView } from './audit.js';
import { append, button, el, replace, type Child } from './dom.js';
import { InboxView } from './inbox.js';
import { PoliciesView } from './policies.js';
import { TreeView } from './tree.js';

type ViewName = 'inbox' | 'delegations' | 'audit' | 'policies';

const VIEWS: readonly (readonly [ViewName, string])[] = [
  ['inbox', 'Inbox'],
  ['delegations', 'Delegations'],
  ['audit', 'Audit log'],
  ['policies', 'Policies'],
];

async function main(): Promise<void> {
  const app = document.getElementById('app');
  if (app === null) return;
  const api = new Api();
  let signedOut = false;
  if (!(await api.start())) {
    showSignedOut(app);
    return;
  }

  const status = el('span', { class: 'stream', attrs: { role: 'status' } }, 'connecting…');
  const notes = el('div', { class: 'notes', attrs: { role: 'status', 'aria-live': 'polite' } });
  const note = (...text: Child[]): void => {
    const line = el('p', { class: 'note' }, ...text);
    notes.prepend(line);
    while (notes.childElementCount > 3) notes.lastElementChild?.remove();
    setTimeout(() => line.remove(), 15_000);
  };
  const counts = new Map<ViewName, HTMLElement>();
  const live = new InboxView(api, {
    status: (text, live) => {
      status.textContent = text;
      status.classList.toggle('live', live);
    },
    count: (n) => {
      const badge = counts.get('inbox');
      if (badge !== undefined) badge.textContent = n === 0 ? '' : String(n);
      document.title = n === 0 ? 'mandate console' : `(${n}) mandate console`;
    },
    note,
  });
  api.onSignedOut = () => {
    if (signedOut) return;
    signedOut = true;
    live.stop();
    showSignedOut(app);
  };
  const tree = new TreeView(api, note);
  const audit = new AuditView(api);
  const policies = new PoliciesView(api, note);
  const roots: Record<ViewName, HTMLElement> = {
    inbox: live.root,
    delegations: tree.root,
    audit: audit.root,
    policies: policies.root,
  };
  const loaders: Record<ViewName, () => Promise<void>> = {
    inbox: () => live.reconcile(),
    delegations: () => tree.load(),
    audit: () => audit.load(),
    policies: () => policies.load(),
  };

  const tabs = VIEWS.map(([name, label], i) => {
    const badge = el('span', { class: 'badge', attrs: { 'aria-label': 'waiting' } });
    counts.set(name, badge);
    const tab = el(
      'button',
      {
        attrs: {
          type: 'button',
          role: 'tab',
          id: `tab-${name}`,
          'aria-controls': `view-${name}`,
          'aria-keyshortcuts': String(i + 1),
          'data-view': name,
        },
        on: { click: () => show(name) },
      },
      label,
      ' ',
      badge,
    );
    return tab;
  });
  const tablist = el('nav', { attrs: { role: 'tablist', 'aria-label': 'Views' } }, ...tabs);
  tablist.addEventListener('keydown', (e) => {
    const at = tabs.indexOf(e.target as HTMLButtonElement);
    if (at < 0 || (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft')) return;
    const next = tabs[(at + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    next?.focus();
    next?.click();
    e.preventDefault();
  });
  const main = el('main', {});
  for (const [name] of VIEWS) {
    const panel = el(
      'div',
      { attrs: { role: 'tabpanel', id: `view-${name}`, 'aria-labelledby': `tab-${name}` } },
      roots[name],
    );
    panel.hidden = true;
    main.appendChild(panel);
  }

  const show = (name: ViewName): void => {
    for (const [view] of VIEWS) {
      const selected = view === name;
      const tab = document.getElementById(`tab-${view}`);
      tab?.setAttribute('aria-selected', String(selected));
      tab?.setAttribute('tabindex', selected ? '0' : '-1');
      const panel = document.getElementById(`view-${view}`);
      if (panel !== null) panel.hidden = !selected;
    }
    if (location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
    void loaders[name]();
  };

  replace(
    app,
    el(
      'header',
      { class: 'top' },
      el('span', { class: 'brand' }, 'mandate'),
      tablist,
      el(
        'div',
        { class: 'session' },
        status,
        button(
          'Sign out',
          () =>
            void api.signOut().finally(() => {
              signedOut = true;
              live.stop();
              showSignedOut(app, 'Signed out.');
            }),
          { attrs: { 'data-action': 'sign-out' } },
        ),
      ),
    ),
    notes,
    main,
  );
  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement;
    if (
      e.altKey ||
      e.ctrlKey ||
      e.metaKey ||
      target.closest('input, textarea, select, dialog') !== null
    )
      return;
    const view = VIEWS[Number(e.key) - 1];
    if (view === undefined) return;
    show(view[0]);
    document.getElementById(`tab-${view[0]}`)?.focus();
    e.preventDefault();
  });
  live.start();
  const wanted = VIEWS.find(([name]) => `#${name}` === location.hash)?.[0] ?? 'inbox';
  show(wanted);
}

/** The page without a session: how to get in. */
function showSignedOut(app: HTMLElement, heading = 'Not signed in'): void {
  document.querySelectorAll('dialog').forEach((d) => d.remove());
  replace(
    app,
    el(
      'section',
      { class: 'signed-out' },
      el('h1', {}, heading),
      el('p', {}, 'Open a one-time sign-in link: '),
      el('pre', {}, 'mandate console'),
      el(
        'p',
        { class: 'muted' },
        'prints one (mandate serve prints one when it starts). A link works once, for 10 minutes; a session ends after 12 hours unused, on sign-out, or when the service restarts.',
      ),
    ),
  );
  append(app);
}

void main();
