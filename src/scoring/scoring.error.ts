/** Machine-readable codes of scoring errors; the HTTP layer maps them to statuses. */
export enum ScoringErrorCode {
  /** Method code unknown or parameters invalid (→ 400). */
  InvalidMethodParams = 'SCORING_INVALID_METHOD_PARAMS',
  /** A plan template fails validation (→ 400 / boot failure). */
  InvalidTemplate = 'SCORING_INVALID_TEMPLATE',
  /** Task facts that no formula can use, e.g. a target of 0 or more red nodes than nodes (→ 422). */
  InvalidFacts = 'SCORING_INVALID_FACTS',
  /** Structural problems in the input of computePlanScores: unknown ids, duplicates (→ 422). */
  InvalidPlanInput = 'SCORING_INVALID_PLAN_INPUT',
  /** A ballot is malformed, incomplete or rates a unit outside its group (→ 400). */
  InvalidBallot = 'SCORING_INVALID_BALLOT',
  /** A grade ballot gives a grade to more units than its quota allows (→ 422). */
  BallotQuotaExceeded = 'SCORING_BALLOT_QUOTA_EXCEEDED',
  /** An evaluator rated its own unit (→ 422). */
  BallotSelfRating = 'SCORING_BALLOT_SELF_RATING',
  /** Quota percentages that cannot be allocated (sum above 100, negative) (→ 400). */
  InvalidQuota = 'SCORING_INVALID_QUOTA',
}

/** A problem located at a field (path relative to the validated object, e.g. `subIndicators[1].points`). */
export interface FieldError {
  field: string;
  code: string;
  message: string;
}

export class ScoringError extends Error {
  constructor(
    readonly code: ScoringErrorCode,
    message: string,
    readonly details: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'ScoringError';
  }
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };
