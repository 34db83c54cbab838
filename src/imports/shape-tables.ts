/**
 * Two small table shapes of assessment notices (issue 14):
 *
 * `node-platform` — the departments' node-platform table (序号, 单位, 节点数, 红灯数, 得分 [, 分值]):
 * - the section is ONE indicator (key `nodes`, named after the section's title, method node_platform,
 *   docs/scoring.md: points × (nodes − red lights) / nodes); `nodeCounts` keeps every unit's figures as
 *   written; each row is one task of its unit with one node (the plan's default due date) whose stage
 *   target states the counts;
 * - a count that is not a whole number ≥ 0, or more red lights than nodes, is an error for that row;
 *   a written 得分 that differs from the formula (when 分值 is known) is a warning.
 *
 * `common-indicators` — common indicators with deduction rules (考核内容, 分值, 评分标准, 考核部门):
 * - each row is an indicator carried by every unit of the group the section is mapped to (`common`), scored
 *   by the named 考核部门 (`scoredBy`); the file names no unit, so it creates no task (the commit does);
 * - 评分标准 is read into the method where it can be (methods.ts: "每发现一次扣0.5分" → direct per
 *   occurrence, "少完成一项扣1分" → per missed item, 比例 → ratio with its cap from capAtFromText);
 *   a rule it cannot read is reported (mode assessor, a warning naming the rule);
 * - direction from the content's wording (scoring's directionFromText);
 * - an empty 类别 continues the one above (a merged cell); rows without 考核内容 and 分值 are notes.
 */
import type { ImportIndicator } from './model.js';
import { isBlankRow } from './grid.js';
import { COMMON_INDICATOR_FIELDS, isRepeatedHeader, matchHeader, NODE_PLATFORM_FIELDS } from './columns.js';
import { contentKey, methodParamsChecked, type At, type ShapeContext } from './context.js';
import { inferMethodFromCriteria } from './methods.js';
import { capAtFromText, directionFromText } from '../scoring/formula-text.js';
import { oneLine, parseNumber, rebuildLabel } from './text.js';
import { coded } from './problem-catalogue.js';

function emptyIndicator(key: string, name: string, row: number): ImportIndicator {
  return {
    key,
    itemNo: null,
    categoryPath: [],
    name,
    points: null,
    methodCode: null,
    methodName: null,
    methodParams: {},
    methodSource: null,
    methodText: null,
    targetValue: null,
    targetUnit: null,
    direction: 'higher',
    targetText: null,
    targetsByUnit: {},
    assessingUnitName: null,
    annualEvidence: null,
    basis: null,
    sourceRows: [row],
  };
}

