// neededScope: for a refused request, the smallest scope that allows it and a few wider ones,
// as a denial or a permission request would show them.
import { describe, expect, it } from 'vitest';
import { neededScope } from '../../../../src/scope/algebra/index.js';
import type { ScopeRequest } from '../../../../src/scope/ast.js';

const at = new Date('2026-06-01T00:00:00Z');
const request = (tool: string, args: Record<string, unknown>, time = at): ScopeRequest => ({
  tool,
  args,
  time,
});

describe('neededScope', () => {
  it('a path outside the allowed tree: the path itself, or its directory', () => {
    const n = neededScope(
      'tool == "fs.read" and args.path ~ "/repo/**"',
      request('fs.read', { path: '/etc/hosts' }),
    );
    expect(n.allowed).toBe(false);
    expect(n.failing).toEqual(['tool == "fs.read" and args.path ~ "/repo/**"']);
    expect(n.conditions).toEqual(['tool == "fs.read"', 'args.path == "/etc/hosts"']);
    expect(n.scope).toBe('tool == "fs.read" and args.path == "/etc/hosts"');
    expect(n.suggestions).toEqual([
      {
        kind: 'directory',
        scope: 'tool == "fs.read" and args.path ~ "/etc/*"',
        conditions: ['tool == "fs.read"', 'args.path ~ "/etc/*"'],
        contained: false,
      },
    ]);
  });

  it('an amount over the bound and a payee off the list: the bound raised, the payee added', () => {
    const n = neededScope(
      ['tool == "bank.transfer"', 'args.amount <= 100', 'args.to in ["savings"]'],
      request('bank.transfer', { amount: 250, to: 'bob' }),
    );
    expect(n.failing).toEqual(['args.amount <= 100', 'args.to in ["savings"]']);
    expect(n.conditions).toEqual([
      'tool == "bank.transfer"',
      'args.amount == 250',
      'args.to == "bob"',
    ]);
    expect(n.suggestions.map((s) => [s.kind, s.scope])).toEqual([
      ['bound', 'tool == "bank.transfer" and args.amount <= 250 and args.to == "bob"'],
      ['list', 'tool == "bank.transfer" and args.amount == 250 and args.to in ["savings", "bob"]'],
    ]);
  });

  it('a tool outside the token: the tool, or its namespace', () => {
    const n = neededScope('tool == "fs.read"', request('fs.write', { path: '/a' }));
    expect(n.conditions).toEqual(['tool == "fs.write"']);
    expect(n.suggestions).toEqual([
      {
        kind: 'namespace',
        scope: 'tool ~ "fs.*"',
        conditions: ['tool ~ "fs.*"'],
        contained: false,
      },
    ]);
  });

  it('tags a suggestion that the grantor could approve (options.within)', () => {
    const n = neededScope('args.amount <= 100', request('bank.transfer', { amount: 250 }), {
      within: 'args.amount <= 1000',
    });
    expect(n.suggestions).toEqual([
      {
        kind: 'bound',
        scope: 'tool == "bank.transfer" and args.amount <= 250',
        conditions: ['tool == "bank.transfer"', 'args.amount <= 250'],
        contained: true,
      },
    ]);
  });

  it("never pins the clock: an expired token needs the tool, and the time box is the grantor's", () => {
    const n = neededScope(['tool == "x"', 'time < 2026-01-01T00:00:00Z'], request('x', {}));
    expect(n.failing).toEqual(['time < 2026-01-01T00:00:00Z']);
    expect(n.conditions).toEqual(['tool == "x"']);
    expect(n.suggestions).toEqual([]);
    // A grant's alternative with a time box in the failing caveat: the args, still no clock.
    const m = neededScope(
      '(tool == "x" and args.n <= 1 and time < 2026-01-01T00:00:00Z) or tool == "y"',
      request('x', { n: 5 }),
    );
    expect(m.conditions).toEqual(['tool == "x"', 'args.n == 5']);
  });

  it('a missing argument cannot be described, and says so', () => {
    const n = neededScope('args.amount <= 100', request('bank.transfer', {}));
    expect(n.conditions).toEqual(['tool == "bank.transfer"']);
    expect(n.unexpressible).toEqual([
      'args.amount is missing: no condition is true on a missing argument',
    ]);
  });

  it('an array argument is described element by element', () => {
    const n = neededScope(
      'all args.files ~ "src/**"',
      request('fs.read', { files: ['src/a', 'lib/b', 'src/a'] }),
    );
    expect(n.conditions).toEqual(['tool == "fs.read"', 'all args.files in ["src/a", "lib/b"]']);
  });

  it('an allowed request needs nothing more', () => {
    const n = neededScope('args.amount <= 100', request('bank.transfer', { amount: 5 }));
    expect(n).toMatchObject({
      allowed: true,
      failing: [],
      conditions: ['tool == "bank.transfer"'],
      suggestions: [],
    });
  });

  it('suggests only from the parts that failed', () => {
    const n = neededScope(
      'tool == "fs.read" and args.path ~ "/repo/**"',
      request('fs.read', { path: '/etc/x' }),
    );
    expect(n.suggestions.map((s) => s.kind)).toEqual(['directory']);
  });

  it('rejects a malformed request', () => {
    for (const bad of [
      null,
      { tool: 1, args: {}, time: at },
      { tool: 'a', args: [], time: at },
      { tool: 'a', args: {}, time: 'now' },
    ]) {
      expect(() => neededScope('true', bad as unknown as ScopeRequest)).toThrow(TypeError);
    }
  });
});
