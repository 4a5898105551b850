/**
 * `npm run demo -- --console`: the demo's agent asks, and a person decides in the browser. The
 * home's Delegator is served (as `mandate serve` would serve it) on a free port of 127.0.0.1,
 * and a one-time sign-in link to its consent console is printed. The owner delegates read
 * access on checking to a budget agent; the agent, in this process on the fake bank, is denied a
 * transfer and asks; the request appears in the console's inbox without reloading; whatever the
 * person decides (approve as asked, narrower, time-boxed, or deny with a reason) reaches the
 * agent, which retries or reports back. It asks once more for a larger amount. Then the demo
 * keeps serving until Ctrl-C, and the agent checks its balance every few seconds, so revoking
 * its delegation in the console's tree shows at once in the terminal.
 */
import {
  DEFAULT_SESSION_LIMITS,
  Sessions,
  createOwnerCredential,
  createServiceApp,
  listen,
  ownerCheck,
} from '../../server/index.js';
import { authorize, type RootKeyring } from '../../delegation/index.js';
import type { Delegator } from '../../requests/index.js';
import { caveat } from '../../scope/index.js';
import { createToolRunner, PermissionDenied, type AgentSession } from '../../tools/index.js';
import { conjunctionText } from '../format.js';
import { createFakeBank, type TransferReceipt } from './bank.js';
import type { Narrator } from './narrator.js';
import { TRANSFER, call, callDenied, mintBudgetAgent, money } from './scenario.js';

/** What the console scenario runs on. */
export interface ConsoleScenarioContext {
  readonly say: Narrator;
  readonly delegator: Delegator;
  readonly rootKeys: RootKeyring;
  /** Aborts when the person ends the demo (Ctrl-C), at whatever step it is. */
  readonly stop: AbortSignal;
}

/** How long each request waits for a decision, in seconds. */
const REQUEST_SECONDS = 15 * 60;

/**
 * Runs the console scenario; resolves once the person has ended it.
 *
 * @example
 * ```ts
 * await runConsoleScenario({ say, delegator, rootKeys: delegator.rootKeys, stop: signal });
 * ```
 */
export async function runConsoleScenario(ctx: ConsoleScenarioContext): Promise<void> {
  const { say, delegator } = ctx;
  const s = say.s;
  const sessions = new Sessions(DEFAULT_SESSION_LIMITS, () => Date.now());
  const credential = createOwnerCredential();
  const app = createServiceApp({ delegator, sessions, isOwner: ownerCheck(() => credential) });
  const running = await listen(app, { port: 0 });
  try {
    say.step('The service is up: sign in to its consent console');
    say.detail(s.bold(`${running.url}/v1/signin?code=${sessions.issueLink()}`));
    say.say('  Open this link in a browser on this machine: it works once, within 10 minutes.');
    say.say('  Each step below waits for your decision there.');

    const token = await mintBudgetAgent(say);
    const bank = createFakeBank(() => new Date());
    const runner = createToolRunner({
      rootKeys: ctx.rootKeys,
      tools: bank.tools,
      broker: delegator,
      revocations: delegator.revocations(),
    });
    const agent = runner.startAgent({ principal: 'budget-agent', token });

    say.step('The agent is denied a transfer, and asks you for it');
    await askAndWait(ctx, agent, TRANSFER, 'Move $80 to savings to cover the electricity bill');

    say.step('It asks for more: the rent reserve');
    await askAndWait(
      ctx,
      agent,
      { ...TRANSFER, amount: 1200, memo: 'Rent reserve' },
      "Move $1,200 to savings for next month's rent",
    );

    say.step('Explore the console; Ctrl-C ends the demo');
    say.say('  Delegations: the tree, each hop with its status; revoke the budget agent there.');
    say.say('  Audit log: every step above, filtered and verified. Policies: standing rules.');
    say.say('  The agent checks its balance every 3 seconds, so a revocation shows here at once.');
    await watchUntilStopped(say, agent, ctx.stop);
  } catch (err) {
    // Ctrl-C while the agent waits for a decision ends the demo as it would at the last step.
    if (!ctx.stop.aborted) throw err;
  } finally {
    await running.close({ graceMs: 500 });
  }
}

