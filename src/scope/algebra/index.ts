/** The scope algebra's public names. */
export { contains, equivalent, satisfiable } from './contains.js';
export type { Containment, Equivalence, Satisfiability } from './contains.js';
export { simplify, intersect, union, alternatives } from './simplify.js';
export type { ScopeResult, Alternatives } from './simplify.js';
export { residual, withTool } from './residual.js';
export type { Residual, ResidualContext } from './residual.js';
export { neededScope } from './needed.js';
export type { NeededScope, NeededScopeOptions, Suggestion } from './needed.js';
export type { ScopeInput } from './_input.js';
export { DEFAULT_ALGEBRA_LIMITS } from './limits.js';
export type { AlgebraLimits, AlgebraOptions } from './limits.js';
