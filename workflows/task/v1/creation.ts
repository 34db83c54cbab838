/**
 * Creating many tasks at once (imports): the same result as `initialTaskTransition`, without running the
 * machine for every task. Pure and deterministic.
 *
 * Why it is exact: at creation the machine reads only the nodes' seq, dates and red deduction, and the
 * creation instant (guards `dueReached` / `warnReached`, `node.red-lighted` carrying `redDeduction`). The
 * stage target, stage value and required evidence are copied into the context and read by nothing. So
 * the machine runs once per distinct "skeleton" (at + each node's seq, dueAt, warnAt, redDeduction), and
 * each task gets that result with its own texts put in. An office table has a few dozen distinct date
 * patterns for thousands of tasks. `creation.spec.ts` checks equality with `initialTaskTransition`.
 *
 * If a creation-time guard or emitted event ever reads one of the substituted fields, add it to the
 * skeleton key (SKELETON_FIELDS) — the spec fails until then.
 */
import { initialTaskTransition, TaskInputError, validateTaskInput, viewOf } from './task.js';
import type { DomainEvent, TaskContext, TaskInput, TaskNodeState, TaskView } from './types.js';
import { isInstant } from './time.js';

export interface InitialTaskState {
  /** The snapshot's state value. */
  value: unknown;
  context: TaskContext;
  view: TaskView;
  emitted: DomainEvent[];
}

/** Node fields the creation depends on (the memo key). */
export const SKELETON_FIELDS = ['seq', 'dueAt', 'warnAt', 'redDeduction'] as const;

const orNull = <T>(v: T | null | undefined): T | null => (v === undefined ? null : v);

export class TaskCreator {
  private readonly memo = new Map<string, InitialTaskState>();

  constructor(private readonly limit = 1_000) {}

  /** Same value, context, view and emitted events as `initialTaskTransition(input, at)`; throws TaskInputError alike. */
  create(input: TaskInput, at: string): InitialTaskState {
    validateTaskInput(input);
    if (!isInstant(at)) throw new TaskInputError('at is not an ISO-8601 instant');
    let key = at;
    for (const n of input.nodes) key += `|${n.seq}|${n.dueAt}|${n.warnAt}|${n.redDeduction ?? ''}`;
    let template = this.memo.get(key);
    if (!template) {
      const { snapshot, emitted } = initialTaskTransition(input, at);
      template = { value: snapshot.value, context: snapshot.context, view: viewOf(snapshot), emitted };
      if (this.memo.size >= this.limit) this.memo.clear();
      this.memo.set(key, template);
      return template;
    }
    const nodes: TaskNodeState[] = template.context.nodes.map((t, i) => {
      const n = input.nodes[i]!;
      return { ...t, stageTarget: orNull(n.stageTarget), stageValue: orNull(n.stageValue), requiredEvidence: orNull(n.requiredEvidence) };
    });
    return { value: template.value, context: { ...template.context, nodes }, view: template.view, emitted: template.emitted };
  }
}
