/**
 * Bulletins (issue 16 item 1) through the real app: a monthly bulletin for a past month reproduces the
 * audit board as of that month's cut-off (per unit and in total), ranks each group, names the honour roll
 * and the watch list, lists red nodes with days overdue; publishing numbers and seals it, twice → 409;
 * the .docx parses back (title, number, every unit of each group), the PDF has one page per N units
 * (rendered to PNG when pdftoppm is present); a unit sees its own lines only; the next issue shows the
 * change since the previous one.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

let t: TestApp;
let f: PlanFixture;
let seriesId: string;
let marchId: string;

const binary = (res: import('superagent').Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};
const post = async (path: string, body: object, auth = f.supervisor) => t.http().post(path).set('authorization', auth).send(body);
const get = (path: string, auth = f.supervisor) => t.http().get(path).set('authorization', auth);
const sweep = async () => {
  const res = await post('/deadlines/sweep', {}, f.admin);
  if (res.status !== 200) throw new Error(`sweep: ${res.status} ${JSON.stringify(res.body)}`);
};
const TOWNS = ['u-t1', 'u-t2', 'u-t3'];

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  for (const [i, id] of TOWNS.entries()) await post('/units', { id, name: `第${i + 1}镇`, kind: 'town' }, f.admin);
  await post(`/plans/${f.planId}/groups`, { name: '镇街组', unitIds: TOWNS });
  // 部门组: 县发展和改革局 has two tasks due in March, 县财政局 one due in April.
  await createTask(
    t,
    f,
    [
      { seq: 1, dueDate: '2026-03-10' },
      { seq: 2, dueDate: '2026-06-30' },
    ],
    'u-fgw',
  );
  await createTask(t, f, [{ seq: 1, dueDate: '2026-03-20' }], 'u-fgw');
  await createTask(t, f, [{ seq: 1, dueDate: '2026-04-15' }], 'u-czj');
  // 镇街组: 第1镇 red in March, 第2镇 red in April, 第3镇 green all along.
  await createTask(t, f, [{ seq: 1, dueDate: '2026-03-16' }], 'u-t1');
  await createTask(t, f, [{ seq: 1, dueDate: '2026-04-10' }], 'u-t2');
  await createTask(t, f, [{ seq: 1, dueDate: '2026-12-31' }], 'u-t3');
  t.clock.set('2026-03-25T02:00:00.000Z');
  await sweep();
  t.clock.set('2026-04-20T02:00:00.000Z');
  await sweep();
  t.clock.set('2026-05-06T02:00:00.000Z');
  await sweep();
}, 120_000);
afterAll(async () => t?.close());

describe('a monthly series ranked by red nodes', () => {
  it('is defined per plan by the office; bad input names the field; a department may not define one', async () => {
    const bad = await post(`/plans/${f.planId}/bulletin-series`, { name: '月报', frequency: 'fortnightly', measure: 'red-nodes' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('frequency');
    expect((await post(`/plans/${f.planId}/bulletin-series`, { name: '月报', frequency: 'monthly', measure: 'red-nodes' }, f.dept)).status).toBe(403);
    const res = await post(`/plans/${f.planId}/bulletin-series`, {
      name: '月度通报',
      frequency: 'monthly',
      measure: 'red-nodes',
      topN: 1,
      bottomN: 1,
      rowsPerPage: 2,
      issuer: '县绩效考评办公室',
    });
    expect(res.status).toBe(201);
    seriesId = res.body.id;
    expect((await get(`/plans/${f.planId}/bulletin-series`)).body.map((s: { id: string }) => s.id)).toEqual([seriesId]);
  });

  it('refuses a period in the wrong format and one whose cut-off has not passed', async () => {
    const wrong = await post(`/bulletin-series/${seriesId}/bulletins`, { period: '2026-Q1' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details.fields[0]).toMatchObject({ field: 'period', reason: expect.stringContaining('YYYY-MM') });
    const future = await post(`/bulletin-series/${seriesId}/bulletins`, { period: '2026-05' });
    expect(future.status).toBe(400);
    expect(future.body.details.fields[0].reason).toMatch(/尚未到/);
  });

  it('drafts March exactly as the audit board as of 2026-03-31 gives it, per unit and in total', async () => {
    const res = await post(`/bulletin-series/${seriesId}/bulletins`, { period: '2026-03', note: '请各单位对照红灯节点抓紧整改。' });
    expect(res.status).toBe(201);
    marchId = res.body.id;
    expect(res.body).toMatchObject({ status: 'draft', number: null, periodLabel: '2026年3月', cutOffAt: '2026-03-31T15:59:59.999Z' });
    const board = (await get(`/audit/plans/${f.planId}/board?asOf=2026-03-31`, f.auditor)).body;
    const content = res.body.content;
    expect(content.board).toEqual({ tasks: board.tasks, totals: board.totals, unreplayable: 0 });
    const lines = content.groups.flatMap((g: { ranking: unknown[] }) => g.ranking) as { unitId: string; board: Record<string, number>; redNodes: number }[];
    for (const u of board.units) {
      const { unitId, unitName: _n, ...counts } = u;
      const line = lines.find((l) => l.unitId === unitId)!;
      expect([unitId, line.board]).toEqual([unitId, counts]);
      expect([unitId, line.redNodes]).toEqual([unitId, counts.redLights]);
    }
    expect(lines.map((l) => l.unitId).sort()).toEqual(board.units.map((u: { unitId: string }) => u.unitId).sort());
  });

  it('ranks each group by red nodes, with the honour roll (红榜) and the watch list (黑榜) and days overdue', async () => {
    const { content } = (await get(`/bulletins/${marchId}`)).body;
    const dept = content.groups.find((g: { name: string }) => g.name === '部门组');
    expect(dept.ranking.map((r: { unitId: string; rank: number; redNodes: number }) => [r.unitId, r.rank, r.redNodes])).toEqual([
      ['u-czj', 1, 0],
      ['u-fgw', 2, 2],
    ]);
    expect(dept).toMatchObject({ honourRoll: ['u-czj'], watchList: ['u-fgw'] });
    const towns = content.groups.find((g: { name: string }) => g.name === '镇街组');
    expect(towns.ranking.map((r: { unitId: string; rank: number }) => [r.unitId, r.rank])).toEqual([
      ['u-t2', 1],
      ['u-t3', 1],
      ['u-t1', 3],
    ]);
    expect(towns.honourRoll).toEqual(['u-t2', 'u-t3']);
    expect(towns.watchList).toEqual(['u-t1']);
    // 县发展和改革局: due 03-10 and 03-20 → 21 and 11 days overdue at the end of March.
    expect(content.nodes['u-fgw'].red.map((n: { seq: number; daysOverdue: number }) => n.daysOverdue)).toEqual([21, 11]);
    expect(content.nodes['u-t1'].red).toEqual([expect.objectContaining({ daysOverdue: 15, lateCompleted: false })]);
  });

  it('keeps drafts from units, lets the office edit the note of a draft', async () => {
    expect((await get(`/bulletins/${marchId}`, f.dept)).status).toBe(404);
    const res = await t.http().patch(`/bulletins/${marchId}`).set('authorization', f.supervisor).send({ note: '请各单位抓紧整改。' });
    expect(res.status).toBe(200);
    expect(res.body.note).toBe('请各单位抓紧整改。');
  });

  it('publishes once: numbered 〔2026〕第1期, frozen and sealed; publishing twice is refused with 409', async () => {
    const res = await post(`/bulletins/${marchId}/publish`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'published',
      number: 1,
      numberText: '〔2026〕第1期',
      prevSeal: null,
      seal: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const again = await post(`/bulletins/${marchId}/publish`, {});
    expect(again.status).toBe(409);
    expect(again.body.details).toMatchObject({ field: 'status', current: 'published', number: 1 });
    expect((await t.http().patch(`/bulletins/${marchId}`).set('authorization', f.supervisor).send({ note: 'x' })).status).toBe(409);
    expect((await get(`/plans/${f.planId}/bulletins/verify`, f.auditor)).body).toEqual({ ok: true, bulletins: 1, firstBreak: null });
  });

  it('shows a unit its own lines only', async () => {
    const res = await get(`/bulletins/${marchId}`, f.dept);
    expect(res.status).toBe(200);
    expect(res.body.content).toBeUndefined();
    expect(res.body.unit.groups).toEqual([
      expect.objectContaining({ name: '部门组', units: 2, onWatchList: true, line: expect.objectContaining({ unitId: 'u-fgw', rank: 2 }) }),
    ]);
    expect(res.body.unit.nodes.red).toHaveLength(2);
    const text = JSON.stringify(res.body);
    for (const other of ['u-czj', '县财政局', 'u-t1', '第1镇']) expect(text).not.toContain(other);
    expect((await get(`/bulletins/${marchId}/export`, f.dept)).status).toBe(403);
  });

  it('exports a .docx that parses back: title, number, every unit of each group', async () => {
    const res = await get(`/bulletins/${marchId}/export?format=docx`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const xml = await (await JSZip.loadAsync(res.body as Buffer)).file('word/document.xml')!.async('string');
    const paragraphs = [...xml.matchAll(/<w:p[ >].*?<\/w:p>/gs)].map((p) => [...p[0].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''));
    expect(paragraphs).toContain('县绩效考评办公室');
    expect(paragraphs).toContain('〔2026〕第1期');
    expect(paragraphs).toContain('2026年度绩效考评月度通报（2026年3月）');
    for (const name of ['县发展和改革局', '县财政局', '第1镇', '第2镇', '第3镇']) expect(paragraphs).toContain(name);
    expect(paragraphs.some((p) => p.startsWith('先进榜（红榜，前1名）'))).toBe(true);
  });

  it('exports a PDF with one page per N units (N = 2: 部门组 1 page, 镇街组 2, node details 2)', async () => {
    const res = await get(`/bulletins/${marchId}/export?format=pdf`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { content } = (await get(`/bulletins/${marchId}`)).body;
    const nodeLines = Object.values(content.nodes as Record<string, { red: unknown[]; yellow: unknown[] }>).reduce(
      (n, u) => n + u.red.length + u.yellow.length,
      0,
    );
    const expected = Math.ceil(2 / 2) + Math.ceil(3 / 2) + Math.ceil(nodeLines / 2);
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length).toBe(expected);
    const pdftoppm = ['/usr/bin/pdftoppm', '/usr/local/bin/pdftoppm'].find(existsSync);
    if (!pdftoppm) return;
    const dir = mkdtempSync(join(tmpdir(), 'duban-bulletin-'));
    try {
      writeFileSync(join(dir, 'b.pdf'), pdf);
      execFileSync(pdftoppm, ['-png', '-r', '20', join(dir, 'b.pdf'), join(dir, 'p')]);
      expect(readdirSync(dir).filter((x) => x.endsWith('.png'))).toHaveLength(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('April shows the change since March; a second publication is 第2期, chained to the first', async () => {
    const res = await post(`/bulletin-series/${seriesId}/bulletins`, { period: '2026-04' });
    expect(res.status).toBe(201);
    const towns = res.body.content.groups.find((g: { name: string }) => g.name === '镇街组');
    const t2 = towns.ranking.find((r: { unitId: string }) => r.unitId === 'u-t2');
    expect(t2).toMatchObject({ redNodes: 1, change: { rank: -1, redNodes: 1 } });
    const dup = await post(`/bulletin-series/${seriesId}/bulletins`, { period: '2026-04' });
    expect(dup.status).toBe(409);
    const pub = await post(`/bulletins/${res.body.id}/publish`, {});
    expect(pub.body).toMatchObject({ number: 2, prevSeal: (await get(`/bulletins/${marchId}`)).body.seal });
    expect((await get(`/plans/${f.planId}/bulletins/verify`, f.auditor)).body).toMatchObject({ ok: true, bulletins: 2 });
  });
});
