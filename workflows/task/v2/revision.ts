/**
 * `task.revise` in machine v2: the office re-issues a task's node definitions (an edited import).
 *
 * Rules (nodes match by POSITION, as in v1):
 * 1. The complete new node list, well formed (seq strictly increasing, instants, openAt ≤ warnAt ≤ dueAt).
 * 2. An approved node is history: it must come back at its position with exactly its definition.
 * 3. A node not approved keeps its progress (submissions, returns, late marks, red flag, extension
 *    records); its definition may change. Its revised dates become its plan dates and current dates,
 *    except that dates a granted extension moved later are kept when later than the revised ones.
 * 4. Nodes may be added at the end; a node may be removed only if nothing happened on it (no submission,
 *    no red light, no pending extension request).
 * 5. At least one node must remain not approved.
 * 6. A node whose dates change loses its pending extension request (`extension.lapsed`, cause
 *    `task.revise`); a red flag set under the old due date is cleared and uncounted (`node.red-cleared`)
 *    when the new due date is after `at`; the light is recomputed (a revised date already past is red).
 */
import { isInstant, ms, toIso } from '../v1/time.js';
import type { TaskContext, TaskNodeInput, TaskNodeState } from './types.js';

export interface RevisionProblem {
  field: string;
  message: string;
  messageEn: string;
}

function orNull<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}
const optionalFinite = (v: unknown) => v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** Why `nodes` is not a well-formed node list (creation or revision), or null. */
export function nodeListProblem(nodes: unknown, field = 'nodes'): RevisionProblem | null {
  const p = (f: string, message: string, messageEn: string) => ({ field: f, message, messageEn });
  if (!Array.isArray(nodes) || nodes.length === 0) return p(field, '任务至少需要一个节点', 'a task needs at least one node');
  let prev = Number.NEGATIVE_INFINITY;
  for (const [i, raw] of nodes.entries()) {
    const n = raw as Partial<TaskNodeInput> | null;
    const f = `${field}[${i}]`;
    if (typeof n !== 'object' || n === null) return p(f, `第 ${i + 1} 个节点不正确`, `node ${i} is not an object`);
    if (typeof n.seq !== 'number' || !Number.isInteger(n.seq)) return p(`${f}.seq`, '节点序号须为整数', 'seq must be an integer');
    if (n.seq <= prev) return p(`${f}.seq`, '节点须按序号递增排列', 'nodes must be sorted by strictly increasing seq');
    prev = n.seq;
    if (!isInstant(n.dueAt)) return p(`${f}.dueAt`, '截止时间格式不正确', 'dueAt is not an ISO-8601 instant');
    if (!isInstant(n.warnAt)) return p(`${f}.warnAt`, '预警时间格式不正确', 'warnAt is not an ISO-8601 instant');
    if (ms(n.warnAt) > ms(n.dueAt)) return p(`${f}.warnAt`, '预警时间不能晚于截止时间', 'warnAt is after dueAt');
    if (n.openAt !== undefined && n.openAt !== null) {
      if (!isInstant(n.openAt)) return p(`${f}.openAt`, '开始时间格式不正确', 'openAt is not an ISO-8601 instant');
      if (ms(n.openAt) > ms(n.warnAt)) return p(`${f}.openAt`, '开始时间不能晚于预警时间', 'openAt is after warnAt');
    }
    if (!optionalFinite(n.stageValue)) return p(`${f}.stageValue`, '阶段目标值须为数字', 'stageValue must be a finite number or null');
    if (!optionalFinite(n.redDeduction)) return p(`${f}.redDeduction`, '红灯扣分须为数字', 'redDeduction must be a finite number or null');
    if (!optionalString(n.stageTarget)) return p(`${f}.stageTarget`, '阶段目标须为文字', 'stageTarget must be text or null');
    if (!optionalString(n.requiredEvidence)) return p(`${f}.requiredEvidence`, '佐证要求须为文字', 'requiredEvidence must be text or null');
  }
  return null;
}

/** Does the node's definition (its plan dates, not extended ones) equal this input? */
export function sameDefinition(node: TaskNodeState, input: TaskNodeInput): boolean {
  return (
    node.seq === input.seq &&
    node.originalDueAt === toIso(input.dueAt) &&
    node.originalWarnAt === toIso(input.warnAt) &&
    node.openAt === (input.openAt === undefined || input.openAt === null ? null : toIso(input.openAt)) &&
    node.stageTarget === orNull(input.stageTarget) &&
    node.stageValue === orNull(input.stageValue) &&
    node.requiredEvidence === orNull(input.requiredEvidence) &&
    node.redDeduction === orNull(input.redDeduction)
  );
}

