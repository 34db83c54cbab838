/**
 * Replay: re-run a task's stored events through the pure task machine from its initial state and
 * compare, step by step, what the machine computes with what was recorded. Pure: no Nest, no database.
 *
 * Stored form (see src/tasks/task-commands.service.ts): payload = canonical JSON of
 * { actor, data, machineVersion }. Event 1 is `task.created`: data.input is the machine input and
 * occurred_at the creation instant. Later events replay as { ...data, type, at: occurred_at }.
 * state_before / state_after are canonical JSON of the snapshot's state value.
 *
 * Machine versions: each event is applied by the version that recorded it (`applyVersioned`): a history
 * written by v1 replays on the frozen v1 machine exactly as before; a `task.migrated` event (the upgrade
 * of a stored v1 task, src/tasks/task-commands.service.ts) turns the replayed v1 state into v2 exactly as
 * the upgrade did; later events replay on v2.
 */
import {
  applyTaskEvent,
  applyVersioned,
  columnsOf as v2ColumnsOf,
  initialVersioned,
  migrateV1ToV2,
  persistTaskSnapshot,
  TASK_MACHINE_VERSION,
  TaskInputError,
  v1,
  viewOf,
  type TaskSnapshot,
  type TaskView,
  type VersionedSnapshot,
} from '../../workflows/task/index.js';
import { canonicalJson } from './event-hash.js';
import { MACHINE_MIGRATIONS, migrate, migrationPath, NATIVE_MACHINE_VERSIONS, versionNeededMessage, type MachineMigration } from './machine-versions.js';

export const CREATED_EVENT = 'task.created';

/** One stored event, as replay needs it. */
export interface StoredEvent {
  seq: number;
  type: string;
  occurredAt: string;
  /** The stored canonical payload text. */
  payload: string;
  stateBefore: string | null;
  stateAfter: string;
  /** The machine_version column (the hashed payload's machineVersion is authoritative). */
  machineVersion: number;
}

/** The task row's stored machine and query columns, compared with the replay's end state. */
export interface StoredTask {
  snapshot: string;
  state: string;
  light: string | null;
  currentNodeSeq: number | null;
  nextDeadlineAt: string | null;
  redCount: number;
  version: number;
  lastSeq: number;
  machineVersion: number;
}

export type DivergenceKind =
  | 'no-history'
  | 'first-event'
  | 'seq-gap'
  | 'unreadable'
  | 'machine-version'
  | 'refused'
  | 'no-change'
  | 'state-before'
  | 'state-after'
  | 'snapshot'
  | 'query-columns';

export interface ReplayStep {
  seq: number;
  type: string;
  occurredAt: string;
  /** The recorded state value after the event (state_after). */
  recorded: unknown;
  /** The state value the machine computes now. */
  replayed: unknown;
  matches: boolean;
}

export interface Divergence {
  kind: DivergenceKind;
  /** The event where it happened; null for the end-of-history comparison with the stored snapshot. */
  seq: number | null;
  type: string | null;
  occurredAt: string | null;
  message: string;
  /** The event as it was fed to the machine. */
  event: Record<string, unknown> | null;
  recorded: { stateBefore?: unknown; stateAfter?: unknown; snapshot?: unknown; columns?: Record<string, unknown> } | null;
  replayed: { stateBefore?: unknown; stateAfter?: unknown; snapshot?: unknown; columns?: Record<string, unknown> } | null;
  /** JSON paths where the two differ (at most 20). */
  differences?: string[];
  /** For kind 'machine-version': the version the event or snapshot needs. */
  neededMachineVersion?: number;
}

export interface ReplayReport {
  ok: boolean;
  runningMachineVersion: number;
  /** Distinct machine versions found in the events (from their hashed payloads). */
  recordedMachineVersions: number[];
  /** Migrations applied to bring older history to the running version. */
  migrations: string[];
  events: number;
  steps: ReplayStep[];
  divergence: Divergence | null;
  /** The end state: does it equal the stored snapshot and query columns? null when not compared. */
  end: { storedSnapshotMatches: boolean | null; view: TaskView | v1.TaskView | null };
}

interface ParsedPayload {
  actor?: unknown;
  data: Record<string, unknown>;
  machineVersion: number;
}

export interface ReplayOptions {
  migrations?: readonly MachineMigration[];
  /** Keep every step in the report (default true). */
  keepSteps?: boolean;
}

