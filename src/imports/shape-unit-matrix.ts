/**
 * Unit matrix (docs/imports.md): indicators down, assessed units across — 序号, 指标类别, 指标名称, 权重分,
 * 指标任务 (one column per unit, unit names in the row under the header), 考核标准及验收方法, 考核主体.
 *
 * Rules:
 * - the row after the header names the units; in a spreadsheet they sit under the (merged) 指标任务
 *   header, in the text layout they are the non-empty cells of that row. A later row repeating them
 *   (a page break) is skipped;
 * - the unit columns are found from the right: the fields after 指标任务 are the row's last cells, the
 *   units precede them, 指标名称 / 权重分 precede the units, 序号 is first and 指标类别 takes what is
 *   left (one or more category cells; empty ones continue the category above);
 * - each unit cell is that unit's own target: one task per unit with `unitTarget` (number, unit of
 *   measure — from the cell, or from "（单位：亿元）" in 考核标准 — and text); "－" / "-" / "/" / "无"
 *   mean not applicable (no task, silently); an empty cell gives no task and is reported;
 * - the method is read from 考核标准 ("完成得满分，未完成按比例法计算" → ratio);
 * - the table has no dates: every task gets one node due on the default due date (the plan's year
 *   end unless given), reported once.
 */
import type { ImportIndicator, UnitTarget } from './model.js';
import { isBlankRow, type GridCell } from './grid.js';
import { matchHeader, UNIT_MATRIX_FIELDS } from './columns.js';
import { contentKey, methodParamsChecked, type At, type ShapeContext } from './context.js';
import { inferMethodFromCriteria } from './methods.js';
import { findQuantities, targetDirection } from './targets.js';
import { headerKey, isNotApplicable, oneLine, parseNumber, rebuildLabel } from './text.js';
import { coded } from './problem-catalogue.js';

