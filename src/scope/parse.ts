/**
 * The one way into the generated Peggy parser: `parseCaveat` checks the input against the
 * limits before the parser runs (text length, nesting of parentheses, so that the recursive
 * descent cannot exhaust the stack), hands the parser a builder that constructs the normalized,
 * frozen AST and applies the type rules with source positions, and turns Peggy's own
 * `SyntaxError` into a `ScopeSyntaxError` (line, column, what was expected, a caret excerpt, and
 * the original as `cause`). Nothing else imports the generated module.
 */
import { assertString } from '../_assert.js';
import { parse as peggyParse, SyntaxError as PeggySyntaxError } from './_scope_parser.js';
import type { Expectation } from './_scope_parser.js';
import type {
  Caveat,
  Condition,
  Literal,
  Marker,
  Path,
  Quantifier,
  ScalarOperator,
} from './ast.js';
import { spellsInteger } from './_exact-number.js';
import { checkSize, typeProblem } from './check.js';
import { ScopeLimitError, ScopeSyntaxError, ScopeTypeError, positionOf } from './errors.js';
import { parseGlob } from './glob.js';
import { readInstant } from './instant.js';
import { resolveLimits, withDepthGuard } from './limits.js';
import type { ScopeLimits, ScopeOptions } from './limits.js';
import { printNumber } from './print.js';

/**
 * Parses one caveat: a delegation marker (`to "coder"`) or a condition. Returns the normalized,
 * frozen AST. Throws `ScopeSyntaxError` (code `ERR_SCOPE_SYNTAX`) for text that is not a caveat,
 * `ScopeTypeError` (`ERR_SCOPE_TYPE`, a subclass) for an ill-typed comparison, and
 * `ScopeLimitError` (`ERR_SCOPE_LIMIT`) beyond `options.limits` (default `DEFAULT_SCOPE_LIMITS`).
 *
 * @example
 * ```ts
 * parseCaveat('tool == "bank.transfer" and args.amount <= 100');
 * // { kind: 'and', operands: [ { kind: 'compare', path: { root: 'tool' }, op: '==', … }, … ] }
 * parseCaveat('to "coder"'); // { kind: 'marker', principal: 'coder' }
 * ```
 */
export function parseCaveat(text: string, options?: ScopeOptions): Caveat {
  assertString(text, 'text');
  const limits = resolveLimits(options);
  if (text.length > limits.maxTextLength) {
    throw new ScopeLimitError(
      'maxTextLength',
      limits.maxTextLength,
      text.length,
      'the caveat text length',
    );
  }
  checkParentheses(text, limits);
  return withDepthGuard(limits, () => {
    let caveat: Caveat;
    try {
      caveat = peggyParse(text, { scope: builder(text, limits) });
    } catch (err) {
      if (err instanceof PeggySyntaxError) throw fromPeggy(text, err);
      throw err;
    }
    checkSize(caveat, limits);
    return caveat;
  });
}

/**
 * Parses a caveat that must be a condition (not a delegation marker), for callers that evaluate
 * it. Throws like `parseCaveat`, and `ScopeSyntaxError` for a marker.
 *
 * @example
 * ```ts
 * parseCondition('time < 2026-12-01T00:00:00Z'); // { kind: 'compare', path: { root: 'time' }, … }
 * parseCondition('to "coder"');                 // throws ScopeSyntaxError
 * ```
 */
export function parseCondition(text: string, options?: ScopeOptions): Condition {
  const caveat = parseCaveat(text, options);
  if (caveat.kind === 'marker') {
    const at = text.search(/\S/);
    throw new ScopeSyntaxError(
      'expected a condition, not a delegation marker',
      positionOf(text, at),
      {
        expected: ['condition'],
        found: 'to',
      },
    );
  }
  return caveat;
}

