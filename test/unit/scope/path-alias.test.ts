// The path-alias rule (issue 12): a deny-list written as the docs show it,
// `args.path !~ "/p/secrets/**"`, must not be bypassed by another spelling of a secret path
// (`/p/./secrets/key`, `/p//secrets/key`, `\p\secrets\key`, `%2e%2e`), and must cover the
// directory itself. The evaluator and the algebra apply the same rule.
import { describe, expect, it } from 'vitest';
import {
  contains,
  evaluateCaveat,
  hasPathAlias,
  pathAliasOf,
  satisfiable,
} from '../../../src/scope/index.js';
import type { ScopeRequest } from '../../../src/scope/index.js';

const call = (path: unknown, tool = 'fs.read'): ScopeRequest => ({
  tool,
  args: { path },
  time: new Date('2026-01-01T00:00:00Z'),
});

describe('pathAliasOf', () => {
  it.each([
    ['/p/secrets/key', null],
    ['/p/secrets', null],
    ['/', null],
    ['p/secrets', null],
    ['src/a.ts', null],
    ['/a..b/...', null],
    ['https://example.com/a', null],
    ['s3://bucket/key', null],
    ['ab:/x', null],
    ['%2f', null],
    ['2026-01-01T00:00:00Z', null],
    ['/p/./secrets/key', '.'],
    ['./secrets', '.'],
    ['/p/.', '.'],
    ['/p/%2e/secrets', '.'],
    ['/p/x/../secrets/key', '..'],
    ['/p/x/%2E%2e/secrets', '..'],
    ['/p/x/.%2e/secrets', '..'],
    ['/p/x/%2e./secrets', '..'],
    ['..', '..'],
    ['/p//secrets/key', '//'],
    ['//p/secrets', '//'],
    ['https:///etc/passwd', '//'],
    ['https://x//admin', '//'],
    ['C://secrets', '//'],
    ['a:b://x', '//'],
    ['/p/secrets/', 'trailing /'],
    ['https://', 'trailing /'],
    ['', 'empty'],
    ['\\p\\secrets\\key', '\\'],
    ['/p/secrets\\..\\x', '\\'],
    ['C:\\p', '\\'],
  ] as const)('%j → %j', (value, expected) => {
    expect(pathAliasOf(value)).toBe(expected);
    expect(hasPathAlias(value)).toBe(expected !== null);
  });

  it('counts code points: an emoji is one character before a scheme colon', () => {
    expect(pathAliasOf('😀://x')).toBe('//');
    expect(pathAliasOf('😀😀://x')).toBeNull();
  });
});

describe('a deny-list is not bypassed by another spelling of the path', () => {
  const deny = 'args.path !~ "/p/secrets/**"';
  it.each([
    '/p/./secrets/key',
    '/p//secrets/key',
    '/p/x/../secrets/key',
    '/p/%2e/secrets/key',
    '\\p\\secrets\\key',
    '/p/secrets/key/',
    '//p/secrets/key',
  ])('%j does not satisfy !~ (nor ~)', (path) => {
    expect(evaluateCaveat(deny, call(path)).holds).toBe(false);
    expect(evaluateCaveat(deny, call(path)).value).toBeUndefined();
    expect(evaluateCaveat('args.path ~ "/p/**"', call(path)).holds).toBe(false);
  });

  it('covers the directory itself: "/p/secrets/**" matches "/p/secrets"', () => {
    expect(evaluateCaveat(deny, call('/p/secrets')).holds).toBe(false);
    expect(evaluateCaveat(deny, call('/p/secrets', 'fs.list')).reason).toBe(
      'args.path "/p/secrets" matches "/p/secrets/**"',
    );
    expect(evaluateCaveat(deny, call('/p/secretsx')).holds).toBe(true);
    expect(evaluateCaveat(deny, call('/p/public/a')).holds).toBe(true);
  });

  it('still allows plain paths, the root and URLs', () => {
    expect(evaluateCaveat('args.path ~ "/repo/**"', call('/repo/src/a.ts')).holds).toBe(true);
    expect(evaluateCaveat('args.path ~ "/**"', call('/')).holds).toBe(true);
    expect(evaluateCaveat('args.path ~ "https://x/**"', call('https://x/a/b')).holds).toBe(true);
    expect(evaluateCaveat('args.path ~ "src/**/*.ts"', call('src/a.ts')).holds).toBe(true);
  });

  it('says which alias it found', () => {
    const reason = (path: string) => evaluateCaveat(deny, call(path)).reason;
    expect(reason('/p/./secrets/key')).toBe(
      'args.path "/p/./secrets/key" has a "." segment: !~ judges only normalized paths',
    );
    expect(reason('/p//secrets/key')).toBe(
      'args.path "/p//secrets/key" has an empty segment ("//"): !~ judges only normalized paths',
    );
    expect(reason('\\p\\secrets')).toBe(
      'args.path "\\\\p\\\\secrets" contains "\\" (a path separator on Windows): !~ judges only normalized paths',
    );
    expect(reason('/p/secrets/')).toBe(
      'args.path "/p/secrets/" ends with "/": !~ judges only normalized paths',
    );
    expect(reason('')).toBe('args.path "" is empty: !~ judges only normalized paths');
  });
});

describe('the algebra applies the same rule', () => {
  it('a deny-list scope does not contain a scope that allows an alias of a denied path', () => {
    for (const path of ['/p/./secrets/key', '/p//secrets/key', '\\p\\secrets\\key']) {
      const inner = `args.path == ${JSON.stringify(path)}`;
      const answer = contains('args.path !~ "/p/secrets/**"', inner);
      expect(answer.contained).toBe(false);
    }
  });

  it('no alias satisfies a glob comparison, on either side', () => {
    expect(satisfiable(['args.path ~ "**"', 'args.path == "/p/./x"']).satisfiable).toBe(false);
    expect(satisfiable(['args.path !~ "/q/**"', 'args.path == "/p//x"']).satisfiable).toBe(false);
    expect(satisfiable(['args.path ~ "**"', 'args.path == "/p/x"']).satisfiable).toBe(true);
  });

  it('"/p/secrets/**" covers "/p/secrets" in containment too', () => {
    expect(contains('args.path ~ "/p/secrets/**"', 'args.path == "/p/secrets"').contained).toBe(
      true,
    );
    expect(contains('args.path ~ "/repo/**"', 'args.path ~ "/repo/**/*.ts"').contained).toBe(true);
    const wider = contains('args.path ~ "/repo/src/**"', 'args.path ~ "/repo/**"');
    expect(wider).toMatchObject({ contained: false, witness: { args: { path: '/repo' } } });
  });
});