class Diverged extends Error {
  constructor(readonly divergence: Divergence) {
    super(divergence.message);
  }
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function parsePayload(e: StoredEvent): ParsedPayload {
  let p: unknown;
  try {
    p = JSON.parse(e.payload);
  } catch {
    p = null;
  }
  const o = p as Partial<ParsedPayload> | null;
  if (!o || typeof o !== 'object' || !o.data || typeof o.data !== 'object' || typeof o.machineVersion !== 'number') {
    throw new Diverged({
      kind: 'unreadable',
      seq: e.seq,
      type: e.type,
      occurredAt: e.occurredAt,
      message: `event #${e.seq} (${e.type}): the payload is not {actor, data, machineVersion} JSON`,
      event: null,
      recorded: null,
      replayed: null,
    });
  }
  return o as ParsedPayload;
}

/**
 * Canonical JSON of a state value (a string, or nested objects of strings): the same text as
 * canonicalJson for these values, without the general serializer's cost on the replay's hot path.
 */
export function stateText(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return canonicalJson(value);
  const o = value as Record<string, unknown>;
  let out = '{';
  for (const k of Object.keys(o).sort()) out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${stateText(o[k])}`;
  return `${out}}`;
}

/** Deep equality of plain JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k) || !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** JSON paths where a and b differ, depth-first, at most `limit`. */
export function diffPaths(a: unknown, b: unknown, limit = 20, path = '$', out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (a === b) return out;
  const bothObjects = typeof a === 'object' && typeof b === 'object' && a !== null && b !== null;
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) {
    out.push(path);
    return out;
  }
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) out.push(`${path}.length`);
    for (let i = 0; i < Math.min(a.length, bb.length) && out.length < limit; i++) diffPaths(a[i], bb[i], limit, `${path}[${i}]`, out);
    return out;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
    if (out.length >= limit) break;
    if (!(k in ao) || !(k in bo)) out.push(`${path}.${k}`);
    else diffPaths(ao[k], bo[k], limit, `${path}.${k}`, out);
  }
  return out;
}

/** The event object the write path applied: the stored fields plus type and at. */
export function eventFromStored(e: StoredEvent, data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, type: e.type, at: e.occurredAt };
}

/** The same, reusing `data` (a just-parsed object the caller owns): one allocation less per replayed event. */
function ownedEvent(e: StoredEvent, data: Record<string, unknown>): Record<string, unknown> {
  data.type = e.type;
  data.at = e.occurredAt;
  return data;
}

interface FoldState {
  snapshot: VersionedSnapshot;
  applied: number;
  last: StoredEvent;
}

interface FoldOptions {
  migrations: readonly MachineMigration[];
  /** Compare every step with the recorded states (replay); off for as-of. */
  compare: boolean;
  /** Stop before the first event that occurred after this instant (ms since epoch). */
  untilMs?: number;
  steps?: ReplayStep[];
  versions?: Set<number>;
  migrationsUsed?: Set<string>;
}

/** The migrations leading from `from` to a version whose machine ships in this build (the newest reachable), or null. */
function pathToNative(from: number, migrations: readonly MachineMigration[]): MachineMigration[] | null {
  for (const to of [...NATIVE_MACHINE_VERSIONS].reverse()) {
    const path = migrationPath(from, to, migrations);
    if (path) return path;
  }
  return null;
}

/**
 * Folds the events through the machine. Throws Diverged at the first problem. Returns null when
 * `untilMs` is before the task was created.
 */
function fold(events: readonly StoredEvent[], o: FoldOptions): FoldState | null {
  if (events.length === 0) {
    throw new Diverged({
      kind: 'no-history',
      seq: null,
      type: null,
      occurredAt: null,
      message: 'the task has no events',
      event: null,
      recorded: null,
      replayed: null,
    });
  }
  // First pass: versions. Nothing runs unless every event's version can be brought to the running one.
  const payloads = events.map(parsePayload);
  const paths = new Map<number, MachineMigration[]>();
  for (const [i, p] of payloads.entries()) {
    const v = p.machineVersion;
    o.versions?.add(v);
    if (paths.has(v)) continue;
    const path = NATIVE_MACHINE_VERSIONS.includes(v) ? [] : pathToNative(v, o.migrations);
    if (!path) {
      const e = events[i];
      throw new Diverged({
        kind: 'machine-version',
        seq: e.seq,
        type: e.type,
        occurredAt: e.occurredAt,
        message: versionNeededMessage(`event #${e.seq} (${e.type})`, v),
        event: null,
        recorded: null,
        replayed: null,
        neededMachineVersion: v,
      });
    }
    paths.set(v, path);
    for (const m of path) o.migrationsUsed?.add(`${m.from}→${m.to}: ${m.description}`);
  }

  let state: FoldState | null = null;
  let prevRecordedAfter: string | null = null;
  let prevReplayedAfter: string | null = null;
  for (const [i, e] of events.entries()) {
    if (o.untilMs !== undefined && Date.parse(e.occurredAt) > o.untilMs) break;
    const expectedSeq = i + 1;
    if (e.seq !== expectedSeq) {
      throw new Diverged({
        kind: 'seq-gap',
        seq: e.seq,
        type: e.type,
        occurredAt: e.occurredAt,
        message: `expected event #${expectedSeq}, found #${e.seq}: the history has a gap`,
        event: null,
        recorded: null,
        replayed: null,
      });
    }
    const p = payloads[i];
    const path = paths.get(p.machineVersion)!;
    const recordedAfterText = path.length ? stateText(migrate(path, 'stateValue', parseJson(e.stateAfter))) : e.stateAfter;
    let next: VersionedSnapshot;
    let fed: Record<string, unknown>;
    let replayedBefore: string | null = null;
    if (i === 0) {
      if (e.type !== CREATED_EVENT) {
        throw new Diverged({
          kind: 'first-event',
          seq: e.seq,
          type: e.type,
          occurredAt: e.occurredAt,
          message: `event #1 is ${e.type}, not ${CREATED_EVENT}`,
          event: null,
          recorded: null,
          replayed: null,
        });
      }
      const input = migrate(path, 'input', p.data.input);
      fed = { type: CREATED_EVENT, at: e.occurredAt, input };
      try {
        next = initialVersioned(path.length ? path.at(-1)!.to : p.machineVersion, input, e.occurredAt);
      } catch (err) {
        if (!(err instanceof TaskInputError)) throw err;
        throw new Diverged({
          kind: 'refused',
          seq: e.seq,
          type: e.type,
          occurredAt: e.occurredAt,
          message: `event #1 (${CREATED_EVENT}): the machine refuses the recorded input: ${err.message}`,
          event: fed,
          recorded: { stateBefore: null, stateAfter: parseJson(e.stateAfter) },
          replayed: null,
        });
      }
    } else {
      const prev: VersionedSnapshot = state!.snapshot;
      fed = path.length ? (migrate(path, 'event', eventFromStored(e, p.data)) as Record<string, unknown>) : ownedEvent(e, p.data);
      if (o.compare) {
        replayedBefore = prevReplayedAfter ?? stateText(prev.snapshot.value);
        const recordedBefore = e.stateBefore === null ? null : path.length ? stateText(migrate(path, 'stateValue', parseJson(e.stateBefore))) : e.stateBefore;
        if (recordedBefore !== replayedBefore || recordedBefore !== prevRecordedAfter) {
          throw new Diverged({
            kind: 'state-before',
            seq: e.seq,
            type: e.type,
            occurredAt: e.occurredAt,
            message: `event #${e.seq} (${e.type}): the recorded state before it differs from the ${recordedBefore !== replayedBefore ? 'replayed state' : 'state recorded after the previous event'}`,
            event: fed,
            recorded: { stateBefore: parseJson(e.stateBefore), stateAfter: parseJson(e.stateAfter) },
            replayed: { stateBefore: prev.snapshot.value },
          });
        }
      }
      const r = applyVersioned(path.length ? path.at(-1)!.to : p.machineVersion, prev, fed as { type: string; at: string });
      if (!r.ok) {
        throw new Diverged({
          kind: 'refused',
          seq: e.seq,
          type: e.type,
          occurredAt: e.occurredAt,
          message: `event #${e.seq} (${e.type}): the machine (version ${p.machineVersion}) refuses it: ${r.reason}`,
          event: fed,
          recorded: { stateBefore: parseJson(e.stateBefore), stateAfter: parseJson(e.stateAfter) },
          replayed: { stateBefore: prev.snapshot.value },
        });
      }
      if (!r.changed) {
        throw new Diverged({
          kind: 'no-change',
          seq: e.seq,
          type: e.type,
          occurredAt: e.occurredAt,
          message: `event #${e.seq} (${e.type}): the machine accepts it but nothing changes, yet only changing events are recorded`,
          event: fed,
          recorded: { stateBefore: parseJson(e.stateBefore), stateAfter: parseJson(e.stateAfter) },
          replayed: { stateBefore: prev.snapshot.value, stateAfter: r.state.snapshot.value },
        });
      }
      next = r.state;
    }
    const replayedAfter = o.compare ? stateText(next.snapshot.value) : '';
    const matches = !o.compare || replayedAfter === recordedAfterText;
    o.steps?.push({ seq: e.seq, type: e.type, occurredAt: e.occurredAt, recorded: parseJson(e.stateAfter), replayed: next.snapshot.value, matches });
    if (!matches) {
      throw new Diverged({
        kind: 'state-after',
        seq: e.seq,
        type: e.type,
        occurredAt: e.occurredAt,
        message: `event #${e.seq} (${e.type}): the replayed state differs from the recorded one`,
        event: fed,
        recorded: { stateBefore: parseJson(e.stateBefore), stateAfter: parseJson(e.stateAfter) },
        replayed: { stateBefore: replayedBefore === null ? null : JSON.parse(replayedBefore), stateAfter: next.snapshot.value },
        differences: diffPaths(parseJson(recordedAfterText), next.snapshot.value),
      });
    }
    prevRecordedAfter = recordedAfterText;
    prevReplayedAfter = o.compare ? replayedAfter : null;
    state = { snapshot: next, applied: i + 1, last: e };
  }
  return state;
}

