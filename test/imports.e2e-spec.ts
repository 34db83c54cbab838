/**
 * Imports, the database half (issue 5): the three seed tables into real SQLite through the real app —
 * dry run writes nothing, commit writes through the task write path, a second import changes nothing,
 * an edited file changes only what it edits (as recorded events), a malformed file writes nothing,
 * and the counts add up. Over the service, HTTP (POST /imports) and the CLI.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HistoryService } from '../src/audit/history.service.js';
import { IntegrityService } from '../src/audit/integrity.service.js';
import { SYSTEM_ACTOR, type Actor } from '../src/common/actor.js';
import { ImportService, type ImportOptions, type ImportResult } from '../src/imports/import.service.js';
import { readCellLines } from '../src/imports/read-text.js';
import { PlansService } from '../src/plans/plans.service.js';
import { TaskCommandService } from '../src/tasks/task-commands.service.js';
import { databaseFingerprint, startTestApp, type TestApp, databaseContent } from './support/test-app.js';
import { ensureFreshCli } from './support/cli.js';

const run = promisify(execFile);
const FIXTURES = join(process.cwd(), 'test/fixtures/imports');
const NODE_TABLE = 'node-table.2020-panshan.tsv';
const WORK_REPORT = 'work-report.2023-shuangtaizi.part1.txt';
const UNIT_MATRIX = 'unit-matrix.2019-towns.excerpt.txt';
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

let t: TestApp;
let imports: ImportService;
let supervisorAuth: string;
const supervisor: Actor = { userId: 'sup-1', role: 'supervisor', unitId: null, username: 'sup' };

const importFile = (name: string, bytes: Buffer, opts: ImportOptions, actor: Actor = SYSTEM_ACTOR) => imports.run({ name, bytes }, opts, actor);
const q = async <T>(sql: string, ...args: unknown[]) => (await t.db.all(sql, ...args)) as T[];
const one = async <T>(sql: string, ...args: unknown[]) => (await t.db.one(sql, ...args)) as T;
const count = async (sql: string, ...args: unknown[]) => (await one<{ n: number }>(sql, ...args)).n;

/** Every row of every table, as one comparable value (content equivalence, byte for byte). */
const everything = () => databaseContent(t.db);

async function createPlan(id: string, year: number): Promise<void> {
  await t.app.get(PlansService).create({ id, year, name: `${id} 考核方案` });
}

/** The counts of an import add up: to the file's rows, and its tasks/nodes/indicators to the actions taken. */
function expectCountsAddUp(r: ImportResult): void {
  const pc = r.parse.counts;
  expect(pc.headerRows + pc.skippedHeaderRows + pc.dataRows + pc.continuationRows + pc.blankRows + pc.preambleRows + pc.problemRows).toBe(pc.rows);
  const c = r.counts;
  expect(c.indicators.create + c.indicators.update + c.indicators.unchanged).toBe(pc.indicators);
  expect(c.tasks.create + c.tasks.revise + c.tasks.unchanged + c.tasks.refused).toBe(pc.tasks);
  expect(c.nodes.create + c.nodes.revise + c.nodes.unchanged + c.nodes.refused).toBe(pc.nodes);
  expect(Object.values(pc.perUnit).reduce((n, u) => n + u.tasks, 0)).toBe(pc.tasks);
  expect(Object.values(pc.perUnit).reduce((n, u) => n + u.nodes, 0)).toBe(pc.nodes);
  expect(r.errors).toBe(r.parse.counts.errors + r.problems.filter((p) => p.severity === 'error').length);
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  imports = t.app.get(ImportService);
  await t.createUser('admin', 'admin');
  supervisorAuth = await t.createUser('sup', 'supervisor');
});
afterAll(async () => t?.close());