export function parseUnitMatrix(ctx: ShapeContext): void {
  const { grid, out } = ctx;
  const header = grid.rows[ctx.headerIndex]!;
  const m = matchHeader(
    header.cells.map((c) => c.value),
    UNIT_MATRIX_FIELDS,
  );
  const headerTexts = new Set(m.texts.filter((t) => t !== ''));

  // the unit row
  let s = ctx.headerIndex + 1;
  while (s < grid.rows.length && isBlankRow(grid.rows[s]!)) out.mark(s++, 'blank');
  const sub = grid.rows[s];
  if (!sub) {
    out.error(coded('matrix.no-unit-row'), 'unit matrix: no row of unit names under the header', { row: header.row });
    return;
  }
  out.mark(s, 'header');
  const targetPositions = m.fields.get('targets') ?? [];
  let unitCells: GridCell[];
  if (targetPositions.length > 1 && sub.cells.length === header.cells.length) {
    unitCells = targetPositions.map((p) => sub.cells[p]!).filter((c) => oneLine(c.value) !== '');
  } else {
    unitCells = sub.cells.filter((c) => oneLine(c.value) !== '' && !headerTexts.has(headerKey(c.value)));
  }
  if (unitCells.length === 0) {
    out.error(coded('matrix.unit-row-empty'), 'unit matrix: the row under the header names no units', { row: sub.row });
    return;
  }
  const unitKeys = unitCells.map((c) => headerKey(c.value));
  const columnUnits = unitCells.map((c) => {
    const units = out.resolveUnit(ctx, oneLine(c.value), { row: c.row, column: c.col, field: oneLine(c.value) });
    return units[0] ?? null;
  });

  // logical fields: consecutive duplicates (a merged header over several columns) collapsed
  const F: Array<string | null> = [];
  m.byPosition.forEach((f, i) => {
    if (i === 0 || f === null || f !== m.byPosition[i - 1]) F.push(f);
  });
  const ti = F.indexOf('targets');
  const ci = F.indexOf('category');
  const T = F.length - ti - 1;
  const U = unitCells.length;
  out.warn(
    coded('matrix.no-deadline', { default: ctx.defaultDueDate }),
    'the unit matrix has no deadline column',
    { row: header.row },
    `each task gets one node due ${ctx.defaultDueDate} (the default due date)`,
  );

  let path: string[] = [];
  let current: { ind: ImportIndicator; measure: string | null } | null = null;

  for (let i = s + 1; i < grid.rows.length; i++) {
    const row = grid.rows[i]!;
    if (isBlankRow(row)) {
      out.mark(i, 'blank');
      continue;
    }
    const keys = row.cells.map((c) => headerKey(c.value)).filter((k) => k !== '');
    if (keys.length >= 2 && keys.every((k) => headerTexts.has(k) || unitKeys.includes(k))) {
      out.mark(i, 'repeated-header');
      continue;
    }
    const w = row.cells.length;
    const blockStart = w - T - U;
    const minBefore = ti - (ci >= 0 ? 1 : 0);
    if (blockStart < minBefore + (ci >= 0 ? 0 : 0) || blockStart < 0) {
      out.mark(i, 'problem');
      out.error(
        coded('row.too-few-cells', { cells: w, need: minBefore + U + T }),
        `row has ${w} cells; ${U} unit columns and the other fields need at least ${minBefore + U + T}: not imported`,
        { row: row.row },
      );
      continue;
    }
    const posOf = (field: string): number[] => {
      const j = F.indexOf(field);
      if (j < 0) return [];
      if (j > ti) return [w - T + (j - ti - 1)];
      if (j === ti) return Array.from({ length: U }, (_, k) => blockStart + k);
      if (ci < 0 || j < ci) return [j];
      if (j > ci) return [blockStart - (ti - j)];
      const from = ci;
      const to = blockStart - (ti - ci - 1) - 1;
      return Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k);
    };
    const cellOf = (field: string) => row.cells[posOf(field)[0] ?? -1];
    const text = (field: string) => oneLine(cellOf(field)?.value ?? '');
    const at = (field: string): At => {
      const c = cellOf(field);
      return { row: c?.row ?? row.row, column: c?.col ?? null, field: m.texts[m.byPosition.indexOf(field)] ?? field };
    };

    const cats = posOf('category').map((p) => rebuildLabel(row.cells[p]?.value ?? ''));
    const dedup = cats.filter((c, j) => j === 0 || c === '' || c !== cats[j - 1]);
    if (dedup.some((c) => c !== '')) {
      const next = [...path];
      dedup.forEach((c, level) => {
        if (c !== '') {
          next.length = level;
          next[level] = c;
        }
      });
      path = next.filter((c) => c !== undefined && c !== '');
    }

    const seq = text('seq').replace(/[.、]$/, '');
    const name = text('name');
    const targetCells = posOf('targets').map((p) => row.cells[p]!);
    const seqMerged = cellOf('seq')?.merged === true && current !== null && seq === current.ind.itemNo;
    if ((seq === '' && name === '') || seqMerged) {
      if (!current) {
        out.mark(i, 'problem');
        out.error(coded('row.before-indicator'), 'row with no 序号 and no 指标名称 before any indicator: not imported', { row: row.row });
        continue;
      }
      out.mark(i, 'continuation');
      current.ind.sourceRows.push(row.row);
      addTargets(ctx, current.ind, targetCells, columnUnits, unitCells, current.measure, row.row);
      continue;
    }
    out.mark(i, 'data');
    out.items++;
    const criteria = text('criteria');
    const takesScore = SCORED_BY.test(criteria.replace(/\s+/g, ''));
    const methodCode = inferMethodFromCriteria(criteria) ?? (takesScore ? 'direct' : null);
    if (!methodCode)
      out.error(coded('criteria.no-method', { indicator: seq || name }), `indicator ${seq || name}: 考核标准 names no scoring method`, at('criteria'));
    const measure = criteria.match(/[（(]\s*单位\s*[：:]\s*([^）)]+?)\s*[)）]/)?.[1] ?? null;
    let points: number | null = null;
    if (text('points') !== '') {
      points = parseNumber(text('points'));
      if (points === null)
        out.error(
          coded('points.not-number', { indicator: seq || name, value: text('points') }),
          `indicator ${seq || name}: 权重分 "${text('points')}" is not a number`,
          at('points'),
        );
    } else out.error(coded('points.empty', { indicator: seq || name }), `indicator ${seq || name}: 权重分 is empty`, at('points'));
    const key = seq !== '' ? seq : contentKey(path, name);
    if (seq === '') out.warn(coded('item.no-seq', { key }), `序号 empty; key "${key}" derived from the category and name`, at('seq'));
    const direction = targetDirection(`${name}${criteria}`);
    const methodParams = methodParamsChecked(
      ctx,
      `indicator ${seq || name}`,
      seq || name,
      methodCode,
      criteria,
      { direction, target: null },
      points,
      at('criteria'),
    );
    const ind: ImportIndicator = {
      key,
      itemNo: seq || null,
      categoryPath: [...path],
      name,
      points,
      methodCode,
      methodName: null,
      methodParams,
      methodSource: methodCode ? 'criteria' : null,
      methodText: criteria || null,
      targetValue: null,
      targetUnit: measure,
      direction,
      targetText: null,
      targetsByUnit: {},
      assessingUnitName: text('assessor').replace(/\s+/g, '') || null,
      annualEvidence: null,
      basis: null,
      sourceRows: [row.row],
    };
    const named = criteria.replace(/\s+/g, '').match(SCORED_BY);
    if (named) ind.scoredBy = named[1]!;
    else if (carriedByAll(ind) && ind.assessingUnitName) ind.scoredBy = ind.assessingUnitName;
    if (carriedByAll(ind) && targetCells.every((c) => oneLine(c?.value ?? '') === '')) {
      out.warn(
        coded('matrix.every-unit', { indicator: key, named: named ? named[0] : null, scoredBy: ind.scoredBy ?? null }),
        `indicator ${key}: no unit has a target and ${named ? `考核标准 says "${named[0]}"` : 'it is a common / comprehensive indicator'}`,
        at('criteria'),
        `every unit of the table carries it, scored by ${ind.scoredBy ?? 'the assessing body'}`,
      );
    }
    out.addIndicator(ind);
    current = { ind, measure };
    addTargets(ctx, ind, targetCells, columnUnits, unitCells, measure, row.row);
  }

  for (const ind of out.indicators) {
    const values = Object.values(ind.targetsByUnit);
    const first = values[0];
    if (first && values.every((v) => v.value === first.value && v.unit === first.unit)) {
      ind.targetValue = first.value;
      ind.targetUnit = first.unit;
    }
  }
}

