import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../src/cli.js';
import { createTask, seedPlan, type PlanFixture } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const REVERIFY = fileURLToPath(new URL('./support/reverify-export.mjs', import.meta.url));

let t: TestApp;
let f: PlanFixture;
let a: string;
let b: string;
let root: string;

const send = (taskId: string, auth: string, type: string, expectedVersion: number, payload?: object) =>
  t.http().post(`/tasks/${taskId}/events`).set('authorization', auth).send({ type, expectedVersion, payload });

/** GET the export as text. */
async function exportText(path: string, auth = f.auditor): Promise<{ status: number; text: string; type: string; disposition: string }> {
  const res = await t
    .http()
    .get(path)
    .set('authorization', auth)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
    });
  return { status: res.status, text: res.body as string, type: String(res.headers['content-type']), disposition: String(res.headers['content-disposition']) };
}

/** Run the independent script on a file; it imports nothing from the project. */
function reverify(
  text: string,
  name: string,
  ...args: string[]
): {
  code: number;
  report: { ok: boolean; breaks: { kind: string; taskId?: string; seq?: number }[]; checkpoint: Record<string, unknown> | null; events: number; tasks: number };
} {
  const file = join(t.dataDir, name);
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, [REVERIFY, file, ...args], { encoding: 'utf8' });
  if (r.status === 2) throw new Error(r.stderr);
  return { code: r.status ?? -1, report: JSON.parse(r.stdout) };
}

beforeAll(async () => {
  t = await startTestApp({ now: '2026-03-02T02:00:00.000Z' });
  f = await seedPlan(t);
  a = (
    await createTask(t, f, [
      { seq: 1, dueDate: '2026-03-31' },
      { seq: 2, dueDate: '2026-06-30' },
    ])
  ).id;
  b = (await createTask(t, f, [{ seq: 1, dueDate: '2026-04-30' }], 'u-czj')).id;
  await send(a, f.dept, 'task.acknowledge', 1);
  const up = await t
    .http()
    .post(`/tasks/${a}/evidence`)
    .set('authorization', f.dept)
    .attach('file', Buffer.from('%PDF-1.4 报表, "含引号"\n第二行'), '报表.pdf');
  await send(a, f.dept, 'evidence.submit', 2, { fileIds: [up.body.id], completedValue: 1.5, note: '说明, 含逗号 "和引号"\n和换行' });
  await send(a, f.assessor, 'evidence.approve', 3, { comment: '同意' });
  await send(b, f.otherDept, 'task.acknowledge', 1);
  const cp = await t.http().post('/audit/checkpoints').set('authorization', f.supervisor).send({});
  root = cp.body.checkpoint.hash;
  t.clock.advance(3600_000);
  await send(b, f.otherDept, 'evidence.submit', 2, { note: '检查点之后的提交' }); // after the checkpoint
}, 60_000);
afterAll(async () => t?.close());

