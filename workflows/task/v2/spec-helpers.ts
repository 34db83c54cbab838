/** Shared fixtures for machine v2's tests (not used by production code). */
import { applyTaskEvent, initialTaskSnapshot } from './index.js';
import type { DomainEvent, Role, TaskEvent, TaskInput, TaskNodeInput, TaskSnapshot } from './index.js';

export const DAY = 86_400_000;
export function shift(iso: string, deltaMs: number): string {
  return new Date(Date.parse(iso) + deltaMs).toISOString();
}

export const CREATED = '2025-01-01T00:00:00.000Z';
/** Quarterly milestones: due the last day of each quarter (Beijing 23:59:59 ≈ 16:00Z), warned five days before. */
export const QUARTER_DUES = ['2025-03-31T16:00:00.000Z', '2025-06-30T16:00:00.000Z', '2025-09-30T16:00:00.000Z', '2025-12-31T16:00:00.000Z'];
export function node(seq: number, dueAt: string, extra: Partial<TaskNodeInput> = {}): TaskNodeInput {
  return { seq, dueAt, warnAt: shift(dueAt, -5 * DAY), stageTarget: `节点${seq}`, redDeduction: 7.5, ...extra };
}
export const FOUR_NODES: TaskInput = { nodes: QUARTER_DUES.map((d, i) => node(i + 1, d)) };

export function fresh(input: TaskInput = FOUR_NODES, at = CREATED): TaskSnapshot {
  return initialTaskSnapshot(input, at);
}

export function run(s: TaskSnapshot, ...events: TaskEvent[]): { snapshot: TaskSnapshot; emitted: DomainEvent[] } {
  const emitted: DomainEvent[] = [];
  let cur = s;
  for (const e of events) {
    const r = applyTaskEvent(cur, e);
    if (!r.ok) throw new Error(`refused ${JSON.stringify(e)}: ${JSON.stringify(r.refusal)}`);
    cur = r.snapshot;
    emitted.push(...r.emitted);
  }
  return { snapshot: cur, emitted };
}
export function go(s: TaskSnapshot, ...events: TaskEvent[]): TaskSnapshot {
  return run(s, ...events).snapshot;
}

export const ev = {
  ack: (at: string): TaskEvent => ({ type: 'task.acknowledge', at }),
  submit: (at: string, nodeSeq: number, extra: Record<string, unknown> = {}): TaskEvent =>
    ({ type: 'evidence.submit', at, nodeSeq, fileIds: ['sha256:abc'], note: '已完成', ...extra }) as TaskEvent,
  approve: (at: string, nodeSeq: number): TaskEvent => ({ type: 'evidence.approve', at, nodeSeq, reviewedValue: 1 }),
  ret: (at: string, nodeSeq: number, reason = '材料不全'): TaskEvent => ({ type: 'evidence.return', at, nodeSeq, reason }),
  request: (at: string, nodeSeq: number, newDueAt: string, newWarnAt?: string | null): TaskEvent => ({
    type: 'extension.request',
    at,
    nodeSeq,
    newDueAt,
    ...(newWarnAt === undefined ? {} : { newWarnAt }),
    reason: '客观原因',
  }),
  grant: (at: string, nodeSeq: number): TaskEvent => ({ type: 'extension.grant', at, nodeSeq, comment: '同意' }),
  deny: (at: string, nodeSeq: number, reason = '理由不充分'): TaskEvent => ({ type: 'extension.deny', at, nodeSeq, reason }),
  tick: (at: string): TaskEvent => ({ type: 'clock.tick', at }),
  suspend: (at: string, reason = '上级决定暂停'): TaskEvent => ({ type: 'task.suspend', at, reason }),
  resume: (at: string, nodes?: Array<{ seq: number; dueAt: string; warnAt?: string | null }>): TaskEvent => ({
    type: 'task.resume',
    at,
    ...(nodes ? { nodes } : {}),
  }),
  close: (at: string): TaskEvent => ({ type: 'task.close', at, reason: '期末关闭' }),
  score: (at: string, score = 10): TaskEvent => ({ type: 'task.score', at, score }),
  cancel: (at: string, reason = '任务撤销'): TaskEvent => ({ type: 'task.cancel', at, reason }),
  revise: (at: string, nodes: TaskNodeInput[]): TaskEvent => ({ type: 'task.revise', at, nodes, reason: '修订' }),
};

export const ROLES: Role[] = ['admin', 'supervisor', 'department', 'assessor', 'auditor', 'system'];
