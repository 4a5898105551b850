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