describe('export as JSON Lines, re-verified by an independent script', () => {
  it('carries header, tasks, events with every hashed field, evidence and the signed checkpoint; the script finds all intact', async () => {
    const res = await exportText(`/audit/plans/${f.planId}/export`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/x-ndjson');
    expect(res.disposition).toContain(`duban-audit-plan-${f.planId}.jsonl`);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ record: 'header', format: 'duban-audit-export', scope: 'plan', planId: f.planId, genesisHash: '0'.repeat(64) });
    expect(lines.filter((l) => l.record === 'task')).toHaveLength(2);
    expect(lines.filter((l) => l.record === 'event')).toHaveLength(7);
    expect(lines.find((l) => l.record === 'event' && l.seq === 3 && l.taskId === a)).toMatchObject({
      type: 'evidence.submit',
      actor: { role: 'department' },
      stateAfter: expect.any(String),
    });
    expect(lines.at(-1)).toMatchObject({ record: 'checkpoint', seq: 1, hash: root, complete: true, heads: expect.any(Array) });
    const { code, report } = reverify(res.text, 'plan.jsonl', '--root', root);
    expect(report.breaks).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, tasks: 2, events: 7, checkpoint: { hashOk: true, signatureOk: true, planRootOk: true, heads: 2 } });
  });

  it('the script catches an edited payload, a cut history and a dropped task in an export, and a wrong root', async () => {
    const { text } = await exportText(`/audit/plans/${f.planId}/export`);
    const lines = text.trim().split('\n');
    const edited = lines.map((l) => (l.includes('"seq":3') && l.includes('"record":"event"') ? l.replace('1.5', '15') : l)).join('\n');
    expect(reverify(edited, 'edited.jsonl').report.breaks).toEqual([expect.objectContaining({ kind: 'hash-mismatch', taskId: a, seq: 3 })]);
    const cut = lines.filter((l) => !(l.includes(`"taskId":"${a}"`) && l.includes('"record":"event"') && l.includes('"seq":4'))).join('\n');
    expect(reverify(cut, 'cut.jsonl').report.breaks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'head-mismatch', taskId: a }),
        expect.objectContaining({ kind: 'truncated', taskId: a, seq: 4 }),
      ]),
    );
    const dropped = lines.filter((l) => !l.includes(`"taskId":"${b}"`) || l.includes('"record":"checkpoint"')).join('\n');
    expect(reverify(dropped, 'dropped.jsonl').report.breaks).toEqual([expect.objectContaining({ kind: 'task-missing', taskId: b })]);
    const wrongRoot = reverify(text, 'root.jsonl', '--root', 'f'.repeat(64));
    expect(wrongRoot.code).toBe(1);
    expect(wrongRoot.report.breaks).toEqual([expect.objectContaining({ kind: 'root' })]);
  });

  it('exports one task for whoever may see it, with that task’s sealed head only', async () => {
    const res = await exportText(`/audit/tasks/${b}/export`, f.otherDept);
    expect(res.status).toBe(200);
    const lines = res.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.record === 'event').map((l) => l.seq)).toEqual([1, 2, 3]);
    expect(lines.at(-1)).toMatchObject({ record: 'checkpoint', complete: false, heads: [{ taskId: b, seq: 2 }], evidence: [] });
    const { code, report } = reverify(res.text, 'task.jsonl');
    expect(code).toBe(0);
    expect(report.checkpoint).toMatchObject({ hashOk: true, signatureOk: true, planRootOk: null });
    expect((await exportText(`/audit/tasks/${b}/export`, f.dept)).status).toBe(404);
  });
});

describe('export as CSV', () => {
  it('writes one RFC 4180 row per event with the hashes; quotes, commas and newlines survive; the script re-verifies it', async () => {
    const res = await exportText(`/audit/plans/${f.planId}/export?format=csv`, f.supervisor);
    expect(res.status).toBe(200);
    expect(res.type).toContain('text/csv');
    expect(res.text.charCodeAt(0)).toBe(0xfeff); // the BOM: Excel reads the Chinese as UTF-8
    expect(res.text.slice(1).split('\r\n')[0]).toBe(
      'task_id,seq,type,occurred_at,recorded_at,actor_user_id,actor_role,actor_unit_id,machine_version,prev_hash,hash,state_before,state_after,payload',
    );
    expect(res.text).toContain('\\""和引号\\""'); // JSON escapes the quote, CSV doubles it
    const { code, report } = reverify(res.text, 'plan.csv');
    expect(report).toMatchObject({ ok: true, events: 7, tasks: 2 });
    expect(code).toBe(0);
    const tampered = res.text.replace('同意', '不同意');
    expect(reverify(tampered, 'tampered.csv').report.breaks).toEqual([expect.objectContaining({ kind: 'hash-mismatch', taskId: a, seq: 4 })]);
  });

  it('the CLI writes the same export to a file', async () => {
    const env = { ...process.env };
    Object.assign(process.env, t.env);
    const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const out = join(t.dataDir, 'cli.csv');
    try {
      expect(await main(['node', 'cli', 'export', '--plan', f.planId, '--format', 'csv', '--out', out])).toBe(0);
      expect(await main(['node', 'cli', 'export', '--format', 'csv'])).toBe(2);
    } finally {
      err.mockRestore();
      process.env = env;
    }
    const http = await exportText(`/audit/plans/${f.planId}/export?format=csv`);
    expect(readFileSync(out, 'utf8')).toBe(http.text);
  });
});

// Found by the OpenAPI fuzz test: a plan id with non-ASCII characters went raw into Content-Disposition,
// Node refused the header, the error answer carried the same header and failed too — the request was never
// answered.
describe('export of a plan whose id is not ASCII', () => {
  it('answers 200 with an ASCII filename and the exact one in filename*', async () => {
    const id = '二〇二六年度方案';
    const plan = await t.http().post('/plans').set('authorization', f.admin).send({ id, year: 2026, name: '非ASCII编号的方案' });
    expect(plan.status).toBe(201);
    const res = await exportText(`/audit/plans/${encodeURIComponent(id)}/export?format=csv`);
    expect(res.status).toBe(200);
    expect(res.disposition).toBe(`attachment; filename="duban-audit-plan-________.csv"; filename*=UTF-8''${encodeURIComponent(`duban-audit-plan-${id}.csv`)}`);
  });
});
