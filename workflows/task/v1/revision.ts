/**
 * `task.revise`: the office re-issues a task's node definitions (an edited import file). Pure helpers
 * used by the machine's guard and action, and by callers that want to say WHY a revision is refused.
 *
 * What a revision may change (the rules):
 * 1. It carries the complete new node list (same shape as the creation input: seq strictly increasing,
 *    dueAt/warnAt instants with warnAt ≤ dueAt, optional stage target/value, required evidence, red
 *    deduction). Nodes are matched by POSITION: the i-th node of the revision replaces the i-th node.
 * 2. Approved nodes are history: the first `currentIndex` nodes (all approved) must appear first,
 *    with exactly their definitions (seq, plan dates `originalDueAt`/`originalWarnAt`, stage target and
 *    value, required evidence, red deduction). Changing, removing or inserting before an approved node
 *    is refused.
 * 3. The revision must keep at least one node after the approved ones: that node becomes (stays) the
 *    current node and KEEPS its progress (status, submissions, returns, late marks, red flag, extension
 *    records); only its definition changes. Nodes after it are pending, so they are replaced outright
 *    (added, changed or removed freely).
 * 4. Dates: the revised dates become the node's plan dates (`originalDueAt`/`originalWarnAt`) and its
 *    current dates — except that a current node whose due date a granted extension moved keeps the
 *    extended dates when they are later than the revised ones.
 * 5. When the current node's dates or seq change, a pending extension request lapses
 *    (`extension.lapsed`, cause `task.revise`): it asked to move a date that no longer exists.
 * 6. Lights: the light is recomputed against the new dates (as when an extension is granted). A red flag
 *    set under the old due date is cleared and uncounted (`node.red-cleared`, cause `task.revise`) when
 *    the revision moves the due date to after the revision's `at` — the plan date was wrong, the unit is
 *    not late by the corrected plan. A revised due date already in the past turns the node red (counted).
 * 7. Only while the task is live (assigned/open/submitted/returned). A completed task has every node
 *    approved, so any revision would change an approved node; closed, scored and cancelled tasks are
 *    finished. A revision identical to the current definitions changes nothing (and writes nothing).
 */
import type { TaskContext, TaskNodeInput, TaskNodeState } from './types.js';
import { isInstant, ms, toIso } from './time.js';

function orNull<T>(value: T | null | undefined): T | null {
  return value === undefined ? null : value;
}

const optionalFinite = (v: unknown) => v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === 'string';

/** Why `nodes` is not a well-formed node list, or null. */
export function nodeListProblem(nodes: unknown): string | null {
  if (!Array.isArray(nodes) || nodes.length === 0) return 'a revision needs at least one node';
  let prev = Number.NEGATIVE_INFINITY;
  for (const [i, raw] of nodes.entries()) {
    const n = raw as Partial<TaskNodeInput> | null;
    const where = `node ${i} (seq ${String(n?.seq)})`;
    if (typeof n !== 'object' || n === null) return `node ${i} is not an object`;
    if (typeof n.seq !== 'number' || !Number.isInteger(n.seq)) return `${where}: seq must be an integer`;
    if (n.seq <= prev) return `${where}: nodes must be sorted by strictly increasing seq`;
    prev = n.seq;
    if (!isInstant(n.dueAt)) return `${where}: dueAt is not an ISO-8601 instant`;
    if (!isInstant(n.warnAt)) return `${where}: warnAt is not an ISO-8601 instant`;
    if (ms(n.warnAt) > ms(n.dueAt)) return `${where}: warnAt is after dueAt`;
    if (!optionalFinite(n.stageValue) || !optionalFinite(n.redDeduction)) return `${where}: stageValue and redDeduction must be finite numbers or null`;
    if (!optionalString(n.stageTarget) || !optionalString(n.requiredEvidence)) return `${where}: stageTarget and requiredEvidence must be text or null`;
  }
  return null;
}

/** Does the node's definition (its plan dates, not extended ones) equal this input? */
export function sameDefinition(node: TaskNodeState, input: TaskNodeInput): boolean {
  return (
    node.seq === input.seq &&
    node.originalDueAt === toIso(input.dueAt) &&
    node.originalWarnAt === toIso(input.warnAt) &&
    node.stageTarget === orNull(input.stageTarget) &&
    node.stageValue === orNull(input.stageValue) &&
    node.requiredEvidence === orNull(input.requiredEvidence) &&
    node.redDeduction === orNull(input.redDeduction)
  );
}

