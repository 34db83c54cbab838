/**
 * A plan's score sheet (成绩表) as rows with Chinese headers, then as CSV or an .xlsx workbook (exceljs):
 * one sheet per group (rank, unit, the top-level parts, composite, bonuses, deductions, negative list,
 * final, grade, result, explanation) and a breakdown sheet (得分明细: every indicator with its method and
 * formula, every composition part, every bonus/deduction/negative-list line and veto, and the total).
 * Numbers are written rounded half-up to 2 decimals (display); the breakdown carries the formulas.
 */
import ExcelJS from 'exceljs';
import type { PartScore } from '../scoring/composition.js';
import type { UnitScore } from '../scoring/plan-scores.js';
import type { GroupScores } from '../scoring/plan-scores.js';
import { roundHalfUp } from '../scoring/numeric.js';
import type { SheetData } from './scores.service.js';

type Cell = string | number | null;

export interface Table {
  name: string;
  /** Lines above the header: the sheet's title, then the plan, source and time (Beijing time). */
  title?: string[];
  headers: string[];
  rows: Cell[][];
  /** Columns (0-based) holding 2-decimal numbers. */
  numeric: number[];
}

const STATUS_ZH: Record<string, string> = { scored: '已计分', provisional: '暂定', group_average: '组内平均', error: '无法计分' };
const RESULT_ZH: Record<string, string> = { passed: '合格', failed: '否决（不合格）' };
const r2 = (x: number): number => roundHalfUp(x);

const BEIJING = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** An instant in Beijing time, zh-CN: "2026年3月2日 10:00:00（北京时间）". */
export function beijingTime(iso: string): string {
  return `${BEIJING.format(new Date(iso))}（北京时间）`;
}

/** The score sheet's title lines: "<plan> <group>考核成绩表", then the source and the time in Beijing time. */
export function sheetTitle(data: SheetData, what: string): string[] {
  const source =
    data.source === 'frozen'
      ? `冻结成绩（第 ${data.run!.id} 次${data.run!.kind === 'close' ? '，方案关闭时' : '，重新计分'}）`
      : '实时暂定成绩（按当前状态计算）';
  return [`${data.plan.name} ${what}`, `考核方案：${data.plan.name}（${data.plan.id}）　成绩来源：${source}　计算时间：${beijingTime(data.at)}`];
}

/** One table per group, in the groups' order; units by rank. */
export function groupTables(data: SheetData): Table[] {
  const byId = new Map(data.units.map((u) => [u.unitId, u]));
  return data.groups.map((g: GroupScores) => {
    const units = g.ranking.map((id) => byId.get(id)).filter((u): u is UnitScore => u !== undefined);
    const top = units[0]?.parts.parts ?? [];
    const partHeaders = top.map(
      (p) => `${p.name}${p.budget !== undefined ? `（${p.budget}分）` : p.weight !== undefined ? `（${roundHalfUp(p.weight * 100)}%）` : ''}`,
    );
    const headers = ['排名', '单位', ...partHeaders, '综合得分', '加分', '减分', '负面清单扣分', '最终得分', '等次', '结果', '是否暂定', '计算说明'];
    const rows = units.map((u) => [
      u.rank,
      u.name ?? u.unitId,
      ...(u.parts.parts ?? []).map((p) => r2(p.contribution)),
      r2(u.composite),
      r2(u.adjustments.bonus.total),
      r2(u.adjustments.deduction.total),
      r2(u.adjustments.negativeList.total),
      r2(u.final),
      u.grade,
      RESULT_ZH[u.result] ?? u.result,
      u.provisional ? '暂定' : '',
      u.explanation.total,
    ]);
    const numeric = [...top.map((_, i) => 2 + i), 2 + top.length, 3 + top.length, 4 + top.length, 5 + top.length, 6 + top.length];
    return { name: g.name ?? g.groupId, title: sheetTitle(data, `${g.name ?? g.groupId}考核成绩表`), headers, rows, numeric };
  });
}

