/**
 * Domain errors carry a code; one exception filter maps codes to HTTP statuses, so services never
 * think in HTTP. `details` names the field(s) or state involved and is returned to the client as is.
 */
export enum ErrorCode {
  Validation = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  Forbidden = 'FORBIDDEN',
  NotFound = 'NOT_FOUND',
  VersionConflict = 'VERSION_CONFLICT',
  EventNotAllowed = 'EVENT_NOT_ALLOWED',
  Duplicate = 'DUPLICATE',
  FileTooLarge = 'FILE_TOO_LARGE',
  FileTypeNotAllowed = 'FILE_TYPE_NOT_ALLOWED',
  Busy = 'BUSY',
  /** An import commit whose report has errors (or that may not run): nothing written; the report is in details. */
  ImportRefused = 'IMPORT_REFUSED',
  /** The plan has no usable scoring set-up (template, group rules) or its structure cannot be scored. */
  ScoringNotConfigured = 'SCORING_NOT_CONFIGURED',
  /** A comprehensive-evaluation ballot gives a grade to more units than its quota allows. */
  BallotQuotaExceeded = 'BALLOT_QUOTA_EXCEEDED',
  /** An evaluator rated its own unit. */
  BallotSelfRating = 'BALLOT_SELF_RATING',
  /** A shipped plan template is read-only: copy it to change it. */
  TemplateReadOnly = 'TEMPLATE_READ_ONLY',
  /** A retired plan template takes no edits and no new plans. */
  TemplateRetired = 'TEMPLATE_RETIRED',
  /** A request body over the server's size limit (not an evidence file: that is FILE_TOO_LARGE). */
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  /** Too many attempts (login lockout); the answer carries Retry-After. */
  TooManyRequests = 'TOO_MANY_REQUESTS',
  /** The plan's self-assessment window is not set, not open yet or closed: details.state, opensAt, closesAt. */
  SelfAssessmentClosed = 'SELF_ASSESSMENT_CLOSED',
  /** The plan is being closed (a close job runs): its tasks take no writes until it finishes; details.jobId. */
  PlanClosing = 'PLAN_CLOSING',
  /** A job whose process stopped before it finished (found at start-up): nothing of it was committed. */
  JobAbandoned = 'JOB_ABANDONED',
  /** The plan is closed and its scores frozen: a task's scoring facts can no longer be entered or corrected. */
  PlanClosed = 'PLAN_CLOSED',
}

export const ERROR_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.Validation]: 400,
  [ErrorCode.Unauthenticated]: 401,
  [ErrorCode.Forbidden]: 403,
  [ErrorCode.NotFound]: 404,
  [ErrorCode.VersionConflict]: 409,
  [ErrorCode.EventNotAllowed]: 409,
  [ErrorCode.Duplicate]: 409,
  [ErrorCode.FileTooLarge]: 413,
  [ErrorCode.FileTypeNotAllowed]: 415,
  [ErrorCode.Busy]: 503,
  [ErrorCode.ImportRefused]: 422,
  [ErrorCode.ScoringNotConfigured]: 409,
  [ErrorCode.BallotQuotaExceeded]: 422,
  [ErrorCode.BallotSelfRating]: 403,
  [ErrorCode.TemplateReadOnly]: 409,
  [ErrorCode.TemplateRetired]: 409,
  [ErrorCode.PayloadTooLarge]: 413,
  [ErrorCode.TooManyRequests]: 429,
  [ErrorCode.SelfAssessmentClosed]: 409,
  [ErrorCode.PlanClosing]: 409,
  [ErrorCode.JobAbandoned]: 500,
  [ErrorCode.PlanClosed]: 409,
};

const MAX_PROBLEMS = 20;
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) + '…' : s);

export interface FieldProblem {
  field: string;
  reason: string;
  /** The validator's constraint name (isInt, maxLength…), when a DTO refused it: the catalogue words it in Chinese. */
  constraint?: string;
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** At most MAX_PROBLEMS problems are listed (a hostile body must not get a megabyte answer); `total` counts all. */
  static validation(problems: FieldProblem[]): DomainError {
    const shown = problems
      .slice(0, MAX_PROBLEMS)
      .map((p) => ({ field: clip(p.field, 200), reason: clip(p.reason, 300), ...(p.constraint ? { constraint: p.constraint } : {}) }));
    const summary =
      shown.map((p) => `${p.field}: ${p.reason}`).join('; ') + (problems.length > shown.length ? `; … ${problems.length - shown.length} more` : '');
    const details: Record<string, unknown> = { fields: shown };
    if (problems.length > shown.length) details.total = problems.length;
    return new DomainError(ErrorCode.Validation, `Invalid input — ${summary}`, details);
  }
  static notFound(what: string, id: string | number): DomainError {
    return new DomainError(ErrorCode.NotFound, `${what} ${id} not found`, { resource: what, id });
  }
  static forbidden(reason: string, details: Record<string, unknown> = {}): DomainError {
    return new DomainError(ErrorCode.Forbidden, reason, details);
  }
}
