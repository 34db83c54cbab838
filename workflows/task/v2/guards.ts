/**
 * The guards of machine v2, as functions that say WHY an event is refused (null: accepted). The machine's
 * transitions use exactly these (`accepts` = no refusal), and `allowedEvents` lists what passes the
 * state part of them, so what a page offers is what will succeed.
 *
 * Two parts: `stateRefusal` depends on the task, the node, the role and `at` (never on the payload) —
 * that is what `allowedEvents` evaluates; `payloadRefusal` checks the event's fields and names the field
 * (the API turns those into 400). Every check runs on the context already brought up to `event.at`.
 */
import { isInstant, ms } from '../v1/time.js';
import { factsShapeProblem } from './facts.js';
import { revisionProblem } from './revision.js';
import type { NodeStatus, Refusal, RefusalCode, Role, TaskContext, TaskEvent, TaskEventType, TaskNodeState, TopState } from './types.js';
import { EVENT_ROLES, TASK_EVENT_TYPES, isNodeEventType } from './types.js';

const STATE_ZH: Record<TopState, string> = {
  active: '进行中',
  suspended: '已中止',
  completed: '已完成',
  closed: '已关闭',
  scored: '已评分',
  cancelled: '已撤销',
};
const NODE_ZH: Record<NodeStatus, string> = {
  pending: '未开始',
  open: '待报送',
  submitted: '已报送待审核',
  returned: '已退回',
  approved: '已通过',
};

export const LIVE: readonly TopState[] = ['active', 'suspended'];

export function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}
const optionalNumber = (v: unknown) => v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

export function findNode(context: TaskContext, seq: unknown): TaskNodeState | undefined {
  return typeof seq === 'number' ? context.nodes.find((n) => n.seq === seq) : undefined;
}

function make(code: RefusalCode, state: TopState, node: TaskNodeState | null | undefined, message: string, messageEn: string, field?: string): Refusal {
  const r: Refusal = { code, nodeSeq: node?.seq ?? null, nodeState: node?.status ?? null, state, message, messageEn };
  if (field !== undefined) r.field = field;
  return r;
}

/**
 * Why an event of `type` (on node `nodeSeq` for node events) cannot be sent now, regardless of its
 * payload; null when it can. `context` must already be advanced to `at`.
 */
export function stateRefusal(context: TaskContext, top: TopState, type: string, nodeSeq: unknown, at: unknown, role?: Role): Refusal | null {
  if (!(TASK_EVENT_TYPES as readonly string[]).includes(type)) {
    return make('unknown_event', top, null, `未知的操作类型：${String(type)}`, `unknown event type: ${String(type)}`, 'type');
  }
  const t = type as TaskEventType;
  if (!isInstant(at)) return make('invalid_at', top, null, '时间格式不正确', 'at is not an ISO-8601 instant with a zone', 'at');
  if (role !== undefined && !EVENT_ROLES[t].includes(role)) {
    return make('role', top, null, `当前角色不能执行该操作（${t}）`, `role ${role} may not send ${t}`);
  }
  if (t === 'clock.tick') return null;
  if (ms(at) < ms(context.clockAt)) {
    return make('stale_at', top, null, '操作时间早于任务的最后一条记录', `at is before the task's last recorded event (${context.clockAt})`, 'at');
  }
  const live = LIVE.includes(top);
  const notLive = () => make('task_state', top, null, `任务${STATE_ZH[top]}，不能执行该操作`, `not allowed while the task is ${top}`);
  const suspended = () => make('suspended', top, null, '任务已中止，恢复后才能继续', 'the task is suspended');

  if (isNodeEventType(t)) {
    if (top === 'suspended') return suspended();
    if (top !== 'active') return notLive();
    const node = findNode(context, nodeSeq);
    if (!node) {
      return make('node_not_found', top, null, `任务没有序号为 ${String(nodeSeq)} 的节点`, `the task has no node ${String(nodeSeq)}`, 'nodeSeq');
    }
    const wrongState = (zh: string, en: string) => make('node_state', top, node, zh, en);
    switch (t) {
      case 'evidence.submit': {
        if (context.acknowledgedAt === null) return make('not_acknowledged', top, node, '请先签收任务', 'the task has not been acknowledged (signed for)');
        if (node.status === 'pending') return make('node_not_open', top, node, '节点尚未开始', `the node opens at ${node.openAt}`);
        if (node.status === 'submitted') return wrongState('节点材料已报送，等待审核', 'evidence is awaiting review');
        if (node.status === 'approved') return wrongState('节点已通过审核', 'the node is already approved');
        if (context.sequential) {
          const blocker = context.nodes.find((n) => n.seq < node.seq && n.status !== 'approved');
          if (blocker) {
            return make(
              'sequential',
              top,
              blocker,
              `须按顺序报送：节点 ${blocker.seq} 尚未通过审核`,
              `sequential submission: node ${blocker.seq} is not approved yet`,
            );
          }
        }
        return null;
      }
      case 'evidence.approve':
      case 'evidence.return':
        if (node.status !== 'submitted') {
          return wrongState(`节点${NODE_ZH[node.status]}，没有待审核的材料`, `no evidence awaiting review (the node is ${node.status})`);
        }
        return null;
      case 'extension.request':
        if (node.status === 'approved') return wrongState('节点已通过审核，不能申请延期', 'the node is already approved');
        if (node.pendingExtension !== null)
          return make('extension_pending', top, node, '该节点已有待审批的延期申请', 'an extension request is already pending');
        if (!(ms(at) < ms(node.dueAt))) return make('due_passed', top, node, '申请延期须在截止时间之前', 'the due time has passed');
        return null;
      case 'extension.grant':
      case 'extension.deny':
        if (node.pendingExtension === null) return make('no_extension_pending', top, node, '该节点没有待审批的延期申请', 'no extension request is pending');
        return null;
    }
  }
  switch (t) {
    case 'task.acknowledge':
      if (top === 'suspended') return suspended();
      if (top !== 'active') return notLive();
      if (context.acknowledgedAt !== null) return make('already_acknowledged', top, null, '任务已签收', 'the task is already acknowledged');
      return null;
    case 'task.suspend':
      if (top === 'suspended') return make('suspended', top, null, '任务已处于中止状态', 'the task is already suspended');
      return top === 'active' ? null : notLive();
    case 'task.resume':
      if (top === 'suspended') return null;
      return top === 'active' ? make('not_suspended', top, null, '任务未中止', 'the task is not suspended') : notLive();
    case 'task.close':
      return live ? null : notLive();
    case 'task.cancel':
      return top === 'scored' || top === 'cancelled' ? notLive() : null;
    case 'task.score':
      return top === 'completed' || top === 'closed' ? null : notLive();
    case 'task.revise':
      if (top === 'suspended') return suspended();
      return top === 'active' ? null : notLive();
    case 'task.facts':
      // Until the task is scored (final) or cancelled: live, completed, or closed and awaiting its score.
      return top === 'scored' || top === 'cancelled'
        ? make('task_state', top, null, `任务${STATE_ZH[top]}，不能再录入或更正计分数据`, `scoring facts cannot be entered while the task is ${top}`)
        : null;
  }
  return null;
}