/** "直接采用县统计局评分结果" / "采用市考核办考核结果" names the body whose figures score the indicator. */
const SCORED_BY = /(?:直接)?采用([\u4e00-\u9fa5（）]{2,24}?)(?:的)?(?:评分|考核|测评|评价|考评)(?:结果|得分)/;

/**
 * Rule (blank targets, issue 14): an indicator whose 考核标准 takes another body's score ("直接采用…评分结果")
 * or that is a common or comprehensive indicator (共性指标, 综合评价) is carried by every unit of the table even
 * where its target cell is blank — a task scored from that body's figures (`scoredBy`), not "no task".
 */
export function carriedByAll(ind: ImportIndicator): boolean {
  if (SCORED_BY.test((ind.methodText ?? '').replace(/\s+/g, ''))) return true;
  return [...ind.categoryPath, ind.name].some((t) => /共性指标|综合评价|共同指标/.test(t));
}

function addTargets(
  ctx: ShapeContext,
  ind: ImportIndicator,
  cells: GridCell[],
  columnUnits: Array<string | null>,
  unitCells: GridCell[],
  measure: string | null,
  sourceRow: number,
): void {
  cells.forEach((cell, k) => {
    const unitName = columnUnits[k];
    const raw = oneLine(cell?.value ?? '');
    const unitLabel = oneLine(unitCells[k]!.value);
    if (raw === '' && unitName && carriedByAll(ind)) {
      // every unit carries it; the score comes from the named body's figures
      if (ctx.out.tasksOf(ind.key).some((t) => t.unitName === unitName)) return;
      ctx.out.addTask({
        indicatorKey: ind.key,
        unitName,
        isLead: true,
        nodes: [
          {
            seq: 0,
            dueDate: ctx.defaultDueDate,
            stageTarget: `${ind.name}：${ind.scoredBy ? `采用${ind.scoredBy}评分结果` : '共性指标'}`,
            stageValue: null,
            stageUnit: null,
            requiredEvidence: null,
            sourceRow: cell?.row ?? sourceRow,
            ref: null,
            scope: null,
            dueRule: 'default',
          },
        ],
        sourceRow,
      });
      return;
    }
    if (raw === '') {
      if (!ind.targetsByUnit[unitName ?? unitLabel]) {
        ctx.out.warn(coded('target.missing', { unit: unitLabel, indicator: ind.key }), `no target for ${unitLabel} under indicator ${ind.key}: no task`, {
          row: cell?.row ?? sourceRow,
          column: cell?.col ?? null,
          field: unitLabel,
        });
      }
      return;
    }
    if (isNotApplicable(raw) || !unitName) return;
    const q = findQuantities(raw, ctx.year);
    const target: UnitTarget = {
      value: q[0]?.value ?? null,
      unit: q[0]?.unit ?? measure,
      text: raw,
    };
    const shown = q[0] && !q[0].unit && measure ? `${raw}${measure}` : raw;
    if (q.length === 0)
      ctx.out.warn(coded('target.no-number', { unit: unitLabel, value: raw }), `target "${raw}" for ${unitLabel} has no number; kept as text`, {
        row: cell.row,
        column: cell.col,
        field: unitLabel,
      });
    ind.targetsByUnit[unitName] = target;
    ctx.out.addTask({
      indicatorKey: ind.key,
      unitName,
      isLead: true,
      unitTarget: target,
      nodes: [
        {
          seq: 0,
          dueDate: ctx.defaultDueDate,
          stageTarget: `${ind.name}：${shown}`,
          stageValue: target.value,
          stageUnit: target.unit,
          requiredEvidence: null,
          sourceRow: cell.row,
          ref: null,
          scope: null,
          dueRule: 'default',
        },
      ],
      sourceRow,
    });
  });
}
