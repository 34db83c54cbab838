/**
 * Scoring: pure arithmetic (no Nest, no database, no I/O except the template loader, which is not
 * re-exported here). See README.md in this folder.
 */
export * from './adjustments.js';
export * from './catalogue-text.js';
export * from './composition.js';
export * from './evaluation.js';
export * from './facts.js';
export * from './formula-text.js';
export * from './method-params.js';
export * from './methods/index.js';
export * from './numeric.js';
export * from './plan-coverage.js';
export * from './plan-scores.js';
export * from './plan-template.js';
export * from './quota.js';
export * from './ranking.js';
export * from './scoring.error.js';
export * from './simulate.js';
export * from './template-diff.js';
export type * from './types.js';
