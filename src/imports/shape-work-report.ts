/**
 * Work-report decomposition (docs/imports.md): 类别, 指标任务, 主要时间节点或阶段性量化指标, 完成时限
 * ("12月31日", no year), 牵头单位, 责任单位 (one per line), 分管领导.
 *
 * Rules:
 * - 类别 may span one or more cells (section + sub-section); empty category cells continue the category
 *   above (a vertically merged cell); a filled one replaces that level and clears the levels below it;
 *   labels split one character per line are rebuilt (text.ts `rebuildLabel`);
 * - 指标任务 "7.抓住用好…" → indicator key "7" (a task without a number gets a content hash key), name =
 *   the text without the number. A row repeating the number of the indicator above (the same task
 *   continued after a page break, e.g. task 26 over three rows) is a continuation: its nodes and units
 *   are added to it. A row with an empty 指标任务 but nodes is also a continuation;
 * - the node cell is split into one node per "（n）" entry (node-list.ts), each dated by its own
 *   deadline phrase (deadlines.ts); recurring phrases give several nodes ("每季度" → four); an entry
 *   with no date takes 完成时限 (`dueRule` 'row-deadline'); with neither, the default due date (reported);
 * - 牵头单位 lists the lead unit(s) and 责任单位 the co-responsible units, one task per unit (a unit
 *   in both is a lead); collective names ("各街镇", "其他相关部门") are reported (units.ts);
 * - a node listed under a co-unit's heading in the node cell ("胜利街道办事处：（1）…") goes only to that
 *   unit and the lead units; 分管领导 names are people, never units (units.ts rule 6);
 * - empty 牵头单位 / 分管领导 continue the cell above (a merged cell), reported as repaired; an empty
 *   责任单位 continues the one above only when 牵头单位 was continued too (otherwise: no co-units);
 * - a one-cell row inside the table (a note such as "经合并同类项…"), or a row whose cells all hold the
 *   same text (that note merged across the sheet), is not a task: reported as a warning.
 */
import type { ImportIndicator, ImportNode } from './model.js';
import { isBlankRow, type GridRow } from './grid.js';
import { isRepeatedHeader, matchHeader, stretchPositions, WORK_REPORT_FIELDS } from './columns.js';
import { contentKey, datesAsWritten, type At, type ShapeContext } from './context.js';
import { deadlinesOf } from './deadlines.js';
import { splitNodeList } from './node-list.js';
import { singleQuantity, targetDirection, targetQuantity } from './targets.js';
import { cleanCell, oneLine, rebuildLabel, trimPunct } from './text.js';
import { splitPersonList, splitUnitList } from './units.js';
import { coded } from './problem-catalogue.js';

const SUB_LABEL = /^[（(][一二三四五六七八九十]{1,3}[)）]/;

interface Current {
  indicator: ImportIndicator;
  number: string | null;
  leads: string[];
  resps: string[];
  leader: string;
}