/** The query columns the write path keeps, as the version that wrote them computes them. */
function columnsOf(final: VersionedSnapshot, version: number, lastSeq: number): Record<string, unknown> {
  const c = final.version === 1 ? v1.viewOf(final.snapshot) : v2ColumnsOf(final.snapshot);
  return {
    state: c.state,
    light: c.light,
    currentNodeSeq: c.currentNodeSeq,
    nextDeadlineAt: c.nextDeadlineAt,
    redCount: c.redCount,
    version,
    lastSeq,
  };
}

function persistedOf(s: VersionedSnapshot): { value: unknown; context: unknown } {
  return s.version === 1 ? v1.persistTaskSnapshot(s.snapshot) : persistTaskSnapshot(s.snapshot);
}

function viewOfVersioned(s: VersionedSnapshot): TaskView | v1.TaskView {
  return s.version === 1 ? v1.viewOf(s.snapshot) : viewOf(s.snapshot);
}

/** Compare the end of the replay with the task row; returns the divergence or null. */
function compareEnd(final: VersionedSnapshot, events: readonly StoredEvent[], stored: StoredTask, migrations: readonly MachineMigration[]): Divergence | null {
  const last = events[events.length - 1];
  const base = { seq: null, type: null, occurredAt: null, event: null } as const;
  let storedPersisted: unknown;
  try {
    storedPersisted = JSON.parse(stored.snapshot);
  } catch {
    return { ...base, kind: 'snapshot', message: 'the stored snapshot is not JSON', recorded: { snapshot: stored.snapshot }, replayed: null };
  }
  const storedVersion = (storedPersisted as { context?: { machineVersion?: unknown } })?.context?.machineVersion;
  if (typeof storedVersion === 'number' && storedVersion !== final.version && !NATIVE_MACHINE_VERSIONS.includes(storedVersion)) {
    const path = pathToNative(storedVersion, migrations);
    if (!path) {
      return {
        ...base,
        kind: 'machine-version',
        message: versionNeededMessage('the stored snapshot', storedVersion),
        recorded: null,
        replayed: null,
        neededMachineVersion: storedVersion,
      };
    }
    storedPersisted = migrate(path, 'snapshot', storedPersisted);
  }
  if (!jsonEqual(storedPersisted, { value: final.snapshot.value, context: final.snapshot.context })) {
    const replayed = persistedOf(final);
    return {
      ...base,
      kind: 'snapshot',
      message: 'the stored snapshot differs from the state the replay ends in',
      recorded: { snapshot: storedPersisted },
      replayed: { snapshot: replayed },
      differences: diffPaths(storedPersisted, replayed),
    };
  }
  const want = columnsOf(final, events.length, last.seq);
  const have: Record<string, unknown> = {
    state: stored.state,
    light: stored.light,
    currentNodeSeq: stored.currentNodeSeq,
    nextDeadlineAt: stored.nextDeadlineAt,
    redCount: stored.redCount,
    version: stored.version,
    lastSeq: stored.lastSeq,
  };
  const differences = Object.keys(want).filter((k) => want[k] !== have[k]);
  if (differences.length) {
    return {
      ...base,
      kind: 'query-columns',
      message: `the task row's query columns differ from the replayed view: ${differences.join(', ')}`,
      recorded: { columns: have },
      replayed: { columns: want },
      differences,
    };
  }
  return null;
}

