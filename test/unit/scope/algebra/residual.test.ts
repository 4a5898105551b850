// residual: what a scope asks of args once the tool (and the time) are fixed, as tool discovery
// shows it.
import { describe, expect, it } from 'vitest';
import { residual } from '../../../../src/scope/algebra/index.js';
import type { ResidualContext } from '../../../../src/scope/algebra/index.js';

const TOKEN = [
  'tool in ["fs.read", "fs.write", "bank.transfer"]',
  'tool ~ "fs.*" and args.path ~ "/repo/**" or tool !~ "fs.*"',
  'tool != "bank.transfer" or args.amount <= 100',
  'time < 2026-12-01T00:00:00Z',
];
const BEFORE = new Date('2026-06-01T00:00:00Z');
const AFTER = new Date('2027-01-01T00:00:00Z');

describe('residual', () => {
  it('tells discovery which tools are allowed, denied, or allowed under a condition', () => {
    expect(residual(TOKEN, { tool: 'fs.read', time: BEFORE })).toEqual({
      status: 'conditional',
      condition: 'args.path ~ "/repo/**"',
    });
    expect(residual(TOKEN, { tool: 'bank.transfer', time: BEFORE })).toEqual({
      status: 'conditional',
      condition: 'args.amount <= 100',
    });
    expect(residual(TOKEN, { tool: 'shell.exec', time: BEFORE })).toEqual({ status: 'denied' });
    expect(
      residual(['tool ~ "fs.*"', 'args.path ~ "/repo/**" or tool == "fs.list"'], {
        tool: 'fs.list',
      }),
    ).toEqual({ status: 'allowed' });
  });

  it('decides the time when it is given, and keeps the time conditions when it is not', () => {
    expect(residual(TOKEN, { tool: 'fs.read', time: AFTER })).toEqual({ status: 'denied' });
    expect(residual(TOKEN, { tool: 'fs.read' })).toEqual({
      status: 'conditional',
      condition: 'args.path ~ "/repo/**" and time < 2026-12-01T00:00:00Z',
    });
    expect(residual(['tool == "a"', 'time < 2026-12-01T00:00:00Z'], { tool: 'a' })).toEqual({
      status: 'conditional',
      condition: 'time < 2026-12-01T00:00:00Z',
    });
  });

  it('denies when the args can never meet the rest, and allows when every args does', () => {
    expect(residual(['tool == "a"', 'args.n > 5', 'args.n < 3'], { tool: 'a' })).toEqual({
      status: 'denied',
    });
    expect(residual(['tool == "a" or args.n > 5'], { tool: 'a' })).toEqual({ status: 'allowed' });
  });

  it('simplifies what remains', () => {
    expect(
      residual(['args.n > 1 and args.n > 5 or tool == "b"', 'not (args.m == "x")'], { tool: 'a' }),
    ).toEqual({
      status: 'conditional',
      condition: 'args.m != "x" and args.n > 5',
    });
  });

  it('a tool name with a ".." segment meets no glob', () => {
    expect(residual('tool ~ "fs/**"', { tool: 'fs/../shell' })).toEqual({ status: 'denied' });
    expect(residual('tool !~ "shell/**"', { tool: 'fs/../shell' })).toEqual({ status: 'denied' });
  });

  it('rejects a bad context', () => {
    const bad: unknown[] = [
      null,
      'fs.read',
      {},
      { tool: 1 },
      { tool: 'a', time: '2026-01-01' },
      { tool: 'a', time: new Date(Number.NaN) },
    ];
    for (const context of bad)
      expect(() => residual('true', context as ResidualContext)).toThrow(TypeError);
  });
});
