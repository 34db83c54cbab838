/**
 * Issue 14 items 1 and 8 over HTTP: sections mapped to plan groups in the commit (an existing group, or a
 * group the import creates) in the same transaction; the mapping validated naming its field, nothing
 * written; a unit already in another group is an error of the report; expandRecurring as a form field;
 * every problem with a code and a Chinese message; the plan's runs and one run's changes, paginated.
 * Through the Db seam: runs on SQLite and on PostgreSQL (E2E_DB=postgres).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PlansService } from '../src/plans/plans.service.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from './support/cli.js';
import { toDocx } from './support/documents.js';
import { twoSectionNotice, workReport } from './support/import-documents.js';
import { databaseContent, startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let auth: string;
let doc: Buffer;
let parksGroup: string;
const everything = () => databaseContent(t.db);
const q = async <T>(sql: string, ...args: unknown[]) => (await t.db.all(sql, ...args)) as T[];

const post = (fields: Record<string, string>, file: Buffer, name = 'notice.docx') => {
  let req = t.http().post('/imports').set('authorization', auth);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', file, name);
};

beforeAll(async () => {
  t = await startTestApp({ now: '2024-01-10T02:00:00.000Z' });
  auth = await t.createUser('sup', 'supervisor');
  const plans = t.app.get(PlansService);
  for (const id of ['p-g', 'p-other', 'p-wr', 'p-cli']) await plans.create({ id, year: 2024, name: `${id} 考核方案` });
  parksGroup = (await plans.createGroup('p-g', { name: '园区组', kind: 'park' })).id;
  doc = await toDocx(twoSectionNotice());
});
afterAll(async () => t?.close());

describe('sections mapped to groups', () => {
  const groups = () => JSON.stringify({ 附件1: { name: '镇街组', kind: 'town' }, 附件2: parksGroup });

  it('a dry run reports the group it would create and the members each group gains, in Chinese, and writes nothing', async () => {
    const before = await everything();
    const res = await post({ plan: 'p-g', createUnits: 'true', groups: groups() }, doc);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'dry-run', refusal: null, counts: { groups: { create: 1, members: 5 } } });
    expect(res.body.parse.sections.map((s: { key: string; shape: string }) => [s.key, s.shape])).toEqual([
      ['附件1', 'unit-matrix'],
      ['附件2', 'unit-matrix'],
    ]);
    const members = res.body.changes
      .filter((c: { kind: string }) => c.kind === 'group.member')
      .map((c: { key: string }) => c.key)
      .sort();
    expect(members).toEqual(['园区组/经济开发区', '园区组/高新区', '镇街组/太平街道', '镇街组/甜水镇', '镇街组/胡家镇'].sort());
    for (const p of [...res.body.parse.problems, ...res.body.problems]) {
      expect(p).toMatchObject({ code: expect.any(String), message: expect.stringMatching(/[\u4e00-\u9fff]/) });
      expect(p.message).not.toMatch(/[A-Za-z]{4,}/);
    }
    expect(await everything()).toBe(before);
  });

  it('the commit creates the group and adds the members in the same transaction, recorded as changes of the run', async () => {
    const res = await post({ plan: 'p-g', createUnits: 'true', commit: 'true', groups: groups() }, doc);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'committed', errors: 0, counts: { groups: { create: 1, members: 5 } } });
    const rows = await q<{ g: string; kind: string; u: string }>(
      `SELECT g.name AS g, g.kind, u.name AS u FROM group_members m JOIN plan_groups g ON g.id = m.group_id JOIN units u ON u.id = m.unit_id
        WHERE g.plan_id = 'p-g' ORDER BY g.name, u.name`,
    );
    expect(rows).toEqual([
      { g: '园区组', kind: 'park', u: '经济开发区' },
      { g: '园区组', kind: 'park', u: '高新区' },
      { g: '镇街组', kind: 'town', u: '太平街道' },
      { g: '镇街组', kind: 'town', u: '甜水镇' },
      { g: '镇街组', kind: 'town', u: '胡家镇' },
    ]);
    const kinds = await q<{ kind: string; n: number }>(
      `SELECT kind, count(*) AS n FROM import_changes WHERE run_id = ? AND kind LIKE 'group.%' GROUP BY kind ORDER BY kind`,
      res.body.runId,
    );
    expect(kinds.map((k) => [k.kind, Number(k.n)])).toEqual([
      ['group.created', 1],
      ['group.member', 5],
    ]);
  });

  it('importing it again with the same mapping finds nothing to change and writes nothing', async () => {
    const before = await everything();
    const now = JSON.stringify({
      附件1: (await q<{ id: string }>(`SELECT id FROM plan_groups WHERE plan_id = 'p-g' AND name = '镇街组'`))[0]!.id,
      附件2: parksGroup,
    });
    const res = await post({ plan: 'p-g', commit: 'true', groups: now }, doc);
    expect(res.body).toMatchObject({ outcome: 'unchanged', counts: { groups: { create: 0, members: 0 } } });
    expect(await everything()).toBe(before);
  });

  it('a unit already in another group of the plan is an error naming both groups; the commit is refused, nothing written', async () => {
    const before = await everything();
    const res = await post({ plan: 'p-g', commit: 'true', groups: JSON.stringify({ 附件1: parksGroup }) }, doc);
    expect(res.status).toBe(422);
    const problems = res.body.details.report.problems as { code: string; message: string; params: Record<string, unknown> }[];
    const conflict = problems.filter((p) => p.code === 'group.unit-in-other-group');
    expect(conflict).toHaveLength(3);
    expect(conflict[0]!.message).toMatch(/^附件1的单位“.+”已在考核分组“镇街组”中，不能再加入分组“园区组”$/);
    expect(res.body.message).toMatch(/^导入未执行，未写入任何数据：导入报告中有 3 个错误/);
    expect(await everything()).toBe(before);
  });

  it.each([
    ['a section the file does not have', 'p-g', () => JSON.stringify({ 附件9: parksGroup }), 'groups.附件9', '附件9的考核分组', /不存在/],
    ['a group of another plan', 'p-other', () => JSON.stringify({ 附件1: parksGroup }), 'groups.附件1', '附件1的考核分组', /不存在/],
    ['a new group named like an existing one', 'p-g', () => JSON.stringify({ 附件2: { name: '园区组' } }), 'groups.附件2.name', '附件2的新分组名称', /已存在/],
    ['a new group with an empty name', 'p-other', () => JSON.stringify({ 附件2: { name: ' ' } }), 'groups.附件2.name', '附件2的新分组名称', /不能为空/],
    [
      'a new group of an unknown kind',
      'p-other',
      () => JSON.stringify({ 附件2: { name: '新组', kind: 'team' } }),
      'groups.附件2.kind',
      '附件2的新分组类别',
      /不是可选的取值/,
    ],
    ['not JSON', 'p-other', () => '{附件1', 'groups', '考核分组', /须为对象/],
  ])('refuses %s with a 400 naming the field in Chinese, writing nothing', async (_what, plan, groupsOf, field, label, zh) => {
    const before = await everything();
    const res = await post({ plan, createUnits: 'true', commit: 'true', groups: groupsOf() }, doc);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.fields[0]).toMatchObject({ field });
    expect(res.body.fields[0]).toMatchObject({ field, label, message: expect.stringMatching(zh) });
    expect(await everything()).toBe(before);
  });
});

describe('expandRecurring as a form field', () => {
  it('gives one node per period when set, one node (reported in Chinese) by default', async () => {
    const bytes = await toDocx(workReport());
    const plain = await post({ plan: 'p-wr', createUnits: 'true' }, bytes, 'report.docx');
    const expanded = await post({ plan: 'p-wr', createUnits: 'true', expandRecurring: 'true' }, bytes, 'report.docx');
    expect(plain.status).toBe(200);
    expect(expanded.body.parse.counts.nodes).toBe(plain.body.parse.counts.nodes + 3);
    const note = plain.body.parse.problems.find((p: { code: string }) => p.code === 'recurring.not-expanded');
    expect(note).toMatchObject({ message: expect.stringContaining('未展开'), repairedMessage: expect.stringContaining('展开后为 4 个节点') });
    expect(expanded.body.parse.problems.some((p: { code: string }) => p.code === 'recurring.not-expanded')).toBe(false);
    const bad = await post({ plan: 'p-wr', expandRecurring: 'maybe' }, bytes, 'report.docx');
    expect(bad.status).toBe(400);
    expect(bad.body.fields[0]).toMatchObject({ field: 'expandRecurring', label: '展开周期性表述', message: '须为“是”或“否”' });
  });
});

describe('GET /imports and GET /imports/{runId}/changes', () => {
  it("lists the plan's runs a page at a time, newest first, with who ran them by name", async () => {
    const res = await t.http().get('/imports?plan=p-g&pageSize=1').set('authorization', auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 1 });
    expect(res.body.items[0]).toMatchObject({
      fileName: 'notice.docx',
      actor: { role: 'supervisor', name: expect.any(String) },
      changes: { 'group.member': 5, 'task.created': 9 },
    });
    expect((await t.http().get('/imports?plan=no-such-plan').set('authorization', auth)).status).toBe(404);
    expect((await t.http().get('/imports?plan=p-g&pageSize=500').set('authorization', auth)).status).toBe(400);
  });

  it("lists one run's changes, filtered by kind and paginated, each with its subject's name", async () => {
    const runId = (await t.http().get('/imports?plan=p-g').set('authorization', auth)).body.items[0].id as string;
    const all = await t.http().get(`/imports/${runId}/changes?pageSize=200`).set('authorization', auth);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(all.body.items.length);
    const members = await t.http().get(`/imports/${runId}/changes?kind=group.member&pageSize=2&page=2`).set('authorization', auth);
    expect(members.body).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(members.body.items).toHaveLength(2);
    expect(members.body.items[0]).toMatchObject({
      kind: 'group.member',
      label: expect.stringMatching(/组$/),
      after: { group: expect.any(String), unit: expect.any(String) },
    });
    const task = all.body.items.find((c: { kind: string }) => c.kind === 'task.created');
    expect(task.label).toMatch(/^.+（.+）$/);
    expect((await t.http().get('/imports/no-such-run/changes').set('authorization', auth)).status).toBe(404);
    expect((await t.http().get(`/imports/${runId}/changes?kind=task.deleted`).set('authorization', auth)).status).toBe(400);
  });
});

describe('CLI: import --groups', () => {
  it('maps the sections to new groups on the command line, prints the problems in Chinese, and refuses a bad mapping by its field', async () => {
    const file = join(t.dataDir, 'notice.docx');
    writeFileSync(file, doc);
    const groupsArg = JSON.stringify({ 附件1: { name: '镇街组', kind: 'town' }, 附件2: { name: '园区组', kind: 'park' } });
    const done = await runCli(['import', file, '--plan', 'p-cli', '--create-units', '--commit', '--groups', groupsArg], { ...process.env, ...t.env });
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/COMMITTED/);
    expect(done.stdout).toMatch(/Groups: 2 to create, 5 member\(s\) added/);
    expect(done.stdout).toContain('警告 第 4 行：单位指标矩阵没有截止时间一栏');
    const members = await q<{ n: number }>(`SELECT count(*) AS n FROM group_members m JOIN plan_groups g ON g.id = m.group_id WHERE g.plan_id = 'p-cli'`);
    expect(Number(members[0]!.n)).toBe(5);
    const before = await everything();
    const bad = await runCli(['import', file, '--plan', 'p-cli', '--groups', JSON.stringify({ 附件7: { name: '新组' } })], { ...process.env, ...t.env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/groups\.附件7/);
    expect(await everything()).toBe(before);
  }, 120_000);
});
