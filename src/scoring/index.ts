/**
 * Scoring: pure arithmetic (no Nest, no database, no I/O except the template loader).
 * See DESIGN.md §5 and README-style notes in each file.
 */
export * from './adjustments.js';
export * from './composition.js';
export * from './evaluation.js';
export * from './method-params.js';
export * from './methods/index.js';
export * from './numeric.js';
export * from './plan-scores.js';
export * from './plan-template.js';
export * from './quota.js';
export * from './ranking.js';
export * from './scoring.error.js';
export type * from './types.js';