/** Calls `bank.transfer` with `args`, asks for what the denial names, and acts on the answer. */
async function askAndWait(
  ctx: ConsoleScenarioContext,
  agent: AgentSession,
  args: Record<string, unknown>,
  reason: string,
): Promise<void> {
  const { say } = ctx;
  const s = say.s;
  const allowed = authorize(
    agent.token,
    { tool: 'bank.transfer', args, principal: agent.principal },
    { rootKeys: ctx.rootKeys, revocations: ctx.delegator.revocations() },
  ).allowed;
  if (allowed) {
    // An earlier approval already covers it.
    await transfer(say, agent, args);
    return;
  }
  const denial = await callDenied(say, agent, 'bank.transfer', args, true);
  const needed = denial.decision.needed;
  if (needed === undefined) throw new Error('demo: the denial named no needed scope');
  // The agent asks for what the denial names and, where it does not pin them, no more than this
  // amount, to this account.
  const scope = [
    ...needed.scope,
    ...(needed.scope.some((c) => c.includes('args.to')) ? [] : [caveat`args.to == ${args['to']}`]),
    ...(needed.scope.some((c) => c.includes('args.amount'))
      ? []
      : [caveat`args.amount <= ${args['amount']}`]),
  ];
  const ticket = await agent.requestPermission({
    scope,
    reason,
    call: { tool: denial.tool, args: denial.args },
    expiresIn: REQUEST_SECONDS,
  });
  say.agent(agent.principal, `asked ${ticket.id}: ${conjunctionText(scope)}`);
  say.detail(s.yellow('waiting for your decision in the console (Inbox)…'));
  const outcome = await agent.awaitResponse(ticket.id, { signal: ctx.stop });
  if (outcome.status === 'approved') {
    say.detail(`${s.green('approved')}: ${conjunctionText(outcome.scope)}`);
    try {
      await transfer(say, agent, args);
    } catch (err) {
      if (!(err instanceof PermissionDenied)) throw err;
      say.detail(`${s.red('✗ still denied')}: the approval did not cover this call`);
    }
  } else if (outcome.status === 'denied') {
    say.detail(`${s.red('denied')}: ${outcome.reason}; the agent reports back instead of retrying`);
  } else {
    say.detail(`${s.yellow(outcome.status)}: the agent gives up on it`);
  }
}

/** Makes the transfer and shows its receipt. */
async function transfer(
  say: Narrator,
  agent: AgentSession,
  args: Record<string, unknown>,
): Promise<void> {
  const receipt = (await call(say, agent, 'bank.transfer', args)) as TransferReceipt;
  say.detail(
    `${receipt.id}: ${money(receipt.amount)} ${receipt.from} → ${receipt.to}; ${receipt.from} now ${money(receipt.balance)}`,
  );
}

/** Until `stop` aborts: the agent reads its balance every 3 s; a revocation is reported once. */
async function watchUntilStopped(
  say: Narrator,
  agent: AgentSession,
  stop: AbortSignal,
): Promise<void> {
  let reported = false;
  const timer = setInterval(() => {
    if (reported) return;
    agent.invoke('bank.get_balance', { account: 'checking' }).catch((err: unknown) => {
      if (reported || !(err instanceof PermissionDenied)) return;
      reported = true;
      const revoked = err.decision.revoked;
      say.agent(
        agent.principal,
        revoked === undefined
          ? `${say.s.red('✗ denied')}: its delegation no longer allows reading the balance`
          : `${say.s.red('✗ revoked')} by ${revoked.by}: ${revoked.reason}`,
      );
    });
  }, 3000);
  try {
    if (!stop.aborted)
      await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  } finally {
    clearInterval(timer);
  }
}
