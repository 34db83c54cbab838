/**
 * The light board's layout around the server's board queries (GET /board/lights, /board/nodes):
 * units placed in the plan's groups, and the red-light heat grid (units × months) laid out from
 * GET /board/red-months. Pure functions, unit-tested in board.spec.ts.
 */
import type { BoardLights, BoardNode, BoardUnitLights, GroupView, LightCounts, RedMonth, UnitView } from './types';

export interface GroupRows extends LightCounts {
  id: string;
  name: string;
  units: BoardUnitLights[];
}

const zero = (): LightCounts => ({
  tasks: 0,
  green: 0,
  yellow: 0,
  red: 0,
  done: 0,
  redNodes: 0,
  yellowNodes: 0,
  lateCompleted: 0,
  signForOverdue: 0,
  overdueReviews: 0,
});
const KEYS = Object.keys(zero()) as (keyof LightCounts)[];

/** Most red first, then yellow, then red lights so far, then name (pinyin order). */
const byConcern = (a: BoardUnitLights, b: BoardUnitLights) =>
  b.red - a.red || b.yellow - a.yellow || b.redNodes - a.redNodes || a.unitName.localeCompare(b.unitName, 'zh-CN');

/**
 * Units as the plan groups them (考核分组), each with its counts from the board; a unit of a group
 * without any task is listed with zeros, so nobody is missing; units in no group go to "未分组".
 */
export function groupBoard(groups: readonly GroupView[], units: readonly UnitView[], board: BoardLights): GroupRows[] {
  const byId = new Map(board.units.map((u) => [u.unitId, u]));
  const names = new Map(units.map((u) => [u.id, u.name]));
  const placed = new Set<string>();
  const rows = (id: string, name: string, list: BoardUnitLights[]): GroupRows => {
    const sum = zero();
    for (const u of list) for (const k of KEYS) sum[k] += u[k];
    return { id, name, ...sum, units: list.sort(byConcern) };
  };
  const out = groups.map((g) => {
    g.unitIds.forEach((id) => placed.add(id));
    return rows(
      g.id,
      g.name,
      g.unitIds.map((id) => byId.get(id) ?? { unitId: id, unitName: names.get(id) ?? id, groupName: g.name, ...zero() }),
    );
  });
  const rest = board.units.filter((u) => !placed.has(u.unitId));
  if (rest.length) out.push(rows('ungrouped', '未分组', rest));
  return out;
}

/** Red nodes (most days overdue first), then yellow ones (fewest days left first). */
export function attentionList(red: readonly BoardNode[], yellow: readonly BoardNode[]): BoardNode[] {
  return [...[...red].sort((a, b) => b.daysOverdue - a.daysOverdue), ...[...yellow].sort((a, b) => (a.daysLeft ?? 0) - (b.daysLeft ?? 0))];
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
 * Red lights per unit and month, from the server's counts (GET /board/red-months: red-lighted nodes by
 * the month of their planned due day). Units in the board's order, then any other unit with red lights;
 * months: the plan's year, widened to any month holding a red light.
 */
export function redHeatGrid(rows: readonly RedMonth[], unitOrder: readonly { unitId: string; unitName: string }[], year: number): HeatGrid {
  const monthSet = new Set<string>();
  for (let m = 1; m <= 12; m++) monthSet.add(`${year}-${String(m).padStart(2, '0')}`);
  for (const r of rows) monthSet.add(r.month);
  const months = [...monthSet].sort();
  const units = [...unitOrder];
  for (const r of rows) if (!units.some((u) => u.unitId === r.unitId)) units.push({ unitId: r.unitId, unitName: r.unitName });
  const counts = units.map(() => months.map(() => 0));
  for (const r of rows) counts[units.findIndex((u) => u.unitId === r.unitId)]![months.indexOf(r.month)]! += r.red;
  return { months, units, counts, max: Math.max(0, ...counts.flat()) };
}
