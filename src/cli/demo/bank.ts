/**
 * The demo's fake bank: real tool handlers over real (in-memory) state, so that what the demo
 * shows is what the tool runner does with any tool. Two accounts, a short history of
 * transactions on checking, and four tools: `bank.accounts`, `bank.list_transactions`,
 * `bank.get_balance` and `bank.transfer`. Amounts are dollars with cents in the API and integer
 * cents inside, so a transfer never drifts by a rounding error. Each tool validates its
 * arguments with a JSON Schema before any policy runs.
 */
import { defineTool, type ToolDefinition } from '../../tools/index.js';

/** One line of an account's history. */
export interface BankTransaction {
  readonly id: string;
  readonly date: string;
  readonly description: string;
  /** Dollars; negative for money going out. */
  readonly amount: number;
}

/** What `bank.transfer` returns. */
export interface TransferReceipt {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  /** The balance of `from` after the transfer. */
  readonly balance: number;
}

/** A bank and its tools. */
export interface FakeBank {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each tool has its own argument type
  readonly tools: readonly ToolDefinition<any, any>[];
  /** The balance of an account in dollars. */
  balance(account: string): number;
}

const ACCOUNTS = ['checking', 'savings'] as const;
type Account = (typeof ACCOUNTS)[number];

const accountSchema = { type: 'string', enum: [...ACCOUNTS] } as const;

/**
 * Opens a fresh bank with a little history. `now` dates new transactions.
 *
 * @example
 * ```ts
 * const bank = createFakeBank(() => new Date());
 * const runner = createToolRunner({ rootKeys, tools: bank.tools });
 * ```
 */
export function createFakeBank(now: () => Date): FakeBank {
  const cents: Record<Account, number> = { checking: 2_450_00, savings: 10_000_00 };
  const history: Record<Account, BankTransaction[]> = {
    checking: [
      { id: 't-1001', date: '2026-05-01', description: 'Salary', amount: 3_200 },
      { id: 't-1002', date: '2026-05-02', description: 'Rent', amount: -1_450 },
      { id: 't-1003', date: '2026-05-04', description: 'Groceries', amount: -86.4 },
      { id: 't-1004', date: '2026-05-06', description: 'Electricity', amount: -72.15 },
      { id: 't-1005', date: '2026-05-07', description: 'Coffee', amount: -4.5 },
    ],
    savings: [{ id: 't-2001', date: '2026-04-30', description: 'Interest', amount: 12.5 }],
  };
  let next = 3001;
  const dollars = (c: number) => Math.round(c) / 100;

  const accounts = defineTool<Record<string, never>, { account: Account; currency: string }[]>({
    name: 'bank.accounts',
    description: 'List the accounts (names only)',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
    handler: () => ACCOUNTS.map((account) => ({ account, currency: 'USD' })),
  });

  const listTransactions = defineTool<{ account: Account; limit?: number }, BankTransaction[]>({
    name: 'bank.list_transactions',
    description: 'Recent transactions of an account, newest first',
    inputSchema: {
      type: 'object',
      properties: { account: accountSchema, limit: { type: 'integer', minimum: 1, maximum: 50 } },
      required: ['account'],
      additionalProperties: false,
    },
    handler: ({ account, limit }) => [...history[account]].reverse().slice(0, limit ?? 10),
  });

  const getBalance = defineTool<{ account: Account }, { account: Account; balance: number }>({
    name: 'bank.get_balance',
    description: 'The current balance of an account, in dollars',
    inputSchema: {
      type: 'object',
      properties: { account: accountSchema },
      required: ['account'],
      additionalProperties: false,
    },
    handler: ({ account }) => ({ account, balance: dollars(cents[account]) }),
  });

  const transfer = defineTool<
    { account: Account; to: Account; amount: number; memo?: string },
    TransferReceipt
  >({
    name: 'bank.transfer',
    description: 'Move money from an account to another one',
    inputSchema: {
      type: 'object',
      properties: {
        account: accountSchema,
        to: accountSchema,
        amount: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000 },
        memo: { type: 'string', maxLength: 200 },
      },
      required: ['account', 'to', 'amount'],
      additionalProperties: false,
    },
    handler: ({ account, to, amount, memo }) => {
      const c = Math.round(amount * 100);
      if (account === to) throw new Error('cannot transfer to the same account');
      if (c > cents[account]) throw new Error(`insufficient funds in ${account}`);
      cents[account] -= c;
      cents[to] += c;
      const id = `t-${next++}`;
      const date = now().toISOString().slice(0, 10);
      history[account].push({
        id,
        date,
        description: memo ?? `Transfer to ${to}`,
        amount: -dollars(c),
      });
      history[to].push({
        id,
        date,
        description: memo ?? `Transfer from ${account}`,
        amount: dollars(c),
      });
      return { id, from: account, to, amount: dollars(c), balance: dollars(cents[account]) };
    },
  });

  return {
    tools: [accounts, listTransactions, getBalance, transfer],
    balance: (account) => dollars(cents[account as Account] ?? Number.NaN),
  };
}
