/**
 * Node table (docs/imports.md): one row per node — 序号, 三级指标, 四级指标, 节点名称, 计划完成时间,
 * 节点证明材料, 分值, 计分方式, 评分标准, 设置依据, 年度目标值, 年度证明材料, 考核主体, 使用部门,
 * 任务分解表序号, 承接部门.
 *
 * Rules:
 * - a row with a 序号 opens an item: one indicator (key = 序号), one task per 承接部门 unit (the first
 *   listed unit is the lead), and the row's node;
 * - a row with an empty 序号 — or, in a spreadsheet, a 序号 merged down from the item's first row — is a
 *   continuation of the item above. With its own 分值 (not a merged copy) it is a further
 *   scored line of the item: a new indicator keyed "<序号>-<n>" (n = 2, 3 …) that takes empty cells
 *   (三级指标, 考核主体, 设置依据, 使用部门, 承接部门 …) from the item's first row, as a merged cell
 *   would. Without a 分值 it is one more node of the indicator above (to the unit in its 承接部门, or
 *   the indicator's units when that is empty);
 * - a header repeated at a page break is skipped (counted);
 * - a row whose 分值 / 计分方式 do not read as such but do one column to the left or right (a cell
 *   lost or added before them) is realigned — the only shift that makes 计划完成时间, 分值 and 计分方式
 *   all valid is applied and reported as repaired; if none does, the row is reported and not imported;
 * - deadline of a node: 计划完成时间 when it is a date phrase; node text standing in 计划完成时间
 *   ("6月30日前，完成…") → the date read from it, the text appended to the stage target (repaired);
 *   an empty 计划完成时间 → a date phrase leading the 节点名称 (repaired); none → the default due date
 *   (reported);
 * - targets: 年度目标值 packed for several places → `targetsByUnit`; the plan's subject's part (e.g.
 *   盘山县) is the indicator's target and each task's `unitTarget`; otherwise a single quantity in the
 *   text is the target.
 */
import type { ImportIndicator, ImportNode, UnitTarget } from './model.js';
import { isBlankRow, type GridRow } from './grid.js';
import { fieldLabel, isRepeatedHeader, matchHeader, NODE_TABLE_FIELDS } from './columns.js';
import { datesAsWritten, methodParamsChecked, type At, type ShapeContext } from './context.js';
import { deadlinesOf, isPureDatePhrase } from './deadlines.js';
import { CANONICAL_METHOD_NAMES, inferMethodFromCriteria, normaliseMethodName } from './methods.js';
import { singleQuantity, splitPackedTargets, targetDirection, targetQuantity } from './targets.js';
import { oneLine, parseNumber, rebuildLabel, trimPunct } from './text.js';
import { splitUnitList } from './units.js';
import { coded, type Coded } from './problem-catalogue.js';

type Fields = Record<string, string>;

interface Aligned {
  /** Cell texts, realigned to the header. */
  cells: string[];
  /** For each aligned position, the original 0-based cell index (null for an inserted cell). */
  origin: Array<number | null>;
  repaired: { reason: string; note: string; column: number; coded: Coded } | null;
}

