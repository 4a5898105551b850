/**
 * Editing conditions with live validation: one condition per line in a text area; a short pause
 * after each edit sends them to the service (`check`), and each line that does not parse shows
 * the scope layer's error with its caret excerpt under the text area. Answers that arrive out of
 * order are dropped: only the latest edit's answer is shown.
 */
import { append, el, replace } from './dom.js';
import type { ConditionCheck } from './types.js';

/** How long to wait after an edit before checking, in ms. */
const PAUSE_MS = 180;

/** A text area of conditions, checked as they are typed. */
export class ConditionsEditor {
  readonly root: HTMLElement;
  readonly textarea: HTMLTextAreaElement;
  readonly #problems: HTMLElement;
  readonly #check: (conditions: string[]) => Promise<readonly ConditionCheck[] | undefined>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #latest = 0;
  #valid = true;

  /**
   * @param label - what the conditions are (our own text)
   * @param initial - the conditions to start from
   * @param check - checks the conditions (and updates whatever depends on them); resolves to
   *   the check of each, or `undefined` when it could not be done
   */
  constructor(
    label: string,
    initial: readonly string[],
    check: (conditions: string[]) => Promise<readonly ConditionCheck[] | undefined>,
  ) {
    this.#check = check;
    const id = `conditions-${Math.random().toString(36).slice(2)}`;
    this.textarea = el('textarea', {
      attrs: {
        id,
        name: 'conditions',
        rows: String(Math.min(8, Math.max(2, initial.length + 1))),
        spellcheck: 'false',
        autocomplete: 'off',
        'aria-describedby': `${id}-problems`,
      },
    });
    this.textarea.value = initial.join('\n');
    this.#problems = el('div', {
      class: 'problems',
      attrs: { id: `${id}-problems`, 'aria-live': 'polite' },
    });
    this.root = el(
      'div',
      { class: 'editor' },
      el('label', { attrs: { for: id } }, label, el('small', {}, ' (one condition per line)')),
      this.textarea,
      this.#problems,
    );
    this.textarea.addEventListener('input', () => this.#scheduled());
  }

  /** The conditions as typed: each non-empty line. */
  get conditions(): string[] {
    return this.#lines().map(([text]) => text);
  }

  /** Each non-empty line, trimmed, with its line number. */
  #lines(): [string, number][] {
    return this.textarea.value
      .split('\n')
      .map((line, i): [string, number] => [line.trim(), i + 1])
      .filter(([line]) => line !== '');
  }

  /** Whether the last check found every condition valid. */
  get valid(): boolean {
    return this.#valid;
  }

  /** Checks now (and cancels a pending check). */
  async checkNow(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const seq = ++this.#latest;
    const lines = this.#lines();
    const conditions = lines.map(([text]) => text);
    if (conditions.length === 0) {
      this.#valid = false;
      replace(this.#problems, el('p', { class: 'problem' }, 'Give at least one condition.'));
      return;
    }
    const checks = await this.#check(conditions);
    if (seq !== this.#latest || checks === undefined) return;
    this.#show(
      checks,
      lines.map(([, n]) => n),
    );
  }

  #scheduled(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#valid = false;
    this.#timer = setTimeout(() => void this.checkNow(), PAUSE_MS);
  }

  #show(checks: readonly ConditionCheck[], lineNumbers: readonly number[]): void {
    replace(this.#problems);
    this.#valid = checks.every((c) => c.ok);
    this.textarea.setAttribute('aria-invalid', this.#valid ? 'false' : 'true');
    checks.forEach((check, i) => {
      if (check.ok) return;
      const [summary = check.error.message] = check.error.message.split('\n');
      const problem = el(
        'div',
        { class: 'problem syntax', attrs: { role: 'alert' } },
        el('p', {}, `Line ${lineNumbers[i] ?? i + 1}: ${summary}`),
      );
      // The excerpt shows the typed line with a caret under the column; text only.
      if (check.error.excerpt !== undefined)
        append(problem, el('pre', { class: 'excerpt' }, check.error.excerpt));
      this.#problems.appendChild(problem);
    });
  }
}