/** Why the event's payload is not acceptable (naming the field); null when it is. */
export function payloadRefusal(context: TaskContext, top: TopState, event: TaskEvent): Refusal | null {
  const e = event as unknown as Record<string, unknown>;
  const node = isNodeEventType(event.type) ? findNode(context, e.nodeSeq) : undefined;
  const bad = (field: string, zh: string, en: string) => make('invalid_payload', top, node, zh, en, field);
  const reason = () => (nonEmpty(e.reason) ? null : bad('reason', '请填写理由', 'a reason is required'));
  switch (event.type) {
    case 'evidence.submit': {
      if (e.fileIds !== undefined && !(Array.isArray(e.fileIds) && e.fileIds.every(nonEmpty))) {
        return bad('fileIds', '附件列表不正确', 'fileIds must be a list of file ids');
      }
      if (!optionalNumber(e.completedValue)) return bad('completedValue', '完成值须为数字', 'completedValue must be a finite number');
      if (!optionalString(e.note)) return bad('note', '说明须为文字', 'note must be text');
      if (e.offline !== undefined && typeof e.offline !== 'boolean') return bad('offline', '线下报送标记不正确', 'offline must be true or false');
      const lw = e.lateWorkingDays;
      if (lw !== undefined && lw !== null && !(typeof lw === 'number' && Number.isInteger(lw) && lw >= 0)) {
        return bad('lateWorkingDays', '逾期工作日数不正确', 'lateWorkingDays must be a non-negative integer');
      }
      const something = (Array.isArray(e.fileIds) && e.fileIds.length > 0) || e.offline === true || typeof e.completedValue === 'number' || nonEmpty(e.note);
      return something ? null : bad('fileIds', '请提交材料、完成值、说明或注明线下报送', 'nothing submitted: give files, a completed value, a note or offline');
    }
    case 'evidence.approve':
      if (!optionalNumber(e.reviewedValue)) return bad('reviewedValue', '审核值须为数字', 'reviewedValue must be a finite number');
      if (!optionalNumber(e.assessorPoints)) return bad('assessorPoints', '评分须为数字', 'assessorPoints must be a finite number');
      if (!optionalString(e.comment)) return bad('comment', '意见须为文字', 'comment must be text');
      if (e.facts !== undefined && e.facts !== null) {
        const p = factsShapeProblem(e.facts);
        if (p) return bad(p[0], p[1], p[2]);
      }
      return null;
    case 'task.facts': {
      const p = factsShapeProblem(e.facts);
      if (p) return bad(p[0], p[1], p[2]);
      if (Object.keys(e.facts as object).length === 0) return bad('facts', '请填写要录入或更正的计分数据', 'no fact given');
      return reason();
    }
    case 'evidence.return':
    case 'extension.deny':
    case 'task.cancel':
    case 'task.suspend':
      return reason();
    case 'extension.request': {
      if (!isInstant(e.newDueAt)) return bad('newDueAt', '新的截止时间格式不正确', 'newDueAt is not an ISO-8601 instant');
      if (node && !(ms(e.newDueAt) > ms(node.dueAt))) {
        return bad('newDueAt', '新的截止时间须晚于原截止时间', 'newDueAt must be after the current due time');
      }
      if (e.newWarnAt !== undefined && e.newWarnAt !== null) {
        if (!isInstant(e.newWarnAt)) return bad('newWarnAt', '新的预警时间格式不正确', 'newWarnAt is not an ISO-8601 instant');
        if (ms(e.newWarnAt) > ms(e.newDueAt)) return bad('newWarnAt', '预警时间不能晚于截止时间', 'newWarnAt must not be after newDueAt');
      }
      return reason();
    }
    case 'extension.grant':
      return optionalString(e.comment) ? null : bad('comment', '意见须为文字', 'comment must be text');
    case 'task.close':
      return optionalString(e.reason) ? null : bad('reason', '理由须为文字', 'reason must be text');
    case 'task.score':
      if (typeof e.score !== 'number' || !Number.isFinite(e.score)) return bad('score', '分数须为数字', 'score must be a finite number');
      return optionalString(e.note) ? null : bad('note', '说明须为文字', 'note must be text');
    case 'task.resume':
      return resumeProblem(context, top, event);
    case 'task.revise': {
      const problem = revisionProblem(context, e);
      return problem === null ? null : bad(problem.field, problem.message, problem.messageEn);
    }
    default:
      return null;
  }
}

