/** Shapes of the API's JSON, as the pages use them (see /docs-json for the full schema). */
export type Role = 'admin' | 'supervisor' | 'department' | 'assessor' | 'auditor' | 'leader' | 'system';
export type Light = 'green' | 'yellow' | 'red';

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Me {
  userId: string;
  role: Role;
  unitId: string | null;
  username?: string;
}

export interface PlanView {
  id: string;
  year: number;
  name: string;
  timezone: string;
  status: 'draft' | 'published' | 'closed';
  warnWorkingDays: number;
  createdAt: string;
}

export interface GroupView {
  id: string;
  planId: string;
  name: string;
  kind: string;
  unitIds: string[];
}

export interface UnitView {
  id: string;
  name: string;
  kind: string;
  aliases: string[];
  createdAt?: string;
}

export interface IndicatorView {
  id: string;
  planId: string;
  code: string;
  categoryPath: string[];
  name: string;
  points: number;
  methodCode: string;
  targetValue: number | null;
  targetUnit: string | null;
  assessingUnitId: string | null;
}

export interface TaskSummary {
  id: string;
  planId: string;
  indicatorId: string;
  indicatorCode: string;
  indicatorName: string;
  unitId: string;
  unitName: string;
  assessingUnitId: string | null;
  isLead: boolean;
  state: string;
  light: Light | null;
  currentNodeSeq: number | null;
  currentDueDate: string | null;
  nextDeadlineAt: string | null;
  redCount: number;
  version: number;
  updatedAt: string;
  /** An extension request awaits a supervisor's decision. */
  extensionPending: boolean;
}

export interface NodeView {
  seq: number;
  dueDate: string;
  dueAt: string;
  warnAt: string;
  stageTarget: string | null;
  stageValue: number | null;
  requiredEvidence: string | null;
  redDeduction: number | null;
  status: 'pending' | 'open' | 'submitted' | 'returned' | 'approved';
  redLighted: boolean;
  approvedAt: string | null;
  lateDays: number | null;
  /** The node's own light (every node is its own milestone). */
  light: Light | null;
  /** Approved after its red light (补报/已整改): still counted red. */
  lateCompleted: boolean;
  lateWorkingDays: number | null;
  redLightedAt: string | null;
  suspended: boolean;
  latestSubmission: Submission | null;
  returns: { at: string; reason: string }[];
  pendingExtension: Omit<PendingExtension, 'nodeSeq'> | null;
  /** What this user may send to this node now (send with nodeSeq). */
  allowedEvents: string[];
}

/** The current node's latest submission (what an assessor reviews). */
export interface Submission {
  at: string;
  fileIds: string[];
  completedValue: number | null;
  note: string | null;
  offline: boolean;
  late: boolean;
  lateDays: number;
}

export interface PendingExtension {
  nodeSeq: number;
  requestedAt: string;
  newDueAt: string;
  newWarnAt: string | null;
  reason: string;
}

export interface TaskDetail extends TaskSummary {
  nodes: NodeView[];
  /** Every event type this user may send now (to the task or some node). */
  allowedEvents: string[];
  /** The same split: task-level events, and per node seq its events. */
  allowed: { task: string[]; nodes: Record<string, string[]> };
  topState: string;
  suspended: boolean;
  suspension: { at: string; reason: string } | null;
  sequential: boolean;
  signForDueAt: string | null;
  signForOverdue: boolean;
  machineVersion: number;
  createdAt: string;
  currentSubmission: Submission | null;
  /** Returns of the current node, oldest first. */
  currentReturns: { at: string; reason: string }[];
  pendingExtension: PendingExtension | null;
  /** Scoring facts entered (政策影响额, sub-indicator values, sub-item results) and their sources; null when none. */
  enteredFacts?: { values: Record<string, unknown>; sources: Record<string, { at: string; via: string; name: string | null; role: string | null }> } | null;
  /** The facts a person may enter for the indicator's method (field path, 中文 label). */
  enterableFacts?: { field: string; label: string; by: string[] }[];
}