/**
 * Replays a task's whole history. Reports every step (unless keepSteps is false), stops at the first
 * divergence, and — when `stored` is given — compares the end state with the stored snapshot and the
 * task row's query columns.
 */
export function replayHistory(
  events: readonly StoredEvent[],
  stored: StoredTask | null,
  opts: ReplayOptions = {},
): ReplayReport & { snapshot: VersionedSnapshot | null } {
  const migrations = opts.migrations ?? MACHINE_MIGRATIONS;
  const steps: ReplayStep[] = [];
  const keep = opts.keepSteps !== false;
  const versions = new Set<number>();
  const migrationsUsed = new Set<string>();
  const report = (divergence: Divergence | null, final: VersionedSnapshot | null, storedSnapshotMatches: boolean | null) => ({
    ok: divergence === null,
    runningMachineVersion: TASK_MACHINE_VERSION,
    recordedMachineVersions: [...versions].sort((a, b) => a - b),
    migrations: [...migrationsUsed],
    events: events.length,
    steps,
    divergence,
    end: { storedSnapshotMatches, view: final ? viewOfVersioned(final) : null },
    snapshot: final,
  });
  let state: FoldState | null;
  try {
    state = fold(events, { migrations, compare: true, steps: keep ? steps : undefined, versions, migrationsUsed });
  } catch (e) {
    if (e instanceof Diverged) return report(e.divergence, null, null);
    throw e;
  }
  const final = state!.snapshot;
  if (!stored) return report(null, final, null);
  const end = compareEnd(final, events, stored, migrations);
  return report(end, final, end === null || end.kind === 'query-columns');
}

