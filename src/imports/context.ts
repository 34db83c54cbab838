/**
 * What a shape parser gets (the grid, options, unit resolver) and how it reports: every grid row gets
 * exactly one kind, every problem is collected with its original row and column.
 */
import { createHash } from 'node:crypto';
import type { MethodCode, ImportIndicator, ImportNode, ImportProblem, ImportTask, RowKind, ShapeName, UnitTarget } from './model.js';
import { problem, type Grid } from './grid.js';
import type { UnitResolver } from './units.js';
import { methodParamsProblems, readMethodParams } from './methods.js';
import { coded, type Coded } from './problem-catalogue.js';

export interface ShapeContext {
  shape: ShapeName;
  grid: Grid;
  headerIndex: number;
  year: number;
  subject: string | null;
  knownUnits: string[];
  defaultDueDate: string;
  /** ParseImportOptions.expandRecurring (default false). */
  expandRecurring: boolean;
  units: UnitResolver;
  out: Collector;
}

export interface At {
  row?: number | null;
  column?: number | null;
  field?: string | null;
}

export class Collector {
  readonly problems: ImportProblem[] = [];
  readonly kinds: Array<RowKind | undefined>;
  readonly indicators: ImportIndicator[] = [];
  readonly tasks: ImportTask[] = [];
  private readonly taskByKey = new Map<string, ImportTask>();
  private readonly tasksByIndicator = new Map<string, ImportTask[]>();
  private readonly indicatorByKey = new Map<string, ImportIndicator>();
  private readonly reportedUnits = new Set<string>();
  items = 0;

  constructor(readonly grid: Grid) {
    this.kinds = new Array(grid.rows.length).fill(undefined);
  }

  mark(index: number, kind: RowKind): void {
    this.kinds[index] = kind;
  }

  error(c: Coded, reason: string, at: At = {}): void {
    this.problems.push(problem(c, 'error', reason, at));
  }

  warn(c: Coded, reason: string, at: At = {}, repaired?: string): void {
    this.problems.push(problem(c, 'warning', reason, at, repaired));
  }

  /** Resolve a unit name; an unresolved one is reported (once per name and row) and yields []. */
  resolveUnit(ctx: ShapeContext, raw: string, at: At): string[] {
    const r = ctx.units.resolve(raw);
    if (r.units.length === 0) {
      const key = `${raw}|${at.row ?? ''}`;
      if (!this.reportedUnits.has(key)) {
        this.reportedUnits.add(key);
        const c = r.problemCode ?? coded(r.collective ? 'unit.collective' : 'unit.unknown', { name: raw });
        if (r.collective) this.warn(c, r.problem ?? `"${raw}" names a group, not a unit`, at);
        else this.error(c, r.problem ?? `unit "${raw}" not resolved`, at);
      }
    }
    return r.units;
  }

  /** Add or extend the task of (indicator, unit); nodes are appended (renumbered at the end). */
  addTask(t: {
    indicatorKey: string;
    unitName: string;
    isLead: boolean;
    leaderInCharge?: string | null;
    unitTarget?: UnitTarget | null;
    nodes: ImportNode[];
    sourceRow: number;
  }): ImportTask {
    const key = `${t.indicatorKey}@${t.unitName}`;
    let task = this.taskByKey.get(key);
    if (!task) {
      task = { key, indicatorKey: t.indicatorKey, unitName: t.unitName, isLead: t.isLead, nodes: [], sourceRows: [] };
      if (t.leaderInCharge) task.leaderInCharge = t.leaderInCharge;
      if (t.unitTarget) task.unitTarget = t.unitTarget;
      this.taskByKey.set(key, task);
      this.tasks.push(task);
      const list = this.tasksByIndicator.get(t.indicatorKey);
      if (list) list.push(task);
      else this.tasksByIndicator.set(t.indicatorKey, [task]);
    } else {
      task.isLead = task.isLead || t.isLead;
      if (t.leaderInCharge && !task.leaderInCharge) task.leaderInCharge = t.leaderInCharge;
      if (t.unitTarget && !task.unitTarget) task.unitTarget = t.unitTarget;
    }
    task.nodes.push(...t.nodes.map((n) => ({ ...n })));
    if (!task.sourceRows.includes(t.sourceRow)) task.sourceRows.push(t.sourceRow);
    return task;
  }