describe('node table (2020 盘山县, 133 items)', () => {
  let dry: ImportResult;
  let committed: ImportResult;
  // Imported while the year runs (machine v2 lights every past-due node red at creation, and a red node cannot be removed by a revision).
  beforeAll(async () => {
    t.clock.set('2020-01-06T02:00:00.000Z');
    await createPlan('p-node', 2020);
  });

  it('a dry run reports the unknown units as errors and writes nothing', async () => {
    const before = await everything();
    dry = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-node' });
    expect(dry).toMatchObject({ mode: 'dry-run', outcome: 'dry-run', runId: null, shape: 'node-table' });
    expect(dry.refusal).toMatch(/error/);
    expect(
      dry.parse.problems
        .filter((p) => p.severity === 'error')
        .map((p) => p.reason)
        .join('\n'),
    ).toMatch(/unknown unit "县发改局"/);
    expect(await everything()).toBe(before);
  });

  it('a commit of that report is refused and writes nothing', async () => {
    const before = await everything();
    const r = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-node', commit: true });
    expect(r).toMatchObject({ outcome: 'refused', runId: null });
    expect(await everything()).toBe(before);
  });

  it('a dry run with createUnits lists the units, indicators and tasks it would create, and writes nothing', async () => {
    const before = await everything();
    dry = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-node', createUnits: true });
    expect(dry.refusal).toBeNull();
    expect(dry.counts).toMatchObject({
      indicators: { create: 141, update: 0, unchanged: 0 },
      tasks: { create: 141, revise: 0, unchanged: 0, refused: 0 },
      nodes: { create: 142 },
      events: 141,
    });
    expect(dry.counts.units.create).toBeGreaterThanOrEqual(23);
    expectCountsAddUp(dry);
    expect(await everything()).toBe(before);
  });

  it('commits all 133 items (141 scored rows) with their points, methods and deadlines in one run', async () => {
    committed = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-node', createUnits: true, commit: true }, supervisor);
    expect(committed).toMatchObject({ outcome: 'committed', errors: 0 });
    expect(committed.counts).toEqual({ ...dry.counts });
    expectCountsAddUp(committed);
    const inds = await q<{ code: string; points: number; method_code: string }>(`SELECT code, points, method_code FROM indicators WHERE plan_id = 'p-node'`);
    expect(inds).toHaveLength(141);
    expect(new Set(inds.map((i) => i.code.split('-')[0])).size).toBe(133);
    expect(inds.every((i) => i.points > 0 && ['ratio', 'direct', 'all_or_nothing'].includes(i.method_code))).toBe(true);
    expect(await one(`SELECT points, method_code FROM indicators WHERE plan_id = 'p-node' AND code = '33-2'`)).toEqual({
      points: 2.5,
      method_code: 'all_or_nothing',
    });
    const dates = await q<{ due_date: string }>(`SELECT n.due_date FROM nodes n JOIN tasks t ON t.id = n.task_id WHERE t.plan_id = 'p-node'`);
    expect(dates).toHaveLength(142);
    expect(dates.every((d) => /^2020-\d\d-\d\d$/.test(d.due_date))).toBe(true);
    expect(await count(`SELECT count(*) AS n FROM import_runs WHERE plan_id = 'p-node'`)).toBe(1);
  });

  it('creates one unit per canonical name and keeps the file’s other spellings as its aliases (县市局, 县市场局 → 县市场监管局)', async () => {
    expect(await one(`SELECT kind, aliases FROM units WHERE name = '县市场监管局'`)).toEqual({ kind: 'department', aliases: '["县市局","县市场局"]' });
    expect(await count(`SELECT count(*) AS n FROM units WHERE name = '县市场局'`)).toBe(0);
  });

  it('reports the repaired shifted row (66) and the node text in the date column (107), dropping no row', async () => {
    const warnings = committed.parse.problems.filter((p) => p.severity === 'warning');
    expect(warnings).toContainEqual(expect.objectContaining({ row: 66, repaired: expect.stringContaining('realigned') }));
    expect(warnings).toContainEqual(expect.objectContaining({ row: 107, field: '计划完成时间', repaired: expect.stringContaining('2020-06-30') }));
    expect(committed.parse.counts.problemRows).toBe(0);
    const shifted = await one<{ id: string }>(
      `SELECT t.id FROM tasks t JOIN indicators i ON i.id = t.indicator_id WHERE i.plan_id = 'p-node' AND i.code = '33-2'`,
    );
    expect(await one(`SELECT due_date, required_evidence FROM nodes WHERE task_id = ?`, shifted.id)).toEqual({
      due_date: '2020-05-30',
      required_evidence: '“规升巨”企业培育库',
    });
  });

  it('starts every task’s history with task.created through the write path, naming the import run; the chains verify', async () => {
    const firsts = await q<{ type: string; payload: string; actor_role: string }>(
      `SELECT e.type, e.payload, e.actor_role FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = 'p-node' AND e.seq = 1`,
    );
    expect(firsts).toHaveLength(141);
    for (const e of firsts) {
      expect(e.type).toBe('task.created');
      expect(e.actor_role).toBe('supervisor');
      expect(JSON.parse(e.payload).data.source).toMatchObject({ importRun: committed.runId });
    }
    expect(await count(`SELECT count(*) AS n FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = 'p-node'`)).toBe(141);
    expect((await t.app.get(IntegrityService).verify({ replay: true })).ok).toBe(true);
  });

  it('records each structure change of the run (units, indicators, tasks) in import_changes', async () => {
    const kinds = await q<{ kind: string; n: number }>(
      `SELECT kind, count(*) AS n FROM import_changes WHERE run_id = ? GROUP BY kind ORDER BY kind`,
      committed.runId,
    );
    expect(kinds).toEqual([
      { kind: 'indicator.created', n: 141 },
      { kind: 'task.created', n: 141 },
      { kind: 'unit.created', n: committed.counts.units.create },
    ]);
  });

  it('importing the same file again writes nothing: the database stays byte-for-byte the same', async () => {
    t.clock.advance(3_600_000);
    const before = await everything();
    const again = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-node', commit: true, createUnits: true }, supervisor);
    expect(again).toMatchObject({ outcome: 'unchanged', runId: null });
    expect(again.counts).toMatchObject({
      indicators: { create: 0, update: 0, unchanged: 141 },
      tasks: { create: 0, revise: 0, unchanged: 141 },
      events: 0,
      units: { create: 0 },
    });
    expectCountsAddUp(again);
    expect(await everything()).toBe(before);
  });
});

