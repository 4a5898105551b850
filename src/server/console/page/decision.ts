/**
 * Deciding a request: the decision dialog (approve as asked or narrower, with a time box, the
 * preview and containment updating as the conditions are edited; deny with a reason; escalate
 * when it is beyond the grantor), and approving as asked straight from the inbox. Every
 * approval that would grant something with no end in time, or through a `**` glob, asks for
 * confirmation first, naming what makes it broad.
 */
import { ApiError, type Api } from './api.js';
import { confirmStep, modal } from './dialogs.js';
import { agentText, append, button, el, field, replace } from './dom.js';
import { ConditionsEditor } from './editor.js';
import { TIME_BOXES } from './format.js';
import { conditionList, previewFacts, requestFacts } from './request-view.js';
import type { ApprovalCheck, InboxItem } from './types.js';

/** How a decision ended, for the inbox. */
export type Decided = 'approved' | 'denied' | 'escalated' | 'gone';

/** Called once a request has left the inbox (decided here, or found decided elsewhere). */
export type OnDecided = (item: InboxItem, how: Decided, note: string) => void;

/** The approval's terms as the service takes them. */
interface Terms {
  readonly scope?: readonly string[];
  readonly expiresIn?: number;
}

/**
 * Approves `item` with `terms` after `check` (the service's check of those terms), asking for
 * confirmation when the grant has no end in time or widens through `**`. Resolves to whether it
 * approved; throws the service's error.
 */
async function approve(
  api: Api,
  item: InboxItem,
  terms: Terms,
  check: ApprovalCheck,
): Promise<boolean> {
  if (check.preview === null) return false;
  const reasons: HTMLElement[] = [];
  if (check.preview.grantEnds === null)
    reasons.push(
      el(
        'li',
        {},
        el('strong', {}, 'No end in time: '),
        'the grant lasts as long as nothing revokes it.',
      ),
    );
  if (check.globstar.length > 0)
    reasons.push(
      el('li', {}, el('strong', {}, 'Matches ** (any depth): '), conditionList(check.globstar)),
    );
  if (reasons.length > 0) {
    const go = await confirmStep({
      title: 'Grant this broadly?',
      body: [
        el('p', {}, 'This approval for ', agentText(item.requester), ' is broad:'),
        el('ul', { class: 'reasons' }, ...reasons),
      ],
      confirm: 'Approve anyway',
      danger: true,
    });
    if (go === null) return false;
  }
  await api.post(`/v1/requests/${encodeURIComponent(item.id)}/approve`, terms);
  return true;
}

/**
 * Approves `item` as asked, from the inbox (with the confirmation `approve` asks for).
 *
 * @example
 * ```ts
 * await approveAsAsked(api, item, onDecided);
 * ```
 */
export async function approveAsAsked(api: Api, item: InboxItem, done: OnDecided): Promise<void> {
  try {
    const check = await api.post<ApprovalCheck>(
      `/v1/requests/${encodeURIComponent(item.id)}/check`,
      {},
    );
    if (check.problem !== null) throw new ApiError(400, check.problem);
    if (await approve(api, item, {}, check)) done(item, 'approved', 'approved as asked');
  } catch (err) {
    failed(err, item, done);
  }
}

