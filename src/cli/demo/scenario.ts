/**
 * The demo's script: the seed's scenario end to end, on a fake bank with real tool handlers.
 * The owner's side runs real `mandate` commands against a fresh home (mint, inspect, inbox,
 * approve, audit); the agents run in this process through the library, as a harness would run
 * them: a tool runner with the bank's tools, agent sessions, and the Delegator on the home's
 * SQLite store as their permission broker. Each step checks what it shows and throws if the
 * system did something else, so `npm run demo` doubles as a smoke test.
 *
 * 1. the owner delegates read access on checking, for 30 days, to `budget-agent`;
 * 2. the agent discovers the tools (allowed / conditional / denied);
 * 3. it reads transactions; 4. a transfer is denied at once, with caveat, author and needed scope;
 * 5. it asks, with a reason and the denied call, and keeps working; 6. the owner sees what
 * approving would allow and approves narrower (≤ 100, one hour); 7. the retried transfer
 * succeeds, and one from savings is still denied (the grant kept the agent's checking-only
 * restriction); 8. the agent delegates to `reporter`; 9. the reporter asks beyond its parent,
 * the parent escalates; 10. the owner approves; the reporter's retry succeeds; 11. the audit log.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RootKeyring } from '../../delegation/index.js';
import type { Delegator } from '../../requests/index.js';
import {
  createToolRunner,
  PermissionDenied,
  type AgentSession,
  type ToolStatus,
} from '../../tools/index.js';
import { abbreviateToken } from '../output.js';
import { conjunctionText, printDecision } from '../format.js';
import { createFakeBank, type BankTransaction, type TransferReceipt } from './bank.js';
import type { Narrator } from './narrator.js';

/** What the scenario runs on. */
export interface ScenarioContext {
  readonly say: Narrator;
  /** A scratch directory for token files. */
  readonly dir: string;
  /** The agents' side of the store (the owner's side is the CLI). */
  readonly delegator: Delegator;
  readonly rootKeys: RootKeyring;
}

const READ_TOOLS = ['bank.accounts', 'bank.list_transactions', 'bank.get_balance'];
/** What the owner delegates to the budget agent: read the bank, checking only. */
const OWNER_GRANT = [
  `tool in ${JSON.stringify(READ_TOOLS).replace(/,/g, ', ')}`,
  'tool == "bank.accounts" or args.account == "checking"',
];
/**
 * Step 1 of both scenarios: the owner, at the prompt, delegates read access on checking to
 * `budget-agent` for 30 days; resolves to the token.
 *
 * @example
 * ```ts
 * const token = await mintBudgetAgent(say);
 * ```
 */
export async function mintBudgetAgent(say: Narrator): Promise<string> {
  say.step('The owner delegates read access on checking, for 30 days, to a budget agent');
  const args = ['mint', '--to', 'budget-agent', ...OWNER_GRANT.flatMap((c) => ['--allow', c])];
  const minted = await say.mandate('owner', [...args, '--expires', '30d'], { capture: true });
  expect(minted.code === 0, 'mint failed');
  return minted.stdout.trim();
}

/** The transfer the budget agent is denied, then asks for. */
export const TRANSFER = {
  account: 'checking',
  to: 'savings',
  amount: 80,
  memo: 'Electricity buffer',
} as const;

/**
 * Runs the scenario; resolves when it has shown every step.
 *
 * @example
 * ```ts
 * await runScenario({ say, dir, delegator, rootKeys: delegator.rootKeys });
 * ```
 */
