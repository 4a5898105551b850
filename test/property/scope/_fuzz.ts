/**
 * Inputs for fuzzing the parser: arbitrary strings, strings over the DSL's own alphabet, and
 * valid caveats with a few random edits (so the parser is driven deep into every rule before it
 * fails), plus the check every input must pass: an AST that round-trips, or one of the scope
 * errors, never anything else.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import {
  ScopeLimitError,
  ScopeSyntaxError,
  parseCaveat,
  printCaveat,
} from '../../../src/scope/index.js';
import { ROOMY, caveatArb } from './_arbitraries.js';

const PIECES = [
  'tool',
  'time',
  'args',
  '.',
  '[',
  ']',
  '(',
  ')',
  '"',
  '\\',
  ',',
  ' ',
  '\n',
  'and',
  'or',
  'not',
  'in',
  'all',
  'any',
  'to',
  'true',
  'false',
  'null',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '~',
  '!~',
  '=',
  '!',
  '0',
  '-1',
  '1e999',
  '2026-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '"a"',
  '"\\u00"',
  '"*"',
  'x',
  '😀',
  '\u0000',
];

/** Strings over the DSL's tokens and near-tokens. */
export const tokenSoupArb = fc
  .array(fc.constantFrom(...PIECES), { maxLength: 30 })
  .map((p) => p.join(''));

/** A valid caveat's text with a few characters inserted, deleted or replaced. */
export const mutatedCaveatArb = fc
  .tuple(
    caveatArb({ vocabulary: 'small', maxDepth: 3 }).map((ast) => printCaveat(ast, ROOMY)),
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'replace'),
        fc.constantFrom(...PIECES),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([text, edits]) => {
    let t = text;
    for (const [at, kind, piece] of edits) {
      const i = t.length === 0 ? 0 : at % t.length;
      t =
        kind === 'insert'
          ? t.slice(0, i) + piece + t.slice(i)
          : kind === 'delete'
            ? t.slice(0, i) + t.slice(i + 1)
            : t.slice(0, i) + piece + t.slice(i + 1);
    }
    return t;
  });

/** Every input is a caveat that prints back to itself, or a scope error with a position. */
export function checkParses(text: string): void {
  let ast;
  try {
    ast = parseCaveat(text);
  } catch (err) {
    if (err instanceof ScopeSyntaxError) {
      expect(err.line).toBeGreaterThanOrEqual(1);
      expect(err.column).toBeGreaterThanOrEqual(1);
      expect(err.excerpt).toContain('^');
      return;
    }
    if (err instanceof ScopeLimitError) return;
    throw err;
  }
  expect(parseCaveat(printCaveat(ast))).toEqual(ast);
}
