import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { ScoringError, ScoringErrorCode } from '../scoring/scoring.error.js';
import { simulatePlanScores, type AppliedChange, type PlanChange, type SimulationResult, type UnitChange } from '../scoring/simulate.js';
import { ScoresService, groupViews, type GroupView } from './scores.service.js';

export const SIMULATE_CHANGE_TYPES = [
  'task_facts',
  'node_approved',
  'red_light_excused',
  'ballot_set',
  'ballot_removed',
  'unit_event_added',
  'unit_event_removed',
  'part_weights',
  'template_replaced',
] as const;

export interface SimulationView {
  planId: string;
  /** When the live scores the simulation starts from were computed. */
  at: string;
  /** Nothing is written: the answer is a hypothesis. */
  hypothetical: true;
  applied: AppliedChange[];
  /** Units whose final, rank, grade, result or provisional flag moved, with before → after and both explanations. */
  changes: UnitChange[];
  rankings: SimulationResult['rankings'];
  /** The groups' rankings after the changes (rank, grade, final with its display text). */
  after: GroupView[];
}

/**
 * What-if (issue 13 item 7): hypothetical facts applied to the live scores with `simulatePlanScores`;
 * nothing is written. A change names tasks by `taskId` (or `indicatorId` + `unitId`); a ballot change takes
 * the ballot as `POST /plans/{id}/ballots` would (its quota checked the same way: strict → 422).
 */
@Injectable()
export class SimulateService {
  constructor(private readonly scores: ScoresService) {}

  async simulate(planId: string, raw: readonly Record<string, unknown>[], _actor: Actor): Promise<SimulationView> {
    const c = await this.scores.computeLive(planId);
    const changes = raw.map((ch, i) => toPlanChange(ch, i));
    let r: SimulationResult;
    try {
      r = simulatePlanScores(c.built.input, changes);
    } catch (e) {
      if (!(e instanceof ScoringError)) throw e;
      const fields = e.details.map((d) => ({ field: d.field, reason: d.message.startsWith(`${d.field}: `) ? d.message.slice(d.field.length + 2) : d.message }));
      if (e.code === ScoringErrorCode.BallotQuotaExceeded) throw new DomainError(ErrorCode.BallotQuotaExceeded, e.message, { fields });
      if (e.code === ScoringErrorCode.BallotSelfRating) throw new DomainError(ErrorCode.BallotSelfRating, e.message, { fields });
      throw DomainError.validation(fields.length ? fields : [{ field: 'changes', reason: e.message }]);
    }
    return { planId, at: c.at, hypothetical: true, applied: r.applied, changes: r.changes, rankings: r.rankings, after: groupViews(r.after) };
  }
}

/** The API's change → the pure one: the same shapes; a ballot gets a synthetic id, unknown types are 400. */
function toPlanChange(ch: Record<string, unknown>, i: number): PlanChange {
  if (!ch || typeof ch !== 'object' || Array.isArray(ch)) throw DomainError.validation([{ field: `changes[${i}]`, reason: 'must be an object' }]);
  if (!(SIMULATE_CHANGE_TYPES as readonly unknown[]).includes(ch.type)) {
    throw DomainError.validation([{ field: `changes[${i}].type`, reason: `one of ${SIMULATE_CHANGE_TYPES.join(', ')}` }]);
  }
  if (ch.type === 'ballot_set' && ch.ballot && typeof ch.ballot === 'object') {
    const b = ch.ballot as Record<string, unknown>;
    return { ...ch, ballot: { id: `simulated-${i}`, evaluatorId: 'simulated', ...b } } as PlanChange;
  }
  if (ch.type === 'unit_event_added' && ch.event && typeof ch.event === 'object') {
    return { ...ch, event: { id: `simulated-${i}`, ...(ch.event as object) } } as PlanChange;
  }
  return ch as unknown as PlanChange;
}