export async function runScenario(ctx: ScenarioContext): Promise<void> {
  const { say, delegator } = ctx;
  const s = say.s;
  const bank = createFakeBank(() => new Date());
  const runner = createToolRunner({ rootKeys: ctx.rootKeys, tools: bank.tools, broker: delegator });
  const tokenFile = (principal: string, token: string): string => {
    const path = join(ctx.dir, `${principal}.token`);
    writeFileSync(path, `${token}\n`, { mode: 0o600 });
    return path;
  };

  // 1 ─────────────────────────────────────────────────────────────────────────────────────
  const agentToken = await mintBudgetAgent(say);
  say.detail(
    `${s.green('→')} token ${abbreviateToken(agentToken)}, saved to budget-agent.token (mode 0600)`,
  );
  const agentFile = tokenFile('budget-agent', agentToken);
  await say.mandate('owner', ['inspect', `@${agentFile}`]);
  const agent = runner.startAgent({ principal: 'budget-agent', token: agentToken });

  // 2 ─────────────────────────────────────────────────────────────────────────────────────
  say.step('The agent discovers the tools');
  const tools = agent.discoverTools();
  showTools(say, tools);
  expect(
    statusOf(tools, 'bank.transfer') === 'denied' && statusOf(tools, 'bank.accounts') === 'allowed',
    'unexpected discovery',
  );

  // 3 ─────────────────────────────────────────────────────────────────────────────────────
  say.step('It reads the transactions');
  const recent = (await call(say, agent, 'bank.list_transactions', {
    account: 'checking',
    limit: 3,
  })) as BankTransaction[];
  for (const t of recent) say.detail(`${t.date}  ${t.description.padEnd(12)} ${money(t.amount)}`);

  // 4 ─────────────────────────────────────────────────────────────────────────────────────
  say.step('A transfer is denied at once, with the exact caveat, its author and the needed scope');
  const denial = await callDenied(say, agent, 'bank.transfer', TRANSFER);
  const needed = denial.decision.needed;
  expect(needed !== undefined && needed.askFrom === 'owner', 'the denial did not say whom to ask');
  say.say(`  the handler never ran; the balance is still ${money(bank.balance('checking'))}`);

  // 5 ─────────────────────────────────────────────────────────────────────────────────────
  say.step('The agent asks the owner for it, with a reason, and keeps working');
  const asks = [...needed.scope];
  say.agent(
    'budget-agent',
    `requestPermission({ scope: ${JSON.stringify(asks)}, reason: …, call: { tool, args } })`,
  );
  const ticket = await agent.requestPermission({
    scope: asks,
    reason: 'Move $80 to savings to cover the electricity bill',
    call: { tool: denial.tool, args: denial.args },
  });
  say.detail(
    `${s.yellow(ticket.status)}  ${ticket.id}  ${s.dim(`(poll every ${ticket.interval}s, or await)`)}`,
  );
  const balance = (await call(say, agent, 'bank.get_balance', { account: 'checking' })) as {
    balance: number;
  };
  say.detail(`balance ${money(balance.balance)}  ${s.dim('(it did not have to stop and wait)')}`);

  // 6 ─────────────────────────────────────────────────────────────────────────────────────
  say.step('The owner approves it, narrower: amount ≤ 100, for one hour');
  await say.mandate('owner', ['inbox']);
  // Only the amount: the grant keeps the agent's own `args.account == "checking"` by itself.
  const narrower = [...asks, 'args.amount <= 100'];
  const approveTransfer = await say.confirm(
    `Approve ${ticket.id} for transfers from checking of at most $100, for one hour?`,
  );
  if (approveTransfer) {
    const approved = await say.mandate('owner', [
      'approve',
      ticket.id,
      ...narrower.flatMap((c) => ['--allow', c]),
      '--expires',
      '1h',
    ]);
    expect(approved.code === 0, 'approve failed');
  } else {
    await say.mandate('owner', ['deny', ticket.id, '--reason', 'no transfers this month']);
  }

  // 7 ─────────────────────────────────────────────────────────────────────────────────────
  say.step(
    approveTransfer
      ? 'The agent receives the new token; the retried transfer succeeds'
      : 'The agent receives the denial',
  );
  say.agent('budget-agent', `awaitResponse("${ticket.id}")`);
  const outcome = await agent.awaitResponse(ticket.id, { signal: AbortSignal.timeout(10_000) });
  if (outcome.status === 'approved') {
    say.detail(
      `${s.green('approved')}: ${conjunctionText(outcome.scope)}; new token installed (${abbreviateToken(agent.token)})`,
    );
    tokenFile('budget-agent', agent.token);
    const receipt = (await call(say, agent, 'bank.transfer', TRANSFER)) as TransferReceipt;
    say.detail(
      `${receipt.id}: ${money(receipt.amount)} checking → savings; checking now ${money(receipt.balance)}`,
    );
    await callDenied(say, agent, 'bank.transfer', { ...TRANSFER, amount: 500 }, true);
    await callDenied(
      say,
      agent,
      'bank.transfer',
      { ...TRANSFER, account: 'savings', to: 'checking' },
      true,
    );
  } else {
    expect(outcome.status === 'denied', `unexpected outcome ${outcome.status}`);
    say.detail(
      `${s.red('denied')}: ${outcome.status === 'denied' ? outcome.reason : ''}; the agent reports back instead of retrying`,
    );
  }

  // 8 ─────────────────────────────────────────────────────────────────────────────────────
  say.step('The agent delegates to a subagent: transaction history only, for one hour');
  say.agent(
    'budget-agent',
    `startSubagent({ to: "reporter", conditions: ['tool == "bank.list_transactions"'], expiresIn: 3600 })`,
  );
  const { session: reporter, token: reporterToken } = agent.startSubagent({
    to: 'reporter',
    conditions: ['tool == "bank.list_transactions"'],
    expiresIn: 3600,
  });
  const reporterFile = tokenFile('reporter', reporterToken);
  await say.mandate('budget-agent', ['inspect', `@${reporterFile}`]);
  const history = (await call(say, reporter, 'bank.list_transactions', {
    account: 'checking',
    limit: 2,
  })) as BankTransaction[];
  say.detail(`${history.length} transactions, newest: ${history[0]?.description ?? '-'}`);

  // 9 ─────────────────────────────────────────────────────────────────────────────────────
  say.step('The subagent asks beyond its parent; the parent escalates to the owner');
  const savingsCall = { account: 'savings' } as const;
  const reporterDenial = await callDenied(say, reporter, 'bank.get_balance', savingsCall);
  const reporterNeeded = reporterDenial.decision.needed;
  expect(
    reporterNeeded !== undefined && reporterNeeded.askFrom === 'budget-agent',
    'the subagent was not told to ask its parent',
  );
  const reporterAsks = [...reporterNeeded.scope];
  say.agent(
    'reporter',
    `requestPermission({ scope: ${JSON.stringify(reporterAsks)}, reason: …, call: { tool, args } })`,
  );
  const reporterTicket = await reporter.requestPermission({
    scope: reporterAsks,
    reason: 'The monthly report needs the savings balance',
    call: { tool: reporterDenial.tool, args: reporterDenial.args },
  });
  say.detail(
    `${s.yellow(reporterTicket.status)}  ${reporterTicket.id}  ${s.dim('(addressed to budget-agent)')}`,
  );
  await say.mandate('budget-agent', ['inbox', '--token', `@${agentFileOf(ctx, agent)}`]);
  const escalated = await say.mandate(
    'budget-agent',
    ['escalate', reporterTicket.id, '--token', `@${agentFileOf(ctx, agent)}`, '--auto-approve'],
    { capture: true },
  );
  expect(escalated.code === 0, 'escalate failed');
  const linkedId = escalated.stdout.trim();
  expect(
    (await delegator.get(reporterTicket.id)).escalatedTo === linkedId,
    'the escalation has no linked request',
  );

  // 10 ────────────────────────────────────────────────────────────────────────────────────
  say.step('The owner approves the escalation; the subagent’s retried call succeeds');
  await say.mandate('owner', ['inbox']);
  const approveEscalation = await say.confirm(
    `Approve ${linkedId}: budget-agent may read the savings balance?`,
  );
  if (approveEscalation) {
    expect(
      (await say.mandate('owner', ['approve', linkedId])).code === 0,
      'approving the escalation failed',
    );
  } else {
    await say.mandate('owner', ['deny', linkedId, '--reason', 'savings stay private']);
  }
  say.agent('reporter', `awaitResponse("${reporterTicket.id}")`);
  const reporterOutcome = await reporter.awaitResponse(reporterTicket.id, {
    signal: AbortSignal.timeout(10_000),
  });
  const parentAnswer = await agent.poll(linkedId);
  if (reporterOutcome.status === 'approved') {
    expect('status' in parentAnswer, 'the parent’s token was not updated');
    say.detail(
      `${s.green('approved')} (by budget-agent, automatically, once the owner approved ${linkedId})`,
    );
    say.detail(s.dim(`budget-agent’s own token was widened too: ${abbreviateToken(agent.token)}`));
    tokenFile('budget-agent', agent.token);
    const savings = (await call(say, reporter, 'bank.get_balance', savingsCall)) as {
      balance: number;
    };
    say.detail(`savings balance ${money(savings.balance)}`);
  } else {
    expect(reporterOutcome.status === 'denied', `unexpected outcome ${reporterOutcome.status}`);
    say.detail(
      `${s.red('denied')}: ${reporterOutcome.status === 'denied' ? reporterOutcome.reason : ''} (the denial flowed down the chain)`,
    );
  }

  // 11 ────────────────────────────────────────────────────────────────────────────────────
  say.step('The audit log');
  const audit = await say.mandate('owner', ['audit']);
  expect(audit.code === 0, 'audit failed');
  await say.mandate('owner', ['audit', '--verify']);
}