export function parseNodePlatform(ctx: ShapeContext): void {
  const { grid, out } = ctx;
  const header = grid.rows[ctx.headerIndex]!;
  const m = matchHeader(
    header.cells.map((c) => c.value),
    NODE_PLATFORM_FIELDS,
  );
  const pos = (f: string) => m.fields.get(f)?.[0] ?? -1;
  const title = grid.rows
    .slice(0, ctx.headerIndex)
    .map((r) => oneLine(r.cells.map((c) => c.value).find((v) => v.trim() !== '') ?? ''))
    .filter((t) => t !== '' && !/^附\s*件/.test(t))
    .pop();
  const ind = emptyIndicator('nodes', title ?? '节点平台考核', header.row);
  ind.methodCode = 'node_platform';
  ind.methodName = '节点平台计分法';
  ind.methodSource = 'column';
  ind.nodeCounts = {};
  ind.sourceRows = [];
  out.addIndicator(ind);
  out.items++;
  const filled = m.texts.filter((t) => t !== '').length;
  const pointsSeen = new Set<number>();
  for (let i = ctx.headerIndex + 1; i < grid.rows.length; i++) {
    const row = grid.rows[i]!;
    if (isBlankRow(row)) {
      out.mark(i, 'blank');
      continue;
    }
    if (isRepeatedHeader(row, m.texts, Math.max(2, Math.ceil(filled * 0.6)))) {
      out.mark(i, 'repeated-header');
      continue;
    }
    const cell = (f: string) => row.cells[pos(f)];
    const text = (f: string) => oneLine(cell(f)?.value ?? '');
    const at = (f: string): At => ({ row: cell(f)?.row ?? row.row, column: cell(f)?.col ?? null, field: m.texts[pos(f)] ?? f });
    const unitText = text('unit');
    if (unitText === '' || /^(?:合计|总计|小计)$/.test(unitText.replace(/\s/g, ''))) {
      out.mark(i, 'preamble');
      if (unitText !== '') out.warn(coded('row.total', { text: unitText }), `"${unitText}" row is a total, not a unit`, at('unit'));
      else out.warn(coded('row.no-unit'), 'row without a unit name: not a task', { row: row.row });
      continue;
    }
    const count = (f: string): number | null | 'bad' => {
      const t = text(f);
      if (t === '') return null;
      const n = parseNumber(t);
      return n !== null && Number.isInteger(n) && n >= 0 ? n : 'bad';
    };
    const nodes = count('nodes');
    const red = count('red');
    const scoreText = text('score');
    const score = scoreText === '' ? null : parseNumber(scoreText);
    if (nodes === 'bad' || red === 'bad' || (scoreText !== '' && score === null)) {
      out.mark(i, 'problem');
      out.error(
        coded('platform.not-numbers', { unit: unitText }),
        `${unitText}: 节点数 / 红灯数 must be whole numbers and 得分 a number ("${text('nodes')}" / "${text('red')}" / "${scoreText}"): not imported`,
        at('nodes'),
      );
      continue;
    }
    if (nodes !== null && red !== null && red > nodes) {
      out.mark(i, 'problem');
      out.error(
        coded('platform.red-exceeds', { unit: unitText, red, nodes }),
        `${unitText}: ${red} red lights but only ${nodes} nodes: not imported`,
        at('red'),
      );
      continue;
    }
    const units = out.resolveUnit(ctx, unitText, at('unit'));
    if (units.length === 0) {
      out.mark(i, 'problem');
      continue;
    }
    const unitName = units[0]!;
    out.mark(i, 'data');
    const points = text('points') === '' ? null : parseNumber(text('points'));
    if (points !== null) pointsSeen.add(points);
    if (points !== null && nodes !== null && nodes > 0 && red !== null && score !== null) {
      const expected = Math.round(((points * (nodes - red)) / nodes) * 100) / 100;
      if (Math.abs(expected - score) > 0.011) {
        out.warn(
          coded('platform.score-differs', { unit: unitText, score, expected }),
          `${unitText}: 得分 ${score} differs from 分值 × (节点数 − 红灯数) / 节点数 = ${expected}`,
          at('score'),
        );
      }
    }
    ind.nodeCounts[unitName] = { nodes, redLights: red, score };
    ind.sourceRows.push(row.row);
    const parts = [nodes !== null ? `节点数${nodes}` : null, red !== null ? `红灯数${red}` : null, score !== null ? `得分${score}` : null].filter((x) => x);
    out.addTask({
      indicatorKey: ind.key,
      unitName,
      isLead: true,
      nodes: [
        {
          seq: 0,
          dueDate: ctx.defaultDueDate,
          stageTarget: `${ind.name}：${parts.join('，') || '按平台节点计分'}`,
          stageValue: nodes,
          stageUnit: nodes !== null ? '个' : null,
          requiredEvidence: null,
          sourceRow: row.row,
          ref: null,
          scope: null,
          dueRule: 'default',
        },
      ],
      sourceRow: row.row,
    });
  }
  if (pointsSeen.size === 1) ind.points = [...pointsSeen][0]!;
  else if (pointsSeen.size > 1)
    out.warn(
      coded('points.differ', { values: [...pointsSeen].map(String) }),
      `分值 differs between rows (${[...pointsSeen].join(', ')}): the indicator's points left empty`,
      { row: header.row },
    );
  if (ind.sourceRows.length === 0) ind.sourceRows.push(header.row);
}

