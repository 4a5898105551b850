/**
 * The inbox, live: the service's inbox stream (`EventSource` on `/v1/inbox`, which sends the
 * session cookie same-origin and resumes with `Last-Event-ID` after a drop) adds each new
 * request as it arrives, without reloading. The stream only announces arrivals, so the list is
 * also re-read (as JSON) when the stream (re)connects, when the window regains focus, and every
 * 20 seconds: a request decided elsewhere (the CLI, another tab), expired or cancelled leaves
 * the list then. Each card shows the request and the preview of approving it as asked, then a
 * request it would allow beyond the denied call, fetched for that card. Keyboard: `j`/`k` move
 * between cards, Enter or `a` opens the decision dialog, `d` opens it on denying.
 */
import { ApiError, type Api } from './api.js';
import { approveAsAsked, openDecision, type Decided } from './decision.js';
import { agentText, append, button, el, replace, type Child } from './dom.js';
import { when } from './format.js';
import { previewFacts, requestFacts } from './request-view.js';
import type { ApprovalCheck, InboxItem } from './types.js';

/** How often the list is re-read from the service, in ms. */
const RECONCILE_MS = 20_000;

/** What the inbox tells the rest of the page. */
export interface InboxHooks {
  /** The stream's state, in a few words. */
  readonly status: (text: string, live: boolean) => void;
  /** How many requests wait. */
  readonly count: (n: number) => void;
  /** A note for the person (a decision made, a request gone). */
  readonly note: (...text: Child[]) => void;
}

/** The inbox view. */
export class InboxView {
  readonly root: HTMLElement;
  readonly #api: Api;
  readonly #hooks: InboxHooks;
  readonly #list: HTMLElement;
  readonly #items = new Map<string, InboxItem>();
  readonly #cards = new Map<string, HTMLElement>();
  #source: EventSource | undefined;

