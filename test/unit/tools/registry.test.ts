// The registry: names, schema compilation at registration, and validation that never mutates.
import { describe, expect, it } from 'vitest';
import { buildRegistry, defineTool } from '../../../src/tools/registry.js';

const schema = {
  type: 'object',
  properties: { path: { type: 'string' }, n: { type: 'integer', minimum: 0 } },
  required: ['path'],
  additionalProperties: false,
} as const;
const tool = defineTool({
  name: 'fs.read',
  description: 'read',
  inputSchema: schema,
  handler: () => 'ok',
});

describe('buildRegistry', () => {
  it('registers tools and validates arguments with every problem listed', () => {
    const registry = buildRegistry([tool]);
    const read = registry.get('fs.read');
    expect(read?.validate({ path: '/a' })).toEqual([]);
    const problems = read?.validate({ n: -1, extra: 1 }) ?? [];
    expect(problems.map((p) => p.instancePath).sort()).toEqual(['', '', '/n']);
    expect(problems.some((p) => p.message.includes('"extra"'))).toBe(true);
    expect(problems.some((p) => p.message.includes("must have required property 'path'"))).toBe(
      true,
    );
  });

  it('never coerces or fills in values', () => {
    const registry = buildRegistry([
      defineTool({
        name: 't',
        description: '',
        inputSchema: { type: 'object', properties: { n: { type: 'number', default: 5 } } },
        handler: () => 0,
      }),
    ]);
    const args: Record<string, unknown> = { n: '7' };
    expect(registry.get('t')?.validate(args)).toHaveLength(1);
    const empty: Record<string, unknown> = {};
    expect(registry.get('t')?.validate(empty)).toEqual([]);
    expect(empty).toEqual({});
  });

  it('keeps its own frozen copy of each schema', () => {
    const mine = { type: 'object', properties: { a: { type: 'string' } } } as Record<
      string,
      unknown
    >;
    const registry = buildRegistry([
      { name: 't', description: '', inputSchema: mine, handler: () => 0 },
    ]);
    (mine['properties'] as Record<string, unknown>)['a'] = { type: 'number' };
    expect(registry.get('t')?.validate({ a: 'text' })).toEqual([]);
    expect(Object.isFrozen(registry.get('t')?.inputSchema)).toBe(true);
  });

  it.each([
    ['not an array', {}, TypeError, /tools must be an array/],
    ['a non-object entry', [5], TypeError, /tools\[0\]/],
    ['a missing name', [{ ...tool, name: undefined }], TypeError, /tools\[0\]\.name/],
    ['an empty name', [{ ...tool, name: '' }], RangeError, /tools\[0\]\.name/],
    ['a glob in the name', [{ ...tool, name: 'fs.*' }], RangeError, /tools\[0\]\.name/],
    ['a space in the name', [{ ...tool, name: 'fs read' }], RangeError, /tools\[0\]\.name/],
    ['a leading dot', [{ ...tool, name: '.fs' }], RangeError, /tools\[0\]\.name/],
    ['a duplicate', [tool, tool], RangeError, /registered twice/],
    ['a missing description', [{ ...tool, description: undefined }], TypeError, /description/],
    ['a schema that is not an object', [{ ...tool, inputSchema: true }], TypeError, /inputSchema/],
    [
      'an unknown keyword',
      [{ ...tool, inputSchema: { type: 'object', frobnicate: 1 } }],
      TypeError,
      /inputSchema is not a usable/,
    ],
    [
      'an invalid type',
      [{ ...tool, inputSchema: { type: 'objekt' } }],
      TypeError,
      /inputSchema is not a usable/,
    ],
    ['a missing handler', [{ ...tool, handler: 'run' }], TypeError, /handler/],
  ])('refuses %s', (_name, tools, error, message) => {
    expect(() => buildRegistry(tools)).toThrow(error);
    expect(() => buildRegistry(tools)).toThrow(message);
  });

  it('accepts names with dots, colons, slashes and dashes', () => {
    expect(() =>
      buildRegistry(
        ['bank.transfer', 'mcp:github/create-issue', '_x'].map((name) => ({ ...tool, name })),
      ),
    ).not.toThrow();
  });
});
