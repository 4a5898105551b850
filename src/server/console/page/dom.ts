/**
 * Building the page without ever parsing HTML: elements are created one by one, text goes in as
 * text nodes, and attribute names are the console's own. Text an agent wrote goes through
 * `agentText`, which isolates it (a `<bdi>`, so right-to-left text cannot reorder the words
 * around it) and shows each control, format or separator character as a marked escape (the rule
 * the terminal follows too, from `_visible-text.ts`). The page's Content-Security-Policy requires
 * Trusted Types with no policy, so an `innerHTML` anywhere would throw rather than render.
 */
import { inertText, visibleParts } from '../../../_visible-text.js';

/** A child: a node, our own text, or nothing. */
export type Child = Node | string | null | undefined | false;

/** What `el` sets on an element. */
export interface Props {
  readonly class?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (e: HTMLElementEventMap[K]) => void };
}

/**
 * A new element with `props` and `children` (strings become text nodes).
 *
 * @example
 * ```ts
 * el('button', { class: 'primary', on: { click: approve } }, 'Approve');
 * ```
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class !== undefined) node.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value);
  for (const [name, handler] of Object.entries(props.on ?? {}))
    node.addEventListener(name, handler as EventListener);
  append(node, ...children);
  return node;
}

/**
 * Appends `children` to `parent` (strings as text nodes).
 *
 * @example
 * ```ts
 * append(list, el('li', {}, 'one'), 'two');
 * ```
 */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/**
 * Replaces the children of `parent`.
 *
 * @example
 * ```ts
 * replace(main, el('p', {}, 'nothing to decide'));
 * ```
 */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild !== null) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/**
 * Text an agent wrote, shown inert: isolated for bidi, each unsafe character as a marked escape.
 *
 * @example
 * ```ts
 * agentText('evil\u202etxt.exe'); // <bdi class="agent">evil<span class="esc">\u{202e}</span>txt.exe</bdi>
 * ```
 */
export function agentText(text: string, className = 'agent'): HTMLElement {
  const node = el('bdi', { class: className });
  for (const part of visibleParts(text)) {
    if (!part.escaped) node.appendChild(document.createTextNode(part.text));
    else
      node.appendChild(
        el(
          'span',
          {
            class: 'esc',
            attrs: { title: 'an invisible or control character, shown by its code' },
          },
          part.text,
        ),
      );
  }
  return node;
}

/**
 * Agent text for an attribute (an accessible name): the escapes, unmarked.
 *
 * @example
 * ```ts
 * button.setAttribute('aria-label', `Revoke the delegation to ${attrText(grantee)}`);
 * ```
 */
export function attrText(text: string): string {
  return inertText(text);
}

/**
 * Agent text as code (a condition, a tool call).
 *
 * @example
 * ```ts
 * el('li', {}, codeText('tool == "fs.read"'));
 * ```
 */
export function codeText(text: string): HTMLElement {
  return el('code', {}, agentText(text));
}

/**
 * A button with our own label.
 *
 * @example
 * ```ts
 * button('Approve', approve, { class: 'primary' });
 * ```
 */
export function button(
  label: string,
  onClick: () => void,
  props: { readonly class?: string; readonly attrs?: Readonly<Record<string, string>> } = {},
): HTMLButtonElement {
  return el(
    'button',
    {
      ...props,
      attrs: { type: 'button', ...props.attrs },
      on: { click: () => onClick() },
    },
    label,
  );
}

/**
 * A labelled form control.
 *
 * @example
 * ```ts
 * field('Time box', el('select', { attrs: { id: 'timebox' } }));
 * ```
 */
export function field(label: string, control: HTMLElement): HTMLElement {
  return el(
    'label',
    { class: 'field', attrs: { for: control.id } },
    el('span', {}, label),
    control,
  );
}
