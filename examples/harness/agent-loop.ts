/**
 * The agent loop of a harness written on mandate alone, with no agent SDK: the model picks a tool
 * call, the session decides and runs it, and whatever came back — the tool's result, or the
 * refusal text with the needed scope and how to ask — is what the model reads next. The model
 * also gets mandate's two request tools (`permissionTools`), so it can ask its grantor for more
 * and see the answer; an approval installs the new token in the session, and the retried call is
 * decided by it. (Inside this repository it imports the sources; an application imports the same
 * names from 'mandate'.)
 */
import {
  InvalidArgumentsError,
  PermissionDenied,
  permissionTools,
  type AgentSession,
} from '../../src/index.js';

/** What a model does in one turn: call a tool, or finish with a text. */
export type Turn =
  | { readonly call: string; readonly args: Readonly<Record<string, unknown>> }
  | { readonly finish: string };

/** A model: reads the last result (undefined at the start) and takes its turn. */
export type Model = (lastResult: string | undefined) => Turn;

/** A model that plays turns from a script; a step may read what the model saw. */
export function scriptedModel(script: readonly (Turn | ((seen: string) => Turn))[]): Model {
  let i = 0;
  return (seen) => {
    const step = script[i++];
    if (step === undefined) throw new Error('the script has no more turns');
    return typeof step === 'function' ? step(seen ?? '') : step;
  };
}

export interface LoopOptions {
  /** Called with each line of the run, for the person watching. */
  readonly log: (line: string) => void;
  /** Called when the agent asks for permission (its grantor's turn to decide, here in-process). */
  readonly onRequest?: (id: string) => Promise<void>;
  /** The most turns before the loop gives up (a model that loops must not run forever). */
  readonly maxTurns?: number;
}

/** Runs the agent until its model finishes; returns the model's last words. */
export async function runAgent(
  session: AgentSession,
  model: Model,
  options: LoopOptions,
): Promise<string> {
  const mandate = permissionTools(session);
  const own = new Map([mandate.request, mandate.check].map((t) => [t.name, t]));
  let result: string | undefined;
  for (let turn = 0; turn < (options.maxTurns ?? 20); turn++) {
    const next = model(result);
    if ('finish' in next) return next.finish;
    const mandateTool = own.get(next.call);
    if (mandateTool !== undefined) {
      const answer = await mandateTool.run(next.args);
      result = answer.text;
      const id = answer.data['id'];
      options.log(`${session.principal} ${next.call}: ${firstLine(result)}`);
      if (next.call === mandate.request.name && typeof id === 'string' && !answer.isError)
        await options.onRequest?.(id);
      continue;
    }
    try {
      result = JSON.stringify(await session.invoke(next.call, next.args));
      options.log(`${session.principal} ${next.call}: ${result}`);
    } catch (err) {
      // A refusal is what the model reads: why, the needed scope, and how to ask for it.
      if (!(err instanceof PermissionDenied || err instanceof InvalidArgumentsError)) throw err;
      result = mandate.refused(err).text;
      options.log(`${session.principal} ${next.call}: ${firstLine(result)}`);
    }
  }
  throw new Error(`${session.principal}: the model did not finish`);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