/** Every group in one table (the CSV score sheet). */
export function summaryTable(data: SheetData): Table {
  const groupName = new Map(data.groups.map((g) => [g.groupId, g.name ?? g.groupId]));
  const byId = new Map(data.units.map((u) => [u.unitId, u]));
  const headers = ['分组', '排名', '单位', '综合得分', '加分', '减分', '负面清单扣分', '最终得分', '等次', '结果', '是否暂定', '计算说明'];
  const rows: Cell[][] = [];
  for (const g of data.groups) {
    for (const id of g.ranking) {
      const u = byId.get(id);
      if (!u) continue;
      rows.push([
        groupName.get(g.groupId)!,
        u.rank,
        u.name ?? u.unitId,
        r2(u.composite),
        r2(u.adjustments.bonus.total),
        r2(u.adjustments.deduction.total),
        r2(u.adjustments.negativeList.total),
        r2(u.final),
        u.grade,
        RESULT_ZH[u.result] ?? u.result,
        u.provisional ? '暂定' : '',
        u.explanation.total,
      ]);
    }
  }
  return { name: '成绩表', title: sheetTitle(data, '考核成绩表'), headers, rows, numeric: [3, 4, 5, 6, 7] };
}

/** The breakdown: every number of every unit with the rule and inputs behind it. */
export function breakdownTable(data: SheetData): Table {
  const groupName = new Map(data.groups.map((g) => [g.groupId, g.name ?? g.groupId]));
  const headers = ['分组', '单位', '类别', '项目', '计分方法', '分值/权重', '得分', '状态', '计算过程'];
  const rows: Cell[][] = [];
  const byRank = [...data.units].sort((a, b) => (groupName.get(a.groupId) ?? '').localeCompare(groupName.get(b.groupId) ?? '', 'zh-CN') || a.rank - b.rank);
  for (const u of byRank) {
    const gname = groupName.get(u.groupId) ?? u.groupId;
    const unit = u.name ?? u.unitId;
    for (const s of u.indicators) {
      const e = s.explanation;
      const how = [e.rule, e.formula, s.missing?.length ? `缺少：${s.missing.join('、')}（按 0 / 未完成计）` : '', s.counted ? '' : '（不计入本组构成）']
        .filter(Boolean)
        .join('；');
      rows.push([
        gname,
        unit,
        '指标',
        s.name ?? s.indicatorId,
        `${e.method.name}${e.method.modeName ? `（${e.method.modeName}）` : ''}`,
        s.points,
        r2(s.score),
        STATUS_ZH[s.status] ?? s.status,
        how,
      ]);
    }
    const walk = (p: PartScore, path: string): void => {
      const label = path ? `${path} / ${p.name}` : p.name;
      const share = p.budget !== undefined ? p.budget : p.weight !== undefined ? p.weight : null;
      rows.push([gname, unit, '构成', label, '', share, r2(p.value), p.provisional ? '暂定' : '', p.formula]);
      for (const c of p.parts ?? []) walk(c, label);
    };
    walk(u.parts, '');
    const sections: [string, typeof u.adjustments.bonus][] = [
      ['加分', u.adjustments.bonus],
      ['减分', u.adjustments.deduction],
      ['负面清单', u.adjustments.negativeList],
    ];
    for (const [kind, sec] of sections) {
      for (const l of sec.lines)
        rows.push([gname, unit, kind, `${l.name}（${l.count} 次）`, '', l.cap ?? null, r2(l.points), l.capped ? '已封顶' : '', l.formula]);
      if (sec.lines.length) rows.push([gname, unit, `${kind}合计`, '', '', sec.totalCap ?? null, r2(sec.total), sec.capped ? '已封顶' : '', sec.formula]);
    }
    for (const v of u.adjustments.veto.items) rows.push([gname, unit, '否决项', v.name, '', null, null, '否决', v.note ?? '']);
    rows.push([gname, unit, '合计', '最终得分', '', null, r2(u.final), u.provisional ? '暂定' : '', u.explanation.total]);
    rows.push([gname, unit, '排名', `第 ${u.rank} 名`, '', null, null, '', u.explanation.rank]);
    rows.push([gname, unit, '等次', u.grade, '', null, null, '', u.explanation.grade]);
  }
  return { name: '得分明细', title: sheetTitle(data, '得分明细'), headers, rows, numeric: [6] };
}

// ─── CSV ────────────────────────────────────────────────────────────────────────────────────────

