/**
 * Modal dialogs: the browser's own `<dialog>` opened with `showModal()`, so focus moves into it
 * and stays there, Escape closes it, and the page behind cannot be clicked. `confirmStep` asks a
 * yes/no question (the console asks one before a grant with no end in time or a `**` glob, and
 * before revoking or removing); with `reason` it also asks why, and will not go on without it.
 */
import { append, button, el, type Child } from './dom.js';

/**
 * Opens `content` in a modal dialog labelled `title`; resolves when it closes. The dialog is
 * removed from the page afterwards.
 *
 * @example
 * ```ts
 * const dialog = modal('Decide', body);
 * dialog.close();
 * ```
 */
export function modal(title: string, ...content: Child[]): HTMLDialogElement {
  const heading = el(
    'h2',
    { attrs: { id: `dialog-${Math.random().toString(36).slice(2)}` } },
    title,
  );
  const dialog = el('dialog', { attrs: { 'aria-labelledby': heading.id } }, heading);
  append(dialog, ...content);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
  return dialog;
}

/** What `confirmStep` asks. */
export interface ConfirmOptions {
  readonly title: string;
  readonly body: readonly Child[];
  /** The label of the button that goes on. */
  readonly confirm: string;
  /** Ask why (required): the answer is the reason. */
  readonly reason?: { readonly label: string; readonly placeholder?: string };
  /** The button that goes on is marked as dangerous. */
  readonly danger?: boolean;
}

/**
 * Asks for confirmation: resolves to the reason typed (or `''` without `reason`) when the person
 * goes on, `null` when they go back.
 *
 * @example
 * ```ts
 * if ((await confirmStep({ title: 'Revoke?', body: ['…'], confirm: 'Revoke', reason: { label: 'Why' } })) === null) return;
 * ```
 */
export function confirmStep(options: ConfirmOptions): Promise<string | null> {
  return new Promise((resolve) => {
    let answer: string | null = null;
    const input =
      options.reason === undefined
        ? undefined
        : el('input', {
            attrs: {
              type: 'text',
              required: '',
              maxlength: '2000',
              name: 'reason',
              placeholder: options.reason.placeholder ?? '',
            },
          });
    const problem = el('p', { class: 'problem', attrs: { role: 'alert' } });
    const go = button(
      options.confirm,
      () => {
        const reason = input?.value.trim() ?? '';
        if (input !== undefined && reason === '') {
          problem.textContent = 'Say why: the reason is recorded in the audit log.';
          input.focus();
          return;
        }
        answer = reason;
        dialog.close();
      },
      {
        class: options.danger === true ? 'danger' : 'primary',
        attrs: { 'data-action': 'confirm' },
      },
    );
    const back = button('Go back', () => dialog.close(), { attrs: { 'data-action': 'back' } });
    const dialog = modal(
      options.title,
      el('div', { class: 'confirm-body' }, ...options.body),
      input === undefined
        ? null
        : el('label', { class: 'field' }, el('span', {}, options.reason?.label ?? ''), input),
      problem,
      el('div', { class: 'actions' }, back, go),
    );
    dialog.classList.add('confirm');
    dialog.addEventListener('close', () => resolve(answer));
    input?.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        go.click();
      }
    });
    (input ?? back).focus();
  });
}
