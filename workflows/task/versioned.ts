/**
 * Replay across machine versions: each recorded event is applied by the machine version that recorded
 * it; a `task.migrated` event upgrades a v1 snapshot to v2 (v2/migrate.ts) exactly as the migration did.
 */
import * as v1 from './v1/index.js';
import * as v2 from './v2/index.js';

export type VersionedSnapshot = { version: 1; snapshot: v1.TaskSnapshot } | { version: 2; snapshot: v2.TaskSnapshot };

export type VersionedResult =
  { ok: true; state: VersionedSnapshot; changed: boolean; emitted: Array<{ type: string; [k: string]: unknown }> } | { ok: false; reason: string };

/** The recorded `task.migrated` event: `at`, and the options the migration used. */
export interface MigratedEvent {
  type: 'task.migrated';
  at: string;
  sequential?: boolean;
}

/**
 * Applies one recorded event with the machine `version` that recorded it. A v1 event on a v2 snapshot
 * (or the reverse) is refused: history never mixes versions silently.
 */
export function applyVersioned(version: number, state: VersionedSnapshot, event: { type: string; at: string; [k: string]: unknown }): VersionedResult {
  if (event.type === 'task.migrated') {
    if (state.version !== 1) return { ok: false, reason: `task.migrated applies to a version 1 task, this one is version ${state.version}` };
    const e = event as unknown as MigratedEvent;
    const r = v2.migrateV1ToV2(v1.persistTaskSnapshot(state.snapshot), e.at, { sequential: e.sequential === true });
    return { ok: true, state: { version: 2, snapshot: r.snapshot }, changed: true, emitted: r.emitted };
  }
  if (version !== state.version) {
    return { ok: false, reason: `an event recorded by machine version ${version} cannot apply to a version ${state.version} task` };
  }
  if (state.version === 1) {
    const r = v1.applyTaskEvent(state.snapshot, event as unknown as v1.TaskEvent);
    return r.ok
      ? { ok: true, state: { version: 1, snapshot: r.snapshot }, changed: r.changed, emitted: r.emitted }
      : { ok: false, reason: `refused in ${r.state}` };
  }
  const r = v2.applyTaskEvent(state.snapshot, event as unknown as v2.TaskEvent);
  return r.ok ? { ok: true, state: { version: 2, snapshot: r.snapshot }, changed: r.changed, emitted: r.emitted } : { ok: false, reason: r.refusal.messageEn };
}

/** A task's initial state under the machine version that created it. */
export function initialVersioned(version: number, input: unknown, at: string): VersionedSnapshot {
  if (version === 1) return { version: 1, snapshot: v1.initialTaskSnapshot(input as v1.TaskInput, at) };
  if (version === 2) return { version: 2, snapshot: v2.initialTaskSnapshot(input as v2.TaskInput, at) };
  throw new v1.TaskInputError(`unknown task machine version ${version}`);
}
