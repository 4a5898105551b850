/**
 * Verification: the HMAC chain under the right and wrong keys, every first-party caveat passed
 * to `check` (and only after the signatures verify), every failure reported, discharges used
 * exactly once and bound to their root (recursively, within the depth and count limits), the
 * signature-only fast path, and errors that never carry a key or a signature.
 */
import { describe, expect, it, vi } from 'vitest';
import {
  addFirstPartyCaveat,
  addThirdPartyCaveat,
  bindDischarge,
  createMacaroon,
  decodeMacaroon,
  encodeMacaroon,
  type Macaroon,
  MACAROON_MAX_DISCHARGE_DEPTH,
  MACAROON_SIGNATURE_MESSAGE,
  MacaroonCaveatError,
  MacaroonDischargeError,
  MacaroonError,
  MacaroonLimitError,
  MacaroonSignatureError,
  verifyMacaroon,
  verifyMacaroonSignature,
} from '../../../src/macaroon/index.js';

const KEY = 'root key';
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const accept = (): boolean => true;

function token(...caveats: string[]): Macaroon {
  let m = createMacaroon({ rootKey: KEY, identifier: 'id', location: 'https://here' });
  for (const c of caveats) m = addFirstPartyCaveat(m, c);
  return m;
}

function thrown(run: () => void): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('verifyMacaroon', () => {
  it('accepts the right key when check accepts every caveat, and passes each caveat once, in order', () => {
    const seen: string[] = [];
    verifyMacaroon(token('a', 'b', 'c'), KEY, { check: (c) => (seen.push(text(c)), true) });
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(() =>
      verifyMacaroon(token(), new TextEncoder().encode(KEY), { check: accept }),
    ).not.toThrow();
  });

  it('refuses a wrong key with the fixed signature error, before calling check', () => {
    const check = vi.fn(accept);
    const err = thrown(() => verifyMacaroon(token('a'), 'not the key', { check }));
    expect(err).toBeInstanceOf(MacaroonSignatureError);
    expect(err).toBeInstanceOf(MacaroonError);
    expect((err as MacaroonSignatureError).message).toBe(MACAROON_SIGNATURE_MESSAGE);
    expect((err as MacaroonSignatureError).toJSON()).toEqual({
      code: 'ERR_MACAROON_SIGNATURE',
      message: MACAROON_SIGNATURE_MESSAGE,
    });
    expect(check).not.toHaveBeenCalled();
  });

  it('reports every caveat check refuses, and accepts only a literal true', () => {
    const m = token('a', 'b', 'c', 'd');
    const verdicts: Record<string, unknown> = { a: true, b: false, c: 1, d: 'yes' };
    const err = thrown(() =>
      verifyMacaroon(m, KEY, { check: (c) => verdicts[text(c)] as boolean }),
    );
    expect(err).toBeInstanceOf(MacaroonCaveatError);
    expect((err as MacaroonCaveatError).failures).toEqual([
      { discharge: null, index: 1, caveat: 'b' },
      { discharge: null, index: 2, caveat: 'c' },
      { discharge: null, index: 3, caveat: 'd' },
    ]);
    expect((err as MacaroonCaveatError).message).toBe('caveat not satisfied: "b" and 2 more');
    expect((err as MacaroonCaveatError).code).toBe('ERR_MACAROON_CAVEAT');
  });

  it('lets an exception from check through unchanged', () => {
    const boom = new Error('check failed');
    expect(() =>
      verifyMacaroon(token('a'), KEY, {
        check: () => {
          throw boom;
        },
      }),
    ).toThrow(boom);
  });

  it('gives check a copy: changing it changes nothing', () => {
    const m = token('a = 1');
    verifyMacaroon(m, KEY, { check: (c) => (c.fill(0), true) });
    expect(() => verifyMacaroon(m, KEY, { check: (c) => text(c) === 'a = 1' })).not.toThrow();
  });

  it('keeps working when root keys alternate (text and bytes, equal and different)', () => {
    const a = createMacaroon({ rootKey: 'key A', identifier: 'x' });
    const b = createMacaroon({ rootKey: new Uint8Array([1, 2, 3]), identifier: 'x' });
    const keyB = new Uint8Array([1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      expect(() => verifyMacaroon(a, 'key A', { check: accept })).not.toThrow();
      expect(() => verifyMacaroon(b, keyB, { check: accept })).not.toThrow();
      expect(() => verifyMacaroon(b, 'key A', { check: accept })).toThrow(MacaroonSignatureError);
      expect(() => verifyMacaroon(a, keyB, { check: accept })).toThrow(MacaroonSignatureError);
    }
    keyB[0] = 9; // same array, new contents: a different key
    expect(() => verifyMacaroon(b, keyB, { check: accept })).toThrow(MacaroonSignatureError);
    expect(() => verifyMacaroon(b, new Uint8Array([1, 2, 3]), { check: accept })).not.toThrow();
  });

  it.each([
    ['a non-macaroon', () => verifyMacaroon({} as never, KEY, { check: accept }), TypeError],
    ['a missing check', () => verifyMacaroon(token(), KEY, {} as never), TypeError],
    ['missing options', () => verifyMacaroon(token(), KEY, undefined as never), TypeError],
    ['a numeric key', () => verifyMacaroon(token(), 5 as never, { check: accept }), TypeError],
    [
      'a key with a lone surrogate',
      () => verifyMacaroon(token(), '\ud800', { check: accept }),
      RangeError,
    ],
    [
      'discharges not an array',
      () => verifyMacaroon(token(), KEY, { check: accept, discharges: 'x' as never }),
      TypeError,
    ],
    [
      'a discharge that is not a macaroon',
      () => verifyMacaroon(token(), KEY, { check: accept, discharges: [{}] as never }),
      TypeError,
    ],
    [
      'a bad limit',
      () => verifyMacaroon(token(), KEY, { check: accept, limits: { maxDischarges: -1 } }),
      RangeError,
    ],
  ])('refuses caller mistakes: %s', (_name, call, error) => {
    expect(call).toThrow(error);
  });
});

describe('verifyMacaroonSignature (the fast path)', () => {
  it('checks the chain but never what the caveats say', () => {
    expect(() => verifyMacaroonSignature(token('anything at all'), KEY)).not.toThrow();
    expect(() => verifyMacaroonSignature(token('a'), 'wrong')).toThrow(MacaroonSignatureError);
  });

  it('catches every kind of tampering the full verification catches', () => {
    const m = token('a', 'b');
    const json = JSON.parse(encodeMacaroon(m, { format: 'v2j' })) as {
      c: { i: string }[];
      i: string;
    };
    const variants = [
      { ...json, c: json.c.slice(1) },
      { ...json, c: [...json.c].reverse() },
      { ...json, c: [{ i: 'a' }, { i: 'B' }] },
      { ...json, c: [...json.c, { i: 'c' }] },
      { ...json, i: 'other' },
    ];
    for (const v of variants) {
      expect(() => verifyMacaroonSignature(decodeMacaroon(JSON.stringify(v)), KEY)).toThrow(
        MacaroonSignatureError,
      );
    }
  });
});

describe('discharges', () => {
  const tp = (n: number) => ({
    rootKey: `caveat key ${n}`,
    identifier: `ask ${n}`,
    location: `https://tp${n}`,
  });
  const discharge = (n: number, ...caveats: string[]): Macaroon => {
    let d = createMacaroon({ rootKey: `caveat key ${n}`, identifier: `ask ${n}` });
    for (const c of caveats) d = addFirstPartyCaveat(d, c);
    return d;
  };
  const root = addThirdPartyCaveat(addThirdPartyCaveat(token('a'), tp(1)), tp(2));

  it('verify when each third-party caveat has its bound discharge, in any order, and check sees theirs too', () => {
    const seen: string[] = [];
    const d1 = bindDischarge(root, discharge(1, 'd1 ok'));
    const d2 = bindDischarge(root, discharge(2, 'd2 ok'));
    verifyMacaroon(root, KEY, { check: (c) => (seen.push(text(c)), true), discharges: [d2, d1] });
    expect(seen).toEqual(['a', 'd2 ok', 'd1 ok']);
    const err = thrown(() =>
      verifyMacaroon(root, KEY, { check: (c) => text(c) !== 'd1 ok', discharges: [d2, d1] }),
    );
    expect((err as MacaroonCaveatError).failures).toEqual([
      { discharge: 1, index: 0, caveat: 'd1 ok' },
    ]);
  });

  it('fail when one is missing, unbound, bound to another root, or not asked for', () => {
    const d1 = bindDischarge(root, discharge(1));
    const d2 = bindDischarge(root, discharge(2));
    const other = addThirdPartyCaveat(addThirdPartyCaveat(token('b'), tp(1)), tp(2));
    const cases: [Macaroon[], unknown, Record<string, unknown>?][] = [
      [[], MacaroonDischargeError, { problem: 'missing', caveat: 'ask 1' }],
      [[d1], MacaroonDischargeError, { problem: 'missing', caveat: 'ask 2' }],
      [[d1, discharge(2)], MacaroonSignatureError],
      [[d1, bindDischarge(other, discharge(2))], MacaroonSignatureError],
      [
        [d1, d2, bindDischarge(root, discharge(3))],
        MacaroonDischargeError,
        { problem: 'unused', discharge: 2 },
      ],
      [[d1, d2, d1], MacaroonDischargeError, { problem: 'unused', discharge: 2 }],
      [
        [d1, bindDischarge(root, createMacaroon({ rootKey: 'wrong key', identifier: 'ask 2' }))],
        MacaroonSignatureError,
      ],
    ];
    for (const [discharges, error, fields] of cases) {
      const err = thrown(() => verifyMacaroon(root, KEY, { check: accept, discharges }));
      expect(err).toBeInstanceOf(error);
      if (fields !== undefined) expect(err).toMatchObject(fields);
    }
  });

  it('fail when one discharge would have to serve two caveats', () => {
    const twice = addThirdPartyCaveat(addThirdPartyCaveat(token(), tp(1)), tp(1));
    const d = bindDischarge(twice, discharge(1));
    expect(
      thrown(() => verifyMacaroon(twice, KEY, { check: accept, discharges: [d] })),
    ).toMatchObject({
      problem: 'reused',
      discharge: 0,
    });
    expect(() => verifyMacaroon(twice, KEY, { check: accept, discharges: [d, d] })).not.toThrow();
  });

  it('fail on a discharge that needs itself (a cycle)', () => {
    const selfish = addThirdPartyCaveat(discharge(1), tp(1));
    const m = addThirdPartyCaveat(token(), tp(1));
    const d = bindDischarge(m, selfish);
    expect(thrown(() => verifyMacaroon(m, KEY, { check: accept, discharges: [d] }))).toMatchObject({
      problem: 'reused',
    });
  });

  it('verify nested discharges, all bound to the root, up to the depth limit', () => {
    const chain = (depth: number): [Macaroon, Macaroon[]] => {
      let m = addThirdPartyCaveat(token(), tp(0));
      const ds: Macaroon[] = [];
      for (let i = 0; i < depth; i++)
        ds.push(i + 1 < depth ? addThirdPartyCaveat(discharge(i), tp(i + 1)) : discharge(i));
      m = addFirstPartyCaveat(m, 'last');
      return [m, ds.map((d) => bindDischarge(m, d))];
    };
    const [ok, okDischarges] = chain(MACAROON_MAX_DISCHARGE_DEPTH);
    expect(() =>
      verifyMacaroon(ok, KEY, { check: accept, discharges: okDischarges }),
    ).not.toThrow();
    const [deep, deepDischarges] = chain(MACAROON_MAX_DISCHARGE_DEPTH + 1);
    expect(
      thrown(() => verifyMacaroon(deep, KEY, { check: accept, discharges: deepDischarges })),
    ).toMatchObject({
      code: 'ERR_MACAROON_LIMIT',
      limit: 'maxDischargeDepth',
    });
    expect(() =>
      verifyMacaroon(deep, KEY, {
        check: accept,
        discharges: deepDischarges,
        limits: { maxDischargeDepth: 9 },
      }),
    ).not.toThrow();
    // A nested discharge bound to its parent discharge instead of the root fails.
    const [m, ds] = chain(2);
    const parentBound = [ds[0]!, bindDischarge(ds[0]!, discharge(1))];
    expect(() => verifyMacaroon(m, KEY, { check: accept, discharges: parentBound })).toThrow(
      MacaroonSignatureError,
    );
  });

  it('refuse more discharges than the limit before any work', () => {
    const many = Array.from({ length: 3 }, () => bindDischarge(root, discharge(1)));
    expect(
      thrown(() =>
        verifyMacaroon(root, KEY, {
          check: accept,
          discharges: many,
          limits: { maxDischarges: 2 },
        }),
      ),
    ).toBeInstanceOf(MacaroonLimitError);
  });

  it('report a signature failure before a missing discharge when the key is wrong', () => {
    expect(() => verifyMacaroon(root, 'wrong', { check: accept })).toThrow(MacaroonSignatureError);
  });
});