function agentFileOf(ctx: ScenarioContext, agent: AgentSession): string {
  return join(ctx.dir, `${agent.principal}.token`);
}

function showTools(say: Narrator, tools: readonly ToolStatus[]): void {
  const s = say.s;
  say.agent('budget-agent', 'discoverTools()');
  const width = Math.max(...tools.map((t) => t.name.length));
  for (const tool of tools) {
    const name = tool.name.padEnd(width);
    if (tool.status === 'allowed') say.detail(`${name}  ${s.green('allowed')}`);
    else if (tool.status === 'conditional')
      say.detail(`${name}  ${s.yellow('conditional')}  when ${tool.condition ?? '?'}`);
    else say.detail(`${name}  ${s.red('denied')}       ${tool.failures?.[0]?.reason ?? ''}`);
  }
}

function statusOf(tools: readonly ToolStatus[], name: string): string | undefined {
  return tools.find((t) => t.name === name)?.status;
}

/**
 * An agent's call that must succeed, shown as it is made.
 *
 * @example
 * ```ts
 * await call(say, agent, 'bank.get_balance', { account: 'checking' });
 * ```
 */
export async function call(
  say: Narrator,
  session: AgentSession,
  tool: string,
  args: Record<string, unknown>,
): Promise<unknown> {
  say.agent(session.principal, `invoke("${tool}", ${JSON.stringify(args)})`);
  const result = await session.invoke(tool, args);
  say.detail(say.s.green('✓ ok'));
  return result;
}

