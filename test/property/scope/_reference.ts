/**
 * A plain reference interpreter for conditions, written straight from the rules in
 * src/scope/ast.ts and sharing no code with src/scope (its glob matcher is a regular expression,
 * its instants come from `Date`), so that agreement between it and the library means both read
 * the rules the same way. Slow and simple on purpose; for tests only.
 */
import type { Condition, Literal, ScopeRequest, Truth } from '../../../src/scope/ast.js';

const ABSENT = Symbol('absent');

/**
 * The three-valued result of `condition` on `request`, per ast.ts; with `maxGlobWork`, every
 * glob comparison is undefined when the request's glob work (`referenceGlobWork`) exceeds it.
 */
export function referenceTruth(
  condition: Condition,
  request: ScopeRequest,
  maxGlobWork = Infinity,
): Truth {
  const globs = referenceGlobWork(condition, request) <= maxGlobWork;
  return truthOf(condition, request, globs);
}

/**
 * The glob work of src/scope/glob-work.ts, from its statement: over the `~`/`!~` comparisons,
 * every value read (each element under a quantifier) costs its length + 1 (1 if not a string)
 * times 1 + ⌊pattern length / 32⌋; missing values cost nothing.
 */
export function referenceGlobWork(condition: Condition, request: ScopeRequest): number {
  switch (condition.kind) {
    case 'not':
      return referenceGlobWork(condition.operand, request);
    case 'and':
    case 'or':
      return condition.operands.reduce((sum, o) => sum + referenceGlobWork(o, request), 0);
    case 'compare': {
      if (condition.op !== '~' && condition.op !== '!~') return 0;
      const weight = 1 + Math.floor((condition.value as { value: string }).value.length / 32);
      const v =
        condition.path.root === 'tool'
          ? request.tool
          : condition.path.root === 'time'
            ? request.time
            : walk(request.args, condition.path.keys);
      if (v === ABSENT) return 0;
      const cost = (x: unknown) => (typeof x === 'string' ? x.length + 1 : 1);
      const values = condition.quantifier !== null && Array.isArray(v) ? v : [v];
      return values.reduce((sum: number, x) => sum + weight * cost(x), 0);
    }
    default:
      return 0;
  }
}

function truthOf(condition: Condition, request: ScopeRequest, globs: boolean): Truth {
  switch (condition.kind) {
    case 'constant':
      return condition.value;
    case 'not': {
      const r = truthOf(condition.operand, request, globs);
      return r === undefined ? undefined : !r;
    }
    case 'and': {
      const rs = condition.operands.map((o) => truthOf(o, request, globs));
      if (rs.includes(false)) return false;
      if (rs.includes(undefined)) return undefined;
      return true;
    }
    case 'or': {
      const rs = condition.operands.map((o) => truthOf(o, request, globs));
      if (rs.includes(true)) return true;
      if (rs.includes(undefined)) return undefined;
      return false;
    }
    case 'compare':
    case 'member': {
      if (!globs && condition.kind === 'compare' && (condition.op === '~' || condition.op === '!~'))
        return undefined;
      const isTime = condition.path.root === 'time';
      let value: unknown;
      if (condition.path.root === 'tool') value = request.tool;
      else if (isTime) value = request.time;
      else value = walk(request.args, condition.path.keys);
      if (value === ABSENT) return undefined;
      const one = (v: unknown): Truth =>
        condition.kind === 'compare'
          ? compareOne(v, condition.op, condition.value, isTime)
          : memberOne(v, condition.values, condition.negated);
      if (condition.quantifier === null) return one(value);
      if (!Array.isArray(value)) return undefined;
      const rs = value.map(one);
      if (condition.quantifier === 'all')
        return rs.includes(false) ? false : rs.includes(undefined) ? undefined : true;
      return rs.includes(true) ? true : rs.includes(undefined) ? undefined : false;
    }
  }
}

function walk(args: unknown, keys: readonly string[]): unknown {
  let v = args;
  for (const k of keys) {
    const plain = typeof v === 'object' && v !== null && isPlainPrototype(v);
    if (!plain || !Object.prototype.hasOwnProperty.call(v, k)) return ABSENT;
    v = (v as Record<string, unknown>)[k];
  }
  return v === undefined ? ABSENT : v;
}

function isPlainPrototype(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

type Kind = 'string' | 'number' | 'boolean' | 'null' | 'array' | 'object' | 'other';

function kindOf(v: unknown): Kind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'other';
  if (typeof v === 'boolean') return 'boolean';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object' && isPlainPrototype(v)) return 'object';
  return 'other';
}

const SCALARS: readonly Kind[] = ['string', 'number', 'boolean', 'null'];

/** An `args` string read as an instant, via `Date`, or undefined. */
export function referenceInstant(text: string): number | undefined {
  const m = /^(\d\d\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,3})?Z$/.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  const same =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return same ? date.getTime() : undefined;
}