export interface HistoryEntry {
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { userId: string | null; role: string; unitId: string | null; displayName: string | null };
  data: Record<string, unknown>;
  stateBefore: unknown;
  stateAfter: unknown;
  machineVersion: number;
  prevHash: string;
  hash: string;
  /** The stored canonical text the hash covers. */
  payload: string;
}

export interface EvidenceView {
  id: string;
  taskId: string;
  sha256: string;
  size: number;
  originalName: string;
  mimeType: string;
  uploadedBy: string;
  createdAt: string;
}

// ---- board queries (GET /board/…) ----
export interface LightCounts {
  tasks: number;
  green: number;
  yellow: number;
  red: number;
  done: number;
  redNodes: number;
  yellowNodes: number;
  lateCompleted: number;
  signForOverdue: number;
  overdueReviews: number;
}
export interface BoardUnitLights extends LightCounts {
  unitId: string;
  unitName: string;
  groupName: string | null;
}
export interface BoardLights {
  at: string;
  units: BoardUnitLights[];
  groups: ({ groupName: string | null } & LightCounts)[];
  total: LightCounts;
}
export interface BoardNode {
  taskId: string;
  unitId: string;
  unitName: string;
  indicatorCode: string;
  indicatorName: string;
  state: string;
  light: 'red' | 'yellow';
  version: number;
  nodeSeq: number;
  dueDate: string;
  dueAt: string;
  stageTarget: string | null;
  daysOverdue: number;
  daysLeft: number | null;
}
/** GET /board/red-months: red-lighted nodes of a unit in the month of their (planned) due day. */
export interface RedMonth {
  unitId: string;
  unitName: string;
  groupName: string | null;
  /** YYYY-MM */
  month: string;
  red: number;
}
export interface ReviewItem {
  taskId: string;
  unitId: string;
  unitName: string;
  indicatorCode: string;
  indicatorName: string;
  light: Light | null;
  version: number;
  reviewDueAt: string | null;
  reviewOverdue: boolean;
  nodeSeq: number | null;
  dueDate: string | null;
  stageTarget: string | null;
}

// ---- audit (GET /audit/…) ----
export interface TaskReplay {
  ok: boolean;
  events: number;
  runningMachineVersion: number;
  recordedMachineVersions: number[];
  migrations: string[];
  divergence: { kind: string; seq: number | null; type: string | null; message: string } | null;
  end: { storedSnapshotMatches: boolean | null };
  chain: { ok: boolean; events: number; lastSeq: number; lastHash: string | null; breaks: { seq?: number; message?: string; kind?: string }[] };
}
export interface TaskAsOf {
  asOf: string;
  at: string;
  existed: boolean;
  state: string | null;
  light: string | null;
  recordedLight: string | null;
  currentNodeSeq: number | null;
  redCount: number;
  extensionPending: boolean;
  lastEvent: { seq: number; type: string; occurredAt: string } | null;
  eventsApplied: number;
}
export type BoardBucket = 'green' | 'yellow' | 'red' | 'completed' | 'closed' | 'scored' | 'cancelled';
export type BoardCounts = Record<BoardBucket, number> & { total: number; redLights: number };
export interface PlanBoardAsOf {
  asOf: string;
  at: string;
  tasks: number;
  units: ({ unitId: string; unitName: string } & BoardCounts)[];
  totals: BoardCounts;
  unreplayable: { taskId: string; message: string }[];
}