/**
 * Why this revision cannot be applied to a live task with this context, or null when it can.
 * (Whether the task is live is the machine's business: only `live` handles `task.revise`.)
 */
export function revisionProblem(context: TaskContext, event: { at?: unknown; nodes?: unknown; reason?: unknown }): string | null {
  if (!isInstant(event.at)) return 'at is not an ISO-8601 instant';
  if (!optionalString(event.reason)) return 'reason must be text or null';
  const listProblem = nodeListProblem(event.nodes);
  if (listProblem) return listProblem;
  const nodes = event.nodes as TaskNodeInput[];
  const approved = context.currentIndex;
  for (let i = 0; i < approved; i++) {
    const old = context.nodes[i]!;
    const given = nodes[i];
    if (!given) return `node ${old.seq} is approved and the revision removes it; approved nodes cannot be removed`;
    if (!sameDefinition(old, given)) return `node ${old.seq} is approved; the revision changes it (approved nodes cannot be changed)`;
  }
  if (nodes.length <= approved) {
    return `the revision has ${nodes.length} node(s) but ${approved} are approved: it must keep them and at least one node to work on`;
  }
  return null;
}

export interface RevisionOutcome {
  nodes: TaskNodeState[];
  /** Seqs (new numbering) whose definition changed, that were added, and (old numbering) that were removed. */
  changed: number[];
  added: number[];
  removed: number[];
  /** The current node's dates or seq changed (a pending extension request lapses). */
  currentDatesChanged: boolean;
  /** The current node's red flag is cleared (its new due date is after `at`). */
  redCleared: boolean;
}

function pendingNode(input: TaskNodeInput): TaskNodeState {
  const dueAt = toIso(input.dueAt);
  const warnAt = toIso(input.warnAt);
  return {
    seq: input.seq,
    dueAt,
    warnAt,
    originalDueAt: dueAt,
    originalWarnAt: warnAt,
    stageTarget: orNull(input.stageTarget),
    stageValue: orNull(input.stageValue),
    requiredEvidence: orNull(input.requiredEvidence),
    redDeduction: orNull(input.redDeduction),
    status: 'pending',
    openedAt: null,
    submissions: [],
    returns: [],
    approval: null,
    late: false,
    lateDays: 0,
    redLighted: false,
    redLightedAt: null,
    extensions: [],
  };
}

/** The node list after a revision that `revisionProblem` accepted (rules 2–4 and 6). */
export function reviseNodes(context: TaskContext, inputs: TaskNodeInput[], at: string): RevisionOutcome {
  const k = context.currentIndex;
  const old = context.nodes;
  const out: RevisionOutcome = { nodes: [], changed: [], added: [], removed: [], currentDatesChanged: false, redCleared: false };
  inputs.forEach((input, i) => {
    if (i < k) {
      out.nodes.push(old[i]!);
      return;
    }
    const before = old[i];
    if (!before) {
      out.added.push(input.seq);
      out.nodes.push(pendingNode(input));
      return;
    }
    if (!sameDefinition(before, input)) out.changed.push(input.seq);
    if (i > k) {
      out.nodes.push(pendingNode(input));
      return;
    }
    // The current node: new definition, same progress.
    const fresh = pendingNode(input);
    let dueAt = fresh.dueAt;
    let warnAt = fresh.warnAt;
    const extended = before.dueAt !== before.originalDueAt;
    if (extended && ms(before.dueAt) > ms(dueAt)) {
      dueAt = before.dueAt;
      warnAt = before.warnAt;
    }
    const dueMoved = dueAt !== before.dueAt;
    out.currentDatesChanged = dueMoved || warnAt !== before.warnAt || input.seq !== before.seq;
    const clearRed = before.redLighted && dueMoved && ms(at) < ms(dueAt);
    out.redCleared = clearRed;
    out.nodes.push({
      ...before,
      seq: fresh.seq,
      dueAt,
      warnAt,
      originalDueAt: fresh.originalDueAt,
      originalWarnAt: fresh.originalWarnAt,
      stageTarget: fresh.stageTarget,
      stageValue: fresh.stageValue,
      requiredEvidence: fresh.requiredEvidence,
      redDeduction: fresh.redDeduction,
      ...(clearRed ? { redLighted: false, redLightedAt: null } : {}),
    });
  });
  for (let i = inputs.length; i < old.length; i++) out.removed.push(old[i]!.seq);
  return out;
}