function equal(v: unknown, lit: Literal, isTime: boolean): Truth {
  if (lit.type === 'instant') {
    const ms = isTime
      ? (v as Date).getTime()
      : typeof v === 'string'
        ? referenceInstant(v)
        : undefined;
    return ms === undefined ? undefined : ms === lit.ms;
  }
  const k = kindOf(v);
  if (!SCALARS.includes(k)) return undefined;
  if (lit.type === 'null') return k === 'null';
  return k === lit.type && v === lit.value;
}

function compareOne(v: unknown, op: string, lit: Literal, isTime: boolean): Truth {
  const not = (t: Truth): Truth => (t === undefined ? undefined : !t);
  switch (op) {
    case '==':
      return equal(v, lit, isTime);
    case '!=':
      return not(equal(v, lit, isTime));
    case '~':
    case '!~': {
      if (typeof v !== 'string') return undefined;
      if (referencePathAlias(v)) return undefined;
      const m = globRegex((lit as { value: string }).value).test(v);
      return op === '~' ? m : !m;
    }
    default: {
      let a: number | undefined;
      let b: number;
      if (lit.type === 'number') {
        a = kindOf(v) === 'number' ? (v as number) : undefined;
        b = lit.value;
      } else {
        a = isTime
          ? (v as Date).getTime()
          : typeof v === 'string'
            ? referenceInstant(v)
            : undefined;
        b = (lit as { ms: number }).ms;
      }
      if (a === undefined) return undefined;
      return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
    }
  }
}

function memberOne(v: unknown, values: readonly Literal[], negated: boolean): Truth {
  if (!SCALARS.includes(kindOf(v))) return undefined;
  const rs = values.map((l) => equal(v, l, false));
  const r: Truth = rs.includes(true) ? true : rs.includes(undefined) ? undefined : false;
  return negated ? (r === undefined ? undefined : !r) : r;
}

/**
 * The path-alias rule, from its statement in src/scope/path-alias.ts: a `\\` anywhere, or, after
 * dropping a URL scheme with its `//` (two or more characters before the first `:`, none of them
 * `/`) or else one leading `/`, a segment that is empty, `.`, `..` or one of them written with
 * `%2e`; the root `/` alone is fine.
 */
export function referencePathAlias(v: string): boolean {
  if (v.includes('\\')) return true;
  if (v === '/') return false;
  const scheme = /^[^/:]{2,}:\/\//u.exec(v);
  const rest = scheme !== null ? v.slice(scheme[0].length) : v.startsWith('/') ? v.slice(1) : v;
  const dots = ['', '.', '..', '%2e', '.%2e', '%2e.', '%2e%2e'];
  return rest.split('/').some((segment) => dots.includes(segment.toLowerCase()));
}

/**
 * The reference glob: a regular expression built from the pattern's characters (`**` and longer
 * star runs → any run, `*` → any run without `/`, `?` → one code point but `/`). A star run that
 * is a whole segment may also match no segment with one of its slashes: `/**` before a `/` or
 * at the end becomes `(?:/any)?`, and a `**` starting the pattern before a `/` becomes
 * `(?:any/)?`. Backtracking is fine here: tests keep patterns and values short.
 */
export function globRegex(pattern: string): RegExp {
  type Piece = { kind: 'char'; c: string } | { kind: 'star' | 'globstar' | 'one' };
  const pieces: Piece[] = [];
  const cps = [...pattern];
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i] as string;
    if (c === '\\') {
      const next = cps[++i];
      if (next === undefined) throw new Error('trailing backslash');
      pieces.push({ kind: 'char', c: next });
    } else if (c === '*') {
      let run = 1;
      while (cps[i + 1] === '*') {
        run++;
        i++;
      }
      pieces.push({ kind: run === 1 ? 'star' : 'globstar' });
    } else if (c === '?') pieces.push({ kind: 'one' });
    else pieces.push({ kind: 'char', c });
  }
  const slash = (p: Piece | undefined) => p !== undefined && p.kind === 'char' && p.c === '/';
  const ANY = '[\\s\\S]*';
  let source = '';
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i] as Piece;
    const next = pieces[i + 1];
    const afterNext = pieces[i + 2];
    if (slash(p) && next?.kind === 'globstar' && (afterNext === undefined || slash(afterNext))) {
      source += `(?:/${ANY})?`;
      i++;
    } else if (i === 0 && p.kind === 'globstar' && slash(next)) {
      source += `(?:${ANY}/)?`;
      i++;
    } else if (p.kind === 'char') source += escapeRegex(p.c);
    else source += p.kind === 'star' ? '[^/]*' : p.kind === 'globstar' ? ANY : '[^/]';
  }
  return new RegExp(`^(?:${source})$`, 'u');
}

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}