export function parseNodeTable(ctx: ShapeContext): void {
  const { grid, out } = ctx;
  const header = grid.rows[ctx.headerIndex]!;
  const m = matchHeader(
    header.cells.map((c) => c.value),
    NODE_TABLE_FIELDS,
  );
  const width = header.cells.length;
  const cols = new Map(NODE_TABLE_FIELDS.map((s) => [s.field, m.fields.get(s.field)?.[0] ?? -1]));
  const col = (f: string) => cols.get(f) ?? -1;
  const levelCols = m.fields.get('level') ?? [];
  const label = (f: string) => {
    const c = col(f);
    return c >= 0 ? m.texts[c]! : fieldLabel('node-table', f);
  };
  m.byPosition.forEach((f, i) => {
    if (f === null && m.texts[i] !== '') {
      out.warn(coded('column.unused', { column: m.texts[i]!, shape: 'node-table' }), `column "${m.texts[i]}" is not used by the node-table import`, {
        row: header.row,
        column: header.cells[i]!.col,
        field: m.texts[i]!,
      });
    }
  });
  const nonEmptyHeader = m.texts.filter((t) => t !== '').length;
  const names = [ctx.subject, ...ctx.knownUnits].filter((n): n is string => !!n);

  let item: { seq: string; first: Fields; key: string; parts: number; indicator: ImportIndicator } | null = null;
  let current: ImportIndicator | null = null;
  const seenSeq = new Map<string, number>();

  for (let i = ctx.headerIndex + 1; i < grid.rows.length; i++) {
    const row = grid.rows[i]!;
    if (isBlankRow(row)) {
      out.mark(i, 'blank');
      continue;
    }
    if (isRepeatedHeader(row, m.texts, Math.max(2, Math.ceil(nonEmptyHeader * 0.6)))) {
      out.mark(i, 'repeated-header');
      continue;
    }

    const aligned = realign(row, width, col('points'), col('method'), col('due'), ctx.year);
    const at = (f: string): At => {
      const pos = f === 'row' ? -1 : col(f);
      const orig = pos >= 0 ? aligned.origin[pos] : null;
      const cell = orig !== null && orig !== undefined ? row.cells[orig] : undefined;
      const column = cell?.col ?? (pos >= 0 ? (header.cells[pos]?.col ?? pos + 1) : null);
      return { row: cell?.row ?? row.row, column, field: pos >= 0 ? label(f) : null };
    };
    if ('error' in aligned) {
      out.mark(i, 'problem');
      out.error(coded('row.unaligned', { points: aligned.points }), aligned.error as string, {
        row: row.row,
        column: at('points').column,
        field: label('points'),
      });
      continue;
    }
    if (aligned.repaired) out.warn(aligned.repaired.coded, aligned.repaired.reason, { row: row.row, column: aligned.repaired.column }, aligned.repaired.note);
    const extra = row.cells.slice(width).filter((c) => c.value.trim() !== '');
    if (extra.length > 0 && !aligned.repaired) {
      out.warn(coded('row.extra-cells', { count: extra.length, width }), `${extra.length} cell(s) beyond the header's ${width} columns ignored`, {
        row: row.row,
        column: extra[0]!.col,
      });
    }

    const f: Fields = {};
    for (const spec of NODE_TABLE_FIELDS) {
      const c = col(spec.field);
      f[spec.field] = c >= 0 ? oneLine(aligned.cells[c] ?? '') : '';
    }
    // unit lists and method names are read from the raw cell (their line breaks and spaces matter)
    f['unitRaw'] = col('unit') >= 0 ? (aligned.cells[col('unit')] ?? '').trim() : '';
    f['methodRaw'] = col('method') >= 0 ? (aligned.cells[col('method')] ?? '').trim() : '';
    const levels = levelCols.map((c) => rebuildLabel(aligned.cells[c] ?? ''));
    f['name'] = levels.length ? levels[levels.length - 1]! : '';
    f['category'] = levels
      .slice(0, -1)
      .filter((l) => l !== '')
      .join('\u241f');

    const seq = f['seq']!.replace(/[.、]$/, '');
    // a 序号 merged down over the item's rows (xlsx) repeats the item's number: still a continuation
    const seqCell = aligned.origin[col('seq')];
    const repeatsItem: boolean = item !== null && seq === item.seq && seqCell !== null && seqCell !== undefined && row.cells[seqCell]?.merged === true;
    if (seq !== '' && !repeatsItem) {
      // ---- a new item
      out.items++;
      const n = (seenSeq.get(seq) ?? 0) + 1;
      seenSeq.set(seq, n);
      let key: string = seq;
      if (n > 1) {
        key = `${seq}~${n}`;
        out.warn(coded('item.repeated-seq', { seq, key }), `序号 ${seq} appears again; imported as a separate item with key "${key}"`, at('seq'));
      }
      const ind = makeIndicator(ctx, f, key, seq, row, at, names);
      if (!ind) {
        out.mark(i, 'problem');
        continue;
      }
      out.mark(i, 'data');
      item = { seq, first: f, key, parts: 1, indicator: ind };
      current = ind;
      addTasks(ctx, ind, f, row, at, names);
      continue;
    }

    // ---- a continuation row
    if (!item || !current) {
      out.mark(i, 'problem');
      out.error(coded('row.continuation-first'), 'continuation row (empty 序号) before any item: not imported', at('seq'));
      continue;
    }
    out.mark(i, 'continuation');
    const pointsCell = aligned.origin[col('points')];
    const ownPoints = f['points'] !== '' && !(pointsCell !== null && pointsCell !== undefined && row.cells[pointsCell]?.merged === true);
    if (ownPoints) {
      // a further scored line of the same item
      item.parts++;
      const merged: Fields = { ...f };
      for (const k of ['category', 'assessor', 'basis', 'appliesTo', 'unit', 'unitRaw', 'breakdownNo', 'method', 'methodRaw', 'criteria']) {
        if (merged[k] === '' && item.first[k]) merged[k] = item.first[k]!;
      }
      if (merged['name'] === '') merged['name'] = f['nodeName'] || item.first['name']!;
      const ind = makeIndicator(ctx, merged, `${item.key}-${item.parts}`, item.seq, row, at, names);
      if (!ind) continue;
      current = ind;
      addTasks(ctx, ind, merged, row, at, names);
    } else {
      // one more node of the indicator above
      if (!current.sourceRows.includes(row.row)) current.sourceRows.push(row.row);
      const nodes = makeNodes(ctx, f, current.name, row, at, names);
      const unitNames = f['unit'] !== '' ? resolveUnits(ctx, f['unitRaw']!, at('unit')) : null;
      const targets = unitNames ?? ctx.out.tasksOf(current.key).map((t) => t.unitName);
      if (targets.length === 0) {
        out.error(coded('node.no-unit', { indicator: current.key }), `node row for indicator ${current.key} has no unit to go to`, at('unit'));
      }
      const existing = ctx.out.tasksOf(current.key);
      for (const u of targets) {
        const prior = existing.find((t) => t.unitName === u);
        ctx.out.addTask({
          indicatorKey: current.key,
          unitName: u,
          isLead: prior ? prior.isLead : existing.length === 0,
          nodes,
          sourceRow: row.row,
        });
      }
    }
  }
}