describe('an edited node table: only what changed, as recorded events', () => {
  const lines = () => fixture(NODE_TABLE).toString('utf8').split('\n');
  const cell = (line: string, col: number, value: string) => {
    const cells = line.split('\t');
    cells[col - 1] = value;
    return cells.join('\t');
  };
  let edited: Buffer;
  let result: ImportResult;
  const revisedNodes35 = async () => {
    const row = await one<{ after: string }>(`SELECT after FROM import_changes WHERE kind = 'task.revised' AND item_key LIKE '35@%' ORDER BY id DESC LIMIT 1`);
    const { changed, added, removed } = JSON.parse(row.after) as { changed: number[]; added: number[]; removed: number[] };
    return { changed, added, removed };
  };
  const taskOf = (code: string) =>
    one<{ id: string; version: number }>(
      `SELECT t.id, t.version FROM tasks t JOIN indicators i ON i.id = t.indicator_id WHERE i.plan_id = 'p-node' AND i.code = ?`,
      code,
    );

  beforeAll(() => {
    const l = lines();
    const at = (item: string) => l.findIndex((x) => x.startsWith(`${item}\t`));
    l[at('1')] = cell(l[at('1')]!, 7, '25'); // item 1: 分值 20 → 25 (structure)
    l[at('3')] = cell(l[at('3')]!, 5, '2020-7-31'); // item 3: node due 6-30 → 7-31 (task event)
    l[at('4')] = cell(l[at('4')]!, 6, '统计月报（盖章）'); // item 4: required evidence reworded (task event)
    l.splice(at('35') + 1, 1); // item 35: its second node (a continuation row) removed (task event)
    edited = Buffer.from(l.join('\n'));
  });

  it('a dry run lists exactly the edits and writes nothing', async () => {
    const before = await everything();
    const dry = await importFile('edited.tsv', edited, { planId: 'p-node' }, supervisor);
    expect(dry.counts).toMatchObject({ indicators: { update: 1, create: 0 }, tasks: { revise: 3, create: 0, refused: 0 }, events: 3 });
    expect(dry.changes.map((c) => [c.kind, c.key])).toEqual([
      ['indicator.updated', '1'],
      [
        'task.revised',
        `3@${(await q<{ name: string }>(`SELECT u.name FROM tasks t JOIN units u ON u.id = t.unit_id WHERE t.id = ?`, (await taskOf('3')).id))[0]!.name}`,
      ],
      ['task.revised', expect.stringMatching(/^4@/)],
      ['task.revised', expect.stringMatching(/^35@/)],
    ]);
    expect(await everything()).toBe(before);
  });

  it('commits one indicator.updated change with before/after and one task.revise event per edited task; nothing else moves', async () => {
    const untouched = await taskOf('5');
    const eventsBefore = await count('SELECT count(*) AS n FROM task_events');
    const t3 = await taskOf('3');
    result = await importFile('edited.tsv', edited, { planId: 'p-node', commit: true }, supervisor);
    expect(result.outcome).toBe('committed');
    expect(await count('SELECT count(*) AS n FROM task_events')).toBe(eventsBefore + 3);
    expect(await q(`SELECT seq, due_date FROM nodes WHERE task_id = ? ORDER BY seq`, (await taskOf('35')).id)).toEqual([{ seq: 1, due_date: '2020-06-30' }]);
    expect(await revisedNodes35()).toEqual({ changed: [], added: [], removed: [2] });
    const change = await one<{ before: string; after: string }>(
      `SELECT before, after FROM import_changes WHERE run_id = ? AND kind = 'indicator.updated'`,
      result.runId,
    );
    expect(JSON.parse(change.before)).toEqual({ points: 20 });
    expect(JSON.parse(change.after)).toEqual({ points: 25 });
    expect(await one(`SELECT points FROM indicators WHERE plan_id = 'p-node' AND code = '1'`)).toEqual({ points: 25 });
    const revised = await q<{ seq: number; type: string; payload: string }>(`SELECT seq, type, payload FROM task_events WHERE task_id = ? ORDER BY seq`, t3.id);
    expect(revised.map((e) => e.type)).toEqual(['task.created', 'task.revise']);
    expect(JSON.parse(revised[1]!.payload).data.nodes[0]).toMatchObject({ seq: 1, dueAt: '2020-07-31T15:59:59.000Z' });
    expect(await one(`SELECT due_date, due_at FROM nodes WHERE task_id = ?`, t3.id)).toEqual({ due_date: '2020-07-31', due_at: '2020-07-31T15:59:59.000Z' });
    expect(await taskOf('5')).toEqual(untouched);
    expect(await one(`SELECT task_seq FROM import_changes WHERE run_id = ? AND subject_id = ?`, result.runId, t3.id)).toEqual({ task_seq: 2 });
  });

  it('keeps the revised histories replayable and the hash chains intact', async () => {
    const history = t.app.get(HistoryService);
    for (const code of ['3', '4', '35']) expect((await history.replay((await taskOf(code)).id, SYSTEM_ACTOR)).ok).toBe(true);
    expect((await t.app.get(IntegrityService).verify({ replay: true })).ok).toBe(true);
  });

  it('re-importing the edited file writes nothing more', async () => {
    const before = await everything();
    const again = await importFile('edited.tsv', edited, { planId: 'p-node', commit: true }, supervisor);
    expect(again.outcome).toBe('unchanged');
    expect(await everything()).toBe(before);
  });

  it('refuses to change a node that was approved, writes nothing, and says which task and why', async () => {
    const t3 = await taskOf('3');
    const commands = t.app.get(TaskCommandService);
    const { unit_id: unitId, assessing_unit_id: assessorId } = await one<{ unit_id: string; assessing_unit_id: string }>(
      'SELECT t.unit_id, i.assessing_unit_id FROM tasks t JOIN indicators i ON i.id = t.indicator_id WHERE t.id = ?',
      t3.id,
    );
    const at = t.clock.nowIso();
    await commands.apply(t3.id, { type: 'task.acknowledge', at }, { userId: 'd', role: 'department', unitId });
    await commands.apply(t3.id, { type: 'evidence.submit', at, nodeSeq: 1, note: '已完成' }, { userId: 'd', role: 'department', unitId });
    await commands.apply(t3.id, { type: 'evidence.approve', at, nodeSeq: 1 }, { userId: 'a', role: 'assessor', unitId: assessorId });
    // back to the original file: item 3's (approved) node moves back to 6-30, item 1's points back to 20
    const before = await everything();
    const r = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-node', commit: true }, supervisor);
    expect(r.outcome).toBe('refused');
    expect(r.counts.tasks.refused).toBe(1);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ severity: 'error', reason: expect.stringMatching(/^task 3@.*refused — the task is completed/) }),
    );
    expect(await everything()).toBe(before);
  });

  it('with allowErrors commits the rest and skips (reports) the refused task', async () => {
    const r = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-node', commit: true, allowErrors: true }, supervisor);
    expect(r.outcome).toBe('committed');
    expect(r.counts).toMatchObject({ indicators: { update: 1 }, tasks: { revise: 2, refused: 1 } });
    expect(await q(`SELECT seq, due_date FROM nodes WHERE task_id = ? ORDER BY seq`, (await taskOf('35')).id)).toEqual([
      { seq: 1, due_date: '2020-06-30' },
      { seq: 2, due_date: '2020-09-30' },
    ]);
    expect(await one(`SELECT points FROM indicators WHERE plan_id = 'p-node' AND code = '1'`)).toEqual({ points: 20 });
    expect(await one(`SELECT due_date FROM nodes WHERE task_id = ?`, (await taskOf('3')).id)).toEqual({ due_date: '2020-07-31' });
  });
});

