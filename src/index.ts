/**
 * mandate's public API: re-exports only. Each area keeps its own barrel (`./<area>/index.ts`),
 * and this file names the areas in import order (adapters → requests → tools → delegation →
 * {scope, macaroon}).
 */
export { MandateError } from './errors.js';
export * from './macaroon/index.js';
export * from './scope/index.js';