export function parseWorkReport(ctx: ShapeContext): void {
  const { grid, out } = ctx;
  const header = grid.rows[ctx.headerIndex]!;
  const m = matchHeader(
    header.cells.map((c) => c.value),
    WORK_REPORT_FIELDS,
  );
  const nonEmptyHeader = m.texts.filter((t) => t !== '').length;
  m.byPosition.forEach((f, i) => {
    if (f === null && m.texts[i] !== '') {
      out.warn(coded('column.unused', { column: m.texts[i]!, shape: 'work-report' }), `column "${m.texts[i]}" is not used by the work-report import`, {
        row: header.row,
        column: header.cells[i]!.col,
        field: m.texts[i]!,
      });
    }
  });
  const labelOf = (field: string) => m.texts[m.byPosition.indexOf(field)] ?? field;

  // the 分管领导 column's names are people, never units (units.ts rule 6)
  const leaderAt = m.byPosition.indexOf('leader');
  if (leaderAt >= 0) {
    const names: string[] = [];
    for (let i = ctx.headerIndex + 1; i < grid.rows.length; i++) {
      const r = grid.rows[i]!;
      if (r.cells.length !== header.cells.length) continue;
      names.push(...splitPersonList(r.cells[leaderAt]?.value ?? ''));
    }
    ctx.units.notePersons(names.filter((n) => n.length <= 4));
  }

  let path: string[] = [];
  let cur: Current | null = null;

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
    // a note: one cell of text, or one text merged across the whole row (every cell the same)
    const filled = row.cells.filter((c) => c.value.trim() !== '');
    const sameText = filled.length > 0 && filled.every((c) => c.value === filled[0]!.value);
    if (row.cells.length === 1 || (sameText && filled.length === row.cells.length && filled.length >= 3)) {
      out.mark(i, 'preamble');
      out.warn(
        coded('row.note', { text: oneLine(filled[0]?.value ?? '').slice(0, 40) }),
        `note row inside the table, not a task: "${oneLine(filled[0]?.value ?? '').slice(0, 40)}"`,
        {
          row: row.row,
          column: filled[0]?.col ?? null,
        },
      );
      continue;
    }
    const pos = stretchPositions(m.byPosition, row.cells.length, 'category');
    if (!pos) {
      out.mark(i, 'problem');
      out.error(
        coded('row.too-few-cells', { cells: row.cells.length, need: nonEmptyHeader }),
        `row has ${row.cells.length} cells; the header needs at least ${nonEmptyHeader}: not imported`,
        { row: row.row },
      );
      continue;
    }
    const cell = (f: string) => row.cells[pos.get(f)?.[0] ?? -1]?.value ?? '';
    const at = (f: string): At => {
      const c = row.cells[pos.get(f)?.[0] ?? -1];
      return { row: c?.row ?? row.row, column: c?.col ?? null, field: pos.has(f) ? labelOf(f) : null };
    };

    // category path
    const cats = (pos.get('category') ?? []).map((p) => rebuildLabel(row.cells[p]?.value ?? ''));
    const dedup = cats.filter((c, j) => j === 0 || c === '' || c !== cats[j - 1]);
    // a sub-category label alone in the first category cell ("（四）优化创新生态" on a row of its own, under
    // "三、创新驱动发展") is the second level, not a new first one
    const filledCats = dedup.filter((c) => c !== '');
    if (filledCats.length === 1 && dedup[0] === filledCats[0] && SUB_LABEL.test(filledCats[0]!) && path.length > 0 && !SUB_LABEL.test(path[0]!)) {
      dedup.splice(0, dedup.length, '', filledCats[0]!);
    }
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

    const taskText = oneLine(cell('task'));
    const nodesText = cleanCell(cell('nodes'));
    if (taskText === '' && nodesText === '') {
      out.mark(i, 'data'); // a category row
      continue;
    }
    const num = taskText.match(/^(\d+)\s*[.．、]\s*/);
    const number = num ? num[1]! : null;
    const name = trimPunct(num ? taskText.slice(num[0].length) : taskText);

    const isContinuation = cur !== null && (taskText === '' || (number !== null && number === cur.number));
    if (isContinuation && cur) {
      out.mark(i, 'continuation');
      if (name !== '' && name !== cur.indicator.name) {
        out.warn(coded('task.text-differs', { number }), `task ${number} continues the row above but its text differs; the first text kept`, at('task'));
      }
      cur.indicator.sourceRows.push(row.row);
      const units = readUnits(ctx, row, cell, at, cur, true);
      addTasks(ctx, cur.indicator, units, makeNodes(ctx, nodesText, cell('due'), cur.indicator.name, row, at));
      continue;
    }

    const earlier = number !== null ? out.indicator(number) : undefined;
    if (earlier) {
      out.warn(
        coded('task.number-reused', { number }),
        `task number ${number} was used before (not on the row above); rows merged into task ${number}`,
        at('task'),
      );
      const ind = earlier;
      out.mark(i, 'continuation');
      ind.sourceRows.push(row.row);
      const prev: Current = { indicator: ind, number, leads: [], resps: [], leader: '' };
      const units = readUnits(ctx, row, cell, at, cur ?? prev, false);
      addTasks(ctx, ind, units, makeNodes(ctx, nodesText, cell('due'), ind.name, row, at));
      continue;
    }

    out.mark(i, 'data');
    out.items++;
    const q = targetQuantity(name, ctx.year);
    const indicator: ImportIndicator = {
      key: number ?? contentKey(path, name),
      itemNo: number,
      categoryPath: [...path],
      name,
      points: null,
      methodCode: null,
      methodName: null,
      methodParams: {},
      methodSource: null,
      methodText: null,
      targetValue: q?.value ?? null,
      targetUnit: q?.unit ?? null,
      direction: targetDirection(name),
      targetText: taskText,
      targetsByUnit: {},
      assessingUnitName: null,
      annualEvidence: null,
      basis: null,
      sourceRows: [row.row],
    };
    if (number === null)
      out.warn(
        coded('task.no-number', { key: indicator.key }),
        `指标任务 has no number; key "${indicator.key}" derived from its category and text`,
        at('task'),
      );
    out.addIndicator(indicator);
    const units = readUnits(ctx, row, cell, at, cur, false);
    cur = { indicator, number, leads: units.leads, resps: units.resps, leader: units.leader };
    addTasks(ctx, indicator, units, makeNodes(ctx, nodesText, cell('due'), name, row, at));
  }
}