describe('work report (2023 双台子区, tasks 1–52)', () => {
  beforeAll(() => t.clock.set('2026-03-02T02:00:00.000Z'));
  let r: ImportResult;
  beforeAll(async () => {
    await createPlan('p-work', 2023);
    r = await importFile(WORK_REPORT, fixture(WORK_REPORT), { planId: 'p-work', createUnits: true, commit: true });
  });

  it('imports 52 indicators and every task and node it read, dated in 2023, counts adding up', async () => {
    expect(r).toMatchObject({ outcome: 'committed', errors: 0 });
    expect(r.counts).toMatchObject({ indicators: { create: 52 }, tasks: { create: r.parse.counts.tasks }, nodes: { create: r.parse.counts.nodes } });
    expectCountsAddUp(r);
    expect(await count(`SELECT count(*) AS n FROM tasks WHERE plan_id = 'p-work'`)).toBe(r.parse.counts.tasks);
    expect(await count(`SELECT count(*) AS n FROM nodes n JOIN tasks t ON t.id = n.task_id WHERE t.plan_id = 'p-work'`)).toBe(r.parse.counts.nodes);
    expect(
      (await q(`SELECT code FROM indicators WHERE plan_id = 'p-work'`)).map((x) => (x as { code: string }).code).sort((a, b) => Number(a) - Number(b)),
    ).toEqual(Array.from({ length: 52 }, (_, i) => String(i + 1)));
    const dates = await q<{ due_date: string }>(`SELECT n.due_date FROM nodes n JOIN tasks t ON t.id = n.task_id WHERE t.plan_id = 'p-work'`);
    expect(dates).toHaveLength(r.parse.counts.nodes);
    expect(dates.every((d) => d.due_date.startsWith('2023-'))).toBe(true);
  });

  it('expands "各街镇" to the towns the database knows once the file’s own towns are created (186 named tasks + 24 expanded)', async () => {
    const collective = r.parse.unitNames.filter((u) => u.rule === 'collective');
    expect(collective.map((u) => u.raw)).toContain('各街镇');
    expect(collective.find((u) => u.raw === '各街镇')!.units.sort()).toEqual(['双盛街道办事处', '统一镇', '辽河街道办事处', '陆家镇'].sort());
    expect(r.parse.counts.tasks).toBe(210);
  });

  it('gives task 1 its quarterly nodes with their stage target text, its lead unit, responsible units and leader in charge', async () => {
    const tasks = await q<{ id: string; name: string; is_lead: number; payload: string }>(
      `SELECT t.id, u.name, t.is_lead, e.payload FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id
       JOIN task_events e ON e.task_id = t.id AND e.seq = 1 WHERE i.plan_id = 'p-work' AND i.code = '1' ORDER BY t.is_lead DESC, u.name`,
    );
    // the database already holds 县工信局, 市商务局 … (the plans above): "工信局" is matched to
    // them by the prefix rule (units.ts rule 7, issue 14) instead of becoming a second unit
    const bare = (n: string) => n.replace(/^[县市区]/, '');
    expect(tasks[0]).toMatchObject({ is_lead: 1 });
    expect(bare(tasks[0]!.name)).toBe('发改局');
    expect(tasks.map((x) => bare(x.name))).toEqual(expect.arrayContaining(['开发区管委会', '工信局', '商务局', '住建局', '农业农村局']));
    expect(tasks.filter((x) => x.is_lead === 1)).toHaveLength(1);
    for (const x of tasks) expect(JSON.parse(x.payload).data.source.leaderInCharge).toBe('祝美娟');
    expect(await q(`SELECT seq, due_date, stage_target FROM nodes WHERE task_id = ? ORDER BY seq`, tasks[0]!.id)).toEqual([
      { seq: 1, due_date: '2023-03-31', stage_target: '3月底前，地区生产总值实现正增长' },
      { seq: 2, due_date: '2023-06-30', stage_target: '6月底前，地区生产总值增长2%' },
      expect.objectContaining({ seq: 3, due_date: '2023-09-30' }),
      expect.objectContaining({ seq: 4, due_date: '2023-12-31' }),
    ]);
  });

  it('stores the indicators without points or method in the file with the documented defaults, and says so', async () => {
    expect(await one(`SELECT count(*) AS n FROM indicators WHERE plan_id = 'p-work' AND points = 0 AND method_code = 'node_platform'`)).toEqual({ n: 52 });
    expect(r.problems).toContainEqual(expect.objectContaining({ severity: 'warning', reason: expect.stringMatching(/^52 indicator\(s\) have no points/) }));
  });

  it('records a changed leader in charge as a task.details change, without a task event', async () => {
    const text = fixture(WORK_REPORT).toString('utf8').replace('祝美娟', '祝美娟\n王  强');
    const eventsBefore = await count('SELECT count(*) AS n FROM task_events');
    const e = await importFile('edited.txt', Buffer.from(text), { planId: 'p-work', commit: true });
    expect(e.outcome).toBe('committed');
    expect(e.counts.details).toBeGreaterThan(0);
    expect(e.counts.events).toBe(0);
    expect(await count('SELECT count(*) AS n FROM task_events')).toBe(eventsBefore);
    const ch = await q<{ before: string; after: string }>(`SELECT before, after FROM import_changes WHERE run_id = ? AND kind = 'task.details'`, e.runId);
    expect(ch.length).toBe(e.counts.details);
    expect(JSON.parse(ch[0]!.before)).toEqual({ leaderInCharge: '祝美娟' });
    expect(JSON.parse(ch[0]!.after)).toEqual({ leaderInCharge: '祝美娟、王强' });
  });
});

