/**
 * The audit page's own, independent check of a task's history (GET /tasks/{id}/history), beside the
 * server's replay: recompute every hash in the browser with the README's recipe,
 * sha256(prev_hash|task_id|seq|type|occurred_at|payload) over the stored canonical payload text (first
 * prev_hash = 64 zeros), and check the links and state continuity. Pure (unit-tested in audit.spec.ts).
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
