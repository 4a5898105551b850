// Agent sessions: invoke's order of checks (the handler never runs on a refusal), discovery,
// subagents, updateDelegation, and the broker plumbing with an in-test grantor.
import { describe, expect, it } from 'vitest';
import {
  ConditionInvalidError,
  RootKeyring,
  TokenInvalidError,
  createRootKey,
  delegate,
  mintDelegation,
} from '../../../src/delegation/index.js';
import {
  InvalidArgumentsError,
  NoBrokerError,
  PermissionDenied,
  PrincipalMismatchError,
  UnknownToolError,
  createToolRunner,
  defineTool,
  type PermissionBroker,
  type PermissionOutcome,
  type PermissionRequestInput,
  type PollAnswer,
} from '../../../src/tools/index.js';

const NOW = new Date('2026-03-01T12:00:00Z');

function setup(options: { broker?: PermissionBroker } = {}) {
  const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
  const calls: { tool: string; args: unknown; principal: string }[] = [];
  const tool = (name: string, properties: Record<string, unknown>, required: string[] = []) =>
    defineTool({
      name,
      description: `the ${name} tool`,
      inputSchema: { type: 'object', properties, required, additionalProperties: false },
      handler: (args, context) => {
        calls.push({ tool: name, args, principal: context.principal });
        return { ok: name };
      },
    });
  const tools = [
    tool('fs.read', { path: { type: 'string' } }, ['path']),
    tool('fs.write', { path: { type: 'string' }, content: { type: 'string' } }, [
      'path',
      'content',
    ]),
    tool('bank.transfer', { to: { type: 'string' }, amount: { type: 'number' } }, ['to', 'amount']),
  ];
  let clock = NOW;
  const runner = createToolRunner({ rootKeys: ring, tools, now: () => clock, ...options });
  const token = mintDelegation(ring, {
    to: 'planner',
    conditions: ['tool ~ "fs.*"', 'args.path ~ "/repo/**"'],
    expiresIn: 3600,
    now: NOW,
  });
  const planner = runner.startAgent({ principal: 'planner', token });
  return { ring, runner, planner, token, calls, setClock: (d: Date) => (clock = d) };
}

