/**
 * What a bulletin says, computed from the board as of its cut-off (pure: no Nest, no database, no clock).
 * The service runs the audit module's board as-of once and hands every counted task's state here, so the
 * bulletin's per-unit counts are the board's (see bulletins.service.ts).
 */
import { daysOverdue } from '../deadlines/calendar/index.js';

export const MEASURES = ['red-nodes', 'on-time-rate', 'completion-rate'] as const;
export type Measure = (typeof MEASURES)[number];
export const MEASURE_LABELS: Record<Measure, string> = {
  'red-nodes': '红灯节点数',
  'on-time-rate': '按时完成率',
  'completion-rate': '节点完成率',
};

/** The board's counts for one unit, as the audit module's board as-of gives them. */
export interface BoardUnitCounts {
  green: number;
  yellow: number;
  red: number;
  completed: number;
  closed: number;
  scored: number;
  cancelled: number;
  total: number;
  redLights: number;
}

/** One node of a counted task, as it stood at the cut-off. */
export interface NodeFact {
  taskId: string;
  indicatorName: string;
  seq: number;
  stageTarget: string | null;
  dueAt: string;
  warnAt: string;
  /** Approval instant if approved at or before the cut-off. */
  approvedAt: string | null;
  redLighted: boolean;
}

export interface UnitFacts {
  unitId: string;
  unitName: string;
  board: BoardUnitCounts;
  nodes: NodeFact[];
}

export interface GroupDef {
  id: string;
  name: string;
  unitIds: string[];
}

export interface RankedUnit {
  rank: number | null;
  unitId: string;
  unitName: string;
  /** The measure's value (a count, or a rate in [0, 1]); null when the unit has no node due yet. */
  value: number | null;
  display: string;
  totalNodes: number;
  dueNodes: number;
  approvedNodes: number;
  onTimeNodes: number;
  redNodes: number;
  yellowNodes: number;
  board: BoardUnitCounts;
  /** Against the previous issue of the series; null when there is none or the unit was not in it. */
  change: { rank: number | null; value: number | null; redNodes: number } | null;
}

export interface GroupSection {
  groupId: string;
  name: string;
  ranking: RankedUnit[];
  /** 先进榜（红榜）: the best N — an honour list, nothing to do with red lights. */
  honourRoll: string[];
  /** 后进榜（黑榜）: the worst N among units that have something to improve. */
  watchList: string[];
}

export interface NodeLine {
  taskId: string;
  indicatorName: string;
  seq: number;
  stageTarget: string | null;
  dueAt: string;
  /** Red and not approved: days overdue at the cut-off; red and approved late (补报): days late. */
  daysOverdue: number;
  lateCompleted: boolean;
}

export interface BulletinContent {
  cutOffAt: string;
  measure: Measure;
  measureLabel: string;
  topN: number;
  bottomN: number;
  groups: GroupSection[];
  /** Per unit: its red and yellow nodes at the cut-off. */
  nodes: Record<string, { red: NodeLine[]; yellow: NodeLine[] }>;
  /** The board as of the cut-off, as the audit module computed it in the same pass. */
  board: { tasks: number; totals: BoardUnitCounts; unreplayable: number };
}

export interface ComputeInput {
  at: string;
  timezone: string;
  measure: Measure;
  topN: number;
  bottomN: number;
  groups: GroupDef[];
  units: UnitFacts[];
  board: BulletinContent['board'];
  previous?: BulletinContent | null;
}

const ms = (iso: string) => Date.parse(iso);
const collator = new Intl.Collator('zh-CN');
const pct = (v: number) => `${(Math.round(v * 1000) / 10).toFixed(1)}%`;

/** Better first: fewer red nodes, higher rates; units without a value last. */
function compare(measure: Measure, a: number | null, b: number | null): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  return measure === 'red-nodes' ? a - b : b - a;
}

function measureOf(measure: Measure, u: Omit<RankedUnit, 'rank' | 'value' | 'display' | 'change'>): number | null {
  if (measure === 'red-nodes') return u.redNodes;
  if (u.dueNodes === 0) return null;
  return measure === 'on-time-rate' ? u.onTimeNodes / u.dueNodes : u.approvedNodes / u.dueNodes;
}

/** Whether a unit has anything to improve on this measure (only those can be on the watch list). */
const hasShortfall = (measure: Measure, v: number | null) => v !== null && (measure === 'red-nodes' ? v > 0 : v < 1);

