// Prefix digests: one per prefix, shared by every macaroon derived by adding caveats, covering
// what the signature covers (identifier, caveats, verification ids) and not the location hint.
import { describe, expect, it } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
  macaroonPrefixDigests,
} from '../../../src/macaroon/index.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const key = new Uint8Array(32).fill(7);

describe('macaroonPrefixDigests', () => {
  it('gives one 32-byte digest per prefix, shared with every macaroon derived from it', () => {
    const root = createMacaroon({ rootKey: key, identifier: 'id-1', location: 'https://a' });
    const one = addFirstPartyCaveat(root, 'a = 1');
    const two = addFirstPartyCaveat(one, 'b = 2');
    const other = addFirstPartyCaveat(one, 'b = 3');
    const d = macaroonPrefixDigests(two).map(hex);
    expect(d).toHaveLength(3);
    expect(macaroonPrefixDigests(two)[0]).toHaveLength(32);
    expect(macaroonPrefixDigests(one).map(hex)).toEqual(d.slice(0, 2));
    expect(macaroonPrefixDigests(root).map(hex)).toEqual(d.slice(0, 1));
    expect(macaroonPrefixDigests(other).map(hex).slice(0, 2)).toEqual(d.slice(0, 2));
    expect(hex(macaroonPrefixDigests(other)[2] as Uint8Array)).not.toBe(d[2]);
    expect(new Set(d).size).toBe(3);
  });

  it('depends on the identifier and caveats, not on the encoding or the location', () => {
    const m = addFirstPartyCaveat(
      createMacaroon({ rootKey: key, identifier: 'id-1', location: 'x' }),
      'a = 1',
    );
    const elsewhere = addFirstPartyCaveat(
      createMacaroon({ rootKey: key, identifier: 'id-1', location: 'y' }),
      'a = 1',
    );
    const renamed = addFirstPartyCaveat(
      createMacaroon({ rootKey: key, identifier: 'id-2', location: 'x' }),
      'a = 1',
    );
    const d = macaroonPrefixDigests(m).map(hex);
    expect(macaroonPrefixDigests(elsewhere).map(hex)).toEqual(d);
    expect(
      macaroonPrefixDigests(decodeMacaroon(encodeMacaroon(m, { format: 'v1' }))).map(hex),
    ).toEqual(d);
    expect(macaroonPrefixDigests(renamed).map(hex)[1]).not.toBe(d[1]);
    // Framing: moving bytes between the identifier and a caveat changes the digests.
    const shifted = addFirstPartyCaveat(
      createMacaroon({ rootKey: key, identifier: 'id-1a', location: 'x' }),
      ' = 1',
    );
    expect(macaroonPrefixDigests(shifted).map(hex)[1]).not.toBe(d[1]);
  });

  it('covers a third-party caveat, verification id included', () => {
    const m = createMacaroon({ rootKey: key, identifier: 'id-1' });
    const a = addThirdPartyCaveat(m, {
      location: 'https://auth',
      rootKey: new Uint8Array(32).fill(1),
      identifier: 'tp',
    });
    const b = addThirdPartyCaveat(m, {
      location: 'https://auth',
      rootKey: new Uint8Array(32).fill(1),
      identifier: 'tp',
    });
    // Random nonces make each verification id, so each macaroon, distinct.
    expect(hex(macaroonPrefixDigests(a)[1] as Uint8Array)).not.toBe(
      hex(macaroonPrefixDigests(b)[1] as Uint8Array),
    );
  });
});