function resolveUnits(ctx: ShapeContext, text: string, at: At): string[] {
  const out: string[] = [];
  for (const raw of splitUnitList(text)) {
    for (const u of ctx.out.resolveUnit(ctx, raw, at)) if (!out.includes(u)) out.push(u);
  }
  return out;
}

function makeIndicator(ctx: ShapeContext, f: Fields, key: string, seq: string, row: GridRow, at: (f: string) => At, names: string[]): ImportIndicator | null {
  const { out } = ctx;
  const categoryPath = f['category'] ? f['category'].split('\u241f') : [];
  let name = f['name']!;
  if (name === '') {
    name = f['nodeName'] || (categoryPath[categoryPath.length - 1] ?? '');
    if (name === '') {
      out.error(coded('item.no-name', { seq }), `item ${seq} has no indicator name (四级指标 / 节点名称 empty): not imported`, at('row'));
      return null;
    }
  }
  const path = categoryPath.filter((c) => c !== name);

  let points: number | null = null;
  if (f['points'] === '') out.error(coded('points.empty', { indicator: key }), `item ${key}: 分值 is empty`, at('points'));
  else {
    points = parseNumber(f['points']!);
    if (points === null)
      out.error(coded('points.not-number', { indicator: key, value: f['points']! }), `item ${key}: 分值 "${f['points']}" is not a number`, at('points'));
  }

  let methodCode = null as ImportIndicator['methodCode'];
  let methodName: string | null = null;
  let inferred = false;
  if (f['method'] !== '') {
    const mm = normaliseMethodName(f['method']!);
    methodName = f['method']!;
    methodCode = mm.code;
    const raw = f['methodRaw'] || f['method']!;
    const split = /\S[\s\u3000]+\S/.test(raw);
    if (!mm.code) out.error(coded('method.unknown', { indicator: key, value: raw }), `item ${key}: unknown scoring method "${raw}"`, at('method'));
    else if (!mm.canonical || split) {
      const why = !mm.canonical ? 'not a usual spelling' : 'split by spaces';
      out.warn(
        coded('method.spelling', { indicator: key, value: raw, split: mm.canonical === true, method: mm.code }),
        `item ${key}: scoring method "${raw}" (${why}) read as ${mm.code}`,
        at('method'),
        CANONICAL_METHOD_NAMES[mm.code],
      );
    }
  } else {
    methodCode = inferMethodFromCriteria(f['criteria'] ?? '');
    inferred = methodCode !== null;
    if (methodCode) {
      out.warn(
        coded('method.from-criteria', { indicator: key, method: methodCode }),
        `item ${key}: 计分方式 empty; method read from 评分标准 as ${methodCode}`,
        at('method'),
        CANONICAL_METHOD_NAMES[methodCode],
      );
    } else out.error(coded('method.missing', { indicator: key }), `item ${key}: 计分方式 empty and 评分标准 names no method`, at('method'));
  }
  const targetText = f['annualTarget'] || null;
  const targetsByUnit = targetText ? splitPackedTargets(targetText, names, ctx.year) : {};
  const subjectTarget = ctx.subject ? targetsByUnit[ctx.subject] : undefined;
  const single = targetText && Object.keys(targetsByUnit).length === 0 ? targetQuantity(targetText, ctx.year) : null;
  const direction = targetDirection(subjectTarget?.text ?? targetText ?? name);
  const targetValue = subjectTarget?.value ?? single?.value ?? null;
  const methodParams = methodParamsChecked(
    ctx,
    `item ${key}`,
    key,
    methodCode,
    f['criteria'] ?? '',
    { direction, target: targetValue },
    points,
    at('criteria'),
  );

  const ind: ImportIndicator = {
    key,
    itemNo: seq,
    categoryPath: path,
    name,
    points,
    methodCode,
    methodName,
    methodParams,
    methodSource: methodCode === null ? null : inferred ? 'criteria' : 'column',
    methodText: f['criteria'] || null,
    targetValue,
    targetUnit: subjectTarget?.unit ?? single?.unit ?? null,
    direction,
    targetText,
    targetsByUnit,
    assessingUnitName: f['assessor'] ? f['assessor'].replace(/\s+/g, '') : null,
    annualEvidence: f['annualEvidence'] || null,
    basis: f['basis'] || null,
    sourceRows: [row.row],
  };
  out.addIndicator(ind);
  return ind;
}

