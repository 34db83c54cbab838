/**
 * Imports, the database half (issue 5): a parsed office table (parse-import.ts) → units, indicators,
 * tasks and nodes of one plan. Dry run by default; a commit writes everything in ONE transaction, each
 * task through the one write path (task.created, or task.revise for a task that exists), so the history,
 * hash chain and outbox are what any other command would write.
 *
 * What a re-import does (README "Imports"):
 * - Same file again: nothing differs, nothing is written — not even a run row. The database stays
 *   content-equivalent.
 * - Edited file: new indicators/tasks are created; changed indicator fields are updated and recorded
 *   (import_changes, before/after); a task whose nodes changed gets one `task.revise` event (machine rules
 *   in workflows/task/revision.ts: approved nodes may not change); task details the machine does not hold
 *   (leader in charge, the unit's own target) are recorded as `task.details` changes.
 * - What an import never does: delete or cancel. Indicators and tasks of the plan that the file no longer
 *   lists are kept and reported ("not in the file"); a lead-unit flag that changed is reported, not
 *   applied (it is set when the task is created).
 * - Refusals: a commit whose report has errors (rows it could not read, unknown units, revisions the
 *   machine refuses) writes nothing unless `allowErrors` (then what could not be read or applied is
 *   skipped and reported). Always refused: a closed plan; a plan already imported from another table
 *   shape (the keys — 序号 — would collide).
 */
import { Progress } from '../common/progress.js';
import { Injectable } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import {
  applyTaskEvent,
  restoreOwnedTaskSnapshot,
  revisionProblem,
  sameDefinition,
  viewOf,
  type PersistedTask,
  type TaskEvent,
  type TaskNodeInput,
} from '../../workflows/task/index.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { OutboxSignal } from '../common/outbox-signal.js';
import { DomainError } from '../common/domain-error.js';
import { DatabaseService } from '../database/database.service.js';
import { DeadlinesService } from '../deadlines/deadlines.service.js';
import { PlansService } from '../plans/plans.service.js';
import { METHOD_CODES, validateMethodParams, type MethodCode } from '../scoring/method-params.js';
import { refusalToSend } from '../tasks/task-access.js';
import { TaskCommandService, type NodeSpec } from '../tasks/task-commands.service.js';
import {
  COLUMN_KEYS,
  columnsOfRow,
  DETAIL_KEYS,
  diffFields,
  EXTRA_KEYS,
  indicatorColumnsOf,
  taskDetailsOf,
  unitKindOf,
  type IndicatorColumns,
  type IndicatorExtras,
  type TaskDetails,
} from './import-diff.js';
import type { ImportProblem, ImportReport, ImportTask, ParseImportResult, ShapeName } from './model.js';
import { SHAPES } from './model.js';
import { OrderedIds } from './ordered-ids.js';
import { parseImport } from './parse-import.js';
import { cleanUnitName, isCollectiveName, UnitResolver } from './units.js';
import { problem as gridProblem } from './grid.js';
import { coded, problemMessageZh, type Coded } from './problem-catalogue.js';
import { ImportRunsRepository } from './import-runs.repository.js';
import { planGroups, resolveGroups, type GroupPlan, type GroupTarget, type GroupTargets } from './import-groups.js';
export { GROUP_KINDS, type GroupTarget } from './import-groups.js';

export interface ImportOptions {
  planId: string;
  /** Write (one transaction). Default: dry run, writes nothing. */
  commit?: boolean;
  shape?: ShapeName;
  /** Year for dates written without one (default: the plan's year). */
  year?: number;
  /** Create the units the file names but the database does not know (default: report them as errors). */
  createUnits?: boolean;
  /** Commit what could be read and applied even if the report has errors (they are skipped and listed). */
  allowErrors?: boolean;
  /** Method for indicators whose file has no method column (default node_platform). */
  defaultMethod?: string;
  /** Points for indicators whose file has no points column (default 0). */
  defaultPoints?: number;
  /** Expand recurring phrases (每月 / 每季度 …) into one node per period (default false: one node, reported). */
  expandRecurring?: boolean;
  /**
   * Sections mapped to plan groups (考核分组): section key (`附件1`, `s1`) → the id of a group of the plan,
   * or `{ name, kind }` for a group the import creates. The units of the section's tasks become members of
   * the group, in the import's transaction.
   */
  groups?: Record<string, GroupTarget>;
}

export type { ImportRunView } from './import-runs.repository.js';

