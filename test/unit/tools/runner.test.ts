// createToolRunner: options checked up front, the public tool list, and argument limits.
import { describe, expect, it } from 'vitest';
import { RootKeyring, createRootKey, mintDelegation } from '../../../src/delegation/index.js';
import { InvalidArgumentsError, createToolRunner, defineTool } from '../../../src/tools/index.js';

const ring = new RootKeyring([createRootKey()]);
const echo = defineTool({
  name: 'echo',
  description: 'echoes',
  inputSchema: { type: 'object' },
  handler: (a) => a,
});

describe('createToolRunner', () => {
  it('exposes the registered tools in order, frozen', () => {
    const runner = createToolRunner({ rootKeys: ring, tools: [echo, { ...echo, name: 'echo2' }] });
    expect(runner.tools.map((t) => t.name)).toEqual(['echo', 'echo2']);
    expect(runner.tools[0]).toEqual({
      name: 'echo',
      description: 'echoes',
      inputSchema: { type: 'object' },
    });
    expect(Object.isFrozen(runner.tools)).toBe(true);
  });

  it('applies argument limits', async () => {
    const runner = createToolRunner({
      rootKeys: ring,
      tools: [echo],
      argumentLimits: { maxDepth: 2 },
    });
    const token = mintDelegation(ring, { to: 'a', conditions: [] });
    const agent = runner.startAgent({ principal: 'a', token });
    await expect(agent.invoke('echo', { x: { y: 1 } })).resolves.toEqual({ x: { y: 1 } });
    await expect(agent.invoke('echo', { x: { y: { z: 1 } } })).rejects.toThrow(
      InvalidArgumentsError,
    );
  });

  it('refuses an integer argument a double cannot hold exactly, before the policy and the handler', async () => {
    const ran: unknown[] = [];
    const transfer = defineTool({
      name: 'bank.transfer',
      description: 'moves money',
      inputSchema: { type: 'object' },
      handler: (args) => ran.push(args),
    });
    const runner = createToolRunner({ rootKeys: ring, tools: [transfer] });
    const token = mintDelegation(ring, { to: 'a', conditions: ['tool == "bank.transfer"'] });
    const agent = runner.startAgent({ principal: 'a', token });
    // The caller meant account …993; as JSON it arrives as …992, the neighbouring account.
    const args = JSON.parse('{ "to": 9007199254740993, "amount": 5 }') as Record<string, unknown>;
    const refused = agent.invoke('bank.transfer', args);
    await expect(refused).rejects.toThrow(InvalidArgumentsError);
    await expect(refused).rejects.toMatchObject({
      code: 'ERR_TOOLS_INVALID_ARGUMENTS',
      problems: [{ instancePath: '/to', message: expect.stringMatching(/2\^53/) as unknown }],
    });
    expect(ran).toEqual([]);
    await agent.invoke('bank.transfer', { to: 2 ** 53 - 1, amount: 5 });
    expect(ran).toEqual([{ to: 2 ** 53 - 1, amount: 5 }]);
  });

  it('takes an array of keys as well as a keyring, and copies it', async () => {
    const key = createRootKey();
    const keys = [key];
    const runner = createToolRunner({ rootKeys: keys, tools: [echo] });
    keys.length = 0;
    const agent = runner.startAgent({
      principal: 'a',
      token: mintDelegation(key, { to: 'a', conditions: [] }),
    });
    await expect(agent.invoke('echo', {})).resolves.toEqual({});
  });

  it.each([
    ['options null', null, TypeError],
    ['rootKeys missing', { tools: [] }, TypeError],
    ['rootKeys with a non-key', { rootKeys: ['k'], tools: [] }, TypeError],
    ['tools missing', { rootKeys: ring }, TypeError],
    [
      'a broker without poll',
      { rootKeys: ring, tools: [], broker: { request() {}, awaitResponse() {} } },
      TypeError,
    ],
    ['now not a function', { rootKeys: ring, tools: [], now: new Date() }, TypeError],
    [
      'an unknown argument limit',
      { rootKeys: ring, tools: [], argumentLimits: { maxWidth: 3 } },
      TypeError,
    ],
    [
      'a zero argument limit',
      { rootKeys: ring, tools: [], argumentLimits: { maxDepth: 0 } },
      RangeError,
    ],
    [
      'a string argument limit',
      { rootKeys: ring, tools: [], argumentLimits: { maxDepth: '3' } },
      TypeError,
    ],
  ])('refuses %s', (_name, options, error) => {
    expect(() => createToolRunner(options as never)).toThrow(error);
  });
});