  constructor(api: Api, hooks: InboxHooks) {
    this.#api = api;
    this.#hooks = hooks;
    this.#list = el('div', {
      class: 'cards',
      attrs: { role: 'list', 'aria-label': 'Requests waiting' },
    });
    this.root = el(
      'section',
      { class: 'view inbox', attrs: { 'aria-labelledby': 'inbox-title' } },
      el('h1', { attrs: { id: 'inbox-title' } }, 'Inbox'),
      this.#list,
    );
    this.root.addEventListener('keydown', (e) => this.#key(e));
    this.#render();
  }

  /** Opens the stream and starts re-reading the list. */
  start(): void {
    const source = new EventSource('/v1/inbox');
    this.#source = source;
    this.#hooks.status('connecting…', false);
    source.addEventListener('request', (e) => {
      const item = JSON.parse((e as MessageEvent<string>).data) as InboxItem;
      this.#add(item, true);
    });
    source.addEventListener('ready', () => {
      this.#hooks.status('live', true);
      void this.reconcile();
    });
    source.addEventListener('open', () => this.#hooks.status('live', true));
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        this.#hooks.status('disconnected', false);
        // A closed stream is not retried by the browser: the session may be gone.
        void this.#api.start().then((ok) => {
          if (ok) setTimeout(() => this.start(), 2000);
          else this.#api.onSignedOut();
        });
      } else this.#hooks.status('reconnecting…', false);
    });
    setInterval(() => void this.reconcile(), RECONCILE_MS);
    window.addEventListener('focus', () => void this.reconcile());
  }

  /** Stops the stream. */
  stop(): void {
    this.#source?.close();
  }

  /** Re-reads the list: requests no longer waiting leave it. */
  async reconcile(): Promise<void> {
    let items: InboxItem[];
    try {
      items = await this.#api.get<InboxItem[]>('/v1/inbox');
    } catch {
      return;
    }
    const open = new Set(items.map((i) => i.id));
    for (const id of [...this.#items.keys()]) if (!open.has(id)) this.#drop(id);
    for (const item of items) this.#add(item, false);
  }

  #add(item: InboxItem, arrived: boolean): void {
    const known = this.#items.has(item.id);
    this.#items.set(item.id, item);
    if (known && !arrived) {
      // Unchanged in substance; keep the card (and whatever the person is doing with it).
      return;
    }
    const card = this.#card(item);
    const old = this.#cards.get(item.id);
    if (old !== undefined) old.replaceWith(card);
    else {
      this.#list.appendChild(card);
      if (arrived) card.classList.add('arrived');
    }
    this.#cards.set(item.id, card);
    this.#render();
  }

  #drop(id: string): void {
    this.#items.delete(id);
    this.#cards.get(id)?.remove();
    this.#cards.delete(id);
    this.#render();
  }

  /** The empty state and the count. */
  #render(): void {
    this.#hooks.count(this.#items.size);
    const empty = this.#list.querySelector(':scope > .empty');
    if (this.#items.size === 0 && empty === null)
      this.#list.appendChild(
        el('p', { class: 'empty' }, 'Nothing waiting. New requests appear here as agents ask.'),
      );
    else if (this.#items.size > 0) empty?.remove();
  }

  #decided = (item: InboxItem, how: Decided, note: string): void => {
    this.#drop(item.id);
    const what = how === 'gone' ? `no longer waiting (${note})` : note;
    this.#hooks.note('Request from ', agentText(item.requester), `: ${what}.`);
  };

  #card(item: InboxItem): HTMLElement {
    const waiting = item.status === 'escalated';
    const card = el(
      'article',
      {
        class: 'card request',
        attrs: { role: 'listitem', tabindex: '0', 'data-id': item.id },
      },
      el(
        'header',
        {},
        el('h2', {}, agentText(item.requester), ' asks'),
        el('span', { class: 'muted' }, `request ${item.id} · expires ${when(item.expiresAt)}`),
      ),
      ...requestFacts(item),
    );
    if (waiting) {
      append(
        card,
        el(
          'p',
          { class: 'muted' },
          `Escalated (request ${item.escalatedTo ?? '?'}): waiting for the answer.`,
        ),
      );
      return card;
    }
    const preview = previewFacts(item, item.requester, null);
    append(
      card,
      preview,
      el(
        'footer',
        { class: 'actions' },
        button('Decide…', () => this.#open(item, 'approve'), {
          class: 'primary',
          attrs: { 'data-action': 'decide' },
        }),
        button('Approve as asked', () => void approveAsAsked(this.#api, item, this.#decided), {
          attrs: { 'data-action': 'approve-as-asked' },
        }),
        button('Deny…', () => this.#open(item, 'deny'), { attrs: { 'data-action': 'deny' } }),
      ),
    );
    void this.#check(item, preview);
    return card;
  }

  /**
   * Checks a card's request with the service: one a standing policy (or anyone) decided while
   * the stream announced it leaves the list; otherwise the card gains a request the approval as
   * asked would allow beyond its call, when there is one.
   */
  async #check(item: InboxItem, preview: HTMLElement): Promise<void> {
    let check: ApprovalCheck;
    try {
      check = await this.#api.post<ApprovalCheck>(
        `/v1/requests/${encodeURIComponent(item.id)}/check`,
        {},
      );
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.status === 404))
        this.#drop(item.id);
      // Otherwise the service is away: the card keeps the inbox's preview.
      return;
    }
    if (check.preview !== null && check.beyondCall !== null)
      replace(preview, ...previewFacts(check.preview, item.requester, check.beyondCall).childNodes);
  }

  #open(item: InboxItem, focus: 'approve' | 'deny'): void {
    openDecision(this.#api, item, focus, this.#decided);
  }

  #key(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (!target.classList.contains('request')) return;
    const id = target.getAttribute('data-id') ?? '';
    const item = this.#items.get(id);
    const cards = [...this.#cards.values()];
    const at = cards.indexOf(target);
    if (e.key === 'j' || e.key === 'ArrowDown') cards[Math.min(cards.length - 1, at + 1)]?.focus();
    else if (e.key === 'k' || e.key === 'ArrowUp') cards[Math.max(0, at - 1)]?.focus();
    else if (item === undefined || item.status !== 'pending') return;
    else if (e.key === 'Enter' || e.key === 'a') this.#open(item, 'approve');
    else if (e.key === 'd') this.#open(item, 'deny');
    else return;
    e.preventDefault();
  }
}
