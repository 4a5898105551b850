/**
 * Conformance with libmacaroons: every file in test/vectors/libmacaroons/ is read and checked.
 * `.vtest` files verify or fail exactly as marked; each `serialization_N` line decodes to the
 * same macaroon and re-encodes byte for byte; the README doc-test's "mybank" walk-through
 * (signatures after each caveat, a forged signature, and a third-party caveat with its bound
 * discharge) gives the same bytes here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  bindDischarge,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
  encodeMacaroonBinary,
  type Macaroon,
  MacaroonCaveatError,
  MacaroonSignatureError,
  verifyMacaroon,
} from '../../src/macaroon/index.js';

const DIR = join(import.meta.dirname, 'libmacaroons');
const files = readdirSync(DIR).sort();
const read = (name: string): string => readFileSync(join(DIR, name), 'utf8');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** The vector files wrap every macaroon in one more layer of base64, in either alphabet. */
function unwrap(line: string): Uint8Array {
  return new Uint8Array(Buffer.from(line.replace(/-/g, '+').replace(/_/g, '/'), 'base64'));
}

function summary(m: Macaroon): unknown {
  return {
    location: m.location,
    identifier: hex(m.identifier),
    caveats: m.caveats.map((c) =>
      c.kind === 'first-party'
        ? hex(c.identifier)
        : [hex(c.identifier), hex(c.verificationId), c.location],
    ),
    signature: hex(m.signature),
  };
}

interface VTest {
  readonly versions: readonly string[];
  readonly authorized: boolean;
  readonly key: string;
  readonly exact: readonly string[];
  readonly macaroons: readonly Uint8Array[];
}

/** Parses a .vtest file as doc/tests.txt describes it. */
function parseVTest(source: string): VTest {
  const lines = source.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const [version, outcome, key, ...rest] = lines;
  expect(version).toMatch(/^version( (1|2|2j))+$/);
  expect(outcome).toMatch(/^(authorized|unauthorized)$/);
  expect(key).toMatch(/^key /);
  const exact: string[] = [];
  const macaroons: Uint8Array[] = [];
  for (const line of rest) {
    if (line.startsWith('exact ')) exact.push(line.slice('exact '.length));
    else if (line.startsWith('general ')) throw new Error(`general caveats are not used by these vectors: ${line}`);
    else macaroons.push(unwrap(line));
  }
  return {
    versions: version!.split(' ').slice(1),
    authorized: outcome === 'authorized',
    key: key!.slice('key '.length),
    exact,
    macaroons,
  };
}

describe('libmacaroons .vtest files', () => {
  const vtests = files.filter((f) => f.endsWith('.vtest'));

  it('are all here (16 files: root and caveat tests, v1 and v2)', () => {
    expect(vtests).toHaveLength(16);
  });

  it.each(vtests)('%s verifies exactly as marked', (name) => {
    const t = parseVTest(read(name));
    const [first, ...discharges] = t.macaroons.map((bytes) => decodeMacaroon(bytes));
    const check = (caveat: Uint8Array): boolean => t.exact.includes(text(caveat));
    const run = (): void => verifyMacaroon(first!, t.key, { check, discharges });
    if (t.authorized) expect(run).not.toThrow();
    else expect(run).toThrow(t.key === 'this is the key' ? MacaroonCaveatError : MacaroonSignatureError);
  });
});

describe('libmacaroons serialization files', () => {
  const serializations = files.filter((f) => f.startsWith('serialization_'));

  it('are all here (3 files)', () => {
    expect(serializations).toEqual(['serialization_1', 'serialization_2', 'serialization_3']);
  });

  it.each(serializations)('%s: every line decodes to the same macaroon and re-encodes byte for byte', (name) => {
    const lines = read(name).trim().split('\n');
    const decoded = lines.map((line) => {
      const [format, wrapped] = line.split(' ');
      const bytes = unwrap(wrapped!);
      const m = decodeMacaroon(bytes);
      const raw = Buffer.from(bytes).toString('latin1');
      if (format === 'v1') expect(encodeMacaroon(m, { format: 'v1' })).toBe(raw);
      else if (format === 'v2') {
        expect(Buffer.from(encodeMacaroonBinary(m)).equals(Buffer.from(bytes))).toBe(true);
        expect(encodeMacaroon(m)).toBe(Buffer.from(bytes).toString('base64url'));
      } else if (format === 'v2j') expect(encodeMacaroon(m, { format: 'v2j' })).toBe(raw);
      else throw new Error(`unknown format ${format}`);
      return summary(m);
    });
    expect(new Set(decoded.map((d) => JSON.stringify(d))).size).toBe(1);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['v1', 'v2', 'v2j']);
  });

  it('match the README table: the signatures of the root key "this is the key" chain', () => {
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    const sigs = [...readme.matchAll(/[0-9a-f]{64}/g)].map((m) => m[0]);
    const m0 = createMacaroon({ rootKey: 'this is the key', identifier: 'keyid', location: 'http://example.org/' });
    const m1 = addFirstPartyCaveat(m0, 'account = 3735928559');
    const m2 = addFirstPartyCaveat(m1, 'user = alice');
    expect([m0, m1, m2].map((m) => hex(m.signature))).toEqual(sigs);
    const fromFile = (n: number): string => hex(decodeMacaroon(unwrap(read(`serialization_${n}`).split('\n')[1]!.split(' ')[1]!)).signature);
    expect([fromFile(1), fromFile(2), fromFile(3)]).toEqual(sigs);
  });
});