function addTasks(ctx: ShapeContext, ind: ImportIndicator, f: Fields, row: GridRow, at: (f: string) => At, names: string[]): void {
  const nodes = makeNodes(ctx, f, ind.name, row, at, names);
  if (f['unit'] === '') {
    ctx.out.error(coded('unit.empty-cell', { indicator: ind.key }), `item ${ind.key}: 承接部门 is empty; no task created`, at('unit'));
    return;
  }
  const units = resolveUnits(ctx, f['unitRaw']!, at('unit'));
  const subjectTarget: UnitTarget | undefined = ctx.subject ? ind.targetsByUnit[ctx.subject] : undefined;
  units.forEach((u, idx) =>
    ctx.out.addTask({
      indicatorKey: ind.key,
      unitName: u,
      isLead: idx === 0,
      unitTarget: subjectTarget ?? null,
      nodes,
      sourceRow: row.row,
    }),
  );
}

function makeNodes(ctx: ShapeContext, f: Fields, indicatorName: string, row: GridRow, at: (f: string) => At, names: string[]): ImportNode[] {
  const { out } = ctx;
  const nodeName = trimPunct(f['nodeName'] ?? '');
  let stageTarget = nodeName || indicatorName;
  const due = f['due'] ?? '';
  let dates: string[] = [];
  let dueRule = '';
  const nameDates = nodeName ? deadlinesOf(nodeName, ctx.year) : null;

  if (due !== '' && isPureDatePhrase(due, ctx.year)) {
    const d = deadlinesOf(due, ctx.year)!;
    dates = datesAsWritten(ctx, d, at('due'));
    dueRule = [...new Set(d.hits.map((h) => h.rule))].join('+');
    if (dates.length === 0) out.error(coded('due.not-real-date', { value: due }), `计划完成时间 "${due}" is not a real date`, at('due'));
    const leading = nameDates?.hits.filter((h) => h.index < Math.max(0, nodeName.search(/[，,：:；;。]/))) ?? [];
    if (dates.length === 1 && leading.length === 1 && leading[0]!.dates.length === 1 && leading[0]!.dates[0] !== dates[0]) {
      out.warn(
        coded('due.conflict', { nameDate: leading[0]!.dates[0]!, text: leading[0]!.text, due: dates[0]! }),
        `节点名称 says ${leading[0]!.dates[0]} ("${leading[0]!.text}") but 计划完成时间 says ${dates[0]}; ${dates[0]} kept`,
        at('due'),
      );
    }
  } else if (due !== '') {
    const d = deadlinesOf(due, ctx.year);
    if (d && d.dates.length > 0) {
      dates = datesAsWritten(ctx, d, at('due'));
      dueRule = [...new Set(d.hits.map((h) => h.rule))].join('+');
      stageTarget = nodeName ? `${nodeName}；${trimPunct(due)}` : trimPunct(due);
      out.warn(
        coded('due.text-in-date', { text: due.slice(0, 30), dates }),
        `node text stands in 计划完成时间 ("${due.slice(0, 30)}${due.length > 30 ? '…' : ''}")`,
        at('due'),
        `due ${dates.join(', ')} read from it; the text added to the stage target`,
      );
    } else {
      out.error(coded('due.not-date', { value: due, column: '计划完成时间' }), `计划完成时间 "${due}" is not a date`, at('due'));
    }
  }
  if (dates.length === 0 && nameDates && nameDates.dates.length > 0) {
    dates = nameDates.dates;
    dueRule = [...new Set(nameDates.hits.map((h) => h.rule))].join('+');
    out.warn(
      coded('due.from-name', { empty: due === '', dates }),
      `计划完成时间 ${due === '' ? 'is empty' : 'unreadable'}`,
      at('due'),
      `due ${dates.join(', ')} read from 节点名称`,
    );
  }
  if (dates.length === 0) {
    dates = [ctx.defaultDueDate];
    dueRule = 'default';
    out.warn(
      coded('due.missing', { default: ctx.defaultDueDate }),
      'no deadline in the row (计划完成时间 and 节点名称 give none)',
      at('due'),
      `due ${ctx.defaultDueDate} (the default due date)`,
    );
  }
  for (const h of [...(deadlinesOf(due, ctx.year)?.hits ?? [])]) {
    if (h.explicitYear !== null && h.explicitYear !== ctx.year) {
      out.warn(
        coded('due.other-year', { text: h.text, year: h.explicitYear, planYear: ctx.year }),
        `deadline "${h.text}" is in ${h.explicitYear}, not the plan's year ${ctx.year}`,
        at('due'),
      );
    }
  }

  const packed = nodeName ? splitPackedTargets(nodeName, names, ctx.year) : {};
  const sv = ctx.subject && packed[ctx.subject] ? packed[ctx.subject]! : Object.keys(packed).length === 0 ? singleQuantity(stageTarget, ctx.year) : null;
  return dates.map((d) => ({
    seq: 0,
    dueDate: d,
    stageTarget,
    stageValue: sv?.value ?? null,
    stageUnit: sv?.unit ?? null,
    requiredEvidence: f['nodeEvidence'] || null,
    sourceRow: row.row,
    ref: null,
    scope: null,
    dueRule,
  }));
}

