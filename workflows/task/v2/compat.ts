/**
 * Helpers for the write path moving from v1 to v2 (issue 10 phase 2), pure:
 * - `columnsOf`: the query columns `src/tasks` keeps (state, light, current node, next deadline, red
 *   count), with the state named as v1 named it (assigned / open / submitted / returned, from the first
 *   node not yet approved) so existing filters keep working; `suspended` is new.
 * - `withDefaultNode`: a node event sent without `nodeSeq` (a v1-era client) acts on the node v1 would
 *   have acted on: the first node that can take it.
 * - `TaskCreatorV2`: bulk creation with the same result as `initialTaskTransition`, running the machine
 *   once per date skeleton (imports).
 */
import { initialTaskTransition, topStateOf, validateTaskInput, viewOf, type TaskSnapshot } from './task.js';
import { taskMachineV2 } from './machine.js';
import { TaskInputError } from '../v1/task.js';
import { isInstant } from '../v1/time.js';
import type { DomainEvent, Light, TaskContext, TaskEvent, TaskInput, TaskView } from './types.js';
import { isNodeEventType } from './types.js';

export interface TaskColumns {
  state: string;
  light: Light | null;
  currentNodeSeq: number | null;
  nextDeadlineAt: string | null;
  redCount: number;
}

export function columnsOf(s: TaskSnapshot): TaskColumns {
  const view = viewOf(s);
  const top = topStateOf(s);
  let state: string = top;
  if (top === 'active') {
    const current = s.context.nodes.find((n) => n.status !== 'approved');
    state = s.context.acknowledgedAt === null ? 'assigned' : current && current.status !== 'pending' ? current.status : 'open';
  }
  return { state, light: view.light, currentNodeSeq: view.currentNodeSeq, nextDeadlineAt: view.nextDeadlineAt, redCount: view.redCount };
}

export function withDefaultNode(s: TaskSnapshot, event: TaskEvent): TaskEvent {
  if (!isNodeEventType(event.type) || (event as { nodeSeq?: unknown }).nodeSeq !== undefined) return event;
  const nodes = s.context.nodes;
  const pick =
    (() => {
      switch (event.type) {
        case 'evidence.submit':
          return s.context.sequential ? nodes.find((n) => n.status !== 'approved') : nodes.find((n) => n.status === 'open' || n.status === 'returned');
        case 'evidence.approve':
        case 'evidence.return':
          return nodes.find((n) => n.status === 'submitted');
        case 'extension.request':
          return nodes.find((n) => n.status !== 'approved' && n.pendingExtension === null);
        default:
          return nodes.find((n) => n.pendingExtension !== null);
      }
    })() ??
    nodes.find((n) => n.status !== 'approved') ??
    nodes[0];
  return { ...event, nodeSeq: pick?.seq } as TaskEvent;
}

export interface InitialTaskStateV2 {
  value: unknown;
  context: TaskContext;
  view: TaskView;
  emitted: DomainEvent[];
}

export class TaskCreatorV2 {
  private readonly memo = new Map<string, InitialTaskStateV2>();
  constructor(private readonly limit = 1_000) {}

  create(input: TaskInput, at: string): InitialTaskStateV2 {
    validateTaskInput(input);
    if (!isInstant(at)) throw new TaskInputError('at is not an ISO-8601 instant');
    let key = `${at}|${input.sequential === true}|${input.signForDueAt ?? ''}`;
    for (const n of input.nodes) key += `|${n.seq}|${n.dueAt}|${n.warnAt}|${n.openAt ?? ''}|${n.redDeduction ?? ''}`;
    let template = this.memo.get(key);
    if (!template) {
      const { snapshot, emitted } = initialTaskTransition(input, at);
      template = { value: snapshot.value, context: snapshot.context, view: viewOf(snapshot), emitted };
      if (this.memo.size >= this.limit) this.memo.clear();
      this.memo.set(key, template);
      return template;
    }
    const orNull = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);
    const nodes = template.context.nodes.map((t, i) => {
      const n = input.nodes[i]!;
      return { ...t, stageTarget: orNull(n.stageTarget), stageValue: orNull(n.stageValue), requiredEvidence: orNull(n.requiredEvidence) };
    });
    const context = { ...template.context, nodes };
    const view = viewOf(taskMachineV2.resolveState({ value: template.value as never, context }));
    return { value: template.value, context, view, emitted: template.emitted };
  }
}
