/**
 * A permission request as a person judging it reads it, shared by the inbox and the decision
 * dialog: who asks and through whom (the chain, owner → planner → coder), the denied call it came
 * from, the reason, the scope asked for; then what approving would do: the verdict against the
 * owner's authority, what the requester may do afterwards that it cannot now (one alternative
 * per line), a request it would allow beyond the call (a witness), whether the call then passes,
 * and when the grant ends. Every value an agent wrote goes through `agentText`.
 */
import { agentText, append, codeText, el } from './dom.js';
import { callText, verdictText, when } from './format.js';
import type { ApprovalPreview, InboxItem, Witness } from './types.js';

/**
 * The chain of the requester's token: owner → planner → coder.
 *
 * @example
 * ```ts
 * chainLine(item); // <p class="chain">owner → planner → coder</p>
 * ```
 */
export function chainLine(item: InboxItem): HTMLElement {
  const line = el('p', { class: 'chain' });
  // Without a chain (the requester's token no longer verifies), the two ends are still known.
  const names: string[] =
    item.chain.length === 0
      ? [item.grantor, item.requester]
      : [
          item.chain[0]?.grantor ?? 'owner',
          ...item.chain.map((b) => b.grantee ?? 'any holder (bearer)'),
        ];
  names.forEach((name, i) => {
    if (i > 0)
      append(line, el('span', { class: 'arrow', attrs: { 'aria-hidden': 'true' } }, ' → '));
    append(line, i === 0 && name === 'owner' ? el('strong', {}, 'owner') : agentText(name));
  });
  return line;
}

/**
 * Who asks, the call behind the request, the reason and the scope asked for.
 *
 * @example
 * ```ts
 * append(card, ...requestFacts(item));
 * ```
 */
export function requestFacts(item: InboxItem): HTMLElement[] {
  const facts: HTMLElement[] = [
    el('div', { class: 'fact' }, el('span', { class: 'label' }, 'Who asks'), chainLine(item)),
  ];
  if (item.call !== null) {
    const passes =
      item.callAllowedAfter === null
        ? null
        : item.callAllowedAfter
          ? el('span', { class: 'ok' }, ' ✓ allowed after this approval')
          : el('span', { class: 'bad' }, ' ✗ still denied after this approval');
    facts.push(
      el(
        'div',
        { class: 'fact call' },
        el(
          'span',
          { class: 'label' },
          item.escalationOf === null ? 'The denied call' : 'The call behind it',
        ),
        el('p', {}, codeText(callText(item.call)), passes),
      ),
    );
  }
  facts.push(
    el(
      'div',
      { class: 'fact' },
      el('span', { class: 'label' }, 'Reason'),
      el('blockquote', { class: 'reason' }, agentText(item.reason)),
    ),
    el(
      'div',
      { class: 'fact' },
      el('span', { class: 'label' }, 'Asks for'),
      conditionList(item.scope),
    ),
  );
  return facts;
}

/**
 * A list of conditions, one per line.
 *
 * @example
 * ```ts
 * conditionList(['tool == "fs.write"']);
 * ```
 */
export function conditionList(
  conditions: readonly string[],
  className = 'conditions',
): HTMLElement {
  return el('ul', { class: className }, ...conditions.map((c) => el('li', {}, codeText(c))));
}

/**
 * A witness request as one line: the tool and its arguments.
 *
 * @example
 * ```ts
 * witnessLine({ tool: 'fs.write', args: { path: '/repo/.git/config' }, time: '…' });
 * ```
 */
export function witnessLine(witness: Witness): HTMLElement {
  return codeText(callText(witness));
}

/**
 * What approving would do: the verdict, the effect, a request beyond the call, the end.
 *
 * @example
 * ```ts
 * append(card, previewFacts(item, item.requester, null));
 * ```
 */
export function previewFacts(
  preview: ApprovalPreview,
  requester: string,
  beyond: Witness | null,
): HTMLElement {
  const box = el('div', { class: 'preview' });
  const verdict = verdictText(preview.verdict);
  append(
    box,
    el(
      'p',
      {
        class: `verdict ${verdict.ok ? 'ok' : 'bad'}`,
        attrs: { 'data-verdict': String(preview.verdict.contained) },
      },
      verdict.text,
    ),
  );
  if (preview.verdict.contained === false)
    append(box, el('p', { class: 'muted' }, 'for example: ', witnessLine(preview.verdict.witness)));
  const effect = preview.effect.alternatives;
  if (effect.length === 0) {
    append(
      box,
      el(
        'p',
        { class: 'effect-none' },
        'Nothing new: ',
        agentText(requester),
        ' may already do everything this approval would allow.',
      ),
    );
  } else {
    append(
      box,
      el(
        'div',
        { class: 'effect' },
        el('span', { class: 'label' }, 'If approved, ', agentText(requester), ' may also'),
        conditionList(effect, 'conditions effect-list'),
        preview.effect.complete
          ? null
          : el(
              'p',
              { class: 'muted' },
              'Not fully simplified (an algebra limit); the meaning is exact.',
            ),
      ),
    );
  }
  if (beyond !== null)
    append(
      box,
      el(
        'div',
        { class: 'witness', attrs: { role: 'note' } },
        el('span', { class: 'label' }, 'Beyond the call, this would also allow'),
        el('p', {}, witnessLine(beyond)),
      ),
    );
  append(
    box,
    el(
      'p',
      { class: preview.grantEnds === null ? 'ends unbounded' : 'ends' },
      'The grant would end: ',
      preview.grantEnds === null
        ? el('strong', {}, 'never (no time limit)')
        : when(preview.grantEnds),
    ),
  );
  if (preview.timeBoxCut && preview.grantEnds !== null)
    append(
      box,
      el(
        'p',
        { class: 'muted' },
        'The time box reaches past your own token: it is cut to its end.',
      ),
    );
  return box;
}