interface Units {
  leads: string[];
  resps: string[];
  leader: string;
}

function readUnits(ctx: ShapeContext, row: GridRow, cell: (f: string) => string, at: (f: string) => At, prev: Current | null, continuation: boolean): Units {
  const { out } = ctx;
  const leadText = cell('lead').trim();
  const respText = cell('resp').trim();
  const leaderText = cell('leader').trim();
  const resolve = (text: string, f: string) => {
    const list: string[] = [];
    for (const raw of splitUnitList(text)) for (const u of out.resolveUnit(ctx, raw, at(f))) if (!list.includes(u)) list.push(u);
    return list;
  };
  let leads = resolve(leadText, 'lead');
  let resps = resolve(respText, 'resp');
  let leader = splitPersonList(leaderText).join('、');
  if (continuation && prev) {
    // the same task after a page break: units add to the ones above
    return { leads, resps, leader: leader || prev.leader };
  }
  if (leadText === '' && prev) {
    leads = [...prev.leads];
    const inherited = ['牵头单位'];
    if (respText === '') {
      resps = [...prev.resps];
      inherited.push('责任单位');
    }
    if (leaderText === '') {
      leader = prev.leader;
      inherited.push('分管领导');
    }
    out.warn(
      coded('cells.inherited', { fields: inherited, values: [leads.join('、'), resps.join('、'), leader].filter((s) => s).join(' / ') }),
      `${inherited.join(', ')} empty`,
      at('lead'),
      `taken from the row above (merged cell): ${[leads.join('、'), resps.join('、'), leader].filter((s) => s).join(' / ')}`,
    );
  } else if (leaderText === '' && prev && prev.leader) {
    leader = prev.leader;
    out.warn(coded('leader.inherited', { leader }), '分管领导 empty', at('leader'), `taken from the row above (merged cell): ${leader}`);
  }
  if (leads.length === 0 && leadText === '' && !prev) out.error(coded('lead.missing'), '牵头单位 empty and no row above to take it from', at('lead'));
  return { leads, resps, leader };
}