describe('unit matrix (2019 towns): text and a generated .xlsx with merged cells', () => {
  let text: ImportResult;
  let xlsx: ImportResult;

  async function matrixXlsx(): Promise<Buffer> {
    const grid = readCellLines(fixture(UNIT_MATRIX).toString('utf8'));
    const [, , header, towns, ...data] = grid.rows;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('指标');
    ws.getCell('A1').value = '附件1：';
    ws.getCell('A2').value = '2019年度各镇（街道）业务工作考核指标细则表';
    ws.mergeCells('A2:T2');
    const h = header!.cells.map((c) => c.value);
    const spans: Array<[number, number, number, number, string]> = [
      [3, 1, 4, 1, h[0]!],
      [3, 2, 4, 3, h[1]!],
      [3, 4, 4, 4, h[2]!],
      [3, 5, 4, 5, h[3]!],
      [3, 6, 3, 18, h[4]!],
      [3, 19, 4, 19, h[5]!],
      [3, 20, 4, 20, h[6]!],
    ];
    for (const [top, left, bottom, right, v] of spans) {
      ws.getCell(top, left).value = v;
      ws.mergeCells(top, left, bottom, right);
    }
    const put = (row: number, col: number, v: string) => {
      if (v !== '') ws.getCell(row, col).value = v;
    };
    towns!.cells.filter((c) => c.value.trim() !== '').forEach((c, k) => put(4, 6 + k, c.value));
    data.forEach((row, k) => row.cells.forEach((c, j) => put(5 + k, j + 1, c.value.trim())));
    ws.mergeCells(5, 2, 9, 2); // category labels merged down over the five indicators
    ws.mergeCells(5, 3, 9, 3);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /** What the plan holds, without ids, timestamps and source row numbers. */
  async function planContent(planId: string): Promise<unknown> {
    const inds = await q(
      `SELECT code, category_path, name, points, method_code, method_params, target_value, target_unit, direction, target_text, assessing_unit_id
                    FROM indicators WHERE plan_id = ? ORDER BY code`,
      planId,
    );
    const tasks = await Promise.all(
      (
        await q<{ id: string; code: string; unit: string; is_lead: number; state: string; light: string; snapshot: string; payload: string }>(
          `SELECT t.id, i.code, u.name AS unit, t.is_lead, t.state, t.light, t.snapshot, e.payload FROM tasks t JOIN indicators i ON i.id = t.indicator_id
       JOIN units u ON u.id = t.unit_id JOIN task_events e ON e.task_id = t.id AND e.seq = 1 WHERE t.plan_id = ? ORDER BY i.code, u.name`,
          planId,
        )
      ).map(async ({ id, payload, ...rest }) => {
        const data = JSON.parse(payload).data;
        const { importRun: _r, sourceRows: _s, ...source } = data.source;
        return {
          ...rest,
          input: data.input,
          source,
          nodes: await q(`SELECT seq, due_date, due_at, warn_at, stage_target, stage_value, required_evidence FROM nodes WHERE task_id = ? ORDER BY seq`, id),
        };
      }),
    );
    return { inds, tasks };
  }

  beforeAll(async () => {
    await createPlan('p-matrix-text', 2019);
    await createPlan('p-matrix-xlsx', 2019);
    text = await importFile(UNIT_MATRIX, fixture(UNIT_MATRIX), { planId: 'p-matrix-text', createUnits: true, commit: true });
    xlsx = await importFile('matrix.xlsx', await matrixXlsx(), { planId: 'p-matrix-xlsx', createUnits: true, commit: true });
  });

  it('imports 5 indicators × 13 towns = 65 tasks, each with its town’s own target', async () => {
    expect(text).toMatchObject({ outcome: 'committed', errors: 0 });
    expect(text.counts).toMatchObject({ indicators: { create: 5 }, tasks: { create: 65 }, nodes: { create: 65 } });
    expectCountsAddUp(text);
    const t1 = await q<{ unit: string; stage_value: number; payload: string }>(
      `SELECT u.name AS unit, n.stage_value, e.payload FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id
       JOIN nodes n ON n.task_id = t.id JOIN task_events e ON e.task_id = t.id AND e.seq = 1 WHERE t.plan_id = 'p-matrix-text' AND i.code = '1'`,
    );
    expect(t1).toHaveLength(13);
    const byTown = Object.fromEntries(t1.map((x) => [x.unit, { value: x.stage_value, target: JSON.parse(x.payload).data.source.unitTarget }]));
    expect(byTown['太平街道']).toEqual({ value: 3, target: { value: 3, unit: '亿元', text: '3.00' } });
    expect(byTown['甜水镇']).toEqual({ value: 4.19, target: { value: 4.19, unit: '亿元', text: '4.19' } });
    expect(await q(`SELECT kind FROM units WHERE name IN ('太平街道', '胡家镇')`)).toEqual([{ kind: 'town' }, { kind: 'town' }]);
  });

  it('the .xlsx with merged cells imports the same content as the text form', async () => {
    expect(xlsx).toMatchObject({ outcome: 'committed', errors: 0, shape: 'unit-matrix' });
    expect(xlsx.counts).toEqual({ ...text.counts, units: { create: 0, known: 13 } });
    expect(await planContent('p-matrix-xlsx')).toEqual(await planContent('p-matrix-text'));
  });

  it('refuses a file of another shape into a plan already imported from a unit matrix', async () => {
    const before = await everything();
    const r = await importFile(NODE_TABLE, fixture(NODE_TABLE), { planId: 'p-matrix-text', commit: true, allowErrors: true });
    expect(r.outcome).toBe('refused');
    expect(r.refusal).toMatch(/imported from a unit-matrix table; this file is a node-table/);
    expect(await everything()).toBe(before);
  });
});

describe('a malformed file', () => {
  it('writes nothing and says why (commit refused)', async () => {
    await createPlan('p-bad', 2020);
    const before = await everything();
    const bad = Buffer.from('这不是一张表\n只有两行文字\n');
    const r = await importFile('bad.txt', bad, { planId: 'p-bad', commit: true });
    expect(r).toMatchObject({ outcome: 'refused', shape: null, runId: null });
    expect(r.refusal).toMatch(/could not be read: no header of a known table shape/);
    expect(r.parse.counts.errors).toBeGreaterThan(0);
    expect(await everything()).toBe(before);
  });

  it('a truncated .xlsx writes nothing and says why', async () => {
    const before = await everything();
    const r = await importFile('broken.xlsx', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64)]), { planId: 'p-bad', commit: true });
    expect(r.outcome).toBe('refused');
    expect(r.parse.problems[0]).toMatchObject({ severity: 'error', row: null });
    expect(await everything()).toBe(before);
  });
});

