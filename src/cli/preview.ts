/**
 * How the CLI shows what an approval does (the library's `ApprovalPreview`): the verdict against
 * the grantor's own authority in words, what the requester may do afterwards that it cannot do
 * now (one alternative per line), when the grant ends, and whether a time box was cut to the
 * grantor's own expiry. The inbox and `approve --dry-run` show it before deciding ("would");
 * `approve` shows the same after committing ("now"), so a grantor never approves blind.
 */
import type { ApprovalPreview, PermissionRequestView } from '../requests/index.js';
import type { Containment } from '../scope/index.js';
import { expiryText, printAlternatives, witnessText } from './format.js';
import type { Output } from './output.js';

/**
 * The verdict in words: within your authority, beyond it (escalate, with a request that shows
 * it), or unknown (treat as beyond).
 *
 * @example
 * ```ts
 * out.line(verdictText(out, { contained: true })); // "✓ within your authority"
 * ```
 */
export function verdictText(out: Output, verdict: Containment): string {
  const s = out.style;
  if (verdict.contained === true) return s.green('✓ within your authority');
  if (verdict.contained === false) {
    return `${s.red('✗ beyond your authority: escalate')} ${s.dim(`(e.g. ${witnessText(verdict.witness)})`)}`;
  }
  return `${s.yellow('? unknown: treat as beyond')} ${s.dim(`(${verdict.reason})`)}`;
}

/** Before deciding (`would`), or after committing (`now`). */
export type PreviewTense = 'would' | 'now';

/**
 * Prints what an approval of `view` does: the denied call behind the request, if it carries one,
 * and whether the approval lets it through; what the requester may then do that it cannot now;
 * the end of the grant (before deciding; after it the request view shows it); and a note when
 * the time box was cut to the grantor's expiry.
 *
 * @example
 * ```ts
 * printEffect(out, view, await delegator.preview(id, { by: 'owner' }), 'would', new Date());
 * ```
 */
export function printEffect(
  out: Output,
  view: PermissionRequestView,
  preview: ApprovalPreview,
  tense: PreviewTense,
  now: Date,
  indent = '',
): void {
  printCall(out, view, preview.callAllowedAfter, tense, indent);
  const s = out.style;
  const who = s.bold(view.requester);
  const { effect, verdict } = preview;
  if (effect.alternatives.length === 0) {
    out.line(`${indent}${nothingGained(who, verdict, tense)}`);
  } else {
    out.line(`${indent}${gainedHeading(who, verdict, tense)}${s.dim(':')}`);
    printAlternatives(out, effect, `${indent}  `);
  }
  const ends = preview.grantEnds ?? undefined;
  if (tense === 'would') out.line(`${indent}the grant would end: ${expiryText(out, ends, now)}`);
  if (preview.timeBoxCut && ends !== undefined) {
    out.line(
      `${indent}${s.yellow(
        tense === 'would'
          ? `the time box reaches past your own token's expiry: it would be cut to ${ends.toISOString()}`
          : `the time box was cut to your own token's expiry: ${ends.toISOString()}`,
      )}`,
    );
  }
}

/** What to say when the approval gives the requester nothing it cannot do already. */
function nothingGained(who: string, verdict: Containment, tense: PreviewTense): string {
  if (tense === 'now')
    return `nothing new: ${who} could already do everything this approval allows`;
  if (verdict.contained === false)
    return `${who} would gain nothing within your own authority: what it asks for needs more than you hold`;
  if (verdict.contained === 'unknown') return `what ${who} would gain cannot be shown (see above)`;
  return `nothing new: ${who} may already do everything this approval would allow`;
}

/** The line above what the approval gives the requester. */
function gainedHeading(who: string, verdict: Containment, tense: PreviewTense): string {
  if (tense === 'now') return `${who} may now also`;
  return verdict.contained === true
    ? `if approved, ${who} may also`
    : `within your own authority, ${who} would gain only`;
}

/** The denied call behind a request, and whether the approval lets it through. */
function printCall(
  out: Output,
  view: PermissionRequestView,
  allowedAfter: boolean | null,
  tense: PreviewTense,
  indent: string,
): void {
  if (view.call === null) return;
  const s = out.style;
  const call = `${view.call.tool} ${JSON.stringify(view.call.args)}`;
  out.line(
    `${indent}${
      view.escalationOf === null
        ? `${s.bold(view.requester)} tried ${call}`
        : `the call behind it (request ${view.escalationOf}): ${call}`
    }`,
  );
  if (allowedAfter === null) return;
  const verdict = allowedAfter
    ? s.green(tense === 'would' ? '✓ allowed after this approval' : '✓ that call is now allowed')
    : s.red(
        tense === 'would' ? '✗ still denied after this approval' : '✗ that call is still denied',
      );
  out.line(`${indent}  ${verdict}`);
}