function resumeProblem(context: TaskContext, top: TopState, event: Extract<TaskEvent, { type: 'task.resume' }>): Refusal | null {
  const bad = (field: string, zh: string, en: string, node?: TaskNodeState) => make('invalid_payload', top, node, zh, en, field);
  if (!optionalString(event.note)) return bad('note', '说明须为文字', 'note must be text');
  if (event.nodes === undefined || event.nodes === null) return null;
  if (!Array.isArray(event.nodes)) return bad('nodes', '节点日期列表不正确', 'nodes must be a list');
  const seen = new Set<number>();
  for (const [i, given] of (event.nodes as unknown[]).entries()) {
    const g = given as { seq?: unknown; dueAt?: unknown; warnAt?: unknown } | null;
    const node = findNode(context, g?.seq);
    if (!g || !node) return bad(`nodes[${i}].seq`, `任务没有序号为 ${String(g?.seq)} 的节点`, `no node ${String(g?.seq)}`);
    if (seen.has(node.seq)) return bad(`nodes[${i}].seq`, `节点 ${node.seq} 重复`, `node ${node.seq} is given twice`, node);
    seen.add(node.seq);
    if (node.status === 'approved') return bad(`nodes[${i}].seq`, `节点 ${node.seq} 已通过审核`, `node ${node.seq} is approved`, node);
    if (context.suspendedAt !== null && ms(node.dueAt) <= ms(context.suspendedAt)) {
      return bad(`nodes[${i}].seq`, `节点 ${node.seq} 在中止前已到期`, `node ${node.seq} was already due before the suspension`, node);
    }
    if (!isInstant(g.dueAt)) return bad(`nodes[${i}].dueAt`, '新的截止时间格式不正确', 'dueAt is not an ISO-8601 instant', node);
    if (!(ms(g.dueAt) > ms(event.at))) return bad(`nodes[${i}].dueAt`, '新的截止时间须晚于恢复时间', 'dueAt must be after the resume time', node);
    if (g.warnAt !== undefined && g.warnAt !== null) {
      if (!isInstant(g.warnAt)) return bad(`nodes[${i}].warnAt`, '新的预警时间格式不正确', 'warnAt is not an ISO-8601 instant', node);
      if (ms(g.warnAt) > ms(g.dueAt)) return bad(`nodes[${i}].warnAt`, '预警时间不能晚于截止时间', 'warnAt must not be after dueAt', node);
    }
  }
  return null;
}

/** The full guard: state, then payload. */
export function refusalOf(context: TaskContext, top: TopState, event: TaskEvent, role?: Role): Refusal | null {
  const e = event as unknown as Record<string, unknown>;
  return stateRefusal(context, top, String(e?.type), e?.nodeSeq, e?.at, role) ?? payloadRefusal(context, top, event);
}
