#!/usr/bin/env node
/**
 * Re-verifies a Duban audit export (JSON Lines or CSV) on its own: it imports nothing from the project,
 * only node:crypto and node:fs, and follows the recipes written in the export header and the README.
 *
 *   node reverify-export.mjs <export.jsonl|export.csv> [--root <published root hash>]
 *
 * Prints a JSON report on stdout; exits 0 when everything checks, 1 when something does not, 2 on bad use.
 *
 * Checks: per task, seq runs 1, 2, 3…, event 1 is task.created from 64 zeros, each prev_hash is the
 * previous event's hash, each hash is sha256(prev_hash|task_id|seq|type|occurred_at|payload). With JSON
 * Lines also: each task's last event is the head the task record names; the checkpoint's hash is recomputed
 * from its fields and its Ed25519 signature checked; every head it seals is present with the same hash
 * (so a deleted task or a cut history shows); for a plan export, the plan's root is recomputed from the
 * sealed heads and files; sealed files appear with the same sha256; and --root must equal the checkpoint hash.
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';

const GENESIS = '0'.repeat(64);
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
const byBytes = (a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** RFC 4180: fields separated by commas, quoted when needed, quotes doubled, rows end in CRLF or LF. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      rows.push(row);
      row = [];
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function load(path) {
  // A CSV export starts with a UTF-8 BOM (for Excel): drop it before reading the column names.
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  if (text.startsWith('{')) {
    const records = text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l, i) => {
        try {
          return JSON.parse(l);
        } catch {
          throw new Error(`line ${i + 1} is not JSON`);
        }
      });
    return { format: 'jsonl', records };
  }
  const [header, ...rows] = parseCsv(text);
  const col = (name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`CSV column ${name} is missing`);
    return i;
  };
  const c = Object.fromEntries(['task_id', 'seq', 'type', 'occurred_at', 'payload', 'prev_hash', 'hash'].map((n) => [n, col(n)]));
  const records = rows
    .filter((r) => r.length > 1)
    .map((r) => ({
      record: 'event',
      taskId: r[c.task_id],
      seq: Number(r[c.seq]),
      type: r[c.type],
      occurredAt: r[c.occurred_at],
      payload: r[c.payload],
      prevHash: r[c.prev_hash],
      hash: r[c.hash],
    }));
  return { format: 'csv', records };
}

function main(argv) {
  const path = argv[0];
  const rootAt = argv.indexOf('--root');
  const root = rootAt >= 0 ? argv[rootAt + 1] : undefined;
  if (!path || (rootAt >= 0 && !root)) {
    console.error('usage: reverify-export.mjs <export.jsonl|export.csv> [--root <hash>]');
    return 2;
  }
  const { format, records } = load(path);
  const breaks = [];
  const brk = (kind, where, message) => breaks.push({ kind, ...where, message });

  // Chains, task by task, in file order.
  const tails = new Map(); // taskId -> { seq, hash, hashes: Map(seq -> hash) }
  let events = 0;
  for (const e of records.filter((r) => r.record === 'event')) {
    events++;
    let t = tails.get(e.taskId);
    if (!t) tails.set(e.taskId, (t = { seq: 0, hash: GENESIS, hashes: new Map() }));
    const where = { taskId: e.taskId, seq: e.seq };
    if (e.seq !== t.seq + 1) brk('seq-gap', where, `expected event #${t.seq + 1}, found #${e.seq}`);
    if (e.seq === 1 && e.type !== 'task.created') brk('first-event', where, 'event #1 is not task.created');
    if (e.prevHash !== t.hash) brk('chain-break', where, 'prev_hash is not the previous event’s hash');
    const h = sha256(`${e.prevHash}|${e.taskId}|${e.seq}|${e.type}|${e.occurredAt}|${e.payload}`);
    if (h !== e.hash) brk('hash-mismatch', where, `stored hash ${e.hash} ≠ recomputed ${h}`);
    t.seq = e.seq;
    t.hash = e.hash;
    t.hashes.set(e.seq, e.hash);
  }

  const report = { format, tasks: tails.size, events, checkpoint: null };
  if (format === 'jsonl') {
    const header = records[0];
    if (header?.record !== 'header') brk('format', {}, 'the first line is not the header record');
    report.scope = header?.scope;
    for (const task of records.filter((r) => r.record === 'task')) {
      const t = tails.get(task.taskId);
      if (!t) brk('no-history', { taskId: task.taskId }, 'a task record without events');
      else if (t.seq !== task.lastSeq || t.hash !== task.lastHash) {
        brk('head-mismatch', { taskId: task.taskId, seq: t.seq }, `the task record's head is #${task.lastSeq}, the export ends at #${t.seq}`);
      }
    }
    const cp = records.find((r) => r.record === 'checkpoint');
    if (cp) {
      const plans = [...cp.plans].sort((a, b) => byBytes(a.planId, b.planId));
      const text = `${cp.prevHash}|${cp.seq}|${cp.createdAt}|${plans.map((p) => `${p.planId}=${p.root};`).join('')}`;
      const hashOk = sha256(text) === cp.hash;
      if (!hashOk) brk('checkpoint-hash', { checkpointSeq: cp.seq }, 'the checkpoint hash does not match its fields');
      let signatureOk = false;
      try {
        const key = createPublicKey({ key: Buffer.from(cp.publicKey, 'base64'), format: 'der', type: 'spki' });
        signatureOk = verify(null, Buffer.from(cp.hash, 'ascii'), key, Buffer.from(cp.signature, 'base64'));
      } catch {
        signatureOk = false;
      }
      if (!signatureOk) brk('checkpoint-signature', { checkpointSeq: cp.seq }, 'the Ed25519 signature does not verify');
      for (const h of cp.heads) {
        const t = tails.get(h.taskId);
        const where = { taskId: h.taskId, seq: h.seq, checkpointSeq: cp.seq };
        if (!t) brk('task-missing', where, `task sealed with ${h.seq} event(s) is not in the export`);
        else if (t.seq < h.seq) brk('truncated', where, `sealed up to #${h.seq}, the export ends at #${t.seq}`);
        else if (t.hashes.get(h.seq) !== h.hash) brk('checkpoint-mismatch', where, `event #${h.seq} has another hash than the sealed one`);
      }
      let planRootOk = null;
      if (cp.complete) {
        const heads = [...cp.heads].sort((a, b) => byBytes(a.taskId, b.taskId));
        const files = [...cp.evidence].sort((a, b) => byBytes(a.fileId, b.fileId));
        const rootText =
          heads.map((h) => `task|${h.taskId}|${h.seq}|${h.hash}\n`).join('') +
          files.map((f) => `evidence|${f.fileId}|${f.taskId}|${f.sha256}|${f.size}\n`).join('');
        planRootOk = sha256(rootText) === cp.planRoot && plans.some((p) => p.planId === cp.planId && p.root === cp.planRoot);
        if (!planRootOk) brk('plan-root', { checkpointSeq: cp.seq }, `the plan root of ${cp.planId} does not match its sealed heads and files`);
        const exported = new Map(records.filter((r) => r.record === 'evidence').map((r) => [r.fileId, r]));
        for (const f of cp.evidence) {
          const x = exported.get(f.fileId);
          if (!x || x.sha256 !== f.sha256 || x.size !== f.size)
            brk('evidence', { fileId: f.fileId, taskId: f.taskId }, 'a sealed evidence file is missing from the export or changed');
        }
      }
      if (root !== undefined && root !== cp.hash) brk('root', { checkpointSeq: cp.seq }, `the checkpoint hash ${cp.hash} is not the published root ${root}`);
      report.checkpoint = { seq: cp.seq, hash: cp.hash, hashOk, signatureOk, planRootOk, heads: cp.heads.length };
    } else if (root !== undefined) brk('root', {}, 'the export carries no checkpoint to compare with the root');
  }
  report.ok = breaks.length === 0;
  report.breaks = breaks;
  console.log(JSON.stringify(report, null, 2));
  return report.ok ? 0 : 1;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  console.error(e.message);
  process.exitCode = 2;
}
