/**
 * The scores page's reading of the scoring API (GET /plans/{id}/scores and /units/{unitId}/scorecard,
 * src/scores/README.md): labels in Chinese, the composition tree as rows, the inputs of a formula in
 * words, what a frozen run or a live computation means. The server computes every number; nothing is
 * scored here. Pure (unit-tested in scores.spec.ts).
 */
import { INPUT_LABELS } from '../../../../scoring/input-labels';
import type { AdjustmentSection, IndicatorScore, PartScore, PlanScoresView, ScoreRun, ScoringIssue, UnitScoreCard } from './types';

/** The names of a formula's inputs: the same table the server's explanations use. */
export const INPUT_LABEL: Readonly<Record<string, string>> = INPUT_LABELS;

/** Facts a score may lack (`missing`), in words. */
export const FACT_LABEL: Record<string, string> = {
  ...INPUT_LABEL,
  redNodeDeductions: '红灯扣分',
  subValues: '分项完成值',
  subItems: '分项完成情况',
};

export const INDICATOR_STATUS_LABEL: Record<IndicatorScore['status'], string> = {
  scored: '已计分',
  provisional: '暂定',
  group_average: '组内平均',
  error: '无法计分',
};

const ISSUE_LABEL: Record<string, string> = {
  missing_evaluation: '综合评价尚未录入',
  unit_not_in_group: '单位不在任何考核分组',
  unit_in_two_groups: '单位同时在两个分组',
  indicator_without_points: '指标分值为 0，未计分',
  indicator_not_in_composition: '指标不在本组计分构成中',
  no_group_average: '组内无可用平均分',
  recorded_score_differs: '任务上记录的得分与计分方法结果不同',
  invalid_event: '加减分事项无效，未计入',
  unknown_unit: '加减分事项的单位不存在，未计入',
};

const num = (v: number) => String(Math.round(v * 100) / 100);

/** "分值 10 · 目标值 8 · 完成值 未填报": a formula's inputs in words (null = not supplied yet). */
export function describeInputs(inputs: Record<string, number | string | boolean | null>): string {
  return Object.entries(inputs)
    .map(([k, v]) => `${INPUT_LABEL[k] ?? k} ${v === null ? '未填报' : typeof v === 'boolean' ? (v ? '是' : '否') : typeof v === 'number' ? num(v) : v}`)
    .join(' · ');
}

/** "暂定（缺完成值）", "组内平均", "无法计分：…". */
export function indicatorStatus(s: Pick<IndicatorScore, 'status' | 'missing' | 'error' | 'counted'>): string {
  let text = INDICATOR_STATUS_LABEL[s.status] ?? s.status;
  if (s.status === 'provisional' && s.missing?.length) text += `（缺${s.missing.map((m) => FACT_LABEL[m] ?? m).join('、')}）`;
  if (s.status === 'error' && s.error) text += `：${s.error.message}`;
  if (!s.counted) text += '（不计入本组构成）';
  return text;
}

export interface PartRow {
  key: string;
  depth: number;
  name: string;
  /** "权重 70%" or "80 分" (the part's share of its parent), '' for the root. */
  share: string;
  display: string;
  max: number;
  rate: number;
  contribution: number;
  formula: string;
  provisional: boolean;
}

/** The composition tree (综合得分 → 业务指标考核, 综合评价 → 县领导评价 …) as indented rows, parents first. */
export function partRows(root: PartScore): PartRow[] {
  const out: PartRow[] = [];
  const walk = (p: PartScore, depth: number, path: string) => {
    const share = p.weight !== undefined ? `权重 ${num(p.weight * 100)}%` : p.budget !== undefined ? `${num(p.budget)} 分` : '';
    out.push({
      key: path,
      depth,
      name: p.name,
      share,
      display: p.display,
      max: p.max,
      rate: p.rate,
      contribution: p.contribution,
      formula: p.formula,
      provisional: p.provisional,
    });
    p.parts?.forEach((c) => walk(c, depth + 1, `${path}/${c.key}`));
  };
  walk(root, 0, root.key);
  return out;
}

