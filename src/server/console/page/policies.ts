/**
 * The owner's standing policies: requests inside an approve policy are approved at once (each
 * grant with the policy's time box), requests inside a deny policy are denied, anything else
 * waits in the inbox. A new policy's conditions are checked as they are typed (the caret excerpt
 * of an error); an approve policy with no time box on its grants, or with a `**` glob, asks for
 * confirmation before it is added. Removing one asks too.
 */
import type { Api } from './api.js';
import { confirmStep } from './dialogs.js';
import { agentText, button, el, field, replace, type Child } from './dom.js';
import { ConditionsEditor } from './editor.js';
import { duration, when } from './format.js';
import { conditionList } from './request-view.js';
import type { ConditionsCheck, PolicyView } from './types.js';

const LIFETIMES: readonly (readonly [string, number | null])[] = [
  ['never', null],
  ['1 hour', 3_600],
  ['1 day', 86_400],
  ['7 days', 604_800],
  ['30 days', 2_592_000],
];

const GRANT_BOXES: readonly (readonly [string, number | null])[] = [
  ['none (until the requester’s own token ends)', null],
  ['15 minutes', 900],
  ['1 hour', 3_600],
  ['1 day', 86_400],
  ['7 days', 604_800],
];

/** The policies view. */
export class PoliciesView {
  readonly root: HTMLElement;
  readonly #api: Api;
  readonly #note: (...text: Child[]) => void;
  readonly #list: HTMLElement;
  readonly #editor: ConditionsEditor;
  readonly #effect: HTMLSelectElement;
  readonly #expires: HTMLSelectElement;
  readonly #grantBox: HTMLSelectElement;
  readonly #problem: HTMLElement;
  #globstar: readonly string[] = [];

  constructor(api: Api, note: (...text: Child[]) => void) {
    this.#api = api;
    this.#note = note;
    this.#list = el('div', { class: 'policy-slot' });
    this.#problem = el('div', { class: 'problem-slot' });
    this.#effect = select('effect', 'policy-effect', [
      ['approve at once', 'approve'],
      ['deny at once', 'deny'],
    ]);
    this.#expires = select(
      'expires',
      'policy-expires',
      LIFETIMES.map(([l, s]) => [l, s === null ? '' : String(s)]),
    );
    this.#grantBox = select(
      'grant',
      'policy-grant',
      GRANT_BOXES.map(([l, s]) => [l, s === null ? '' : String(s)]),
    );
    this.#editor = new ConditionsEditor('Requests inside', [], async (conditions) => {
      try {
        const check = await this.#api.post<ConditionsCheck>('/v1/scope/check', { conditions });
        this.#globstar = check.globstar;
        return check.conditions;
      } catch (err) {
        replace(this.#problem, el('p', { class: 'problem' }, (err as Error).message));
        return undefined;
      }
    });
    const form = el(
      'form',
      { class: 'new-policy', attrs: { 'aria-label': 'Add a standing policy' } },
      el('h2', {}, 'Add a policy'),
      field('Effect', this.#effect),
      this.#editor.root,
      field('The policy ends', this.#expires),
      field('Time box of each grant', this.#grantBox),
      this.#problem,
      el(
        'div',
        { class: 'actions' },
        el('button', { class: 'primary', attrs: { type: 'submit' } }, 'Add policy'),
      ),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.#add();
    });
    this.root = el(
      'section',
      { class: 'view policies', attrs: { 'aria-labelledby': 'policies-title' } },
      el('h1', { attrs: { id: 'policies-title' } }, 'Standing policies'),
      el(
        'p',
        { class: 'muted' },
        'Requests inside an approve policy are approved at once, inside a deny policy denied at once; the rest wait in the inbox.',
      ),
      this.#list,
      form,
    );
  }

  /** Reads the policies. */
  async load(): Promise<void> {
    let policies: PolicyView[];
    try {
      policies = await this.#api.get<PolicyView[]>('/v1/policies');
    } catch (err) {
      replace(this.#list, el('p', { class: 'problem' }, (err as Error).message));
      return;
    }
    if (policies.length === 0) {
      replace(
        this.#list,
        el('p', { class: 'empty' }, 'No standing policies: every request waits for you.'),
      );
      return;
    }
    replace(
      this.#list,
      el(
        'ul',
        { class: 'policies' },
        ...policies.map((p) =>
          el(
            'li',
            { class: `policy ${p.effect}`, attrs: { 'data-id': p.id } },
            el(
              'span',
              { class: `effect ${p.effect}` },
              p.effect === 'approve' ? 'approve' : 'deny',
            ),
            conditionList(p.scope),
            el(
              'p',
              { class: 'muted' },
              p.expiresAt === null ? 'no end' : `ends ${when(p.expiresAt)}`,
              p.effect === 'approve'
                ? ` · each grant ${p.grantExpiresIn === null ? 'with no time box' : `for ${duration(p.grantExpiresIn)}`}`
                : '',
            ),
            button('Remove…', () => void this.#remove(p), { attrs: { 'data-action': 'remove' } }),
          ),
        ),
      ),
    );
  }

  async #add(): Promise<void> {
    replace(this.#problem);
    await this.#editor.checkNow();
    if (!this.#editor.valid) return;
    const effect = this.#effect.value as 'approve' | 'deny';
    const broad: HTMLElement[] = [];
    if (effect === 'approve' && this.#grantBox.value === '')
      broad.push(
        el(
          'li',
          {},
          'Its grants have no time box: each lasts as long as the requester’s own token.',
        ),
      );
    if (effect === 'approve' && this.#globstar.length > 0)
      broad.push(el('li', {}, 'It matches ** (any depth): ', conditionList(this.#globstar)));
    if (broad.length > 0) {
      const go = await confirmStep({
        title: 'Approve these at once?',
        body: [
          el('p', {}, 'Requests inside this policy will be approved without asking you:'),
          el('ul', { class: 'reasons' }, ...broad),
        ],
        confirm: 'Add policy',
        danger: true,
      });
      if (go === null) return;
    }
    try {
      await this.#api.post('/v1/policies', {
        effect,
        scope: this.#editor.conditions,
        ...(this.#expires.value === '' ? {} : { expiresIn: Number(this.#expires.value) }),
        ...(effect === 'approve' && this.#grantBox.value !== ''
          ? { grantExpiresIn: Number(this.#grantBox.value) }
          : {}),
      });
      this.#editor.textarea.value = '';
      this.#note(`Added a ${effect} policy.`);
      await this.load();
    } catch (err) {
      replace(
        this.#problem,
        el('p', { class: 'problem', attrs: { role: 'alert' } }, (err as Error).message),
      );
    }
  }

  async #remove(policy: PolicyView): Promise<void> {
    const go = await confirmStep({
      title: 'Remove this policy?',
      body: [
        el('p', {}, `The ${policy.effect} policy on:`),
        conditionList(policy.scope),
        el('p', {}, 'Matching requests will wait for you again.'),
      ],
      confirm: 'Remove',
      danger: true,
    });
    if (go === null) return;
    try {
      await this.#api.delete(`/v1/policies/${encodeURIComponent(policy.id)}`);
      this.#note('Removed the policy on ', agentText(policy.scope.join(' and ')), '.');
    } catch (err) {
      this.#note('Could not remove the policy: ', (err as Error).message);
    }
    await this.load();
  }
}

function select(
  name: string,
  id: string,
  options: readonly (readonly [string, string])[],
): HTMLSelectElement {
  return el(
    'select',
    { attrs: { name, id } },
    ...options.map(([label, value]) => el('option', { attrs: { value } }, label)),
  );
}