export function parseCommonIndicators(ctx: ShapeContext): void {
  const { grid, out } = ctx;
  const header = grid.rows[ctx.headerIndex]!;
  const m = matchHeader(
    header.cells.map((c) => c.value),
    COMMON_INDICATOR_FIELDS,
  );
  const filled = m.texts.filter((t) => t !== '').length;
  let path: string[] = [];
  for (let i = ctx.headerIndex + 1; i < grid.rows.length; i++) {
    const row = grid.rows[i]!;
    if (isBlankRow(row)) {
      out.mark(i, 'blank');
      continue;
    }
    if (isRepeatedHeader(row, m.texts, Math.max(2, Math.ceil(filled * 0.6)))) {
      out.mark(i, 'repeated-header');
      continue;
    }
    const posOf = (f: string) => m.fields.get(f) ?? [];
    const cell = (f: string) => row.cells[posOf(f)[0] ?? -1];
    const text = (f: string) => oneLine(cell(f)?.value ?? '');
    const at = (f: string): At => ({ row: cell(f)?.row ?? row.row, column: cell(f)?.col ?? null, field: m.texts[posOf(f)[0] ?? -1] ?? f });
    const cats = posOf('category')
      .map((p) => rebuildLabel(row.cells[p]?.value ?? ''))
      .filter((c, j, a) => c !== '' && (j === 0 || c !== a[j - 1]));
    if (cats.length > 0) path = cats;
    const content = text('content');
    const pointsText = text('points');
    if (content === '' && pointsText === '') {
      out.mark(i, cats.length > 0 ? 'data' : 'preamble');
      if (cats.length === 0) out.warn(coded('row.no-content'), 'row without 考核内容 or 分值: not an indicator', { row: row.row });
      continue;
    }
    out.mark(i, 'data');
    out.items++;
    const seq = text('seq').replace(/[.、．]$/, '');
    const criteria = text('criteria');
    const key = seq !== '' ? seq : contentKey(path, content);
    if (seq === '') out.warn(coded('item.no-seq', { key }), `序号 empty; key "${key}" derived from the category and content`, at('seq'));
    const ind = emptyIndicator(key, content, row.row);
    ind.itemNo = seq || null;
    ind.categoryPath = [...path];
    ind.common = true;
    const points = pointsText === '' ? null : parseNumber(pointsText);
    if (points === null)
      out.error(
        coded('points.not-number', { indicator: seq || content.slice(0, 12), value: pointsText }),
        `indicator ${seq || content.slice(0, 12)}: 分值 "${pointsText}" is not a number`,
        at('points'),
      );
    ind.points = points;
    const dir = directionFromText(content);
    ind.direction = dir.direction;
    ind.methodText = criteria || null;
    const assessor = text('assessor').replace(/\s+/g, '');
    ind.assessingUnitName = assessor || null;
    if (assessor) ind.scoredBy = assessor;
    let code = inferMethodFromCriteria(criteria);
    if (code === null && criteria !== '') {
      code = 'direct';
      out.warn(
        coded('criteria.unreadable', { indicator: key, text: criteria.slice(0, 30) }),
        `indicator ${key}: 评分标准 names no formula the importer can read ("${criteria.slice(0, 30)}")`,
        at('criteria'),
        'method direct, points entered by the assessing body (mode assessor)',
      );
    } else if (code === null) out.error(coded('criteria.empty', { indicator: key }), `indicator ${key}: 评分标准 is empty; no scoring method`, at('criteria'));
    ind.methodCode = code;
    ind.methodSource = code ? 'criteria' : null;
    ind.methodParams = methodParamsChecked(ctx, `indicator ${key}`, key, code, criteria, { direction: dir.direction, target: null }, points, at('criteria'));
    if (code === 'ratio') {
      const cap = capAtFromText(criteria);
      if (cap.explicit) ind.methodParams = { ...ind.methodParams, capAt: cap.capAt };
    }
    out.addIndicator(ind);
  }
}