function csvCell(c: Cell): string {
  if (c === null) return '';
  // A text cell that a spreadsheet would read as a formula is prefixed with ' (CSV injection).
  const s = typeof c === 'number' ? String(c) : /^[=+\-@\t\r]/.test(c) ? `'${c}` : c;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV, UTF-8 with a BOM (so Excel reads the Chinese), CRLF line ends; the title lines first. */
export function toCsv(t: Table): string {
  const lines = [...(t.title ?? []).map((l) => [l]), t.headers, ...t.rows].map((r) => r.map(csvCell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

// ─── XLSX ───────────────────────────────────────────────────────────────────────────────────────

/** Excel sheet names: ≤ 31 characters, none of []:*?/\, unique. */
export function sheetName(name: string, taken: Set<string>): string {
  const base = name.replace(/[[\]:*?/\\]/g, '_').slice(0, 31) || 'Sheet';
  let n = base;
  for (let i = 2; taken.has(n.toLowerCase()); i++) n = `${base.slice(0, 31 - String(i).length - 1)}_${i}`;
  taken.add(n.toLowerCase());
  return n;
}

/**
 * One sheet: the title lines (merged across the table, the first large and bold), the header row (frozen,
 * repeated on every printed page), the rows; printed landscape on A4, fitted to the page width, centred,
 * with page numbers in the footer.
 */
function addTable(wb: ExcelJS.Workbook, t: Table, taken: Set<string>): void {
  const title = t.title ?? [];
  const headerRow = title.length + 1;
  const ws = wb.addWorksheet(sheetName(t.name, taken), {
    views: [{ state: 'frozen', ySplit: headerRow }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      printTitlesRow: `${headerRow}:${headerRow}`,
      margins: { left: 0.4, right: 0.4, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    },
    headerFooter: { oddFooter: `&C第 &P 页，共 &N 页`, evenFooter: `&C第 &P 页，共 &N 页` },
  });
  title.forEach((line, i) => {
    const row = ws.addRow([line]);
    row.font = i === 0 ? { bold: true, size: 16 } : { size: 10 };
    row.alignment = { horizontal: 'center', vertical: 'middle' };
    if (i === 0) row.height = 28;
    if (t.headers.length > 1) ws.mergeCells(row.number, 1, row.number, t.headers.length);
  });
  ws.addRow(t.headers).font = { bold: true };
  for (const r of t.rows) ws.addRow(r);
  for (const c of t.numeric) ws.getColumn(c + 1).numFmt = '0.00';
  t.headers.forEach((h, i) => {
    const longest = Math.max(h.length * 2, ...t.rows.slice(0, 200).map((r) => String(r[i] ?? '').length * (/[^\x00-\xff]/.test(String(r[i] ?? '')) ? 2 : 1)));
    ws.getColumn(i + 1).width = Math.min(Math.max(longest + 2, 8), 80);
  });
}

/** The workbook: one sheet per group, then 得分明细, then 说明 (plan, source, run, time). */
export async function toXlsx(data: SheetData): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Duban 督办';
  wb.created = new Date(data.at);
  const taken = new Set<string>();
  for (const t of groupTables(data)) addTable(wb, t, taken);
  addTable(wb, breakdownTable(data), taken);
  const about: Table = {
    name: '说明',
    title: sheetTitle(data, '成绩表说明'),
    headers: ['项目', '内容'],
    rows: [
      ['考核方案', data.plan.name],
      ['方案编号', data.plan.id],
      [
        '成绩来源',
        data.source === 'frozen'
          ? `冻结成绩（第 ${data.run!.id} 次${data.run!.kind === 'close' ? '，方案关闭时' : `，重新计分：${data.run!.reason ?? ''}`}）`
          : '实时暂定成绩（按当前状态计算）',
      ],
      ['计算时间', beijingTime(data.at)],
      ['计算时间（UTC）', data.at],
      ['操作人', data.run ? `${data.run.actor.username ?? data.run.actor.userId ?? ''}（${data.run.actor.role}）` : ''],
      ['说明', '分数按四舍五入保留两位小数显示；计算过程见“得分明细”。'],
    ],
    numeric: [],
  };
  addTable(wb, about, taken);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