// ---- scores (GET /plans/{id}/scores, /plans/{id}/units/{unitId}/scorecard; src/scores/README.md) ----
export type ScoreSource = 'live' | 'frozen';
export interface ScoreRun {
  id: number;
  kind: 'close' | 'rescore';
  at: string;
  reason: string | null;
  actor: { userId: string | null; role: string; username: string | null };
  templateId: string;
  templateVersion: number;
  provisional: boolean;
}
export interface ScoringIssue {
  level: 'error' | 'warning';
  code: string;
  message: string;
  groupId?: string;
  unitId?: string;
  indicatorId?: string;
  taskId?: string;
}
export interface UnitScoreSummary {
  unitId: string;
  name: string;
  groupId: string;
  rank: number;
  grade: string;
  result: 'passed' | 'failed';
  composite: number;
  bonus: number;
  deduction: number;
  negativeList: number;
  final: number;
  finalDisplay: string;
  provisional: boolean;
}
export interface GradeSeats {
  grade: string;
  percent: number;
  seats: number;
  assigned: number;
}
export interface GroupScoresView {
  groupId: string;
  name?: string;
  template: string;
  templateName: string;
  grading:
    | { mode: 'quota'; graded: number; seats: GradeSeats[]; vetoGrade: string }
    | { mode: 'thresholds'; thresholds: { grade: string; min: number }[]; otherwise: string; vetoGrade: string };
  provisional: boolean;
  units: UnitScoreSummary[];
}
export interface PlanScoresView {
  planId: string;
  planName: string;
  planStatus: string;
  source: ScoreSource;
  run: ScoreRun | null;
  at: string;
  templateId: string;
  provisional: boolean;
  groups: GroupScoresView[];
  issues: ScoringIssue[];
}
export interface Explanation {
  method: { code: string; name: string; mode?: string; modeName?: string };
  inputs: Record<string, number | string | boolean | null>;
  rule: string;
  formula: string;
  result: number;
  capped?: { from: number; to: number };
  notes?: string[];
  parts?: { key: string; name: string; points: number; formula: string; result: number }[];
}
export interface IndicatorScore {
  indicatorId: string;
  unitId: string;
  taskId?: string;
  name?: string;
  tag?: string;
  points: number;
  status: 'scored' | 'provisional' | 'group_average' | 'error';
  score: number;
  display: string;
  explanation: Explanation;
  missing?: string[];
  error?: { code: string; message: string };
  counted: boolean;
}
export interface PartScore {
  key: string;
  name: string;
  kind: 'indicators' | 'evaluation' | 'composite';
  weight?: number;
  budget?: number;
  value: number;
  max: number;
  rate: number;
  contribution: number;
  display: string;
  formula: string;
  provisional: boolean;
  parts?: PartScore[];
}
export interface AdjustmentLine {
  item: string;
  name: string;
  count: number;
  raw: number;
  points: number;
  cap?: number;
  capped?: { from: number; to: number };
  formula: string;
}
export interface AdjustmentSection {
  lines: AdjustmentLine[];
  raw: number;
  total: number;
  totalCap?: number;
  capped?: { from: number; to: number };
  formula: string;
}
export interface UnitScoreCard {
  unitId: string;
  name?: string;
  groupId: string;
  indicators: IndicatorScore[];
  parts: PartScore;
  composite: number;
  compositeDisplay: string;
  adjustments: {
    bonus: AdjustmentSection;
    deduction: AdjustmentSection;
    negativeList: AdjustmentSection;
    veto: { failed: boolean; items: { item: string; name: string; note?: string }[] };
    net: number;
  };
  final: number;
  finalDisplay: string;
  result: 'passed' | 'failed';
  rank: number;
  grade: string;
  provisional: boolean;
  explanation: { total: string; rank: string; grade: string };
}
export interface ScorecardView {
  planId: string;
  planStatus: string;
  source: ScoreSource;
  run: ScoreRun | null;
  at: string;
  groupName: string | null;
  groupSize: number;
  scorecard: UnitScoreCard;
  issues: ScoringIssue[];
}

/** Task states that still move (the light only means something for these). */
export const LIVE_STATES = ['assigned', 'open', 'submitted', 'returned'] as const;
export const isLive = (state: string): boolean => (LIVE_STATES as readonly string[]).includes(state);
