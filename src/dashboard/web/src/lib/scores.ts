/**
 * A provisional score estimate from the light data, until the scoring API (issue 4) is there:
 * each task scores as the node platform method does, points × (nodes − red lights) / nodes
 * (DESIGN.md §5), and a unit's rate is its estimated points over the points it carries, × 100.
 * Pure (unit-tested in scores.spec.ts).
 */
export interface TaskScoreInput {
  taskId: string;
  unitId: string;
  unitName: string;
  indicatorCode: string;
  indicatorName: string;
  points: number;
  nodes: number;
  redCount: number;
  state: string;
}

export interface TaskScoreLine extends TaskScoreInput {
  score: number;
  formula: string;
}

export interface UnitScore {
  unitId: string;
  unitName: string;
  lines: TaskScoreLine[];
  points: number;
  score: number;
  /** score / points × 100; null when the unit carries no points. */
  rate: number | null;
  rank: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const num = (x: number) => String(round2(x));

export function estimateTask(t: TaskScoreInput): TaskScoreLine {
  if (t.state === 'cancelled') return { ...t, score: 0, formula: '任务已撤销，不计分' };
  const n = Math.max(t.nodes, 1);
  const red = Math.min(t.redCount, n);
  const score = (t.points * (n - red)) / n;
  return { ...t, score, formula: `${num(t.points)} × (${n} − ${red}) ÷ ${n} = ${num(score)}` };
}

/** Competition ranking within the group: equal rates share a rank (1, 1, 3). Units without points are unranked. */
export function rankUnits(units: readonly { unitId: string; unitName: string }[], tasks: readonly TaskScoreInput[]): UnitScore[] {
  const rows: UnitScore[] = units.map((u) => {
    const lines = tasks
      .filter((t) => t.unitId === u.unitId && t.state !== 'cancelled')
      .map(estimateTask)
      .sort((a, b) => a.indicatorCode.localeCompare(b.indicatorCode, 'zh-CN', { numeric: true }));
    const points = lines.reduce((s, l) => s + l.points, 0);
    const score = lines.reduce((s, l) => s + l.score, 0);
    return { unitId: u.unitId, unitName: u.unitName, lines, points, score, rate: points > 0 ? round2((score / points) * 100) : null, rank: null };
  });
  const ranked = rows.filter((r) => r.rate !== null).sort((a, b) => b.rate! - a.rate! || a.unitName.localeCompare(b.unitName, 'zh-CN'));
  ranked.forEach((r, i) => {
    r.rank = i > 0 && ranked[i - 1]!.rate === r.rate ? ranked[i - 1]!.rank : i + 1;
  });
  return [...ranked, ...rows.filter((r) => r.rate === null)];
}