function addTasks(ctx: ShapeContext, ind: ImportIndicator, units: Units, nodes: ImportNode[]): void {
  const all = [...units.leads.map((u) => ({ u, lead: true })), ...units.resps.filter((u) => !units.leads.includes(u)).map((u) => ({ u, lead: false }))];
  if (all.length === 0 && ctx.out.tasksOf(ind.key).length === 0) {
    ctx.out.error(coded('unit.no-task', { indicator: ind.key }), `task ${ind.key}: no unit could be resolved; no task created`, {
      row: ind.sourceRows[ind.sourceRows.length - 1]!,
    });
  }
  const existing = ctx.out.tasksOf(ind.key);
  // Rule (per-unit node lists, issue 14): a node under a heading naming one of the task's co-units
  // ("胜利街道办事处：（1）…") goes only to that unit (and to the lead units, who coordinate); a heading
  // naming no unit of the task scopes nothing.
  const names = new Set([...all.map((a) => a.u), ...existing.map((t) => t.unitName)]);
  const scopeUnit = (n: ImportNode): string | null => {
    if (n.scope === null) return null;
    const r = ctx.units.resolve(n.scope);
    return r.units.length === 1 && names.has(r.units[0]!) ? r.units[0]! : null;
  };
  const forUnit = (list: ImportNode[], u: string, lead: boolean) =>
    lead
      ? list
      : list.filter((n) => {
          const s = scopeUnit(n);
          return s === null || s === u;
        });
  const isLeadUnit = (u: string) => all.some((a) => a.u === u && a.lead) || existing.some((t) => t.unitName === u && t.isLead);
  // a unit first named on a continuation row also gets the nodes read so far
  const seed = existing[0]?.nodes ?? [];
  for (const { u, lead } of all) {
    const had = existing.some((t) => t.unitName === u);
    ctx.out.addTask({
      indicatorKey: ind.key,
      unitName: u,
      isLead: lead,
      leaderInCharge: units.leader || null,
      nodes: forUnit(had ? nodes : [...seed, ...nodes], u, isLeadUnit(u)),
      sourceRow: ind.sourceRows[ind.sourceRows.length - 1]!,
    });
  }
  // nodes of a continuation row also go to the tasks created by earlier rows
  for (const t of existing) {
    if (all.some((a) => a.u === t.unitName)) continue;
    t.nodes.push(...forUnit(nodes, t.unitName, t.isLead).map((n) => ({ ...n })));
  }
}

function makeNodes(ctx: ShapeContext, nodesText: string, dueText: string, taskName: string, row: GridRow, at: (f: string) => At): ImportNode[] {
  const { out } = ctx;
  const due = oneLine(dueText);
  const rowDue = due ? deadlinesOf(due, ctx.year) : null;
  if (due && (!rowDue || rowDue.dates.length === 0))
    out.error(coded('due.not-date', { value: due, column: '完成时限' }), `完成时限 "${due}" is not a date`, at('due'));
  const rowDate = rowDue && rowDue.dates.length > 0 ? rowDue.dates[rowDue.dates.length - 1]! : null;
  const items = splitNodeList(nodesText);
  if (items.length === 0) items.push({ ref: null, text: trimPunct(taskName), scope: null });
  const nodes: ImportNode[] = [];
  for (const it of items) {
    const d = deadlinesOf(it.text, ctx.year);
    let dates: string[];
    let rule: string;
    if (d && d.dates.length > 0) {
      dates = datesAsWritten(ctx, d, at('nodes'));
      rule = [...new Set(d.hits.map((h) => h.rule))].join('+');
      for (const h of d.hits) {
        if (h.explicitYear !== null && h.explicitYear !== ctx.year) {
          out.warn(
            coded('due.other-year', { text: h.text, year: h.explicitYear, planYear: ctx.year }),
            `deadline "${h.text}" is in ${h.explicitYear}, not the plan's year ${ctx.year}`,
            at('nodes'),
          );
        }
      }
    } else if (d) {
      out.error(
        coded('node.not-real-date', { ref: it.ref ?? '', text: d.hits[0]!.text }),
        `node ${it.ref ?? ''} "${d.hits[0]!.text}" is not a real date`,
        at('nodes'),
      );
      continue;
    } else if (rowDate) {
      dates = [rowDate];
      rule = 'row-deadline';
    } else {
      dates = [ctx.defaultDueDate];
      rule = 'default';
      out.warn(
        coded('node.no-date', { ref: it.ref ?? '', default: ctx.defaultDueDate }),
        `node ${it.ref ?? ''} has no date and 完成时限 gives none`.replace('  ', ' '),
        at('nodes'),
        `due ${ctx.defaultDueDate} (the default due date)`,
      );
    }
    const q = singleQuantity(it.text, ctx.year);
    for (const date of dates) {
      nodes.push({
        seq: 0,
        dueDate: date,
        stageTarget: it.text,
        stageValue: q?.value ?? null,
        stageUnit: q?.unit ?? null,
        requiredEvidence: null,
        sourceRow: row.row,
        ref: it.ref,
        scope: it.scope,
        dueRule: rule,
      });
    }
  }
  return nodes;
}