/** Rejects nesting deeper than `maxDepth` before the recursive parser sees it. */
function checkParentheses(text: string, limits: ScopeLimits): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x28 /* ( */) {
      if (++depth > limits.maxDepth) {
        throw new ScopeLimitError(
          'maxDepth',
          limits.maxDepth,
          depth,
          'the nesting of parentheses',
          positionOf(text, i),
        );
      }
    } else if (c === 0x29 /* ) */) depth--;
  }
}

/** A value and the offset in the text where it starts. */
interface Located<T> {
  readonly value: T;
  readonly offset: number;
}

type Test =
  | {
      readonly member: true;
      readonly negated: boolean;
      readonly values: readonly Located<Literal>[];
    }
  | {
      readonly member: false;
      readonly op: ScalarOperator;
      readonly values: readonly [Located<Literal>];
    };

const TRUE: Condition = Object.freeze({ kind: 'constant', value: true });
const FALSE: Condition = Object.freeze({ kind: 'constant', value: false });

/** The node constructors the grammar calls (as `options.scope`), closed over one parse. */
function builder(text: string, limits: ScopeLimits) {
  const at = (offset: number) => positionOf(text, offset);
  return {
    marker(principal: string): Marker {
      return Object.freeze({ kind: 'marker', principal });
    },

    nary(kind: 'and' | 'or', operands: readonly Condition[]): Condition {
      const flat: Condition[] = [];
      for (const operand of operands) {
        if (operand.kind === kind) flat.push(...operand.operands);
        else flat.push(operand);
      }
      return Object.freeze({ kind, operands: Object.freeze(flat) });
    },

    not(count: number, operand: Condition): Condition {
      let node = operand;
      for (let i = 0; i < count; i++) node = Object.freeze({ kind: 'not', operand: node });
      return node;
    },

    constant(value: boolean): Condition {
      return value ? TRUE : FALSE;
    },

    comparison(
      quantifier: { word: 'all' | 'any'; offset: number } | null,
      path: Located<Path>,
      test: Test,
    ): Condition {
      const q: Quantifier = quantifier?.word ?? null;
      const literals = test.values.map((v) => v.value);
      const op = test.member ? null : test.op;
      const problem = typeProblem(q, path.value, op, literals);
      if (problem !== undefined) {
        const where =
          problem.at === 'quantifier'
            ? (quantifier as { offset: number }).offset
            : problem.at === 'path'
              ? path.offset
              : (test.values[problem.at] as Located<Literal>).offset;
        throw new ScopeTypeError(problem.message, at(where));
      }
      if (op === '~' || op === '!~') checkPattern(test.values[0]);
      const frozenPath = freezePath(path.value);
      if (test.member) {
        return Object.freeze({
          kind: 'member',
          quantifier: q,
          path: frozenPath,
          negated: test.negated,
          values: Object.freeze(literals.map((l) => Object.freeze(l))),
        });
      }
      return Object.freeze({
        kind: 'compare',
        quantifier: q,
        path: frozenPath,
        op: test.op,
        value: Object.freeze(literals[0] as Literal),
      });
    },

    list(values: readonly Located<Literal>[], offset: number): readonly Located<Literal>[] {
      if (values.length > limits.maxListLength) {
        throw new ScopeLimitError(
          'maxListLength',
          limits.maxListLength,
          values.length,
          'the length of this list',
          at(offset),
        );
      }
      return values;
    },

    instant(source: string, offset: number): Literal {
      const ms = readInstant(source);
      if (ms === undefined) {
        throw new ScopeSyntaxError(
          `${JSON.stringify(source)} is not a valid instant: write a real UTC date and time as YYYY-MM-DDTHH:MM:SS[.fff]Z`,
          at(offset),
          { expected: ['YYYY-MM-DDTHH:MM:SS[.fff]Z'], found: source },
        );
      }
      return { type: 'instant', ms };
    },

    number(source: string, offset: number): Literal {
      const value = Number(source);
      if (!Number.isFinite(value))
        throw new ScopeTypeError(
          `the number ${source} is too large: numbers must be finite`,
          at(offset),
        );
      if (Number.isInteger(value) && !spellsInteger(source, value))
        throw new ScopeTypeError(
          `the number ${source} would be stored as ${printNumber(value)}: numbers are doubles, exact for integers up to 9007199254740991; write a number a double holds exactly`,
          at(offset),
        );
      return { type: 'number', value };
    },

    string(value: string, offset: number): string {
      if (value.length > limits.maxStringLength) {
        throw new ScopeLimitError(
          'maxStringLength',
          limits.maxStringLength,
          value.length,
          'the length of this string',
          at(offset),
        );
      }
      return value;
    },
  };

  function checkPattern(literal: Located<Literal>): void {
    const pattern = (literal.value as { value: string }).value;
    if (pattern.length > limits.maxPatternLength) {
      throw new ScopeLimitError(
        'maxPatternLength',
        limits.maxPatternLength,
        pattern.length,
        'the length of this glob pattern',
        at(literal.offset),
      );
    }
    try {
      parseGlob(pattern);
    } catch (err) {
      throw new ScopeSyntaxError(
        'the glob pattern ends with a lone backslash: write "\\\\\\\\" for a literal backslash',
        at(literal.offset),
        {
          expected: ['a character after "\\" in the pattern'],
          found: null,
        },
        { cause: err },
      );
    }
  }
}

