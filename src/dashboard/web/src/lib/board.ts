/**
 * The light board, computed from GET /tasks and task details. Pure functions (unit-tested in
 * board.spec.ts) so they can move server-side when the board queries of issue 3 exist.
 */
import { daysBetween, nodeDueDay } from './format';
import { isLive, type GroupView, type Light, type NodeView, type TaskSummary, type UnitView } from './types';

export interface UnitLights {
  unitId: string;
  unitName: string;
  green: number;
  yellow: number;
  red: number;
  /** Tasks no longer live (completed, closed, scored, cancelled). */
  done: number;
  /** Red lights counted so far (all nodes, including past ones). */
  redCount: number;
  total: number;
}

export interface GroupLights {
  id: string;
  name: string;
  units: UnitLights[];
  green: number;
  yellow: number;
  red: number;
  redCount: number;
}

const emptyUnit = (unitId: string, unitName: string): UnitLights => ({ unitId, unitName, green: 0, yellow: 0, red: 0, done: 0, redCount: 0, total: 0 });

/** Light counts per unit: live tasks by their current light; the rest as done. */
export function lightsByUnit(tasks: readonly TaskSummary[]): Map<string, UnitLights> {
  const byUnit = new Map<string, UnitLights>();
  for (const t of tasks) {
    const u = byUnit.get(t.unitId) ?? emptyUnit(t.unitId, t.unitName);
    byUnit.set(t.unitId, u);
    u.total++;
    u.redCount += t.redCount;
    if (isLive(t.state) && t.light) u[t.light]++;
    else u.done++;
  }
  return byUnit;
}

/** Per unit: red first (most red on top), then yellow, then name. */
const byConcern = (a: UnitLights, b: UnitLights) =>
  b.red - a.red || b.yellow - a.yellow || b.redCount - a.redCount || a.unitName.localeCompare(b.unitName, 'zh-CN');

/**
 * Units grouped as the plan groups them (考核分组); units with tasks but in no group go to "未分组".
 * Units of a group without any task are listed with zeros, so nobody is missing from the board.
 */
export function groupLights(groups: readonly GroupView[], units: readonly UnitView[], tasks: readonly TaskSummary[]): GroupLights[] {
  const lights = lightsByUnit(tasks);
  const unitName = new Map(units.map((u) => [u.id, u.name]));
  const grouped = new Set<string>();
  const sum = (id: string, name: string, rows: UnitLights[]): GroupLights => ({
    id,
    name,
    units: rows.sort(byConcern),
    green: rows.reduce((n, r) => n + r.green, 0),
    yellow: rows.reduce((n, r) => n + r.yellow, 0),
    red: rows.reduce((n, r) => n + r.red, 0),
    redCount: rows.reduce((n, r) => n + r.redCount, 0),
  });
  const out = groups.map((g) => {
    g.unitIds.forEach((id) => grouped.add(id));
    return sum(g.id, g.name, g.unitIds.map((id) => lights.get(id) ?? emptyUnit(id, unitName.get(id) ?? id)));
  });
  const rest = [...lights.values()].filter((u) => !grouped.has(u.unitId));
  if (rest.length) out.push(sum('ungrouped', '未分组', rest));
  return out;
}

export function totals(tasks: readonly TaskSummary[]): Record<Light | 'done' | 'submitted' | 'redCount', number> {
  const t = { green: 0, yellow: 0, red: 0, done: 0, submitted: 0, redCount: 0 };
  for (const x of tasks) {
    t.redCount += x.redCount;
    if (x.state === 'submitted') t.submitted++;
    if (isLive(x.state) && x.light) t[x.light]++;
    else if (!isLive(x.state)) t.done++;
  }
  return t;
}

export interface HeatGrid {
  /** YYYY-MM, ascending. */
  months: string[];
  units: { unitId: string; unitName: string }[];
  /** counts[unitIndex][monthIndex] */
  counts: number[][];
  max: number;
}

/**
 * Red lights per unit and month. A node turns red at the end of its due day, so a red-lighted node
 * counts in the month of its due date. Months: the plan's year, widened to any month holding a red light.
 */
export function redHeatGrid(
  tasks: readonly { unitId: string; unitName: string; nodes: readonly Pick<NodeView, 'dueDate' | 'dueAt' | 'redLighted'>[] }[],
  unitOrder: readonly { unitId: string; unitName: string }[],
  year: number,
): HeatGrid {
  const monthSet = new Set<string>();
  for (let m = 1; m <= 12; m++) monthSet.add(`${year}-${String(m).padStart(2, '0')}`);
  const hits: { unitId: string; month: string }[] = [];
  for (const t of tasks) {
    for (const n of t.nodes) {
      if (!n.redLighted) continue;
      const month = nodeDueDay(n).slice(0, 7);
      monthSet.add(month);
      hits.push({ unitId: t.unitId, month });
    }
  }
  const months = [...monthSet].sort();
  const units = [...unitOrder];
  for (const t of tasks) if (!units.some((u) => u.unitId === t.unitId)) units.push({ unitId: t.unitId, unitName: t.unitName });
  const counts = units.map(() => months.map(() => 0));
  for (const h of hits) counts[units.findIndex((u) => u.unitId === h.unitId)]![months.indexOf(h.month)]!++;
  return { months, units, counts, max: Math.max(0, ...counts.flat()) };
}

export interface AttentionItem {
  taskId: string;
  indicatorName: string;
  unitName: string;
  light: 'red' | 'yellow';
  state: string;
  nodeSeq: number | null;
  stageTarget: string | null;
  dueDate: string | null;
  /** > 0: days overdue; ≤ 0: days left (negated). */
  daysOverdue: number | null;
  redCount: number;
}

/** Live tasks whose current node is red or yellow, most overdue first. */
export function attentionItems(
  tasks: readonly (TaskSummary & { nodes?: readonly NodeView[] })[],
  today: string,
): AttentionItem[] {
  return tasks
    .filter((t) => isLive(t.state) && (t.light === 'red' || t.light === 'yellow'))
    .map((t) => {
      const node = t.nodes?.find((n) => n.seq === t.currentNodeSeq);
      const dueDate = node ? nodeDueDay(node) : t.currentDueDate;
      return {
        taskId: t.id,
        indicatorName: t.indicatorName,
        unitName: t.unitName,
        light: t.light as 'red' | 'yellow',
        state: t.state,
        nodeSeq: t.currentNodeSeq,
        stageTarget: node?.stageTarget ?? null,
        dueDate,
        daysOverdue: dueDate ? daysBetween(dueDate, today) : null,
        redCount: t.redCount,
      };
    })
    .sort((a, b) => (a.light === b.light ? 0 : a.light === 'red' ? -1 : 1) || (b.daysOverdue ?? -1e9) - (a.daysOverdue ?? -1e9));
}
