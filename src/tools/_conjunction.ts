/**
 * Prints a list of conditions (a conjunction) as one condition, for the single `scope` string
 * of an OAuth-style denial. The conditions are parsed and joined as an AST and printed by the
 * scope printer, never concatenated, so the result is canonical DSL that parses back to the same
 * conjunction.
 */
import { parseCaveat, printCaveat, type Condition } from '../scope/index.js';

/** `["a", "b or c"]` → `a and (b or c)`; one condition prints as itself; none prints as `true`. */
export function printConjunction(conditions: readonly string[]): string {
  const operands: Condition[] = [];
  for (const text of conditions) {
    const ast = parseCaveat(text);
    if (ast.kind === 'marker') throw new RangeError('a scope holds conditions, not `to` markers');
    if (ast.kind === 'and') operands.push(...ast.operands);
    else operands.push(ast);
  }
  const [first] = operands;
  if (first === undefined) return printCaveat({ kind: 'constant', value: true });
  if (operands.length === 1) return printCaveat(first);
  return printCaveat({ kind: 'and', operands });
}