/**
 * An agent's call that must be denied, shown with its denial (briefly, or in full).
 *
 * @example
 * ```ts
 * const denial = await callDenied(say, agent, 'bank.transfer', TRANSFER);
 * ```
 */
export async function callDenied(
  say: Narrator,
  session: AgentSession,
  tool: string,
  args: Record<string, unknown>,
  brief = false,
): Promise<PermissionDenied> {
  say.agent(session.principal, `invoke("${tool}", ${JSON.stringify(args)})`);
  try {
    await session.invoke(tool, args);
  } catch (err) {
    if (!(err instanceof PermissionDenied)) throw err;
    if (brief) {
      const failure = err.decision.failures[0];
      say.detail(
        `${say.s.red('✗ denied')}  ${failure === undefined ? '' : `${failure.reason} (caveat by ${failure.author})`}`,
      );
    } else {
      say.detail(
        `${say.s.red('PermissionDenied')} ${say.s.dim(`(${err.code}, insufficient_scope)`)}`,
      );
      printDecision(say.out, err.decision, tool, session.principal, '    ');
    }
    return err;
  }
  throw new Error(`the demo expected ${tool} to be denied, and it was allowed`);
}

/**
 * Dollars as the bank shows them.
 *
 * @example
 * ```ts
 * money(-12.5); // '-$12.50'
 * ```
 */
export function money(amount: number): string {
  return `${amount < 0 ? '-' : ''}$${Math.abs(amount).toFixed(2)}`;
}

function expect(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`demo: ${message}`);
}
