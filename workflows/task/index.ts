/**
 * The task workflow. Version 1 (one current node) is frozen in `v1/` so its histories replay exactly;
 * version 2 (every node its own milestone) is in `v2/`. See README.md.
 */
export * from './v1/index.js';
