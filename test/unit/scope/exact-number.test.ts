// Number literals that would silently change (issue 12): `== 9007199254740993` was stored as
// `== 9007199254740992` and allowed the neighbouring account. The parser refuses a literal that
// lands on an integer it does not spell, the printer spells large integers exactly, and the
// template refuses integers beyond Number.MAX_SAFE_INTEGER.
import { describe, expect, it } from 'vitest';
import {
  ScopeTypeError,
  caveat,
  compare,
  parseCaveat,
  parseCondition,
  printCaveat,
} from '../../../src/scope/index.js';
import { exactIntegerText, spellsInteger } from '../../../src/scope/_exact-number.js';

describe('number literals are exact or refused', () => {
  it.each([
    '9007199254740993',
    '-9007199254740993',
    '12345678901234567890',
    '1e23',
    '1.5e300',
    '9007199254740992.5',
    '0.99999999999999999',
    '1e-400',
  ])('refuses %s with ERR_SCOPE_TYPE, saying what it would become', (literal) => {
    const err = (() => {
      try {
        parseCaveat(`args.account == ${literal}`);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(ScopeTypeError);
    expect(err).toMatchObject({ code: 'ERR_SCOPE_TYPE', line: 1, column: 17 });
    expect((err as Error).message).toMatch(/would be stored as/);
  });

  it('names the neighbour in the message', () => {
    expect(() => parseCaveat('args.account == 9007199254740993')).toThrow(
      'the number 9007199254740993 would be stored as 9007199254740992',
    );
  });

  it.each([
    ['9007199254740991', 9007199254740991],
    ['9007199254740992', 2 ** 53],
    ['1152921504606846976', 2 ** 60],
    ['1e21', 1e21],
    ['1E+22', 1e22],
    ['0.1', 0.1],
    ['5e-324', 5e-324],
    ['-0', -0],
    ['0e999', 0],
    ['100.0', 100],
  ])('accepts %s', (literal, value) => {
    const condition = parseCondition(`args.n == ${literal}`);
    expect(condition).toMatchObject({ value: { type: 'number', value } });
  });
});

const n = (op: '==' | '<', value: number) =>
  compare({ root: 'args', keys: ['n'] }, op, { type: 'number', value });

describe('printing numbers', () => {
  it('spells integers beyond 2^53 exactly, so the canonical text parses back', () => {
    expect(printCaveat(n('==', 2 ** 60))).toBe('args.n == 1152921504606846976');
    expect(parseCaveat(printCaveat(n('==', 2 ** 60)))).toEqual(n('==', 2 ** 60));
    expect(parseCaveat(printCaveat(n('<', 1e300)))).toEqual(n('<', 1e300));
    expect(printCaveat(n('<', 1e21))).toBe('args.n < 1e+21');
  });

  it('exactIntegerText and spellsInteger agree with BigInt', () => {
    for (const v of [2 ** 53, 2 ** 60, 1e21, 1e23, -(2 ** 70), Number.MAX_VALUE]) {
      const text = exactIntegerText(v);
      expect(BigInt(text.includes('e') ? Number(text) : text)).toBe(BigInt(v));
      expect(spellsInteger(text, v)).toBe(true);
    }
    expect(spellsInteger('9007199254740993', 2 ** 53)).toBe(false);
    expect(spellsInteger('0.5', 0.5)).toBe(false);
  });
});

describe('caveat`…` and large integers', () => {
  it('refuses an integer beyond Number.MAX_SAFE_INTEGER: it may already be a rounded neighbour', () => {
    const account = JSON.parse('{"id": 9007199254740993}') as { id: number };
    expect(() => caveat`args.account == ${account.id}`).toThrow(RangeError);
    expect(() => caveat`args.account == ${account.id}`).toThrow(
      'values[0] must be a safe integer (within ±9007199254740991) or a fraction, got 9007199254740992',
    );
    expect(() => caveat`args.n in ${[1, 2 ** 60]}`).toThrow('values[0][1] must be a safe integer');
    expect(() => caveat`args.n < ${1e21}`).toThrow(RangeError);
    expect(() => caveat`args.n < ${1.5e300}`).toThrow(RangeError); // a double that large is an integer
  });

  it('accepts safe integers and fractions', () => {
    expect(caveat`args.n <= ${Number.MAX_SAFE_INTEGER}`).toBe('args.n <= 9007199254740991');
    expect(caveat`args.n <= ${-Number.MAX_SAFE_INTEGER}`).toBe('args.n <= -9007199254740991');
    expect(caveat`args.n <= ${0.1} and args.m < ${-2.5}`).toBe('args.n <= 0.1 and args.m < -2.5');
  });
});
