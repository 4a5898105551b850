/** The scope DSL's public names. */
export type * from './ast.js';
