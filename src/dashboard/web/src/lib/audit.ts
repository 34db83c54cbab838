/**
 * What an auditor's page can check on its own from GET /tasks/{id}/history, until the server's
 * replay / verify / as-of / export (issue 6) are there. Pure (unit-tested in audit.spec.ts).
 * The hash recipe is the README's: sha256(prev_hash|task_id|seq|type|occurred_at|payload) over the
 * stored canonical payload text, first prev_hash = 64 zeros.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { HistoryEntry } from './types';

export const GENESIS = '0'.repeat(64);

export function eventHash(taskId: string, e: Pick<HistoryEntry, 'prevHash' | 'seq' | 'type' | 'occurredAt' | 'payload'>): string {
  return bytesToHex(sha256(utf8ToBytes([e.prevHash, taskId, String(e.seq), e.type, e.occurredAt, e.payload].join('|'))));
}

export interface ChainProblem {
  seq: number;
  kind: 'hash' | 'link' | 'sequence' | 'state';
  message: string;
}

export interface ChainVerdict {
  ok: boolean;
  events: number;
  problems: ChainProblem[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Recompute every hash, check each event links to the one before, that seq runs 1, 2, 3 …, and that
 * each event starts from the state the previous one ended in.
 */
export function verifyHistory(taskId: string, entries: readonly HistoryEntry[]): ChainVerdict {
  const problems: ChainProblem[] = [];
  let prev: HistoryEntry | null = null;
  entries.forEach((e, i) => {
    if (e.seq !== i + 1) problems.push({ seq: e.seq, kind: 'sequence', message: `序号应为 ${i + 1}，实为 ${e.seq}（事件缺失或顺序错乱）` });
    const expectedPrev = prev ? prev.hash : GENESIS;
    if (e.prevHash !== expectedPrev) problems.push({ seq: e.seq, kind: 'link', message: `前序哈希与上一事件不符` });
    const h = eventHash(taskId, e);
    if (h !== e.hash) problems.push({ seq: e.seq, kind: 'hash', message: `重算哈希 ${h.slice(0, 12)}… 与记录 ${e.hash.slice(0, 12)}… 不符（内容被改动）` });
    if (prev && !same(e.stateBefore, prev.stateAfter)) problems.push({ seq: e.seq, kind: 'state', message: '事件前状态与上一事件后状态不一致' });
    prev = e;
  });
  return { ok: problems.length === 0, events: entries.length, problems };
}

export interface StateView {
  progress: string;
  light: string | null;
  extension: string | null;
}

/** The recorded machine state ({ live: { progress, light, extension } } or "completed" …) as plain fields. */
export function describeState(state: unknown): StateView {
  if (typeof state === 'string') return { progress: state, light: null, extension: null };
  const live = (state as { live?: Record<string, unknown> } | null)?.live;
  if (live && typeof live === 'object') {
    return {
      progress: String(live['progress'] ?? 'live'),
      light: typeof live['light'] === 'string' ? live['light'] : null,
      extension: typeof live['extension'] === 'string' ? live['extension'] : null,
    };
  }
  if (state && typeof state === 'object') return { progress: Object.keys(state)[0] ?? '—', light: null, extension: null };
  return { progress: '—', light: null, extension: null };
}

/** Does the last recorded state match the task's current state and light (the stored snapshot)? */
export function matchesCurrent(entries: readonly HistoryEntry[], task: { state: string; light: string | null }): boolean {
  const last = entries.at(-1);
  if (!last) return false;
  const s = describeState(last.stateAfter);
  return s.progress === task.state && (s.light === null || s.light === task.light);
}

/** The last event at or before `at`, or null when the task did not exist yet. */
export function entryAsOf(entries: readonly HistoryEntry[], at: Date): HistoryEntry | null {
  let found: HistoryEntry | null = null;
  for (const e of entries) if (Date.parse(e.occurredAt) <= at.getTime()) found = e;
  return found;
}

const exportColumns = ['seq', 'type', 'occurredAt', 'recordedAt', 'actorRole', 'actorUnitId', 'actorUserId', 'stateBefore', 'stateAfter', 'prevHash', 'hash', 'payload'] as const;

function exportRow(taskId: string, e: HistoryEntry): Record<string, unknown> {
  return {
    taskId,
    seq: e.seq,
    type: e.type,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    actorRole: e.actor.role,
    actorUnitId: e.actor.unitId,
    actorUserId: e.actor.userId,
    stateBefore: e.stateBefore,
    stateAfter: e.stateAfter,
    prevHash: e.prevHash,
    hash: e.hash,
    payload: e.payload,
  };
}

/** One JSON object per line, with the stored payload text kept verbatim so the hashes can be recomputed. */
export function toJsonLines(taskId: string, entries: readonly HistoryEntry[]): string {
  return entries.map((e) => JSON.stringify(exportRow(taskId, e))).join('\n') + '\n';
}

const csvCell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** CSV (RFC 4180) with a UTF-8 byte-order mark so spreadsheet programs read the Chinese correctly. */
export function toCsv(taskId: string, entries: readonly HistoryEntry[]): string {
  const header = ['taskId', ...exportColumns];
  const lines = entries.map((e) => {
    const row = exportRow(taskId, e);
    return header.map((k) => csvCell(row[k])).join(',');
  });
  return '\uFEFF' + [header.join(','), ...lines].join('\r\n') + '\r\n';
}
