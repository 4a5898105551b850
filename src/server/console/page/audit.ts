/**
 * The audit log: its entries in order, filtered by kind, principal (who acted or whom it
 * concerns), request and time (the service's `/v1/audit` query), with each entry's details as
 * JSON text; and the verification of the whole chain (`/v1/audit/verify`): every entry's hash,
 * and every request held to the entries that record it. The service answers the first entries
 * that match, so past the limit the person narrows the time range.
 */
import { AUDIT_KINDS } from '../../../requests/store/audit-kinds.js';
import type { Api } from './api.js';
import { agentText, append, button, el, field, replace } from './dom.js';
import { utc } from './format.js';
import type { AuditCheck, AuditRecord } from './types.js';

const LIMIT = 500;

/** The audit view. */
export class AuditView {
  readonly root: HTMLElement;
  readonly #api: Api;
  readonly #kind: HTMLSelectElement;
  readonly #principal: HTMLInputElement;
  readonly #request: HTMLInputElement;
  readonly #since: HTMLInputElement;
  readonly #until: HTMLInputElement;
  readonly #table: HTMLElement;
  readonly #verdict: HTMLElement;

  constructor(api: Api) {
    this.#api = api;
    this.#kind = el(
      'select',
      { attrs: { name: 'kind', id: 'audit-kind' } },
      el('option', { attrs: { value: '' } }, 'every kind'),
      ...AUDIT_KINDS.map((k) => el('option', { attrs: { value: k } }, k)),
    );
    this.#principal = input('principal', 'audit-principal', 'e.g. coder');
    this.#request = input('request', 'audit-request', 'request id');
    this.#since = input('since', 'audit-since', '', 'datetime-local');
    this.#until = input('until', 'audit-until', '', 'datetime-local');
    this.#table = el('div', { class: 'audit-slot' });
    this.#verdict = el('div', { class: 'verify-slot', attrs: { 'aria-live': 'polite' } });
    const filters = el(
      'form',
      { class: 'filters', attrs: { 'aria-label': 'Filter the audit log' } },
      field('Kind', this.#kind),
      field('Principal', this.#principal),
      field('Request', this.#request),
      field('Since (UTC)', this.#since),
      field('Until (UTC)', this.#until),
      el('button', { class: 'primary', attrs: { type: 'submit' } }, 'Filter'),
      button('Clear', () => {
        for (const i of [this.#principal, this.#request, this.#since, this.#until]) i.value = '';
        this.#kind.value = '';
        void this.load();
      }),
    );
    filters.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load();
    });
    this.root = el(
      'section',
      { class: 'view audit', attrs: { 'aria-labelledby': 'audit-title' } },
      el(
        'header',
        { class: 'view-head' },
        el('h1', { attrs: { id: 'audit-title' } }, 'Audit log'),
        button('Verify the chain', () => void this.verify(), {
          attrs: { 'data-action': 'verify' },
        }),
      ),
      filters,
      this.#verdict,
      this.#table,
    );
  }

  /** Reads the entries the filters ask for. */
  async load(): Promise<void> {
    const query = new URLSearchParams();
    if (this.#kind.value !== '') query.set('kind', this.#kind.value);
    if (this.#principal.value.trim() !== '') query.set('principal', this.#principal.value.trim());
    if (this.#request.value.trim() !== '') query.set('requestId', this.#request.value.trim());
    for (const [name, box] of [
      ['since', this.#since],
      ['until', this.#until],
    ] as const)
      if (box.value !== '') query.set(name, new Date(`${box.value}Z`).toISOString());
    query.set('limit', String(LIMIT));
    let records: AuditRecord[];
    try {
      records = await this.#api.get<AuditRecord[]>(`/v1/audit?${query.toString()}`);
    } catch (err) {
      replace(this.#table, el('p', { class: 'problem' }, (err as Error).message));
      return;
    }
    if (records.length === 0) {
      replace(this.#table, el('p', { class: 'empty' }, 'No entries match.'));
      return;
    }
    const rows = records.map((r) =>
      el(
        'tr',
        { attrs: { 'data-kind': r.kind, 'data-seq': String(r.seq) } },
        el('td', { class: 'num' }, String(r.seq)),
        el('td', { class: 'at' }, utc(r.at)),
        el('td', {}, el('span', { class: `kind ${r.kind}` }, r.kind)),
        el('td', {}, agentText(r.actor)),
        el('td', {}, r.subject === null ? '' : agentText(r.subject)),
        el('td', { class: 'id' }, r.requestId ?? ''),
        el('td', { class: 'details' }, el('code', {}, agentText(JSON.stringify(r.details)))),
      ),
    );
    replace(
      this.#table,
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['#', 'when', 'kind', 'actor', 'concerns', 'request', 'details'].map((h) =>
              el('th', { attrs: { scope: 'col' } }, h),
            ),
          ),
        ),
        el('tbody', {}, ...rows),
      ),
      records.length === LIMIT
        ? el(
            'p',
            { class: 'muted' },
            `The first ${LIMIT} matching entries: narrow the time range to see later ones.`,
          )
        : null,
    );
  }

  /** Verifies the chain and every request against it. */
  async verify(): Promise<void> {
    replace(this.#verdict, el('p', { class: 'muted' }, 'Verifying…'));
    let check: AuditCheck;
    try {
      check = await this.#api.post<AuditCheck>('/v1/audit/verify', {});
    } catch (err) {
      replace(this.#verdict, el('p', { class: 'problem' }, (err as Error).message));
      return;
    }
    if (check.ok) {
      replace(
        this.#verdict,
        el(
          'p',
          { class: 'verdict ok', attrs: { 'data-verified': 'true' } },
          `✓ The chain holds: ${plural(check.count, 'entry', 'entries')}, and ${plural(check.requests, 'request', 'requests')} backed by them. Head ${check.head}`,
        ),
      );
      return;
    }
    const box = el(
      'div',
      { class: 'verdict bad', attrs: { 'data-verified': 'false' } },
      el('p', {}, `✗ ${check.problem}${check.seq === null ? '' : ` (entry ${check.seq})`}`),
    );
    if (check.mismatches.length > 0)
      append(
        box,
        el(
          'ul',
          {},
          ...check.mismatches.map((m) => el('li', {}, `request ${m.requestId}: ${m.problem}`)),
        ),
      );
    replace(this.#verdict, box);
  }
}

function input(name: string, id: string, placeholder: string, type = 'text'): HTMLInputElement {
  return el('input', { attrs: { name, id, type, placeholder, autocomplete: 'off' } });
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
