/**
 * Whole documents into the real database (issue 14): a four-annex notice as .docx and as .xls — each
 * section under its own keys, a dry run and a re-import write nothing, a malformed file writes nothing;
 * an annex cut out by hand cannot overwrite another annex's indicators (refused, naming both rows);
 * GET /imports lists the runs.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SYSTEM_ACTOR } from '../src/common/actor.js';
import { ImportService, type ImportOptions } from '../src/imports/import.service.js';
import { PlansService } from '../src/plans/plans.service.js';
import { toDocx, toXls, type DocBlock } from './support/documents.js';
import { fourAnnexNotice } from './support/import-documents.js';
import { startTestApp, type TestApp, databaseContent } from './support/test-app.js';

let t: TestApp;
let imports: ImportService;
let supervisorAuth: string;
const q = async <T>(sql: string, ...args: unknown[]) => (await t.db.all(sql, ...args)) as T[];
const importFile = (name: string, bytes: Buffer, opts: ImportOptions) => imports.run({ name, bytes }, opts, SYSTEM_ACTOR);

const everything = () => databaseContent(t.db);
const planContent = async (planId: string) => ({
  indicators: await q(`SELECT code, name, points, method_code, method_params FROM indicators WHERE plan_id = ? ORDER BY code`, planId),
  tasks: await q(
    `SELECT i.code, u.name, t.is_lead FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id WHERE t.plan_id = ? ORDER BY i.code, u.name`,
    planId,
  ),
});

beforeAll(async () => {
  t = await startTestApp({ now: '2024-01-10T02:00:00.000Z' });
  imports = t.app.get(ImportService);
  supervisorAuth = await t.createUser('sup', 'supervisor');
  for (const id of ['p-doc', 'p-xls', 'p-cut']) await t.app.get(PlansService).create({ id, year: 2024, name: `${id} 考核方案` });
});
afterAll(async () => t?.close());

describe('a four-annex notice (.docx)', () => {
  let docx: Buffer;
  beforeAll(async () => {
    docx = await toDocx(fourAnnexNotice());
  });

  it('a dry run reports the sections and the units it would create, and writes nothing', async () => {
    const before = await everything();
    const r = await importFile('notice.docx', docx, { planId: 'p-doc', createUnits: true });
    expect(r).toMatchObject({ outcome: 'dry-run', refusal: null });
    expect(r.parse.sections.map((s) => [s.key, s.shape])).toEqual([
      ['附件1', 'unit-matrix'],
      ['附件2', 'unit-matrix'],
      ['附件3', 'node-platform'],
      ['附件4', 'common-indicators'],
      ['附件5', 'catalogue'],
    ]);
    expect(r.parse.newUnits).toEqual(
      expect.arrayContaining([
        { name: '县卫健局', kind: 'department' },
        { name: '高新区', kind: 'park' },
        { name: '胡家镇', kind: 'town' },
      ]),
    );
    expect(r.counts).toMatchObject({ indicators: { create: 9 }, tasks: { create: 15 } });
    expect(await everything()).toBe(before);
  });

  it("commits every section under its own keys: the parks' 1–2 beside the towns' 1–3", async () => {
    const r = await importFile('notice.docx', docx, { planId: 'p-doc', createUnits: true, commit: true });
    expect(r).toMatchObject({ outcome: 'committed', errors: 0 });
    const codes = (await q<{ code: string }>(`SELECT code FROM indicators WHERE plan_id = 'p-doc' ORDER BY code`)).map((x) => x.code);
    expect(codes).toEqual(['附件1/1', '附件1/2', '附件1/3', '附件2/1', '附件2/2', '附件3/nodes', '附件4/1', '附件4/2', '附件4/3']);
    expect(
      await q(
        `SELECT u.name FROM tasks t JOIN indicators i ON i.id = t.indicator_id JOIN units u ON u.id = t.unit_id WHERE i.code = '附件2/1' ORDER BY u.name`,
      ),
    ).toEqual([{ name: '经济开发区' }, { name: '高新区' }]);
    // the assessing county departments are departments
    expect(await q(`SELECT kind FROM units WHERE name IN ('县统计局', '县纪委监委', '县应急局') ORDER BY name`)).toEqual([
      { kind: 'department' },
      { kind: 'department' },
      { kind: 'department' },
    ]);
  });

  it('importing it again writes nothing', async () => {
    const before = await everything();
    const r = await importFile('notice.docx', docx, { planId: 'p-doc', commit: true });
    expect(r.outcome).toBe('unchanged');
    expect(await everything()).toBe(before);
  });

  it('the same notice as .xls imports the same content', async () => {
    const r = await importFile('notice.xls', toXls(fourAnnexNotice()), { planId: 'p-xls', commit: true });
    expect(r).toMatchObject({ outcome: 'committed', errors: 0 });
    expect(await planContent('p-xls')).toEqual(await planContent('p-doc'));
  });

  it('a truncated .docx writes nothing and says why', async () => {
    const before = await everything();
    const r = await importFile('notice.docx', docx.subarray(0, 300), { planId: 'p-doc', commit: true });
    expect(r.outcome).toBe('refused');
    expect(r.parse.problems[0]!.reason).toMatch(/not a readable \.docx/);
    expect(await everything()).toBe(before);
  });
});

describe('annexes cut out by hand into one plan', () => {
  const annex = (no: number): DocBlock[] => {
    const doc = fourAnnexNotice();
    const at = doc.findIndex((b) => 'p' in b && b.p === `附件${no}：`);
    return doc.slice(at, at + 3);
  };

  it("the parks' 序号 1–2 may not overwrite the towns' indicators 1–2: refused, naming both rows; nothing written", async () => {
    const towns = await importFile('towns.docx', await toDocx(annex(1)), { planId: 'p-cut', createUnits: true, commit: true });
    expect(towns).toMatchObject({ outcome: 'committed' });
    expect(await q(`SELECT code FROM indicators WHERE plan_id = 'p-cut' ORDER BY code`)).toEqual([{ code: '1' }, { code: '2' }, { code: '3' }]);
    const before = await everything();
    const parks = await importFile('parks.docx', await toDocx(annex(2)), { planId: 'p-cut', createUnits: true, commit: true });
    expect(parks.outcome).toBe('refused');
    expect(parks.refusal).toMatch(
      /indicator 1 of the file \(row \d+, "招商引资到位资金"\) would overwrite the plan's indicator 1 \("固定资产投资", created by import .* of towns\.docx\)/,
    );
    expect(await everything()).toBe(before);
  });
});

describe('GET /imports', () => {
  it("lists a plan's runs, newest first, with file, shape and change counts", async () => {
    const res = await t.http().get('/imports?plan=p-doc').set('authorization', supervisorAuth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      planId: 'p-doc',
      fileName: 'notice.docx',
      shape: 'unit-matrix',
      changes: { 'indicator.created': 9, 'task.created': 15 },
    });
    const bad = await t.http().get('/imports').set('authorization', supervisorAuth);
    expect(bad.status).toBe(400);
  });
});
