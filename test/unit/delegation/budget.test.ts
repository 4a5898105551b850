// One algebra budget per call: an agent that appends hard conditions to its own token cannot
// make a denied `authorize` (needed scope, suggestions, grantability) or a discovery over many
// tools cost more than one budget of work, and the answer still comes back: a denial whose
// `needed` says what was cut, a residual condition that is exact but less simplified.
import { describe, expect, it } from 'vitest';
import {
  AUTHORIZE_ALGEBRA_LIMITS,
  DISCOVERY_ALGEBRA_LIMITS,
  accessForTools,
  authorize,
  verifyDelegation,
} from '../../../src/delegation/index.js';
import { NOW, appendUntilFull, coderChain, cpuMs, hardCondition } from './_hard-tokens.js';

// Far above one budget plus verifying and reading a full token, far below what the same
// calls cost with a budget per algebra question (0.5–0.8 s of CPU each, measured).
const BOUND_MS = 150;

describe('the algebra budget of one authorize', () => {
  // First: a test that leaves a large heap behind can make the next call wait on the garbage
  // collector, and the budget counts that wait.
  it('is far from spent by a realistic denial: nothing is cut', () => {
    const { ring, coder } = coderChain();
    const decision = authorize(
      coder,
      { tool: 'fs.read', args: { path: '/etc/hosts', amount: 5 }, principal: 'coder' },
      { rootKeys: ring, now: NOW },
    );
    if (decision.allowed) throw new Error('expected a denial');
    expect(decision.needed?.grantable).toBe(true);
    expect(decision.needed?.suggestions.length).toBeGreaterThan(0);
    expect(decision.needed?.incomplete).toBeUndefined();
  });

  it('covers the whole needed permission of a denial, and the denial says what was cut', () => {
    const { ring, coder } = coderChain();
    // Each hard condition reads `tool`: judging grantability reads each for the call's tool.
    const token = appendUntilFull(coder, [], (k) => `tool != "fs.read" or (${hardCondition(k)})`);
    const delegation = verifyDelegation(token, { rootKeys: ring });
    const request = {
      tool: 'fs.read',
      args: {
        path: '/etc/hosts',
        amount: 500,
        ...Object.fromEntries([0, 1, 2, 3, 4, 5, 6].map((i) => [`a${i}`, 1e9])),
      },
      principal: 'coder',
    };
    let decision: ReturnType<typeof authorize> | undefined;
    const spent = cpuMs(() => {
      decision = authorize(delegation, request, { rootKeys: ring, now: NOW });
    });
    expect(spent).toBeLessThan(BOUND_MS);
    if (decision === undefined || decision.allowed) throw new Error('expected a denial');
    expect(decision.failures.map((f) => f.caveat)).toEqual([
      'args.path ~ "/repo/**"',
      'args.amount <= 100',
    ]);
    // The minimal scope is always whole; what the budget cut is said.
    expect(decision.needed).toMatchObject({
      scope: ['tool == "fs.read"', 'args.amount == 500', 'args.path == "/etc/hosts"'],
      grantable: 'unknown',
      askFrom: 'planner',
      incomplete: expect.stringMatching(
        /algebra budget of one authorize ran out .*'unknown'/,
      ) as unknown,
    });
  });

  it('is documented by its limits', () => {
    expect(AUTHORIZE_ALGEBRA_LIMITS).toMatchObject({ timeLimitMs: 6, maxSteps: 5_000 });
    expect(DISCOVERY_ALGEBRA_LIMITS).toMatchObject({ timeLimitMs: 25, maxSteps: 50_000 });
    expect(Object.isFrozen(AUTHORIZE_ALGEBRA_LIMITS)).toBe(true);
  });
});

describe('the algebra budget of one accessForTools (tool discovery)', () => {
  it('covers every tool of the call, and each still gets an exact answer', () => {
    const { ring, coder } = coderChain();
    // The fs.t* tools are excluded outright; finding which conditions exclude them alone
    // would run the simplifier on every hard condition, for every tool.
    const token = appendUntilFull(coder, ['tool !~ "fs.t*"'], (k) => hardCondition(k));
    const delegation = verifyDelegation(token, { rootKeys: ring });
    const tools = [...Array.from({ length: 19 }, (_, i) => `fs.t${i}`), 'fs.read'];
    let access: ReturnType<typeof accessForTools> = [];
    const spent = cpuMs(() => {
      access = accessForTools(delegation, tools, { rootKeys: ring, now: NOW });
    });
    expect(spent).toBeLessThan(BOUND_MS);
    for (const a of access.slice(0, 19)) {
      expect(a).toMatchObject({ status: 'denied', failures: [{ caveat: 'tool !~ "fs.t*"' }] });
    }
    // Past the budget the residual is less simplified, never wrong: it still reads the hard
    // conditions and the coder's own.
    const last = access[19];
    expect(last?.status).toBe('conditional');
    expect(last?.status === 'conditional' && last.condition).toContain('args.path ~ "/repo/**"');
  });
});