describe('POST /imports', () => {
  const post = (auth: string, fields: Record<string, string>, file: Buffer | null, name = UNIT_MATRIX) => {
    let req = t.http().post('/imports').set('authorization', auth);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    if (file) req = req.attach('file', file, name);
    return req;
  };
  beforeAll(async () => await createPlan('p-http', 2019));

  it('answers a dry run with the report and writes nothing (supervisor)', async () => {
    const before = await databaseFingerprint(t.db);
    const res = await post(supervisorAuth, { plan: 'p-http' }, fixture(UNIT_MATRIX));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'dry-run', shape: 'unit-matrix', counts: { tasks: { create: 65 } } });
    expect(res.body.parse.counts.perUnit['太平街道']).toEqual({ tasks: 5, nodes: 5 });
    expect(await databaseFingerprint(t.db)).toBe(before);
  });

  it('commits and records the user as the actor of each task.created', async () => {
    const res = await post(supervisorAuth, { plan: 'p-http', commit: 'true' }, fixture(UNIT_MATRIX));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'committed', counts: { events: 65 } });
    const roles = await q<{ actor_role: string; actor_user_id: string }>(
      `SELECT DISTINCT e.actor_role, e.actor_user_id FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE t.plan_id = 'p-http'`,
    );
    expect(roles).toHaveLength(1);
    expect(roles[0]!.actor_role).toBe('supervisor');
  });

  it('refuses an admin’s edited file that would revise tasks (task.revise is for supervisors), naming the role; writes nothing', async () => {
    const admin = await t.login('admin');
    const edited = Buffer.from(fixture(UNIT_MATRIX).toString('utf8').replace('\t3.00', '\t3.50'));
    const before = await everything();
    const res = await post(admin, { plan: 'p-http', commit: 'true' }, edited);
    expect(res.status).toBe(422);
    expect(res.body.details.report.counts.tasks).toMatchObject({ refused: 1, unchanged: 64 });
    expect(res.body.details.report.problems).toContainEqual(
      expect.objectContaining({ reason: expect.stringContaining('role admin may not send task.revise') }),
    );
    expect(await everything()).toBe(before);
    const bySupervisor = await post(supervisorAuth, { plan: 'p-http', commit: 'true' }, edited);
    expect(bySupervisor.body).toMatchObject({ outcome: 'committed', counts: { tasks: { revise: 1 }, events: 1 } });
  });

  it('does not take task.revise on POST /tasks/{id}/events (revisions come from imports)', async () => {
    const id = (await one<{ id: string }>(`SELECT id FROM tasks WHERE plan_id = 'p-http' LIMIT 1`)).id;
    const res = await t.http().post(`/tasks/${id}/events`).set('authorization', supervisorAuth).send({ type: 'task.revise', expectedVersion: 1, payload: {} });
    expect(res.status).toBe(400);
  });

  it('refuses a malformed file with 422 IMPORT_REFUSED, the report in details, and writes nothing', async () => {
    const before = await everything();
    const res = await post(supervisorAuth, { plan: 'p-http', commit: 'true' }, Buffer.from('a\tb\n'), 'bad.tsv');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'IMPORT_REFUSED', details: { report: { outcome: 'refused', shape: null } } });
    expect(await everything()).toBe(before);
  });

  it('is for supervisors and admins only; needs a file and a known plan; refuses unknown fields', async () => {
    const dept = await t.createUser('dept', 'department', (await q<{ id: string }>(`SELECT id FROM units LIMIT 1`))[0]!.id);
    expect((await post(dept, { plan: 'p-http' }, fixture(UNIT_MATRIX))).status).toBe(403);
    expect((await post(supervisorAuth, { plan: 'p-http' }, null)).status).toBe(400);
    expect((await post(supervisorAuth, { plan: 'nope' }, fixture(UNIT_MATRIX))).status).toBe(404);
    expect((await post(supervisorAuth, { plan: 'p-http', color: 'red' }, fixture(UNIT_MATRIX))).status).toBe(400);
  });
});