/** The `key value` lines printed by `print X.inspect()` at a given line of the doc-test. */
function inspectBlock(lines: readonly string[], from: number): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (let i = from + 1; i < lines.length && /^ {4}[a-z]+ /.test(lines[i]!); i++) {
    const line = lines[i]!.slice(4);
    const key = line.slice(0, line.indexOf(' '));
    fields.set(key, [...(fields.get(key) ?? []), line.slice(key.length + 1)]);
  }
  return fields;
}

describe('libmacaroons README doc-test (the "mybank" walk-through)', () => {
  const doc = read('README.doctest.txt');
  const lines = doc.split('\n');
  const quoted = (re: RegExp): string => {
    const m = re.exec(doc);
    if (m?.[1] === undefined) throw new Error(`not in README.doctest.txt: ${String(re)}`);
    return m[1];
  };
  /** Every `print X.inspect()` output, with the name X. */
  const inspects = lines.flatMap((l, i) => {
    const m = /^ {4}>>> print (\w+)\.inspect\(\)$/.exec(l);
    return m === null ? [] : [{ name: m[1]!, fields: inspectBlock(lines, i) }];
  });
  const field = (block: Map<string, string[]>, key: string, index = 0): string => {
    const value = block.get(key)?.[index];
    if (value === undefined) throw new Error(`no ${key} in inspect output`);
    return value;
  };
  const secret = quoted(/>>> secret = '([^']+)'/);
  const identifier = quoted(/>>> public = '([^']+)'/);
  const location = quoted(/>>> location = '([^']+)'/);

  it('mints, attenuates and serializes to the same bytes', () => {
    let m = createMacaroon({ rootKey: secret, identifier, location });
    const printed = [...doc.matchAll(/>>> M\.signature\n {4}'([0-9a-f]{64})'/g)].map((x) => x[1]);
    expect(hex(m.signature)).toBe(printed[0]);
    expect(encodeMacaroon(m, { format: 'v1' })).toBe(quoted(/>>> M\.serialize\(format=1\)\n {4}'([^']+)'/));
    const three = inspects.find((b) => b.name === 'M' && b.fields.get('cid')?.length === 3)!.fields;
    const one = inspects.find((b) => b.name === 'M' && b.fields.get('cid')?.length === 1)!.fields;
    const expected = [field(one, 'signature'), printed[1], printed[2]];
    three.get('cid')!.forEach((caveat, i) => {
      m = addFirstPartyCaveat(m, caveat);
      expect(hex(m.signature)).toBe(expected[i]);
    });
    expect(hex(m.signature)).toBe(field(three, 'signature'));
    const check = (c: Uint8Array): boolean => text(c) !== 'OS = Windows XP';
    expect(() => verifyMacaroon(m, secret, { check })).not.toThrow();
    expect(() => verifyMacaroon(addFirstPartyCaveat(m, 'OS = Windows XP'), secret, { check })).toThrow(
      MacaroonCaveatError,
    );
    expect(() => verifyMacaroon(m, 'this is not the secret we were looking for', { check })).toThrow(
      MacaroonSignatureError,
    );
  });

  it('refuses the forged signature', () => {
    const forged = quoted(/macaroons\.deserialize\('([^']+)'\)/).replace(/\\n/g, '');
    const n = decodeMacaroon(forged);
    expect(hex(n.signature)).toBe(field(inspects.find((b) => b.name === 'N')!.fields, 'signature'));
    expect(() => verifyMacaroon(n, secret, { check: () => true })).toThrow(MacaroonSignatureError);
  });

  it('verifies the third-party caveat with the bound discharge, and not with the unbound one', () => {
    const other = quoted(/>>> secret = '(this is a different[^']+)'/);
    const caveatKey = quoted(/>>> caveat_key = '([^']+)'/);
    const block = inspects.find((b) => b.fields.has('vid'))!.fields;
    // Rebuild the printed macaroon as v2 JSON (its all-zero nonce predates random nonces).
    const json = JSON.stringify({
      v: 2,
      l: field(block, 'location'),
      i: field(block, 'identifier'),
      c: [{ i: field(block, 'cid') }, { i: field(block, 'cid', 1), l: field(block, 'cl'), v64: field(block, 'vid') }],
      s64: Buffer.from(field(block, 'signature'), 'hex').toString('base64url'),
    });
    const m = decodeMacaroon(json);
    const printedD = inspects.find((b) => b.name === 'D')!.fields;
    let d = createMacaroon({ rootKey: caveatKey, identifier: field(block, 'cid', 1), location: field(printedD, 'location') });
    d = addFirstPartyCaveat(d, field(printedD, 'cid'));
    expect(hex(d.signature)).toBe(field(printedD, 'signature'));
    const bound = bindDischarge(m, d);
    expect(hex(bound.signature)).toBe(quoted(/>>> DP\.signature\n {4}'([0-9a-f]{64})'/));
    expect(() => verifyMacaroon(m, other, { check: () => true, discharges: [bound] })).not.toThrow();
    expect(() => verifyMacaroon(m, other, { check: () => true, discharges: [d] })).toThrow(MacaroonSignatureError);
  });
});
