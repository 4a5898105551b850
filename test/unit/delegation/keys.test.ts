// Root keys and keyrings: creation, export/import round trips, secrecy in logs, rotation order.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  RootKey,
  RootKeyring,
  createRootKey,
  exportRootKey,
  importRootKey,
  type ExportedRootKey,
  type ExportedRootKeyring,
} from '../../../src/delegation/keys.js';

describe('createRootKey', () => {
  it('makes distinct 32-byte secrets with random ids', () => {
    const a = exportRootKey(createRootKey());
    const b = exportRootKey(createRootKey());
    expect(a.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(a.id).not.toBe(b.id);
    expect(a.secret).toHaveLength(43);
    expect(a.secret).not.toBe(b.secret);
  });

  it('takes an id and a creation time', () => {
    const key = createRootKey({ id: '2026-05', now: new Date('2026-05-01T00:00:00Z') });
    expect(key.id).toBe('2026-05');
    expect(key.createdAt.toISOString()).toBe('2026-05-01T00:00:00.000Z');
  });

  it.each([
    [{ id: '' }, RangeError],
    [{ id: 'has space' }, RangeError],
    [{ id: 'a.b' }, RangeError],
    [{ id: 'x'.repeat(65) }, RangeError],
    [{ id: 5 }, TypeError],
    [{ now: 'yesterday' }, TypeError],
    [{ now: new Date(Number.NaN) }, RangeError],
  ])('refuses bad options %j', (options, error) => {
    expect(() => createRootKey(options as never)).toThrow(error);
  });

  it('refuses options that are not an object', () => {
    expect(() => createRootKey(null as never)).toThrow(TypeError);
  });
});

describe('secrecy', () => {
  it('never shows the secret in JSON or inspect', () => {
    const key = createRootKey({ id: 'k1' });
    const { secret } = exportRootKey(key);
    expect(JSON.stringify(key)).not.toContain(secret);
    expect(inspect(key)).not.toContain(secret);
    expect(Object.keys(key)).toEqual(['id']);
    expect(JSON.stringify(key)).toContain('"id":"k1"');
  });

  it('is frozen', () => {
    const key = createRootKey();
    expect(() => {
      (key as { id: string }).id = 'other';
    }).toThrow(TypeError);
  });
});

describe('exportRootKey / importRootKey', () => {
  it('round-trips', () => {
    const key = createRootKey({ id: 'k1' });
    const again = importRootKey(JSON.parse(JSON.stringify(exportRootKey(key))) as ExportedRootKey);
    expect(again).toBeInstanceOf(RootKey);
    expect(exportRootKey(again)).toEqual(exportRootKey(key));
  });

  const good = exportRootKey(createRootKey({ id: 'k1' }));
  it.each([
    ['null', null, TypeError],
    ['missing id', { ...good, id: undefined }, TypeError],
    ['bad id', { ...good, id: 'a b' }, RangeError],
    ['numeric secret', { ...good, secret: 7 }, TypeError],
    ['short secret', { ...good, secret: good.secret.slice(0, 40) }, RangeError],
    ['padded secret', { ...good, secret: `${good.secret}=` }, RangeError],
    [
      'standard alphabet',
      { ...good, secret: good.secret.replace(/[-_]/g, '+').replace(/^./, '+') },
      RangeError,
    ],
    ['bad date', { ...good, createdAt: 'yesterday' }, RangeError],
    ['offset date', { ...good, createdAt: '2026-01-01T00:00:00+01:00' }, RangeError],
    ['numeric date', { ...good, createdAt: 0 }, TypeError],
  ])('refuses %s', (_name, data, error) => {
    expect(() => importRootKey(data as never)).toThrow(error);
  });

  it('never echoes the secret in an import error', () => {
    const secret = good.secret.slice(0, 42);
    try {
      importRootKey({ ...good, secret });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).not.toContain(secret);
    }
  });

  it('refuses a non-key for export', () => {
    expect(() => exportRootKey({ id: 'x' } as never)).toThrow(TypeError);
  });
});

describe('RootKeyring', () => {
  it('signs with the most recently added key and finds every live key', () => {
    const a = createRootKey({ id: 'a' });
    const b = createRootKey({ id: 'b' });
    const ring = new RootKeyring([a, b]);
    expect(ring.signingKey).toBe(b);
    expect(ring.get('a')).toBe(a);
    const c = ring.rotate({ id: 'c' });
    expect(ring.signingKey).toBe(c);
    expect(ring.keys().map((k) => k.id)).toEqual(['a', 'b', 'c']);
  });

  it('retires keys', () => {
    const ring = new RootKeyring([createRootKey({ id: 'a' }), createRootKey({ id: 'b' })]);
    expect(ring.retire('b')).toBe(true);
    expect(ring.retire('b')).toBe(false);
    expect(ring.signingKey.id).toBe('a');
    expect(ring.size).toBe(1);
  });

  it('refuses to sign when empty', () => {
    expect(() => new RootKeyring().signingKey).toThrow(RangeError);
  });

  it('refuses a different key under a live id, but re-adding the same key is harmless', () => {
    const a = createRootKey({ id: 'a' });
    const ring = new RootKeyring([a]);
    expect(() => ring.add(createRootKey({ id: 'a' }))).toThrow(RangeError);
    ring.add(a);
    expect(ring.size).toBe(1);
  });

  it('round-trips through export/import, keeping the signing key', () => {
    const ring = new RootKeyring([createRootKey({ id: 'old' }), createRootKey({ id: 'new' })]);
    const again = RootKeyring.import(
      JSON.parse(JSON.stringify(ring.export())) as ExportedRootKeyring,
    );
    expect(again.signingKey.id).toBe('new');
    expect(again.keys().map((k) => exportRootKey(k))).toEqual(
      ring.keys().map((k) => exportRootKey(k)),
    );
  });

  it.each([
    ['a non-iterable', 5, TypeError],
    ['a list with a non-key', [{ id: 'x' }], TypeError],
  ])('refuses %s', (_name, keys, error) => {
    expect(() => new RootKeyring(keys as never)).toThrow(error);
  });

  it('names the bad entry on import', () => {
    expect(() =>
      RootKeyring.import({ keys: [{ id: 'a', secret: 'x', createdAt: '2026-01-01T00:00:00Z' }] }),
    ).toThrow(/data\.keys\[0\]\.secret/);
    expect(() => RootKeyring.import({ keys: 'no' } as never)).toThrow(TypeError);
  });
});