/** Names of one indicator: equal once whitespace and punctuation are ignored. */
export function sameIndicatorName(a: string, b: string): boolean {
  const k = (s: string) => s.replace(/[\s，,。.；;：:、“”"'（）()]/g, '');
  return k(a) === k(b);
}

export interface ImportFile {
  name: string;
  bytes: Buffer;
}

export type ImportPhase = 'parse' | 'plan' | 'write';
export type ImportProgress = (phase: ImportPhase, done: number, total: number) => void;

export type ChangeKind =
  'unit.created' | 'indicator.created' | 'indicator.updated' | 'task.created' | 'task.revised' | 'task.details' | 'group.created' | 'group.member';

export interface ImportChangeView {
  kind: ChangeKind;
  key: string;
  /** The id of the unit, indicator or task (planned id in a dry run). */
  id: string;
  fields?: string[];
  before?: unknown;
  after?: unknown;
  /** For task.revised: the seqs the revision changes, adds, removes. */
  nodes?: { changed: number[]; added: number[]; removed: number[] };
}

export interface ImportCounts {
  units: { create: number; known: number };
  indicators: { create: number; update: number; unchanged: number };
  tasks: { create: number; revise: number; unchanged: number; refused: number };
  nodes: { create: number; revise: number; unchanged: number; refused: number };
  /** Task details recorded (task.details changes). */
  details: number;
  /** Task events the commit writes (task.created + task.revise). */
  events: number;
  /** Plan groups the import creates, and units it adds to groups (sections mapped to groups). */
  groups: { create: number; members: number };
  notInFile: { indicators: number; tasks: number };
}

export type ImportOutcome = 'dry-run' | 'committed' | 'unchanged' | 'refused';

export interface ImportResult {
  file: { name: string; sha256: string; bytes: number };
  plan: { id: string; year: number; timezone: string };
  shape: ShapeName | null;
  mode: 'dry-run' | 'commit';
  outcome: ImportOutcome;
  /** Why nothing was (or, in a dry run, would be) written; null when the import can go ahead. */
  refusal: string | null;
  /** The same in zh-CN (what the page and the CLI show). */
  refusalMessage: string | null;
  runId: string | null;
  counts: ImportCounts;
  /** Every change (first CHANGE_LIST_LIMIT; `changesOmitted` says how many more). */
  changes: ImportChangeView[];
  changesOmitted: number;
  /** Problems found against the database (the parse's own are in `parse.problems`). */
  problems: ImportProblem[];
  errors: number;
  warnings: number;
  /** The parse half's report: rows, counts (indicators, tasks, nodes, per unit), unit names, problems. */
  parse: ImportReport;
}

export const CHANGE_LIST_LIMIT = 2000;

interface UnitRef {
  id: string;
  name: string;
  create: boolean;
  kind: string;
  aliases: string[];
}

interface IndicatorPlan {
  key: string;
  id: string;
  action: 'create' | 'update' | 'unchanged';
  columns: IndicatorColumns;
  extras: IndicatorExtras;
  diff: { fields: string[]; before: Record<string, unknown>; after: Record<string, unknown> } | null;
}

interface TaskPlan {
  key: string;
  task: ImportTask;
  action: 'create' | 'revise' | 'unchanged' | 'refused';
  id: string;
  indicatorId: string;
  unitId: string;
  nodes: NodeSpec[];
  details: TaskDetails;
  detailsDiff: { fields: string[]; before: Partial<TaskDetails>; after: Partial<TaskDetails> } | null;
  version?: number;
  revise?: {
    event: Extract<TaskEvent, { type: 'task.revise' }>;
    changed: number[];
    added: number[];
    removed: number[];
    /** The node definitions before the revision (plan dates). */
    before: TaskNodeInput[];
  };
}

interface Planned {
  units: UnitRef[];
  groups: GroupPlan[];
  indicators: IndicatorPlan[];
  tasks: TaskPlan[];
  problems: ImportProblem[];
  /** Refusals no option overrides (closed plan, other table shape), with their code. */
  fatal: string | null;
  fatalCoded: Coded | null;
  notInFile: { indicators: string[]; tasks: string[] };
}

interface Context {
  file: ImportFile;
  sha256: string;
  opts: Required<Pick<ImportOptions, 'planId' | 'commit' | 'createUnits' | 'allowErrors' | 'defaultPoints' | 'expandRecurring'>> & {
    groups?: Record<string, GroupTarget>;
    shape?: ShapeName;
    year: number;
    defaultMethod: MethodCode;
  };
  plan: { id: string; year: number; timezone: string; status: string; warnWorkingDays: number };
  parsed: ParseImportResult;
  /** Section → group, validated against the file's sections and the plan's groups (id null: a group to create). */
  groupTargets: GroupTargets;
  /** Units named in the file that the commit creates (canonical names). */
  newUnits: string[];
  /** For each new unit, the other spellings the file used for it (kept as the unit's aliases). */
  newUnitAliases: Map<string, string[]>;
  aliases: Record<string, string>;
  actor: Actor;
  at: string;
  progress?: ImportProgress;
  /** Gives the event loop back between tasks (the commit stays one transaction; other requests' reads go on). */
  slicer: Progress;
}

const problem = (c: Coded, severity: 'error' | 'warning', reason: string, at: { row?: number | null; field?: string | null } = {}): ImportProblem =>
  gridProblem(c, severity, reason, { row: at.row ?? null, column: null, field: at.field ?? null });

const PROGRESS_EVERY = 500;
/** Page cache during a commit, KiB (SQLite's default is 2 MiB). */
const IMPORT_CACHE_KIB = 256 * 1024;

@Injectable()
export class ImportService {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly plans: PlansService,
    private readonly deadlines: DeadlinesService,
    private readonly commands: TaskCommandService,
    private readonly signal: OutboxSignal,
    private readonly runs: ImportRunsRepository,
  ) {}

  /** Parse `file` and dry-run or commit it into the plan. Refusals come back as outcome 'refused' (nothing written). */
  async run(file: ImportFile, options: ImportOptions, actor: Actor, progress?: ImportProgress): Promise<ImportResult> {
    const plan = await this.plans.get(options.planId);
    const opts = this.checkOptions(options, plan.year);
    progress?.('parse', 0, 1);
    const { knownUnits, aliases } = await this.unitNames();
    const parseOpts = {
      year: opts.year,
      timezone: plan.timezone,
      knownUnits,
      aliases,
      expandRecurring: opts.expandRecurring,
      ...(opts.shape ? { shape: opts.shape } : {}),
    };
    let parsed = await parseImport(file, parseOpts);
    let newUnits: string[] = [];
    let newUnitAliases = new Map<string, string[]>();
    if (opts.createUnits) {
      newUnitAliases = this.unknownUnitNames(parsed.report, knownUnits, aliases);
      newUnits = [...newUnitAliases.keys()];
      if (newUnits.length > 0) parsed = await parseImport(file, { ...parseOpts, knownUnits: [...knownUnits, ...newUnits] });
    }
    progress?.('parse', 1, 1);
    const groupTargets = resolveGroups(
      opts.groups,
      parsed.report.sections.map((s) => s.key),
      await this.runs.planGroups(plan.id),
    );
    const ctx: Context = {
      file,
      sha256: createHash('sha256').update(file.bytes).digest('hex'),
      opts,
      plan,
      parsed,
      groupTargets,
      newUnits,
      newUnitAliases,
      aliases,
      actor,
      at: this.clock.nowIso(),
      ...(progress ? { progress } : {}),
      slicer: new Progress(),
    };
    if (!opts.commit) return this.result(ctx, await this.planImport(ctx), 'dry-run', null);
    // Plan inside the write transaction: what is decided is what is written, whatever ran in between.
    const result = await this.withLargeCache(
      async () =>
        await this.db.transaction(async () => {
          const planned = await this.planImport(ctx);
          const refusal = this.refusalOf(ctx, planned);
          if (refusal) return this.result(ctx, planned, 'refused', null);
          if (!this.changesAnything(planned)) return this.result(ctx, planned, 'unchanged', null);
          const runId = await this.execute(ctx, planned);
          return this.result(ctx, planned, 'committed', runId);
        }),
    );
    if (result.counts.events > 0 && result.outcome === 'committed') this.signal.notify();
    return result;
  }

  /**
   * A bulk import inserts hundreds of thousands of rows under random (UUID) keys in one transaction; with
   * SQLite's default 2 MB page cache the index pages no longer fit and every insert starts reading pages
   * back (measured: the write phase went superlinear past ~20k tasks). Raise the cache for the duration.
   * SQLite only: PostgreSQL's shared buffers are the server's setting.
   */
  private async withLargeCache<T>(fn: () => Promise<T>): Promise<T> {
    if (this.db.dialect !== 'sqlite') return await fn();
    const before = this.db.sqlite.pragma('cache_size', { simple: true }) as number;
    this.db.sqlite.pragma(`cache_size = ${IMPORT_CACHE_KIB === 0 ? before : -IMPORT_CACHE_KIB}`);
    try {
      return await fn();
    } finally {
      this.db.sqlite.pragma(`cache_size = ${before}`);
    }
  }

  private checkOptions(o: ImportOptions, planYear: number): Context['opts'] {
    const problems: { field: string; reason: string }[] = [];
    if (o.shape !== undefined && !SHAPES.includes(o.shape)) problems.push({ field: 'shape', reason: `must be one of ${SHAPES.join(', ')}` });
    if (o.year !== undefined && !(Number.isInteger(o.year) && o.year >= 1900 && o.year <= 2999))
      problems.push({ field: 'year', reason: 'must be a four-digit year' });
    const defaultMethod = (o.defaultMethod ?? 'node_platform') as MethodCode;
    if (!METHOD_CODES.includes(defaultMethod) || !validateMethodParams(defaultMethod, {}).ok) {
      problems.push({
        field: 'defaultMethod',
        reason: `must be a method that needs no parameters (node_platform, all_or_nothing), got ${JSON.stringify(o.defaultMethod)}`,
      });
    }
    const defaultPoints = o.defaultPoints ?? 0;
    if (!(typeof defaultPoints === 'number' && Number.isFinite(defaultPoints) && defaultPoints >= 0))
      problems.push({ field: 'defaultPoints', reason: 'must be a number ≥ 0' });
    if (o.expandRecurring !== undefined && typeof o.expandRecurring !== 'boolean') problems.push({ field: 'expandRecurring', reason: 'must be true or false' });
    if (o.groups !== undefined && (typeof o.groups !== 'object' || o.groups === null || Array.isArray(o.groups))) {
      problems.push({ field: 'groups', reason: 'must be an object: section key → group id, or { name, kind } for a new group' });
    }
    if (problems.length) throw DomainError.validation(problems);
    return {
      planId: o.planId,
      commit: o.commit === true,
      createUnits: o.createUnits === true,
      allowErrors: o.allowErrors === true,
      defaultPoints,
      defaultMethod,
      expandRecurring: o.expandRecurring === true,
      ...(o.groups !== undefined ? { groups: o.groups } : {}),
      year: o.year ?? planYear,
      ...(o.shape ? { shape: o.shape } : {}),
    };
  }

  /** The database's unit names, and its units' recorded aliases (alias → name) for the resolver. */
  private async unitNames(): Promise<{ knownUnits: string[]; aliases: Record<string, string>; byName: Map<string, string> }> {
    const rows = (await this.db.all('SELECT id, name, aliases FROM units ORDER BY name')) as { id: string; name: string; aliases: string }[];
    const aliases: Record<string, string> = {};
    const byName = new Map<string, string>();
    for (const r of rows) {
      byName.set(r.name, r.id);
      for (const a of JSON.parse(r.aliases) as string[]) if (a !== r.name) aliases[a] = r.name;
    }
    return { knownUnits: rows.map((r) => r.name), aliases, byName };
  }

  /**
   * Names the file uses that no unit matches, in their canonical spelling (alias tables applied): what
   * `createUnits` creates, each with the other spellings the file used for it (kept as its aliases, so the
   * next import matches them). Group names ("各街镇") are never created.
   */
  private unknownUnitNames(report: ImportReport, knownUnits: string[], aliases: Record<string, string>): Map<string, string[]> {
    const known = new UnitResolver({ knownUnits, aliases });
    const knownCanonical = new Set(knownUnits.map((k) => known.canonical(cleanUnitName(k)).name));
    const out = new Map<string, string[]>();
    for (const r of report.unitNames) {
      if (r.rule !== 'unresolved' || isCollectiveName(r.raw)) continue;
      const spelled = cleanUnitName(r.raw);
      const name = known.canonical(spelled).name;
      if (name === '' || knownCanonical.has(name)) continue;
      const seen = out.get(name) ?? [];
      if (spelled !== name && !seen.includes(spelled)) seen.push(spelled);
      out.set(name, seen);
    }
    return out;
  }

  /** Everything the import would do, read from the database (no writes). */
  private async planImport(ctx: Context): Promise<Planned> {
    const { parsed, plan, opts } = ctx;
    const ids = new OrderedIds(Date.parse(ctx.at));
    const model = parsed.model;
    const out: Planned = {
      units: [],
      groups: [],
      indicators: [],
      tasks: [],
      problems: [],
      fatal: null,
      fatalCoded: null,
      notInFile: { indicators: [], tasks: [] },
    };
    if (plan.status === 'closed') {
      out.fatal = `plan ${plan.id} is closed: an import may not change it`;
      out.fatalCoded = coded('plan.closed');
    }
    const shapes = (await this.db.all('SELECT DISTINCT shape FROM import_runs WHERE plan_id = ?', plan.id)) as { shape: string }[];
    const other = shapes.find((s) => s.shape !== parsed.shape);
    if (parsed.shape && other && !out.fatal) {
      out.fatalCoded = coded('plan.other-shape', { previous: other.shape, shape: parsed.shape });
      out.fatal = `plan ${plan.id} was imported from a ${other.shape} table; this file is a ${parsed.shape}: import it into its own plan (indicator keys would collide)`;
    }

    // Units: the file's task units and assessors, by name.
    const { byName } = await this.unitNames();
    const unitRefs = new Map<string, UnitRef>();
    for (const name of ctx.newUnits) {
      const ref: UnitRef = { id: ids.next(), name, create: true, kind: unitKindOf(name), aliases: ctx.newUnitAliases.get(name) ?? [] };
      unitRefs.set(name, ref);
    }
    const unitId = (name: string): string | null => byName.get(name) ?? unitRefs.get(name)?.id ?? null;

    // Assessors (考核主体): matched against the units like task units; unknown ones are created with
    // createUnits, otherwise the indicator is stored without an assessing unit (reported).
    const assessorResolver = new UnitResolver({ knownUnits: [...byName.keys(), ...ctx.newUnits], aliases: ctx.aliases });
    const assessorIds = new Map<string, string | null>();
    const assessorOf = (raw: string | null, row: number | null): string | null => {
      if (!raw) return null;
      if (assessorIds.has(raw)) return assessorIds.get(raw)!;
      const r = assessorResolver.resolve(raw);
      let id: string | null = r.units.length === 1 ? unitId(r.units[0]!) : null;
      if (id === null && !r.collective) {
        const name = assessorResolver.canonical(cleanUnitName(raw)).name;
        // a unit of that very name exists (matched under another spelling): never a second one of the name
        if (byName.has(name)) id = byName.get(name)!;
        else if (ctx.opts.createUnits && name !== '' && r.units.length === 0 && !r.problem?.includes('several')) {
          // an assessing county department is a department (issue 14), a town a town …
          const ref = unitRefs.get(name) ?? { id: ids.next(), name, create: true, kind: unitKindOf(name), aliases: [] };
          unitRefs.set(name, ref);
          id = ref.id;
        } else {
          out.problems.push(
            problem(
              coded('assessor.unknown', { name: raw }),
              'warning',
              `assessing unit "${raw}" is not a known unit: its indicators are stored without an assessing unit (create it, or import with createUnits)`,
              { row, field: '考核主体' },
            ),
          );
        }
      }
      assessorIds.set(raw, id);
      return id;
    };

    // Indicators.
    type IndicatorDbRow = Parameters<typeof columnsOfRow>[0] & { id: string };
    const existing = new Map(((await this.db.all('SELECT * FROM indicators WHERE plan_id = ?', plan.id)) as IndicatorDbRow[]).map((r) => [r.code, r]));
    const recorded = await this.recordedContent(plan.id);
    const assumed = { points: 0, method: 0 };
    const byKey = new Map<string, IndicatorPlan>();
    for (const ind of model.indicators) {
      const { columns, extras } = indicatorColumnsOf(ind, assessorOf(ind.assessingUnitName, ind.sourceRows[0] ?? null), {
        points: opts.defaultPoints,
        methodCode: opts.defaultMethod,
      });
      if (extras.assumed.points) assumed.points++;
      if (extras.assumed.method) assumed.method++;
      const row = existing.get(ind.key);
      let p: IndicatorPlan;
      if (!row) {
        p = { key: ind.key, id: ids.next(), action: 'create', columns, extras, diff: null };
      } else {
        // Rule (issue 14): an indicator of another table (another annex cut out by hand, same 序号) is not
        // an edit of this one: an import never overwrites an indicator under a different name — refused,
        // naming both rows.
        if (!sameIndicatorName(row.name, columns.name) && !out.fatal) {
          const origin = await this.creatorOf(row.id);
          out.fatalCoded = coded('indicator.overwrite', {
            indicator: ind.key,
            row: ind.sourceRows[0] ?? null,
            name: columns.name,
            existingCode: row.code,
            existingName: row.name,
            fileName: origin?.fileName ?? null,
          });
          out.fatal =
            `indicator ${ind.key} of the file (row ${ind.sourceRows[0] ?? '?'}, "${columns.name}") would overwrite the plan's indicator ${row.code} ` +
            `("${row.name}", ${origin ? `created by import ${origin.runId} of ${origin.fileName}` : 'not created by an import'}): refused — ` +
            `import the whole document (its sections keep their own keys) or this table into its own plan`;
        }
        const colDiff = diffFields(columnsOfRow(row), columns, COLUMN_KEYS);
        const before = recorded.get(row.id) as Partial<IndicatorExtras> | undefined;
        const extraDiff = before ? diffFields(before as IndicatorExtras, extras, EXTRA_KEYS) : null;
        const diff =
          colDiff || extraDiff
            ? {
                fields: [...(colDiff?.fields ?? []), ...(extraDiff?.fields ?? [])],
                before: { ...(colDiff?.before ?? {}), ...(extraDiff?.before ?? {}) },
                // An indicator no import recorded yet gets all its extras recorded with its first update.
                after: { ...(colDiff?.after ?? {}), ...(before ? (extraDiff?.after ?? {}) : extras) },
              }
            : null;
        p = { key: ind.key, id: row.id, action: diff ? 'update' : 'unchanged', columns, extras, diff };
      }
      byKey.set(ind.key, p);
      out.indicators.push(p);
    }
    if (assumed.points) {
      out.problems.push(
        problem(
          coded('points.assumed', { count: assumed.points, points: opts.defaultPoints }),
          'warning',
          `${assumed.points} indicator(s) have no points in the file (no 分值 column): stored with ${opts.defaultPoints} points (option defaultPoints); set them in the scoring set-up`,
          { field: '分值' },
        ),
      );
    }
    if (assumed.method) {
      out.problems.push(
        problem(
          coded('method.assumed', { count: assumed.method, method: opts.defaultMethod }),
          'warning',
          `${assumed.method} indicator(s) have no scoring method in the file: stored as ${opts.defaultMethod} (option defaultMethod)`,
          { field: '计分方式' },
        ),
      );
    }
    for (const [code, r] of existing) if (!byKey.has(code)) out.notInFile.indicators.push(`${code} (${r.name})`);

    // Years without a holiday calendar: the file's deadlines there are computed on plain weekends.
    const years = new Set<number>([opts.year]);
    for (const t of model.tasks) for (const n of t.nodes) years.add(Number(n.dueDate.slice(0, 4)));
    for (const gap of this.deadlines.calendarGaps(years)) {
      out.problems.push(
        problem(
          coded('calendar.no-holidays', { year: gap.year, message: gap.message }),
          'warning',
          `${gap.message}（${gap.year} 年的节点截止与预警时间按周一至周五计算，未计法定节假日与调休）`,
          { field: '计划完成时间' },
        ),
      );
    }

    // Tasks.
    const taskRows = (await this.db.all(
      `SELECT t.id, t.indicator_id, t.unit_id, t.is_lead, t.version, t.snapshot, i.code, u.name AS unit_name
         FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id WHERE t.plan_id = ?`,
      plan.id,
    )) as { id: string; indicator_id: string; unit_id: string; is_lead: number; version: number; snapshot: string; code: string; unit_name: string }[];
    const tasksByPair = new Map(taskRows.map((r) => [`${r.indicator_id}|${r.unit_id}`, r]));
    const seen = new Set<string>();
    const total = model.tasks.length;
    let done = 0;
    ctx.progress?.('plan', 0, total);
    for (const task of model.tasks) {
      const ind = byKey.get(task.indicatorKey)!;
      const uid = unitId(task.unitName);
      const row0 = task.sourceRows[0] ?? null;
      if (uid === null) {
        // The parser resolved the name against the units we gave it, so this only happens if a unit vanished.
        out.problems.push(
          problem(
            coded('unit.missing-in-db', { task: task.key, unit: task.unitName }),
            'error',
            `task ${task.key}: unit "${task.unitName}" is not in the database`,
            { row: row0 },
          ),
        );
        continue;
      }
      const nodes = this.nodeSpecs(task, plan);
      const details = taskDetailsOf(task);
      const base = { key: task.key, task, indicatorId: ind.id, unitId: uid, nodes, details };
      const existingTask = tasksByPair.get(`${ind.id}|${uid}`);
      if (!existingTask) {
        out.tasks.push({ ...base, action: 'create', id: ids.next(), detailsDiff: null });
      } else {
        seen.add(existingTask.id);
        out.tasks.push(this.planExisting(ctx, base, existingTask, recorded.get(existingTask.id) as Partial<TaskDetails> | undefined, out.problems));
      }
      if (++done % PROGRESS_EVERY === 0) ctx.progress?.('plan', done, total);
      await ctx.slicer.breathe();
    }
    ctx.progress?.('plan', total, total);
    for (const r of taskRows) if (!seen.has(r.id)) out.notInFile.tasks.push(`${r.code}@${r.unit_name}`);
    out.groups = planGroups(ctx.groupTargets, ctx.parsed.model.indicators, out.tasks, await this.runs.memberships(ctx.plan.id), () => ids.next(), out.problems);
    if (out.notInFile.indicators.length || out.notInFile.tasks.length) {
      const list = (xs: string[]) => xs.slice(0, 20).join('、') + (xs.length > 20 ? ` … (${xs.length - 20} more)` : '');
      const parts = [];
      if (out.notInFile.indicators.length) parts.push(`${out.notInFile.indicators.length} indicator(s): ${list(out.notInFile.indicators)}`);
      if (out.notInFile.tasks.length) parts.push(`${out.notInFile.tasks.length} task(s): ${list(out.notInFile.tasks)}`);
      const zhList = [...out.notInFile.indicators, ...out.notInFile.tasks];
      const notInFile = coded('plan.not-in-file', {
        indicators: out.notInFile.indicators.length,
        tasks: out.notInFile.tasks.length,
        list: zhList.slice(0, 20).join('、') + (zhList.length > 20 ? ` 等 ${zhList.length} 项` : ''),
      });
      out.problems.push(
        problem(notInFile, 'warning', `in the plan but not in this file, kept unchanged (an import never deletes or cancels): ${parts.join('; ')}`),
      );
    }
    out.units = [...unitRefs.values()];
    return out;
  }

  /** An existing task: unchanged, revised through `task.revise`, or refused (and why). */
  private planExisting(
    ctx: Context,
    base: Omit<TaskPlan, 'action' | 'id' | 'detailsDiff'>,
    row: { id: string; is_lead: number; version: number; snapshot: string },
    recordedDetails: Partial<TaskDetails> | undefined,
    problems: ImportProblem[],
  ): TaskPlan {
    const row0 = base.task.sourceRows[0] ?? null;
    const detailsDiff = diffFields((recordedDetails ?? { leaderInCharge: null, unitTarget: null }) as TaskDetails, base.details, DETAIL_KEYS);
    const plan: TaskPlan = { ...base, action: 'unchanged', id: row.id, version: row.version, detailsDiff };
    if ((row.is_lead === 1) !== base.task.isLead) {
      problems.push(
        problem(
          coded('task.lead-changed', { task: base.key, lead: base.task.isLead }),
          'warning',
          `task ${base.key}: the file marks it ${base.task.isLead ? 'lead unit (牵头)' : 'not lead'}; the lead flag is set when a task is created and an import does not change it`,
          { row: row0 },
        ),
      );
    }
    const persisted = JSON.parse(row.snapshot) as PersistedTask;
    const current = persisted.context.nodes;
    const inputs = base.nodes.map(toNodeInput);
    // The common case (nothing changed) needs no machine: compare the stored definitions directly.
    if (inputs.length === current.length && inputs.every((n, i) => sameDefinition(current[i]!, n))) return plan;
    const snapshot = restoreOwnedTaskSnapshot(persisted);
    const event = { type: 'task.revise' as const, at: ctx.at, nodes: inputs, reason: `import ${ctx.file.name}` };
    const roleRefusal = refusalToSend(ctx.actor, 'task.revise');
    if (roleRefusal) {
      problems.push(
        problem(coded('task.revise-forbidden', { task: base.key }), 'error', `task ${base.key}: the file changes its nodes, but ${roleRefusal}`, { row: row0 }),
      );
      return { ...plan, action: 'refused' };
    }
    const r = applyTaskEvent(snapshot, event);
    if (!r.ok) {
      const why = snapshot.matches('live')
        ? (revisionProblem(snapshot.context, event)?.messageEn ?? r.refusal.messageEn)
        : `the task is ${viewOf(snapshot).state}: only a live task's nodes can be revised`;
      problems.push(
        problem(
          coded('task.revise-refused', { task: base.key, state: snapshot.matches('live') ? null : viewOf(snapshot).state }),
          'error',
          `task ${base.key}: the file changes its nodes but the change is refused — ${why}`,
          { row: row0 },
        ),
      );
      return { ...plan, action: 'refused' };
    }
    if (!r.changed) return plan;
    const revised = r.emitted.find((e) => e.type === 'task.revised') as { changed: number[]; added: number[]; removed: number[] } | undefined;
    return {
      ...plan,
      action: 'revise',
      revise: {
        event,
        changed: revised?.changed ?? [],
        added: revised?.added ?? [],
        removed: revised?.removed ?? [],
        before: current.map((n) => ({
          seq: n.seq,
          dueAt: n.originalDueAt,
          warnAt: n.originalWarnAt,
          stageTarget: n.stageTarget,
          stageValue: n.stageValue,
          requiredEvidence: n.requiredEvidence,
          redDeduction: n.redDeduction,
        })),
      },
    };
  }

  private readonly dateMemo = new Map<string, { dueAt: string; warnAt: string }>();

  private nodeSpecs(task: ImportTask, plan: Context['plan']): NodeSpec[] {
    return task.nodes.map((n) => {
      const memoKey = `${plan.timezone}|${plan.warnWorkingDays}|${n.dueDate}`;
      let d = this.dateMemo.get(memoKey);
      if (!d) {
        d = { dueAt: this.deadlines.dueAt(n.dueDate, plan.timezone), warnAt: this.deadlines.warnAt(n.dueDate, plan.timezone, plan.warnWorkingDays) };
        if (this.dateMemo.size > 10_000) this.dateMemo.clear();
        this.dateMemo.set(memoKey, d);
      }
      return {
        seq: n.seq,
        dueDate: n.dueDate,
        dueAt: d.dueAt,
        warnAt: d.warnAt,
        stageTarget: n.stageTarget === '' ? null : n.stageTarget,
        stageValue: n.stageValue,
        requiredEvidence: n.requiredEvidence,
        redDeduction: null,
      };
    });
  }

  /**
   * What earlier imports recorded about each indicator (extras) and task (details), folded in order:
   * subject id → fields.
   */
  /** The import run that created an indicator, if one did. */
  private async creatorOf(indicatorId: string): Promise<{ runId: string; fileName: string } | null> {
    const r = (await this.db.one(
      `SELECT r.id AS runId, r.file_name AS fileName FROM import_changes c JOIN import_runs r ON r.id = c.run_id WHERE c.subject_id = ? AND c.kind = 'indicator.created' LIMIT 1`,
      indicatorId,
    )) as { runId: string; fileName: string } | undefined;
    return r ?? null;
  }

  private async recordedContent(planId: string): Promise<Map<string, Record<string, unknown>>> {
    const rows = (await this.db.all(
      `SELECT c.subject_id, c.kind, c.after FROM import_changes c JOIN import_runs r ON r.id = c.run_id
         WHERE r.plan_id = ? AND c.kind IN ('indicator.created', 'indicator.updated', 'task.created', 'task.details') ORDER BY c.id`,
      planId,
    )) as { subject_id: string; kind: string; after: string | null }[];
    const out = new Map<string, Record<string, unknown>>();
    for (const r of rows) {
      const after = r.after ? (JSON.parse(r.after) as Record<string, unknown>) : {};
      const fields =
        r.kind === 'task.created'
          ? (after.details as Record<string, unknown>)
          : r.kind === 'indicator.created'
            ? (after.extras as Record<string, unknown>)
            : after;
      out.set(r.subject_id, { ...(out.get(r.subject_id) ?? {}), ...fields });
    }
    return out;
  }

  private errorsOf(ctx: Context, planned: Planned): number {
    return ctx.parsed.report.counts.errors + planned.problems.filter((p) => p.severity === 'error').length + (planned.fatal ? 1 : 0);
  }

  private refusalOf(ctx: Context, planned: Planned): string | null {
    if (planned.fatal) return planned.fatal;
    if (ctx.parsed.shape === null)
      return `the file could not be read: ${ctx.parsed.report.problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.reason)
        .join('; ')}`;
    const errors = this.errorsOf(ctx, planned);
    if (errors > 0 && !ctx.opts.allowErrors) {
      return `the report has ${errors} error(s) (rows, values or changes that cannot be imported); fix the file, or commit with allowErrors to import the rest`;
    }
    return null;
  }

  /** refusalOf in zh-CN. */
  private refusalZh(ctx: Context, planned: Planned): string {
    if (planned.fatalCoded) return problemMessageZh(planned.fatalCoded).message;
    if (ctx.parsed.shape === null) {
      const why = ctx.parsed.report.problems.filter((p) => p.severity === 'error').map((p) => p.message);
      return `文件无法读取${why.length ? `：${why.join('；')}` : ''}`;
    }
    return `导入报告中有 ${this.errorsOf(ctx, planned)} 个错误（无法导入的行、取值或修改）：请修正文件后重新导入，或选择“跳过错误，导入其余内容”`;
  }

  private changesAnything(p: Planned): boolean {
    return (
      p.units.length > 0 ||
      p.groups.some((g) => g.create || g.members.length > 0) ||
      p.indicators.some((i) => i.action !== 'unchanged') ||
      p.tasks.some((t) => t.action === 'create' || t.action === 'revise' || t.detailsDiff !== null)
    );
  }

  /** Write the plan (inside the caller's transaction). Returns the run id. */
  private async execute(ctx: Context, p: Planned): Promise<string> {
    const runId = randomUUID();
    const { actor, at } = ctx;
    const counts = this.countsOf(p);
    await this.db.run(
      `INSERT INTO import_runs (id, plan_id, file_name, file_sha256, shape, options, actor_user_id, actor_role, summary, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      runId,
      ctx.plan.id,
      ctx.file.name,
      ctx.sha256,
      ctx.parsed.shape,
      JSON.stringify({ ...ctx.opts, commit: undefined }),
      actor.userId,
      actor.role,
      JSON.stringify(counts),
      at,
    );
    const change = 'INSERT INTO import_changes (run_id, kind, subject_id, item_key, before, after, task_seq) VALUES (?, ?, ?, ?, ?, ?, ?)';
    const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

    for (const u of p.units) {
      await this.db.run('INSERT INTO units (id, name, kind, aliases, created_at) VALUES (?, ?, ?, ?, ?)', u.id, u.name, u.kind, JSON.stringify(u.aliases), at);
      await this.db.run(change, runId, 'unit.created', u.id, u.name, null, json({ name: u.name, kind: u.kind }), null);
    }
    const insertIndicator = `INSERT INTO indicators (id, plan_id, code, category_path, name, points, method_code, method_params, target_value,
         target_unit, direction, target_text, assessing_unit_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const updateIndicator = `UPDATE indicators SET category_path = ?, name = ?, points = ?, method_code = ?, method_params = ?, target_value = ?,
         target_unit = ?, direction = ?, target_text = ?, assessing_unit_id = ? WHERE id = ?`;
    for (const i of p.indicators) {
      const c = i.columns;
      if (i.action === 'create') {
        await this.db.run(
          insertIndicator,
          i.id,
          ctx.plan.id,
          c.code,
          JSON.stringify(c.categoryPath),
          c.name,
          c.points,
          c.methodCode,
          JSON.stringify(c.methodParams),
          c.targetValue,
          c.targetUnit,
          c.direction,
          c.targetText,
          c.assessingUnitId,
          at,
        );
        await this.db.run(change, runId, 'indicator.created', i.id, i.key, null, json({ columns: c, extras: i.extras }), null);
      } else if (i.action === 'update') {
        await this.db.run(
          updateIndicator,
          JSON.stringify(c.categoryPath),
          c.name,
          c.points,
          c.methodCode,
          JSON.stringify(c.methodParams),
          c.targetValue,
          c.targetUnit,
          c.direction,
          c.targetText,
          c.assessingUnitId,
          i.id,
        );
        await this.db.run(change, runId, 'indicator.updated', i.id, i.key, json(i.diff!.before), json(i.diff!.after), null);
      }
    }

    for (const g of p.groups) {
      if (g.create) {
        await this.runs.insertGroup({ id: g.id, planId: ctx.plan.id, name: g.name, kind: g.kind });
        await this.db.run(change, runId, 'group.created', g.id, g.name, null, json({ name: g.name, kind: g.kind, section: g.section }), null);
      }
      for (const m of g.members) {
        await this.runs.insertMember(g.id, m.unitId);
        await this.db.run(
          change,
          runId,
          'group.member',
          g.id,
          m.unitName,
          null,
          json({ group: g.name, unitId: m.unitId, unit: m.unitName, section: g.section }),
          null,
        );
      }
    }

    const writes = p.tasks.filter((t) => t.action === 'create' || t.action === 'revise' || t.detailsDiff !== null);
    let done = 0;
    ctx.progress?.('write', 0, writes.length);
    for (const t of writes) {
      if (t.action === 'create') {
        const source = {
          importRun: runId,
          key: t.key,
          sourceRows: t.task.sourceRows,
          ...(t.details.leaderInCharge !== null ? { leaderInCharge: t.details.leaderInCharge } : {}),
          ...(t.details.unitTarget !== null ? { unitTarget: t.details.unitTarget } : {}),
        };
        await this.commands.createInTransaction(
          { id: t.id, planId: ctx.plan.id, indicatorId: t.indicatorId, unitId: t.unitId, isLead: t.task.isLead, nodes: t.nodes, source },
          actor,
          at,
        );
        await this.db.run(change, runId, 'task.created', t.id, t.key, null, json({ isLead: t.task.isLead, details: t.details }), 1);
      } else {
        if (t.action === 'revise') {
          const { event, changed, added, removed, before } = t.revise!;
          const r = await this.commands.applyInTransaction(t.id, event, actor, t.version);
          await this.db.run(change, runId, 'task.revised', t.id, t.key, json({ nodes: before }), json({ nodes: event.nodes, changed, added, removed }), r.seq);
        }
        if (t.detailsDiff) await this.db.run(change, runId, 'task.details', t.id, t.key, json(t.detailsDiff.before), json(t.detailsDiff.after), null);
      }
      if (++done % PROGRESS_EVERY === 0) ctx.progress?.('write', done, writes.length);
      await ctx.slicer.breathe();
    }
    ctx.progress?.('write', writes.length, writes.length);
    return runId;
  }

  private countsOf(p: Planned): ImportCounts {
    const c: ImportCounts = {
      units: { create: p.units.length, known: 0 },
      indicators: { create: 0, update: 0, unchanged: 0 },
      tasks: { create: 0, revise: 0, unchanged: 0, refused: 0 },
      nodes: { create: 0, revise: 0, unchanged: 0, refused: 0 },
      details: 0,
      events: 0,
      groups: { create: p.groups.filter((g) => g.create).length, members: p.groups.reduce((n, g) => n + g.members.length, 0) },
      notInFile: { indicators: p.notInFile.indicators.length, tasks: p.notInFile.tasks.length },
    };
    for (const i of p.indicators) c.indicators[i.action]++;
    for (const t of p.tasks) {
      c.tasks[t.action]++;
      c.nodes[t.action] += t.nodes.length;
      if (t.detailsDiff) c.details++;
    }
    c.events = c.tasks.create + c.tasks.revise;
    return c;
  }

  private result(ctx: Context, p: Planned, outcome: ImportOutcome, runId: string | null): ImportResult {
    const counts = this.countsOf(p);
    const taskUnits = new Set(p.tasks.map((t) => t.unitId));
    counts.units.known = [...taskUnits].filter((id) => !p.units.some((u) => u.id === id)).length;
    const changes: ImportChangeView[] = [];
    for (const u of p.units) changes.push({ kind: 'unit.created', key: u.name, id: u.id, after: { name: u.name, kind: u.kind } });
    for (const g of p.groups) {
      if (g.create) changes.push({ kind: 'group.created', key: g.name, id: g.id, after: { name: g.name, kind: g.kind, section: g.section } });
      for (const m of g.members)
        changes.push({ kind: 'group.member', key: `${g.name}/${m.unitName}`, id: g.id, after: { group: g.name, unit: m.unitName, section: g.section } });
    }
    for (const i of p.indicators) {
      if (i.action === 'create') changes.push({ kind: 'indicator.created', key: i.key, id: i.id });
      if (i.action === 'update')
        changes.push({ kind: 'indicator.updated', key: i.key, id: i.id, fields: i.diff!.fields, before: i.diff!.before, after: i.diff!.after });
    }
    for (const t of p.tasks) {
      if (t.action === 'create') changes.push({ kind: 'task.created', key: t.key, id: t.id });
      if (t.action === 'revise') {
        const { changed, added, removed } = t.revise!;
        changes.push({ kind: 'task.revised', key: t.key, id: t.id, nodes: { changed, added, removed } });
      }
      if (t.detailsDiff)
        changes.push({ kind: 'task.details', key: t.key, id: t.id, fields: t.detailsDiff.fields, before: t.detailsDiff.before, after: t.detailsDiff.after });
    }
    const refusal = outcome === 'refused' || outcome === 'dry-run' ? this.refusalOf(ctx, p) : null;
    const refusalMessage = refusal === null ? null : this.refusalZh(ctx, p);
    // the units this import creates in the database (the parse saw them as known once createUnits adds them)
    const parse: ImportReport = { ...ctx.parsed.report, newUnits: p.units.map((u) => ({ name: u.name, kind: unitKindOf(u.name) })) };
    const dbErrors = p.problems.filter((x) => x.severity === 'error').length + (p.fatal ? 1 : 0);
    const problems = p.fatal ? [problem(p.fatalCoded!, 'error', p.fatal), ...p.problems] : p.problems;
    return {
      file: { name: ctx.file.name, sha256: ctx.sha256, bytes: ctx.file.bytes.length },
      plan: { id: ctx.plan.id, year: ctx.opts.year, timezone: ctx.plan.timezone },
      shape: ctx.parsed.shape,
      mode: ctx.opts.commit ? 'commit' : 'dry-run',
      outcome,
      refusal,
      refusalMessage,
      runId,
      counts,
      changes: changes.slice(0, CHANGE_LIST_LIMIT),
      changesOmitted: Math.max(0, changes.length - CHANGE_LIST_LIMIT),
      problems,
      errors: parse.counts.errors + dbErrors,
      warnings: parse.counts.warnings + p.problems.length - p.problems.filter((x) => x.severity === 'error').length,
      parse,
    };
  }
}

function toNodeInput(n: NodeSpec): TaskNodeInput {
  return {
    seq: n.seq,
    dueAt: n.dueAt,
    warnAt: n.warnAt,
    stageTarget: n.stageTarget,
    stageValue: n.stageValue,
    requiredEvidence: n.requiredEvidence,
    redDeduction: n.redDeduction,
  };
}