export interface AsOfResult {
  /** False when the task was created after the moment asked about. */
  existed: boolean;
  /**
   * The snapshot as recorded by the last event at or before the moment (null when it did not exist), as
   * machine v2 sees it: a task still on v1 at that moment is shown as its upgrade would have made it.
   */
  recorded: TaskSnapshot | null;
  /** The machine version the task was on at that moment. */
  recordedVersion: number | null;
  /**
   * The recorded snapshot with the clock moved to the moment (a virtual clock.tick, nothing stored):
   * deadlines are data, so a light that had turned by then is shown turned even if no tick was recorded.
   */
  effective: TaskSnapshot | null;
  lastEvent: { seq: number; type: string; occurredAt: string } | null;
  eventsApplied: number;
}

/** The task as it stood at `atIso`: the events that occurred by then, folded, then a virtual tick. */
export function stateAsOf(events: readonly StoredEvent[], atIso: string, migrations: readonly MachineMigration[] = MACHINE_MIGRATIONS): AsOfResult {
  let state: FoldState | null;
  try {
    state = fold(events, { migrations, compare: false, untilMs: Date.parse(atIso) });
  } catch (e) {
    if (e instanceof Diverged) throw new ReplayDivergedError(e.divergence);
    throw e;
  }
  if (!state) return { existed: false, recorded: null, recordedVersion: null, effective: null, lastEvent: null, eventsApplied: 0 };
  const recorded =
    state.snapshot.version === 2 ? state.snapshot.snapshot : migrateV1ToV2(v1.persistTaskSnapshot(state.snapshot.snapshot), state.last.occurredAt).snapshot;
  const ticked = applyTaskEvent(recorded, { type: 'clock.tick', at: atIso });
  return {
    existed: true,
    recorded,
    recordedVersion: state.snapshot.version,
    effective: ticked.ok ? ticked.snapshot : recorded,
    lastEvent: { seq: state.last.seq, type: state.last.type, occurredAt: state.last.occurredAt },
    eventsApplied: state.applied,
  };
}

/** Thrown by stateAsOf when the history does not replay. */
export class ReplayDivergedError extends Error {
  constructor(readonly divergence: Divergence) {
    super(divergence.message);
    this.name = 'ReplayDivergedError';
  }
}
