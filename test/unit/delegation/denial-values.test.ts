// A denial is a denial: when the needed scope cannot write a value of the call (a string past
// the scope layer's 4,096 characters, a list past 1,024 values, a caveat past 8,192
// characters), `authorize` still returns the denial, lists those values in
// `needed.unexpressible` and leaves them out of `needed.scope` and its suggestions; a tool name
// too long to write leaves nothing to ask for, so there is no `needed`. Before, each threw
// ScopeLimitError.
import { describe, expect, it } from 'vitest';
import {
  RootKeyring,
  authorize,
  createRootKey,
  mintDelegation,
} from '../../../src/delegation/index.js';

const NOW = new Date('2026-03-01T12:00:00Z');
const ring = new RootKeyring([createRootKey({ id: 'k1' })]);
const list = Array.from({ length: 1024 }, (_, i) => i).join(', ');
const token = mintDelegation(ring, {
  to: 'agent',
  conditions: [
    'tool ~ "fs.*"',
    'args.path ~ "/repo/**"',
    `args.n in [${list}]`,
    'all args.tags in ["a", "b"]',
  ],
});

function deny(tool: string, args: Record<string, unknown>) {
  const decision = authorize(
    token,
    { tool, args, principal: 'agent' },
    { rootKeys: ring, now: NOW },
  );
  if (decision.allowed) throw new Error('expected a denial');
  return decision;
}

const ok = { path: '/repo/a', n: 1, tags: ['a'] };

describe('authorize denies, and says what it cannot write', () => {
  it('an argument longer than 4,096 characters', () => {
    const d = deny('fs.read', { ...ok, path: `/etc/${'x'.repeat(5000)}` });
    expect(d.failures.map((f) => f.caveat)).toEqual(['args.path ~ "/repo/**"']);
    expect(d.needed).toMatchObject({
      scope: ['tool == "fs.read"'],
      unexpressible: [
        'args.path cannot be written as a condition: it needs 5005 where maxStringLength allows 4096',
      ],
      suggestions: [],
      askFrom: 'owner',
    });
  });

  it('a value a failing in list already holding 1,024 values cannot take: no list suggestion', () => {
    const d = deny('fs.read', { ...ok, n: 5000 });
    expect(d.needed?.scope).toEqual(['tool == "fs.read"', 'args.n == 5000']);
    expect(d.needed?.unexpressible).toEqual([]);
    expect(d.needed?.suggestions.map((s) => s.kind)).not.toContain('list');
  });

  it('an array of more than 1,024 distinct values, or of more text than one caveat holds', () => {
    const many = deny('fs.read', { ...ok, tags: Array.from({ length: 1100 }, (_, i) => `t${i}`) });
    expect(many.needed?.scope).toEqual(['tool == "fs.read"']);
    expect(many.needed?.unexpressible).toEqual([
      'args.tags cannot be written as a condition: it needs 1100 where maxListLength allows 1024',
    ]);
    const long = deny('fs.read', {
      ...ok,
      tags: ['c'.repeat(4000), 'd'.repeat(4000), 'e'.repeat(4000)],
    });
    expect(long.needed?.unexpressible).toEqual([
      'args.tags cannot be written as a condition: it needs 12000 where maxTextLength allows 8192',
    ]);
  });

  it('a path whose directory is too long for a glob: the minimal scope, no directory suggestion', () => {
    const d = deny('fs.read', { ...ok, path: `/etc/${'d'.repeat(300)}/hosts` });
    expect(d.needed?.scope).toEqual([
      'tool == "fs.read"',
      `args.path == "/etc/${'d'.repeat(300)}/hosts"`,
    ]);
    expect(d.needed?.suggestions).toEqual([]);
  });

  it('a tool name longer than 4,096 characters: no needed, the failures say why', () => {
    const tool = `fs.${'r'.repeat(5000)}`;
    const d = deny(tool, { ...ok, path: '/etc/hosts' });
    expect(d.failures.map((f) => f.caveat)).toEqual(['args.path ~ "/repo/**"']);
    expect(d.needed).toBeUndefined();
    expect(d.neededUnavailable).toBeUndefined();
  });
});
