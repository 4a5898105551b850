/** The scope DSL's public names. */
export type * from './ast.js';
export * from './algebra/index.js';
export { parseCaveat, parseCondition } from './parse.js';
export { printCaveat } from './print.js';
export { TRUE, FALSE, compare, member, and, or, not, timeBefore, timeAt } from './build.js';
export {
  fieldsRead,
  fieldsOverlap,
  restrictionsOf,
  restrictionsBeside,
  pinnedTool,
  expiryOf,
} from './fields.js';
export { evaluateCaveat } from './evaluate.js';
export type { Evaluation } from './evaluate.js';
export {
  compileCaveat,
  compileCondition,
  assertScopeRequest,
  COMPILED_CAVEAT_CACHE_SIZE,
} from './compile.js';
export type { CompiledCaveat } from './compile.js';
export { caveat, caveatWith } from './template.js';
export { parseGlob, printGlob, matchGlob, compileGlob, globLiteral } from './glob.js';
export type { GlobMatcher } from './glob.js';
export { hasPathAlias, pathAliasOf } from './path-alias.js';
export { globWork } from './glob-work.js';
export type { PathAlias } from './path-alias.js';
export { MIN_INSTANT_MS, MAX_INSTANT_MS } from './instant.js';
export { DEFAULT_SCOPE_LIMITS } from './limits.js';
export type { ScopeLimits, ScopeOptions } from './limits.js';
export { ScopeSyntaxError, ScopeTypeError, ScopeLimitError } from './errors.js';
export type { SourcePosition, SyntaxErrorDetails } from './errors.js';
export type { ScopeErrorCode } from '../errors.js';