  tasksOf(indicatorKey: string): ImportTask[] {
    return [...(this.tasksByIndicator.get(indicatorKey) ?? [])];
  }

  addIndicator(ind: ImportIndicator): void {
    this.indicators.push(ind);
    this.indicatorByKey.set(ind.key, ind);
  }

  indicator(key: string): ImportIndicator | undefined {
    return this.indicatorByKey.get(key);
  }
}

/** Stable fallback key for a row without 序号: a short hash of category path + name. */
export function contentKey(categoryPath: string[], name: string): string {
  return `h:${createHash('sha256')
    .update([...categoryPath, name].join('\u241f'))
    .digest('hex')
    .slice(0, 12)}`;
}

/** Nodes in due-date order (document order for equal dates), numbered 1..n; exact duplicates dropped. */
export function finishNodes(nodes: ImportNode[]): ImportNode[] {
  const seen = new Set<string>();
  const unique = nodes.filter((n) => {
    const k = `${n.dueDate}|${n.stageTarget}|${n.scope ?? ''}|${n.ref ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return unique
    .map((n, i) => ({ n, i }))
    .sort((a, b) => (a.n.dueDate < b.n.dueDate ? -1 : a.n.dueDate > b.n.dueDate ? 1 : a.i - b.i))
    .map(({ n }, i) => ({ ...n, seq: i + 1 }));
}

/**
 * Read the scoring parameters from the rule text, note an assumption (warning), and check them with the
 * scoring module: parameters it would refuse are an error (the indicator is kept, its parameters as read).
 */
export function methodParamsChecked(
  ctx: ShapeContext,
  what: string,
  indicator: string,
  code: MethodCode | null,
  criteria: string,
  target: { direction: 'higher' | 'lower'; target: number | null },
  points: number | null,
  at: At,
): Record<string, unknown> {
  if (code === null) return {};
  const { params, assumption } = readMethodParams(code, criteria, target);
  if (assumption) ctx.out.warn(coded('method.assessor', { indicator }), `${what}: ${assumption}`, at, JSON.stringify(params));
  const problems = methodParamsProblems(code, params, points);
  if (problems.length > 0)
    ctx.out.error(
      coded('method.params-incomplete', { indicator, method: code, details: problems }),
      `${what}: the scoring parameters are incomplete for ${code}: ${problems.join('; ')}`,
      at,
    );
  return params;
}

/**
 * Rule (recurring phrases, issue 14): "每月 / 每季度 / 每半年 / 按月" name several dates. Unless the import
 * says so (`expandRecurring`), such a phrase gives ONE node — due on the last date it names — and a warning
 * says how many nodes it would give expanded, so the document's own node count is kept.
 */
export function datesAsWritten(
  ctx: ShapeContext,
  d: { readonly dates: readonly string[]; readonly hits: ReadonlyArray<{ rule: string; dates: readonly string[]; text: string }> },
  at: At,
): string[] {
  const recurring = d.hits.filter((h) => h.rule.startsWith('every-') && h.dates.length > 1);
  if (recurring.length === 0 || ctx.expandRecurring) return [...d.dates];
  const dates: string[] = [];
  for (const h of d.hits) {
    const ds = h.rule.startsWith('every-') && h.dates.length > 1 ? [h.dates[h.dates.length - 1]!] : h.dates;
    for (const x of ds) if (!dates.includes(x)) dates.push(x);
  }
  for (const h of recurring) {
    ctx.out.warn(
      coded('recurring.not-expanded', { text: h.text, due: h.dates[h.dates.length - 1]!, count: h.dates.length }),
      `recurring phrase "${h.text}" not expanded (option expandRecurring is off)`,
      at,
      `one node due ${h.dates[h.dates.length - 1]}; expanded it would give ${h.dates.length} nodes`,
    );
  }
  return dates;
}