describe('invoke', () => {
  it('runs an allowed call with a frozen copy of its arguments and the context', async () => {
    const { planner, calls } = setup();
    const args = { path: '/repo/a' };
    await expect(planner.invoke('fs.read', args)).resolves.toEqual({ ok: 'fs.read' });
    expect(calls).toEqual([{ tool: 'fs.read', args: { path: '/repo/a' }, principal: 'planner' }]);
    expect(calls[0]?.args).not.toBe(args);
    expect(Object.isFrozen(calls[0]?.args)).toBe(true);
  });

  it('refuses an unknown tool before anything else', async () => {
    const { planner, calls } = setup();
    await expect(planner.invoke('fs.delete', { path: '/repo/a' })).rejects.toThrow(
      UnknownToolError,
    );
    expect(calls).toEqual([]);
  });

  it('refuses arguments that fail the schema before any policy runs', async () => {
    const { planner, calls } = setup();
    // bank.transfer is denied by policy, but the schema problem is reported first.
    const err = await planner.invoke('bank.transfer', { to: 'bob' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentsError);
    expect((err as InvalidArgumentsError).problems).toEqual([
      { instancePath: '', message: "must have required property 'amount'" },
    ]);
    await expect(planner.invoke('fs.read', { path: () => '/repo' })).rejects.toThrow(
      InvalidArgumentsError,
    );
    await expect(planner.invoke('fs.read', [] as never)).rejects.toThrow(InvalidArgumentsError);
    expect(calls).toEqual([]);
  });

  it('rejects a denied call at once with the decision; the handler does not run', async () => {
    const { planner, calls } = setup();
    const err = await planner
      .invoke('fs.write', { path: '/etc/passwd', content: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDenied);
    const denied = err as PermissionDenied;
    expect(denied.code).toBe('ERR_PERMISSION_DENIED');
    expect([denied.tool, denied.args]).toEqual(['fs.write', { path: '/etc/passwd', content: 'x' }]);
    expect(Object.isFrozen(denied.args)).toBe(true);
    expect(denied.decision.failures).toEqual([
      expect.objectContaining({
        block: 0,
        index: 2,
        author: 'owner',
        caveat: 'args.path ~ "/repo/**"',
      }),
    ]);
    const json = denied.toJSON();
    expect(json).toMatchObject({
      code: 'ERR_PERMISSION_DENIED',
      error: 'insufficient_scope',
      tool: 'fs.write',
      failures: denied.decision.failures,
      needed: { askFrom: 'owner' },
    });
    expect(json['error_description']).toBe(denied.message);
    expect(typeof json['scope']).toBe('string');
    expect(json['scope']).toContain('"/etc/passwd"');
    expect(calls).toEqual([]);
  });

  it('uses the runner clock: the same call is refused once the token expires', async () => {
    const { planner, setClock } = setup();
    await expect(planner.invoke('fs.read', { path: '/repo/a' })).resolves.toBeDefined();
    setClock(new Date(NOW.getTime() + 3600_000));
    const err = await planner.invoke('fs.read', { path: '/repo/a' }).catch((e: unknown) => e);
    expect((err as PermissionDenied).decision.failures[0]?.caveat).toMatch(/^time < /);
  });

  it('fails with TokenInvalidError once the key is retired', async () => {
    const { planner, ring } = setup();
    ring.rotate();
    ring.retire('k1');
    await expect(planner.invoke('fs.read', { path: '/repo/a' })).rejects.toThrow(TokenInvalidError);
  });

  it('refuses a tool name that is not a string', async () => {
    const { planner } = setup();
    await expect(planner.invoke(5 as never)).rejects.toThrow(TypeError);
  });
});

describe('discoverTools', () => {
  it('lists every tool with its status, never hiding one', () => {
    const { planner } = setup();
    const tools = planner.discoverTools();
    expect(tools.map((t) => [t.name, t.status])).toEqual([
      ['fs.read', 'conditional'],
      ['fs.write', 'conditional'],
      ['bank.transfer', 'denied'],
    ]);
    expect(tools[0]?.condition).toBe('args.path ~ "/repo/**"');
    expect(tools[0]?.description).toBe('the fs.read tool');
    expect(tools[0]?.inputSchema).toMatchObject({ type: 'object' });
    expect(tools[2]?.failures).toEqual([
      expect.objectContaining({ index: 1, caveat: 'tool ~ "fs.*"', author: 'owner' }),
    ]);
  });

  it('shows every tool denied once the token has expired, naming the expiry', () => {
    const { planner, setClock } = setup();
    setClock(new Date(NOW.getTime() + 7200_000));
    const tools = planner.discoverTools();
    expect(tools.every((t) => t.status === 'denied')).toBe(true);
    expect(tools[0]?.failures?.map((f) => f.caveat)).toEqual(['time < 2026-03-01T13:00:00Z']);
  });
});

describe('startAgent, subagents and updateDelegation', () => {
  it('binds only the principal the token is delegated to', () => {
    const { runner, token } = setup();
    expect(() => runner.startAgent({ principal: 'mallory', token })).toThrow(
      PrincipalMismatchError,
    );
    expect(() => runner.startAgent({ principal: 'planner', token: token.slice(0, -2) })).toThrow(
      TokenInvalidError,
    );
  });

  it.each([
    ['options null', null, TypeError],
    ['principal missing', { token: 'x' }, TypeError],
    ['principal reserved', { principal: 'owner', token: 'x' }, RangeError],
    ['token a number', { principal: 'p', token: 5 }, TypeError],
  ])('startAgent refuses %s', (_name, options, error) => {
    const { runner } = setup();
    expect(() => runner.startAgent(options as never)).toThrow(error);
  });

  it('starts a subagent that can never do what its parent cannot', async () => {
    const { planner } = setup();
    const { session: coder, warnings } = planner.startSubagent({
      to: 'coder',
      conditions: ['tool == "fs.read"'],
    });
    expect(warnings).toEqual([]);
    expect(coder.principal).toBe('coder');
    await expect(coder.invoke('fs.read', { path: '/repo/x' })).resolves.toBeDefined();
    const outside = await coder.invoke('fs.read', { path: '/etc/x' }).catch((e: unknown) => e);
    expect((outside as PermissionDenied).decision.failures[0]?.author).toBe('owner');
    const write = await coder
      .invoke('fs.write', { path: '/repo/x', content: '' })
      .catch((e: unknown) => e);
    expect((write as PermissionDenied).decision.failures[0]).toMatchObject({
      author: 'planner',
      block: 1,
    });
  });

  it('updateDelegation accepts only a verified token for the same principal', async () => {
    const { planner, ring, token } = setup();
    const wider = mintDelegation(ring, {
      to: 'planner',
      conditions: ['tool ~ "bank.*" or tool ~ "fs.*"'],
    });
    const forOther = mintDelegation(ring, { to: 'other', conditions: [] });
    const bearer = mintDelegation(ring, { conditions: [] });
    expect(() => planner.updateDelegation(forOther)).toThrow(PrincipalMismatchError);
    expect(() => planner.updateDelegation(bearer)).toThrow(PrincipalMismatchError);
    expect(() => planner.updateDelegation('junk')).toThrow(TokenInvalidError);
    expect(planner.token).toBe(token);
    planner.updateDelegation(wider);
    expect(planner.token).toBe(wider);
    await expect(planner.invoke('bank.transfer', { to: 'bob', amount: 1 })).resolves.toBeDefined();
  });
});

/** A grantor that answers from its own token, as the requests layer's Delegator will. */
class TestBroker implements PermissionBroker {
  readonly requests: PermissionRequestInput[] = [];
  readonly #answers = new Map<string, PermissionOutcome>();

  constructor(readonly grantorToken: string) {}

  request(input: PermissionRequestInput) {
    this.requests.push(input);
    const id = `r${this.requests.length}`;
    return Promise.resolve({
      id,
      status: 'pending' as const,
      interval: 5,
      expiresAt: new Date(NOW.getTime() + 60_000),
    });
  }

  approve(id: string, to: string, scope: readonly string[]): void {
    const { token } = delegate(this.grantorToken, { to, conditions: scope });
    this.#answers.set(id, { status: 'approved', token, scope });
  }

  deny(id: string, reason: string): void {
    this.#answers.set(id, { status: 'denied', reason });
  }

  awaitResponse(id: string): Promise<PermissionOutcome> {
    const answer = this.#answers.get(id);
    return answer === undefined
      ? Promise.reject(new Error('test broker: no answer yet'))
      : Promise.resolve(answer);
  }

  poll(id: string): Promise<PollAnswer> {
    const answer = this.#answers.get(id);
    if (answer === undefined)
      return Promise.resolve({ error: 'authorization_pending', interval: 5 });
    if (answer.status === 'approved') return Promise.resolve(answer);
    if (answer.status === 'denied')
      return Promise.resolve({ error: 'access_denied', reason: answer.reason });
    return Promise.resolve({ error: 'expired_token' });
  }
}

describe('asking for more through the broker', () => {
  it('sends the token, principal and canonical scope; installs an approved token on await', async () => {
    const ring = new RootKeyring([createRootKey()]);
    const root = mintDelegation(ring, { to: 'planner', conditions: [] });
    const broker = new TestBroker(root);
    const runner = createToolRunner({
      rootKeys: ring,
      now: () => NOW,
      broker,
      tools: [
        defineTool({
          name: 'bank.transfer',
          description: '',
          inputSchema: { type: 'object' },
          handler: () => 'sent',
        }),
      ],
    });
    const planner = runner.startAgent({ principal: 'planner', token: root });
    const { session: coder } = planner.startSubagent({
      to: 'coder',
      conditions: ['tool == "none"'],
    });
    const denial = (await coder
      .invoke('bank.transfer', { amount: 5 })
      .catch((e: unknown) => e)) as PermissionDenied;
    const scope = denial.decision.needed?.scope ?? [];
    const ticket = await coder.requestPermission({
      scope,
      call: { tool: denial.tool, args: denial.args },
      reason: 'pay the invoice',
      expiresIn: 600,
    });
    expect(ticket.status).toBe('pending');
    expect(broker.requests).toEqual([
      {
        token: coder.delegation,
        principal: 'coder',
        scope,
        reason: 'pay the invoice',
        expiresIn: 600,
        call: { tool: 'bank.transfer', args: { amount: 5 } },
      },
    ]);
    await expect(coder.poll(ticket.id)).resolves.toEqual({
      error: 'authorization_pending',
      interval: 5,
    });
    broker.approve(ticket.id, 'coder', scope);
    const before = coder.token;
    const outcome = await coder.awaitResponse(ticket.id);
    expect(outcome.status).toBe('approved');
    expect(coder.token).not.toBe(before);
    await expect(coder.invoke('bank.transfer', { amount: 5 })).resolves.toBe('sent');
  });

  it('installs an approval seen by poll, and leaves the token alone on denial', async () => {
    const ring = new RootKeyring([createRootKey()]);
    const root = mintDelegation(ring, { to: 'planner', conditions: [] });
    const broker = new TestBroker(root);
    const runner = createToolRunner({ rootKeys: ring, broker, tools: [] });
    const planner = runner.startAgent({ principal: 'planner', token: root });
    const { session: coder } = planner.startSubagent({ to: 'coder', conditions: ['tool == "x"'] });
    const t1 = await coder.requestPermission({ scope: 'tool == "y"', reason: 'r' });
    broker.deny(t1.id, 'no');
    const before = coder.token;
    await expect(coder.poll(t1.id)).resolves.toEqual({ error: 'access_denied', reason: 'no' });
    await expect(coder.awaitResponse(t1.id)).resolves.toEqual({ status: 'denied', reason: 'no' });
    expect(coder.token).toBe(before);
    const t2 = await coder.requestPermission({ scope: ['tool == "y"'], reason: 'r' });
    broker.approve(t2.id, 'coder', ['tool == "y"']);
    const answer = await coder.poll(t2.id);
    expect('status' in answer && answer.status).toBe('approved');
    expect(coder.token).not.toBe(before);
  });

  it('refuses an approval whose token is for someone else, keeping the old token', async () => {
    const ring = new RootKeyring([createRootKey()]);
    const root = mintDelegation(ring, { to: 'planner', conditions: [] });
    const broker = new TestBroker(root);
    const planner = createToolRunner({ rootKeys: ring, broker, tools: [] }).startAgent({
      principal: 'planner',
      token: root,
    });
    const { session: coder } = planner.startSubagent({ to: 'coder', conditions: [] });
    const ticket = await coder.requestPermission({ scope: 'tool == "y"', reason: 'r' });
    broker.approve(ticket.id, 'someone-else', ['tool == "y"']);
    const before = coder.token;
    await expect(coder.awaitResponse(ticket.id)).rejects.toThrow(PrincipalMismatchError);
    expect(coder.token).toBe(before);
  });

  it('validates the request before sending it', async () => {
    const ring = new RootKeyring([createRootKey()]);
    const root = mintDelegation(ring, { to: 'planner', conditions: [] });
    const broker = new TestBroker(root);
    const planner = createToolRunner({ rootKeys: ring, broker, tools: [] }).startAgent({
      principal: 'planner',
      token: root,
    });
    await expect(planner.requestPermission({ scope: 'tool ==', reason: 'r' })).rejects.toThrow(
      ConditionInvalidError,
    );
    await expect(planner.requestPermission({ scope: 'to "x"', reason: 'r' })).rejects.toThrow(
      ConditionInvalidError,
    );
    await expect(planner.requestPermission({ scope: [], reason: 'r' })).rejects.toThrow(RangeError);
    await expect(planner.requestPermission({ scope: 5 as never, reason: 'r' })).rejects.toThrow(
      TypeError,
    );
    await expect(planner.requestPermission({ scope: 'tool == "a"', reason: '  ' })).rejects.toThrow(
      RangeError,
    );
    await expect(
      planner.requestPermission({ scope: 'tool == "a"', reason: 'r', expiresIn: -1 }),
    ).rejects.toThrow(RangeError);
    await expect(planner.requestPermission(null as never)).rejects.toThrow(TypeError);
    for (const call of ['x', { tool: 5, args: {} }, { tool: 't' }, { tool: 't', args: [] }]) {
      await expect(
        planner.requestPermission({ scope: 'tool == "a"', reason: 'r', call: call as never }),
      ).rejects.toThrow(TypeError);
    }
    await expect(planner.awaitResponse(5 as never)).rejects.toThrow(TypeError);
    await expect(planner.poll(5 as never)).rejects.toThrow(TypeError);
    expect(broker.requests).toEqual([]);
  });

  it('without a broker, every broker method rejects with NoBrokerError', async () => {
    const { planner } = setup();
    const err = await planner
      .requestPermission({ scope: 'tool == "a"', reason: 'r' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoBrokerError);
    expect((err as NoBrokerError).code).toBe('ERR_TOOLS_NO_BROKER');
    await expect(planner.awaitResponse('r1')).rejects.toThrow(NoBrokerError);
    await expect(planner.poll('r1')).rejects.toThrow(NoBrokerError);
  });
});

describe('session methods refuse bad input', () => {
  const cases: [
    string,
    (s: ReturnType<typeof setup>['planner']) => unknown,
    new (...a: never[]) => Error,
  ][] = [
    ['updateDelegation with a number', (s) => s.updateDelegation(5 as never), TypeError],
    ['delegate with no options', (s) => s.delegate(undefined as never), TypeError],
    ['delegate to a reserved name', (s) => s.delegate({ to: 'owner', conditions: [] }), RangeError],
    [
      'delegate with a bad condition',
      (s) => s.delegate({ to: 'c', conditions: ['tool =='] }),
      ConditionInvalidError,
    ],
    [
      'delegate with a bad lifetime',
      (s) => s.delegate({ to: 'c', conditions: [], expiresIn: 0 }),
      RangeError,
    ],
    [
      'startSubagent with conditions not a list',
      (s) => s.startSubagent({ to: 'c', conditions: 'x' as never }),
      TypeError,
    ],
  ];
  it.each(cases)('%s', (_name, call, error) => {
    const { planner } = setup();
    expect(() => call(planner)).toThrow(error);
  });
});