export function computeBulletin(input: ComputeInput): BulletinContent {
  const at = ms(input.at);
  const byUnit = new Map(input.units.map((u) => [u.unitId, u]));
  const nodes: BulletinContent['nodes'] = {};
  const stats = new Map<string, Omit<RankedUnit, 'rank' | 'value' | 'display' | 'change'>>();
  for (const u of input.units) {
    const red: NodeLine[] = [];
    const yellow: NodeLine[] = [];
    let due = 0;
    let approved = 0;
    let onTime = 0;
    for (const n of u.nodes) {
      const isDue = ms(n.dueAt) <= at;
      if (isDue) {
        due++;
        if (n.approvedAt) approved++;
        if (n.approvedAt && ms(n.approvedAt) <= ms(n.dueAt)) onTime++;
      }
      const line = { taskId: n.taskId, indicatorName: n.indicatorName, seq: n.seq, stageTarget: n.stageTarget, dueAt: n.dueAt };
      if (n.redLighted) {
        red.push({ ...line, daysOverdue: daysOverdue(n.dueAt, n.approvedAt ?? input.at, input.timezone), lateCompleted: n.approvedAt !== null });
      } else if (!n.approvedAt && ms(n.warnAt) <= at && at < ms(n.dueAt)) {
        yellow.push({ ...line, daysOverdue: 0, lateCompleted: false });
      }
    }
    const order = (a: NodeLine, b: NodeLine) =>
      b.daysOverdue - a.daysOverdue || ms(a.dueAt) - ms(b.dueAt) || collator.compare(a.indicatorName, b.indicatorName) || a.seq - b.seq;
    nodes[u.unitId] = { red: red.sort(order), yellow: yellow.sort(order) };
    stats.set(u.unitId, {
      unitId: u.unitId,
      unitName: u.unitName,
      totalNodes: u.nodes.length,
      dueNodes: due,
      approvedNodes: approved,
      onTimeNodes: onTime,
      redNodes: red.length,
      yellowNodes: yellow.length,
      board: u.board,
    });
  }

  const previous = new Map<string, RankedUnit>();
  for (const g of input.previous?.groups ?? []) for (const r of g.ranking) previous.set(`${g.groupId}|${r.unitId}`, r);

  const grouped = new Set(input.groups.flatMap((g) => g.unitIds));
  const ungrouped = input.units.filter((u) => !grouped.has(u.unitId)).map((u) => u.unitId);
  const groups = ungrouped.length ? [...input.groups, { id: '', name: '未分组', unitIds: ungrouped }] : input.groups;

  const sections = groups.map((g): GroupSection => {
    const members = g.unitIds.filter((id) => byUnit.has(id)).map((id) => stats.get(id)!);
    const valued = members.map((s) => ({ s, value: measureOf(input.measure, s) }));
    valued.sort((a, b) => compare(input.measure, a.value, b.value) || collator.compare(a.s.unitName, b.s.unitName) || a.s.unitId.localeCompare(b.s.unitId));
    const ranking: RankedUnit[] = [];
    valued.forEach(({ s, value }, i) => {
      const prevRow = ranking[i - 1];
      const rank = value === null ? null : prevRow && prevRow.value === value ? prevRow.rank : i + 1;
      const before = previous.get(`${g.id}|${s.unitId}`);
      ranking.push({
        ...s,
        rank,
        value,
        display: value === null ? '—' : input.measure === 'red-nodes' ? String(value) : pct(value),
        change: before
          ? {
              rank: before.rank !== null && rank !== null ? before.rank - rank : null,
              value: before.value !== null && value !== null ? Math.round((value - before.value) * 1e6) / 1e6 : null,
              redNodes: s.redNodes - before.redNodes,
            }
          : null,
      });
    });
    const ranked = ranking.filter((r) => r.rank !== null);
    const honourRoll = ranked.filter((r) => r.rank! <= input.topN).map((r) => r.unitId);
    const worstFirst = [...ranked].reverse().filter((r) => hasShortfall(input.measure, r.value) && !honourRoll.includes(r.unitId));
    // Ties at the boundary come along: every unit as bad as the N-th worst is listed.
    const cut = worstFirst[input.bottomN - 1]?.value;
    const watchList = input.bottomN === 0 ? [] : worstFirst.filter((r, i) => i < input.bottomN || r.value === cut).map((r) => r.unitId);
    return { groupId: g.id, name: g.name, ranking, honourRoll, watchList };
  });

  return {
    cutOffAt: input.at,
    measure: input.measure,
    measureLabel: MEASURE_LABELS[input.measure],
    topN: input.topN,
    bottomN: input.bottomN,
    groups: sections,
    nodes,
    board: input.board,
  };
}

/** What a unit may see of a published bulletin: its own lines, its rank among how many, nothing of the others. */
export function unitView(content: BulletinContent, unitId: string) {
  const groups = content.groups
    .filter((g) => g.ranking.some((r) => r.unitId === unitId))
    .map((g) => ({
      groupId: g.groupId,
      name: g.name,
      units: g.ranking.length,
      line: g.ranking.find((r) => r.unitId === unitId)!,
      onHonourRoll: g.honourRoll.includes(unitId),
      onWatchList: g.watchList.includes(unitId),
    }));
  return {
    cutOffAt: content.cutOffAt,
    measure: content.measure,
    measureLabel: content.measureLabel,
    groups,
    nodes: content.nodes[unitId] ?? { red: [], yellow: [] },
  };
}