export interface AdjustmentRow {
  kind: '加分' | '减分' | '负面清单' | '否决项';
  name: string;
  /** Signed points (bonuses positive, deductions negative); null for a veto. */
  points: number | null;
  formula: string;
}

/** Bonuses, deductions, negative list and vetoes as one list, with each section's cap when it bit. */
export function adjustmentRows(a: UnitScoreCard['adjustments']): AdjustmentRow[] {
  const rows: AdjustmentRow[] = [];
  const section = (kind: AdjustmentRow['kind'], s: AdjustmentSection, sign: 1 | -1) => {
    for (const l of s.lines) rows.push({ kind, name: l.count > 1 ? `${l.name}（${l.count} 次）` : l.name, points: sign * l.points, formula: l.formula });
    if (s.capped) rows.push({ kind, name: `合计封顶 ${num(s.totalCap ?? s.capped.to)} 分`, points: sign * s.total, formula: s.formula });
  };
  section('加分', a.bonus, 1);
  section('减分', a.deduction, -1);
  section('负面清单', a.negativeList, -1);
  for (const v of a.veto.items) rows.push({ kind: '否决项', name: v.name, points: null, formula: v.note ? `${v.note}：考核结果为不合格` : '考核结果为不合格' });
  return rows;
}

/** The banner text: which scores these are, and whether they may still change. */
export function sourceText(v: Pick<PlanScoresView, 'source' | 'run' | 'provisional' | 'planStatus'>): string {
  if (v.source === 'frozen' && v.run) {
    const how = v.run.kind === 'close' ? '考核方案关闭时冻结' : `重新计分${v.run.reason ? `（${v.run.reason}）` : ''}`;
    const who = v.run.actor.username ? `，操作人 ${v.run.actor.username}` : '';
    return `正式得分：第 ${v.run.id} 次计分，${how}${who}。${v.provisional ? '冻结时部分完成值或评价尚缺，按 0 计。' : ''}`;
  }
  const closed = v.planStatus === 'closed';
  return closed
    ? '实时计算：按当前数据重新计算，供重新计分前核对；正式得分以冻结结果为准。'
    : '实时计算（暂定）：考核方案尚未关闭，得分随审核认定值、红灯和综合评价变化，关闭方案时冻结为正式得分。';
}

/** "第 2 次 · 重新计分 · 2026年…" for the run picker. */
export function runLabel(r: ScoreRun, formatInstant: (iso: string) => string): string {
  return `第 ${r.id} 次 · ${r.kind === 'close' ? '关闭时冻结' : '重新计分'} · ${formatInstant(r.at)}`;
}

/** Evaluator keys of the plan templates (config/plan-templates), for issue texts. */
const EVALUATOR_LABEL: Record<string, string> = { leaders: '县领导评价', office: '绩效办评价', peers: '互评' };

/** A scoring issue in words: the known codes in Chinese (the server's message kept for the rest). */
export function issueText(i: ScoringIssue, groupName: (id: string) => string): string {
  const m = i.code === 'missing_evaluation' ? /^(\d+) unit\(s\) .* have no (\S+) rating/.exec(i.message) : null;
  if (m && i.groupId) return `${groupName(i.groupId)}：${m[1]} 个单位尚无${EVALUATOR_LABEL[m[2]!] ?? m[2]}，暂按 0 计`;
  const label = ISSUE_LABEL[i.code];
  return label ? `${label}（${i.message}）` : i.message;
}

/** Grade → bar colour in the ranking chart (a failed unit is always the darkest). */
export function barColor(grade: string, result: 'passed' | 'failed'): string {
  if (result === 'failed') return '#5c6370';
  return ({ 优秀: '#a61b1b', 良好: '#c9775b', 一般: '#d9a55b', 较差: '#8d96a3' } as Record<string, string>)[grade] ?? '#c9775b';
}