describe('CLI: npm run cli -- import', () => {
  const env = () => ({ ...process.env, ...t.env });
  const cli = (...args: string[]) =>
    run(process.execPath, [ensureFreshCli(), 'import', ...args], { env: env() }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('dry-runs (exit 0, JSON report), then commits, then finds nothing to change', async () => {
    await createPlan('p-cli', 2019);
    const file = join(t.dataDir, 'matrix.txt');
    writeFileSync(file, fixture(UNIT_MATRIX));
    const dry = await cli(file, '--plan', 'p-cli', '--json');
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ outcome: 'dry-run', counts: { tasks: { create: 65 } } });
    expect(await count(`SELECT count(*) AS n FROM tasks WHERE plan_id = 'p-cli'`)).toBe(0);
    const commit = await cli(file, '--plan', 'p-cli', '--commit');
    expect(commit.code).toBe(0);
    expect(commit.stdout).toMatch(/COMMITTED/);
    expect(commit.stdout).toMatch(/Tasks: +65 new \+ 0 revised \+ 0 unchanged \+ 0 refused = 65/);
    expect(commit.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const again = await cli(file, '--plan', 'p-cli', '--commit');
    expect(again.stdout).toMatch(/NOTHING TO CHANGE/);
  }, 60_000);

  it('exits 1 and prints why when a commit is refused', async () => {
    const file = join(t.dataDir, 'bad.txt');
    writeFileSync(file, 'nothing to see\n');
    const r = await cli(file, '--plan', 'p-cli', '--commit');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/REFUSED/);
    expect(r.stderr).toMatch(/refused, nothing written/);
  }, 60_000);
});