const identities = new Map<string, Array<number | null>>();
/** The identity mapping (position → same cell), shared between rows of the same width. */
function IDENTITY(width: number, present: number): Array<number | null> {
  const k = `${width}/${present}`;
  let a = identities.get(k);
  if (!a) {
    a = Array.from({ length: width }, (_, j) => (j < present ? j : null));
    identities.set(k, a);
  }
  return a;
}

/**
 * Realign a row whose 分值 / 计分方式 cells are off by one column (see the module rules). Returns the
 * cells unchanged when they already read well.
 */
function realign(
  row: GridRow,
  width: number,
  pointsCol: number,
  methodCol: number,
  dueCol: number,
  year: number,
): Aligned | { error: string; points: string; cells: string[]; origin: Array<number | null> } {
  const cells = row.cells.map((c) => c.value);
  while (cells.length < width) cells.push('');
  const get = (cs: string[], c: number) => (c >= 0 ? oneLine(cs[c] ?? '') : '');
  const pointsOk = (cs: string[]) => get(cs, pointsCol) === '' || parseNumber(get(cs, pointsCol)) !== null;
  const methodOk = (cs: string[]) => get(cs, methodCol) === '' || normaliseMethodName(get(cs, methodCol)).code !== null;
  const dueOk = (cs: string[]) => get(cs, dueCol) === '' || isPureDatePhrase(get(cs, dueCol), year);
  if (pointsCol < 0 || (pointsOk(cells) && methodOk(cells))) return { cells, origin: IDENTITY(cells.length, row.cells.length), repaired: null };
  const origin: Array<number | null> = cells.map((_, j) => (j < row.cells.length ? j : null));

  const last = Math.max(pointsCol, methodCol);
  const candidates: Array<{ cells: string[]; origin: Array<number | null>; p: number; kind: 'insert' | 'delete' }> = [];
  for (let p = 1; p <= last; p++) {
    // a cell lost before p: insert an empty one (the row must have a spare empty cell at its end)
    const ins = [...cells.slice(0, p), '', ...cells.slice(p)];
    const insO = [...origin.slice(0, p), null, ...origin.slice(p)];
    while (ins.length > width && ins[ins.length - 1]!.trim() === '') {
      ins.pop();
      insO.pop();
    }
    if (ins.length === width) candidates.push({ cells: ins, origin: insO, p, kind: 'insert' });
    // a stray empty cell at p: delete it
    if (cells[p]!.trim() === '') {
      const del = [...cells.slice(0, p), ...cells.slice(p + 1), ''];
      const delO = [...origin.slice(0, p), ...origin.slice(p + 1), null];
      candidates.push({ cells: del, origin: delO, p, kind: 'delete' });
    }
  }
  const good = candidates.filter(
    (c) => parseNumber(get(c.cells, pointsCol)) !== null && normaliseMethodName(get(c.cells, methodCol)).code !== null && dueOk(c.cells),
  );
  if (good.length === 0) {
    if (!pointsOk(cells)) {
      return {
        error: `分值 "${get(cells, pointsCol)}" is not a number and no one-column shift of the row explains it; row not imported`,
        points: get(cells, pointsCol),
        cells,
        origin,
      };
    }
    return { cells, origin, repaired: null };
  }
  good.sort((a, b) => Number(get(b.cells, dueCol) !== '') - Number(get(a.cells, dueCol) !== '') || b.p - a.p);
  const best = good[0]!;
  const column = row.cells[best.p]?.col ?? best.p + 1;
  const reason =
    best.kind === 'insert'
      ? `row shifted one column to the left from column ${column} on (a cell is missing): 分值 "${get(cells, pointsCol)}" and 计分方式 "${get(cells, methodCol)}" did not read as such`
      : `row shifted one column to the right from column ${column} on (a stray empty cell): 分值 "${get(cells, pointsCol)}" and 计分方式 "${get(cells, methodCol)}" did not read as such`;
  const note =
    best.kind === 'insert'
      ? `realigned: an empty cell inserted at column ${column}, every cell from there on moved one column right`
      : `realigned: the empty cell at column ${column} removed, every cell after it moved one column left`;
  const c = coded('row.shifted', {
    direction: best.kind === 'insert' ? 'left' : 'right',
    column,
    points: get(cells, pointsCol),
    method: get(cells, methodCol),
  });
  return { cells: best.cells, origin: best.origin, repaired: { reason, note, column, coded: c } };
}
