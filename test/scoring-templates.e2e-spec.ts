import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * Templates as data (issue 13 items 1 and 3), through the API only: the shipped starting catalogue is
 * version 1 and read-only; the office copies, edits (validated, 400 naming the path), retires; every
 * change is a version with who, when and what changed; pasted catalogues become a template's items.
 */
let t: TestApp;
let f: PlanFixture;
const NEGATIVE_39 = readFileSync(resolve(process.cwd(), 'test/fixtures/scoring/negative-list-39.txt'), 'utf8');

const send = (method: 'post' | 'put' | 'get', path: string, auth: string, payload?: object) => {
  const r = t.http()[method](path).set('authorization', auth);
  return payload ? r.send(payload) : r;
};
const ok = async (res: PromiseLike<{ status: number; body: any }>, status = [200, 201]) => {
  const r = await res;
  if (!status.includes(r.status)) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const versions = async () => (await t.db.one('SELECT count(*) AS n FROM scoring_template_versions')) as { n: number };

beforeAll(async () => {
  t = await startTestApp();
  f = await seedPlan(t);
}, 60_000);
afterAll(async () => t?.close());

describe('the shipped starting catalogue', () => {
  it('is seeded as version 1 of each file, read-only, and readable by every role', async () => {
    const list = await ok(send('get', '/scoring/templates', f.dept));
    const ids = list.map((v: any) => v.id);
    expect(ids).toEqual(expect.arrayContaining(['county-towns', 'county-points-towns', 'province-cities', 'province-departments']));
    const pc = list.find((v: any) => v.id === 'province-cities');
    expect(pc).toMatchObject({ version: 1, status: 'active', source: 'shipped', template: { id: 'province-cities', version: 1 } });
    const edit = await send('put', '/scoring/templates/province-cities', f.supervisor, { template: pc.template });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('TEMPLATE_READ_ONLY');
    const retire = await send('post', '/scoring/templates/province-cities/retire', f.supervisor, { reason: 'x' });
    expect(retire.body.code).toBe('TEMPLATE_READ_ONLY');
    expect((await ok(send('get', '/scoring/templates/province-cities/history', f.auditor))).map((h: any) => h.version)).toEqual([1]);
  });

  it('is seeded once: a restart adds no version', async () => {
    const before = (await versions()).n;
    await t.app.get((await import('../src/scores/templates/templates.service.js')).TemplatesService).onModuleInit();
    expect((await versions()).n).toBe(before);
  });
});

describe('copy, edit, retire: versioned with who, when and what changed', () => {
  let base: any;
  it('copies a shipped template under a new id (version 1, copiedFrom)', async () => {
    const c = await ok(send('post', '/scoring/templates/province-cities/copy', f.supervisor, { newId: 'city-2026', name: '2026年设区市考核' }));
    expect(c).toMatchObject({
      id: 'city-2026',
      version: 1,
      source: 'office',
      copiedFrom: 'province-cities@1',
      createdBy: { role: 'supervisor', username: 'sup' },
    });
    expect(c.template.name).toBe('2026年设区市考核');
    base = c.template;
    const dup = await send('post', '/scoring/templates/province-cities/copy', f.supervisor, { newId: 'city-2026' });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DUPLICATE');
  });

  it('refuses a bad edit with 400 naming the path, and writes nothing', async () => {
    const before = (await versions()).n;
    const bad = structuredClone(base);
    bad.groups[0].composition.parts[1].parts[0].percent = 'much';
    bad.groups[0].grading.grades[0].percent = -5;
    const r = await send('put', '/scoring/templates/city-2026', f.supervisor, { template: bad });
    expect(r.status).toBe(400);
    const fields = r.body.details.fields.map((x: any) => x.field);
    expect(fields).toEqual(
      expect.arrayContaining(['template.groups[0].composition.parts[1].parts[0].percent', 'template.groups[0].grading.grades[0].percent']),
    );
    const weights = structuredClone(base);
    weights.groups[0].composition.parts[0].percent = 80; // 80 + 30 ≠ 100
    const w = await send('put', '/scoring/templates/city-2026', f.supervisor, { template: weights });
    expect(w.status).toBe(400);
    expect(w.body.details.fields[0].field).toMatch(/^template\.groups\[0\]\.composition/);
    const other = await send('put', '/scoring/templates/city-2026', f.supervisor, { template: { ...base, id: 'other' } });
    expect(other.body.details.fields[0].field).toBe('template.id');
    expect((await send('put', '/scoring/templates/city-2026', f.dept, { template: base })).status).toBe(403);
    expect((await versions()).n).toBe(before);
  });

  it('an edit is a new version with its diff; the old version stays readable; a stale edit is 409', async () => {
    const next = structuredClone(base);
    next.groups[0].composition.parts[0].percent = 60;
    next.groups[0].composition.parts[1].percent = 40;
    next.adjustments.bonuses.totalCap = 2.5;
    const v2 = await ok(send('put', '/scoring/templates/city-2026', f.supervisor, { template: next, note: '提高综合评价权重', expectedVersion: 1 }));
    expect(v2).toMatchObject({ version: 2, changed: true, note: '提高综合评价权重', template: { version: 2 } });
    expect(v2.changes.map((c: any) => c.path).sort()).toEqual([
      'adjustments.bonuses.totalCap',
      'groups[0].composition.parts[0].percent',
      'groups[0].composition.parts[1].percent',
    ]);
    expect(v2.changes.find((c: any) => c.path === 'groups[0].composition.parts[0].percent')).toMatchObject({
      change: 'changed',
      before: 70,
      after: 60,
      label: expect.stringContaining('70 → 60'),
    });
    const same = await ok(send('put', '/scoring/templates/city-2026', f.supervisor, { template: next }));
    expect(same).toMatchObject({ version: 2, changed: false });
    const stale = await send('put', '/scoring/templates/city-2026', f.supervisor, { template: base, expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('VERSION_CONFLICT');
    expect((await ok(send('get', '/scoring/templates/city-2026?version=1', f.supervisor))).template.groups[0].composition.parts[0].percent).toBe(70);
    const h = await ok(send('get', '/scoring/templates/city-2026/history', f.supervisor));
    expect(h.map((x: any) => [x.version, x.createdBy.username, x.changes.length])).toEqual([
      [2, 'sup', 3],
      [1, 'sup', 0],
    ]);
  });

  it('retiring is a version too: no more edits, hidden from the default list, history kept', async () => {
    const r = await ok(send('post', '/scoring/templates/city-2026/retire', f.admin, { reason: '改用2027年模板' }));
    expect(r).toMatchObject({ version: 3, status: 'retired', note: '改用2027年模板', changes: [{ path: 'status', after: 'retired' }] });
    const edit = await send('put', '/scoring/templates/city-2026', f.supervisor, { template: base });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('TEMPLATE_RETIRED');
    expect((await ok(send('get', '/scoring/templates', f.supervisor))).map((v: any) => v.id)).not.toContain('city-2026');
    expect((await ok(send('get', '/scoring/templates?includeRetired=true', f.supervisor))).map((v: any) => v.id)).toContain('city-2026');
    expect((await ok(send('get', '/scoring/templates/city-2026/history', f.supervisor))).map((x: any) => x.version)).toEqual([3, 2, 1]);
  });

  it('creates a template from scratch; a taken id is 409', async () => {
    const body = structuredClone(base);
    body.id = 'dept-2026';
    body.name = '2026年部门考核';
    const c = await ok(send('post', '/scoring/templates', f.supervisor, { template: body }));
    expect(c).toMatchObject({ id: 'dept-2026', version: 1, source: 'office', copiedFrom: null });
    expect((await send('post', '/scoring/templates', f.supervisor, { template: body })).status).toBe(409);
    expect((await send('post', '/scoring/templates', f.supervisor, { template: { ...body, id: 'x y' } })).body.details.fields[0].field).toBe('template.id');
  });

  it('keeps every version append-only in the database', async () => {
    await expect(t.db.run(`UPDATE scoring_template_versions SET name = 'x'`)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
    await expect(t.db.run(`DELETE FROM scoring_template_versions`)).rejects.toMatchObject({ message: expect.stringMatching(/append-only/) });
  });
});

describe('catalogues from a table', () => {
  it('a pasted 39-line negative list becomes 39 items, nothing stored', async () => {
    const before = (await versions()).n;
    const p = await ok(send('post', '/scoring/catalogues/parse', f.supervisor, { kind: 'negative_list', text: NEGATIVE_39 }));
    expect(p.items).toHaveLength(39);
    expect(p.problems).toEqual([]);
    expect(p.items[0]).toMatchObject({ key: 'nl-01', points: 1.5, text: '发生较大及以上生产安全责任事故的，扣1.5分' });
    expect((await versions()).n).toBe(before);
  });

  it('names every line it could not read', async () => {
    const p = await ok(
      send('post', '/scoring/catalogues/parse', f.supervisor, {
        kind: 'negative_list',
        lines: ['发生安全事故的，扣1分', '工作不力的', '考核弄虚作假的，扣该项分值的10%'],
      }),
    );
    expect(p.items).toHaveLength(1);
    expect(p.problems.map((x: any) => [x.line, x.code])).toEqual([
      [2, 'no_amount'],
      [3, 'relative_amount'],
    ]);
    expect((await send('post', '/scoring/catalogues/parse', f.supervisor, { kind: 'bogus', text: 'x' })).body.details.fields[0].field).toBe('kind');
  });

  it('saves the list into a template’s catalogue as a new version; unreadable lines refuse it all', async () => {
    await ok(send('post', '/scoring/templates/county-points-towns/copy', f.supervisor, { newId: 'xian-towns' }));
    const before = (await versions()).n;
    const bad = await send('put', '/scoring/templates/xian-towns/catalogues/negative_list', f.supervisor, { text: `${NEGATIVE_39.trimEnd()}\n40. 工作不力的` });
    expect(bad.status).toBe(400);
    expect(bad.body.details.fields).toEqual([expect.objectContaining({ field: 'text', line: 40, code: 'no_amount' })]);
    expect((await versions()).n).toBe(before);
    const saved = await ok(send('put', '/scoring/templates/xian-towns/catalogues/negative_list', f.supervisor, { text: NEGATIVE_39 }));
    expect(saved.version).toBe(2);
    expect(saved.template.adjustments.negativeList.items).toHaveLength(39);
    expect(saved.template.adjustments.negativeList.items[38]).toMatchObject({ key: 'nl-39', points: 3, text: '对考核工作弄虚作假的，扣3分' });
    // Re-pasting the same list changes nothing (keys kept by name).
    const again = await ok(send('put', '/scoring/templates/xian-towns/catalogues/negative_list', f.supervisor, { text: NEGATIVE_39 }));
    expect(again).toMatchObject({ version: 2, changed: false });
  });
});
