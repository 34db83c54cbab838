/**
 * Property tests' seed: `DUBAN_FC_SEED` (or `FC_SEED`) when set, to replay a failure; else random. Printed,
 * so a failing run says how to replay it. One helper for src, workflows and test (workflows/task/v2/fc-seed.ts).
 */
export { fcSeed } from '../../workflows/task/v2/fc-seed.js';