/** Reports a failure: a request decided elsewhere leaves the inbox; anything else is shown. */
function failed(err: unknown, item: InboxItem, done: OnDecided, where?: HTMLElement): void {
  if (err instanceof ApiError && (err.status === 409 || err.status === 404)) {
    done(item, 'gone', err.message);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  if (where === undefined) {
    void confirmStep({ title: 'That did not work', body: [el('p', {}, message)], confirm: 'OK' });
    return;
  }
  replace(where, el('p', { class: 'problem', attrs: { role: 'alert' } }, message));
}

/**
 * Opens the decision dialog for `item`, with the focus on approving or on denying.
 *
 * @example
 * ```ts
 * openDecision(api, item, 'approve', onDecided);
 * ```
 */
export function openDecision(
  api: Api,
  item: InboxItem,
  focus: 'approve' | 'deny',
  done: OnDecided,
): void {
  const path = `/v1/requests/${encodeURIComponent(item.id)}`;
  let latest: ApprovalCheck | undefined;
  const previewBox = el('div', { class: 'preview-slot', attrs: { 'aria-live': 'polite' } });
  const approveProblem = el('div', { class: 'problem-slot' });
  const timeBox = el(
    'select',
    { attrs: { name: 'timebox', id: `timebox-${item.id}` } },
    ...TIME_BOXES.map(([label, seconds]) =>
      el('option', { attrs: { value: seconds === null ? '' : String(seconds) } }, label),
    ),
  );
  const terms = (conditions: readonly string[]): Terms => ({
    ...(sameList(conditions, item.scope) ? {} : { scope: conditions }),
    ...(timeBox.value === '' ? {} : { expiresIn: Number(timeBox.value) }),
  });
  const editor = new ConditionsEditor('Grant', item.scope, async (conditions) => {
    try {
      const check = await api.post<ApprovalCheck>(`${path}/check`, {
        scope: conditions,
        ...(timeBox.value === '' ? {} : { expiresIn: Number(timeBox.value) }),
      });
      latest = check;
      replace(approveProblem);
      if (check.preview !== null)
        replace(previewBox, previewFacts(check.preview, item.requester, check.beyondCall));
      else replace(previewBox);
      if (check.problem !== null)
        replace(
          approveProblem,
          el('p', { class: 'problem', attrs: { role: 'alert' } }, check.problem.message),
        );
      return check.conditions;
    } catch (err) {
      failed(err, item, done, approveProblem);
      return undefined;
    }
  });
  timeBox.addEventListener('change', () => void editor.checkNow());

  const approveButton = button('Approve', () => void onApprove(), {
    class: 'primary',
    attrs: { 'data-action': 'approve' },
  });
  const onApprove = async (): Promise<void> => {
    approveButton.disabled = true;
    try {
      await editor.checkNow();
      if (
        !editor.valid ||
        latest === undefined ||
        latest.preview === null ||
        latest.problem !== null
      ) {
        if (approveProblem.firstChild === null)
          replace(
            approveProblem,
            el('p', { class: 'problem', attrs: { role: 'alert' } }, 'Fix the conditions first.'),
          );
        return;
      }
      const t = terms(editor.conditions);
      if (await approve(api, item, t, latest)) {
        dialog.close();
        done(item, 'approved', t.scope === undefined ? 'approved as asked' : 'approved, narrower');
      }
    } catch (err) {
      failed(err, item, done, approveProblem);
    } finally {
      approveButton.disabled = false;
    }
  };

  const reason = el('input', {
    attrs: {
      type: 'text',
      name: 'deny-reason',
      maxlength: '2000',
      id: `deny-${item.id}`,
      placeholder: 'what the agent should know',
    },
  });
  const denyProblem = el('div', { class: 'problem-slot' });
  const denyButton = button('Deny', () => void onDeny(), {
    class: 'danger',
    attrs: { 'data-action': 'deny' },
  });
  const onDeny = async (): Promise<void> => {
    const why = reason.value.trim();
    if (why === '') {
      replace(
        denyProblem,
        el(
          'p',
          { class: 'problem', attrs: { role: 'alert' } },
          'Say why: the agent reads the reason.',
        ),
      );
      reason.focus();
      return;
    }
    try {
      await api.post(`${path}/deny`, { reason: why });
      dialog.close();
      done(item, 'denied', 'denied');
    } catch (err) {
      failed(err, item, done, denyProblem);
    }
  };
  reason.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void onDeny();
    }
  });

  const escalate =
    item.verdict.contained === true
      ? null
      : el(
          'section',
          { class: 'decide escalate' },
          el('h3', {}, 'Escalate'),
          el('p', {}, 'This is beyond your own authority: ask your grantor, then decide.'),
          button(
            'Escalate',
            () => {
              void api
                .post(`${path}/escalate`, {})
                .then(() => {
                  dialog.close();
                  done(item, 'escalated', 'escalated');
                })
                .catch((err: unknown) => failed(err, item, done, denyProblem));
            },
            { attrs: { 'data-action': 'escalate' } },
          ),
        );

  const dialog = modal(
    'Decide',
    el('div', { class: 'facts' }, ...requestFacts(item)),
    el(
      'section',
      { class: 'decide approve' },
      el('h3', {}, 'Approve'),
      editor.root,
      field('Time box', timeBox),
      previewBox,
      approveProblem,
      el('div', { class: 'actions' }, approveButton),
    ),
    el(
      'section',
      { class: 'decide deny' },
      el('h3', {}, 'Deny'),
      field('Reason (the agent reads it)', reason),
      denyProblem,
      el('div', { class: 'actions' }, denyButton),
    ),
    escalate,
    el(
      'div',
      { class: 'actions close' },
      button('Close', () => dialog.close(), { attrs: { 'data-action': 'close' } }),
    ),
  );
  dialog.classList.add('decision');
  append(dialog);
  void editor.checkNow();
  (focus === 'deny' ? reason : editor.textarea).focus();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
