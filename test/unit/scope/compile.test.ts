// Compiled predicates: the yes/no answer and the three-valued one, caching by text (and by the
// limits in force), ASTs as input, and refusal of markers and malformed requests.
import { describe, expect, it } from 'vitest';
import {
  ScopeLimitError,
  ScopeSyntaxError,
  compileCaveat,
  parseCaveat,
} from '../../../src/scope/index.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const transfer = (args: Record<string, unknown>) => ({ tool: 'bank.transfer', args, time: NOW });

describe('compileCaveat', () => {
  const allows = compileCaveat(
    'tool == "bank.transfer" and args.to == "savings" and args.amount <= 100',
  );

  it('is true only when the condition is true', () => {
    expect(allows(transfer({ to: 'savings', amount: 100 }))).toBe(true);
    expect(allows(transfer({ to: 'savings', amount: 101 }))).toBe(false);
    expect(allows(transfer({ to: 'savings' }))).toBe(false);
    expect(allows.truth(transfer({ to: 'savings', amount: 101 }))).toBe(false);
    expect(allows.truth(transfer({ to: 'savings' }))).toBeUndefined();
    expect(allows.truth(transfer({ to: 'savings', amount: 1 }))).toBe(true);
  });

  it('unrolled and general junctions agree (2, 3 and 5 operands)', () => {
    for (const n of [2, 3, 5]) {
      const parts = Array.from({ length: n }, (_, i) => `args.k${i} == 1`);
      const and = compileCaveat(parts.join(' and '));
      const or = compileCaveat(parts.join(' or '));
      const all = Object.fromEntries(parts.map((_, i) => [`k${i}`, 1]));
      const oneOff = { ...all, k1: 2 };
      const oneMissing = { ...all, k1: undefined };
      expect([
        and.truth(transfer(all)),
        and.truth(transfer(oneOff)),
        and.truth(transfer(oneMissing)),
      ]).toEqual([true, false, undefined]);
      expect([
        or.truth(transfer({})),
        or.truth(transfer({ k1: 1 })),
        or.truth(transfer({ k0: 2 })),
      ]).toEqual([undefined, true, undefined]);
      const none = Object.fromEntries(parts.map((_, i) => [`k${i}`, 0]));
      expect(or.truth(transfer(none))).toBe(false);
    }
  });

  it('exposes the frozen condition and its text', () => {
    expect(allows.text).toBe(
      'tool == "bank.transfer" and args.to == "savings" and args.amount <= 100',
    );
    expect(allows.condition).toEqual(parseCaveat(allows.text));
    expect(Object.isFrozen(allows.condition)).toBe(true);
  });

  it('caches by text, and compiles an AST under its canonical text', () => {
    expect(compileCaveat('args.a == 1')).toBe(compileCaveat('args.a == 1'));
    const fromAst = compileCaveat({
      kind: 'compare',
      quantifier: null,
      path: { root: 'args', keys: ['a'] },
      op: '==',
      value: { type: 'number', value: 1 },
    });
    expect(fromAst).toBe(compileCaveat('args.a == 1'));
    expect(compileCaveat('args.a==1')).not.toBe(compileCaveat('args.a == 1'));
  });

  it('does not let a result compiled under raised limits bypass the defaults', () => {
    const text = `args.x in [${Array.from({ length: 1100 }, (_, i) => i).join(',')}]`;
    const raised = compileCaveat(text, { limits: { maxListLength: 2000 } });
    expect(raised(transfer({ x: 1099 }))).toBe(true);
    expect(() => compileCaveat(text)).toThrow(ScopeLimitError);
  });

  it('throws the parser errors for bad text, and TypeError for markers and non-conditions', () => {
    expect(() => compileCaveat('args.a ==')).toThrow(ScopeSyntaxError);
    expect(() => compileCaveat('to "coder"')).toThrow(TypeError);
    expect(() => compileCaveat({ kind: 'marker', principal: 'x' })).toThrow(TypeError);
    expect(() => compileCaveat(5 as never)).toThrow(TypeError);
  });

  it('refuses malformed requests', () => {
    expect(() => allows({ tool: 'x', args: {}, time: 'now' } as never)).toThrow(TypeError);
    expect(() => allows.truth({ tool: 'x', args: null, time: NOW } as never)).toThrow(TypeError);
  });
});
