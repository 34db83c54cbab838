import { Initial1795291460102 } from './1795291460102-initial.js';

/** Every migration in order. Never edit one that has landed; add a new one. */
export const MIGRATIONS = [Initial1795291460102];
