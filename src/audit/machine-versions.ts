import { TASK_MACHINE_VERSION, type PersistedTask, type TaskInput } from '../../workflows/task/index.js';

/**
 * How history recorded under an older task machine version is brought to the running one.
 *
 * Every stored event carries the machine version that applied it (in its hashed payload and in the
 * `machine_version` column); every snapshot carries it in `context.machineVersion`. Replay never feeds
 * an event to a machine of another version silently: either a chain of explicit migrations leads from
 * the recorded version to the running one, or replay stops and names the version it needs.
 *
 * A migration rewrites what the old machine was given (creation input, events) into what the new
 * machine expects, and optionally the recorded state values and the stored snapshot, so that the
 * recomputed states can still be compared with the recorded ones.
 */
export interface MachineMigration {
  from: number;
  to: number;
  description: string;
  /** The `task.created` input ({ nodes }) as the newer machine expects it. */
  input?: (input: unknown) => TaskInput;
  /** One event ({ type, at, ...fields }) as the newer machine expects it. */
  event?: (event: Record<string, unknown>) => Record<string, unknown>;
  /** A recorded state value (state_before / state_after) in the newer machine's shape. */
  stateValue?: (value: unknown) => unknown;
  /** A stored snapshot ({ value, context }) in the newer machine's shape. */
  snapshot?: (persisted: unknown) => PersistedTask;
}

/**
 * Versions whose machines ship in this build (workflows/task/v1 frozen, v2 running): their events replay
 * on the machine that recorded them, never rewritten (workflows/task/versioned.ts); a v1 task becomes v2
 * through its recorded `task.migrated` event. Another version needs a migration registered below.
 */
export const NATIVE_MACHINE_VERSIONS: readonly number[] = [1, 2];

/**
 * Registered rewriting migrations (for a version whose machine is not shipped). None: v1 → v2 is an
 * event in the history (task.migrated), not a rewrite.
 */
export const MACHINE_MIGRATIONS: readonly MachineMigration[] = [];

/** The migrations leading from `from` to `to`, in order; [] when equal; null when no chain exists. */
export function migrationPath(
  from: number,
  to: number = TASK_MACHINE_VERSION,
  migrations: readonly MachineMigration[] = MACHINE_MIGRATIONS,
): MachineMigration[] | null {
  const path: MachineMigration[] = [];
  const seen = new Set<number>();
  let v = from;
  while (v !== to) {
    if (seen.has(v)) return null;
    seen.add(v);
    const step = migrations.find((m) => m.from === v);
    if (!step) return null;
    path.push(step);
    v = step.to;
  }
  return path;
}

export function migrate<K extends 'input' | 'event' | 'stateValue' | 'snapshot'>(path: readonly MachineMigration[], kind: K, value: unknown): unknown {
  let v = value;
  for (const m of path) {
    const fn = m[kind] as ((x: unknown) => unknown) | undefined;
    if (fn) v = fn(v);
  }
  return v;
}

/** The sentence an operator reads when replay cannot run a recorded version. */
export function versionNeededMessage(what: string, recorded: number, running: number = TASK_MACHINE_VERSION): string {
  return (
    `${what} was recorded by task machine version ${recorded}; this build runs version ${running} and has no migration ` +
    `from ${recorded} to ${running}. Replay it with a build of machine version ${recorded}, or register a migration ` +
    `${recorded} → ${running} in src/audit/machine-versions.ts.`
  );
}