/** Why this revision cannot be applied to this (live, active) task; null when it can. */
export function revisionProblem(context: TaskContext, event: { at?: unknown; nodes?: unknown; reason?: unknown }): RevisionProblem | null {
  if (!optionalString(event.reason)) return { field: 'reason', message: '理由须为文字', messageEn: 'reason must be text or null' };
  const list = nodeListProblem(event.nodes);
  if (list) return list;
  const nodes = event.nodes as TaskNodeInput[];
  for (const [i, old] of context.nodes.entries()) {
    const given = nodes[i];
    if (old.status === 'approved') {
      if (!given || !sameDefinition(old, given)) {
        return {
          field: `nodes[${i}]`,
          message: `节点 ${old.seq} 已通过审核，不能修改或删除`,
          messageEn: `node ${old.seq} is approved; approved nodes cannot be changed or removed`,
        };
      }
    } else if (!given && (old.submissions.length > 0 || old.redLighted || old.pendingExtension !== null)) {
      return {
        field: 'nodes',
        message: `节点 ${old.seq} 已有报送、红灯或延期申请，不能删除`,
        messageEn: `node ${old.seq} has submissions, a red light or a pending extension; it cannot be removed`,
      };
    }
  }
  const stillOpen = nodes.some((_, i) => context.nodes[i]?.status !== 'approved');
  if (!stillOpen) {
    return { field: 'nodes', message: '修订后须至少保留一个未通过的节点', messageEn: 'the revision must keep at least one node not yet approved' };
  }
  return null;
}

export function freshNode(input: TaskNodeInput, at: string): TaskNodeState {
  const dueAt = toIso(input.dueAt);
  const warnAt = toIso(input.warnAt);
  const openAt = input.openAt === undefined || input.openAt === null ? null : toIso(input.openAt);
  const opensLater = openAt !== null && ms(openAt) > ms(at);
  return {
    seq: input.seq,
    dueAt,
    warnAt,
    openAt,
    originalDueAt: dueAt,
    originalWarnAt: warnAt,
    stageTarget: orNull(input.stageTarget),
    stageValue: orNull(input.stageValue),
    requiredEvidence: orNull(input.requiredEvidence),
    redDeduction: orNull(input.redDeduction),
    status: opensLater ? 'pending' : 'open',
    light: 'green',
    openedAt: opensLater ? null : (openAt ?? toIso(at)),
    submissions: [],
    returns: [],
    approval: null,
    late: false,
    lateDays: 0,
    lateWorkingDays: null,
    redLighted: false,
    redLightedAt: null,
    redRecordedAt: null,
    lateCompleted: false,
    pendingExtension: null,
    extensions: [],
  };
}

export interface RevisedNode {
  node: TaskNodeState;
  /** Its dates (or seq) changed: a pending request lapses. */
  datesChanged: boolean;
  /** Its red flag is cleared (new due date after `at`). */
  redCleared: boolean;
}

export interface RevisionOutcome {
  nodes: RevisedNode[];
  changed: number[];
  added: number[];
  removed: number[];
}

/** The node list after a revision that `revisionProblem` accepted. Lights are recomputed by the caller. */
export function reviseNodes(context: TaskContext, inputs: TaskNodeInput[], at: string): RevisionOutcome {
  const out: RevisionOutcome = { nodes: [], changed: [], added: [], removed: [] };
  inputs.forEach((input, i) => {
    const before = context.nodes[i];
    if (!before) {
      out.added.push(input.seq);
      out.nodes.push({ node: freshNode(input, at), datesChanged: false, redCleared: false });
      return;
    }
    if (before.status === 'approved') {
      out.nodes.push({ node: before, datesChanged: false, redCleared: false });
      return;
    }
    if (!sameDefinition(before, input)) out.changed.push(input.seq);
    const fresh = freshNode(input, at);
    let dueAt = fresh.dueAt;
    let warnAt = fresh.warnAt;
    const extended = before.dueAt !== before.originalDueAt;
    if (extended && ms(before.dueAt) > ms(dueAt)) {
      dueAt = before.dueAt;
      warnAt = before.warnAt;
    }
    const dueMoved = dueAt !== before.dueAt;
    const datesChanged = dueMoved || warnAt !== before.warnAt || input.seq !== before.seq;
    const redCleared = before.redLighted && dueMoved && ms(at) < ms(dueAt);
    const status = before.status === 'pending' && fresh.status === 'open' ? 'open' : before.status;
    out.nodes.push({
      node: {
        ...before,
        seq: fresh.seq,
        dueAt,
        warnAt,
        openAt: fresh.openAt,
        status,
        openedAt: status === before.status ? before.openedAt : fresh.openedAt,
        originalDueAt: fresh.originalDueAt,
        originalWarnAt: fresh.originalWarnAt,
        stageTarget: fresh.stageTarget,
        stageValue: fresh.stageValue,
        requiredEvidence: fresh.requiredEvidence,
        redDeduction: fresh.redDeduction,
        ...(redCleared ? { redLighted: false, redLightedAt: null, redRecordedAt: null } : {}),
      },
      datesChanged,
      redCleared,
    });
  });
  for (let i = inputs.length; i < context.nodes.length; i++) out.removed.push(context.nodes[i]!.seq);
  return out;
}