function freezePath(path: Path): Path {
  if (path.root !== 'args') return Object.freeze(path);
  return Object.freeze({ root: 'args', keys: Object.freeze(path.keys) });
}

const KEYWORDS = new Set([
  'to',
  'and',
  'or',
  'not',
  'in',
  'all',
  'any',
  'true',
  'false',
  'null',
  'tool',
  'time',
  'args',
]);

// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const CONTROL_CHARACTER = /^[\u0000-\u001f]/;

/** Common slips, and what to write instead. */
const HINTS: readonly [RegExp, string][] = [
  [/^'/, 'strings use double quotes'],
  [/^&&/, 'write "and"'],
  [/^\|\|/, 'write "or"'],
  [/^!(?![=~])/, 'write "not"'],
  [/^=>/, 'write ">="'],
  [/^=</, 'write "<="'],
  [/^=(?!=)/, 'write "==" to compare'],
  [
    CONTROL_CHARACTER,
    'a control character such as a newline must be escaped inside a string, e.g. \\n',
  ],
];

function fromPeggy(text: string, err: PeggySyntaxError): ScopeSyntaxError {
  const offset = err.location.start.offset;
  const expected = [...new Set(err.expected.map(describeExpectation).filter((e) => e !== ''))];
  const found = tokenAt(text, offset);
  const rest = text.slice(offset);
  const hint =
    HINTS.find(([pattern]) => pattern.test(rest))?.[1] ??
    (expected.includes('"args"') &&
    found !== null &&
    /^[A-Za-z_]\w*$/.test(found) &&
    !KEYWORDS.has(found)
      ? 'a path starts with tool, time or args, e.g. args.amount'
      : undefined);
  const summary =
    `expected ${joinOr(expected)} but found ${found === null ? 'the end of the caveat' : JSON.stringify(found)}` +
    (hint === undefined ? '' : ` (${hint})`);
  return new ScopeSyntaxError(
    summary,
    positionOf(text, offset),
    { expected, found },
    { cause: err },
  );
}

function describeExpectation(e: Expectation): string {
  switch (e.type) {
    case 'literal':
      return JSON.stringify(e.text);
    case 'other':
      return e.description === 'whitespace' ? '' : e.description;
    case 'end':
      return 'end of caveat';
    case 'any':
      return 'any character';
    case 'class':
      return 'a character';
  }
}

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'something else';
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The word, run of operator characters, or single character at `offset`, for messages. */
function tokenAt(text: string, offset: number): string | null {
  if (offset >= text.length) return null;
  const m = /^(?:[A-Za-z0-9_.]{1,24}|[=!<>~&|]{1,3}|[\s\S])/u.exec(text.slice(offset, offset + 32));
  return m === null ? null : m[0];
}
