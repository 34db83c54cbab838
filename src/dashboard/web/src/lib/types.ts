/** Shapes of the API's JSON, as the pages use them (see /docs-json for the full schema). */
export type Role = 'admin' | 'supervisor' | 'department' | 'assessor' | 'auditor' | 'system';
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
}

export interface TaskDetail extends TaskSummary {
  nodes: NodeView[];
  allowedEvents: string[];
  machineVersion: number;
  createdAt: string;
}

export interface HistoryEntry {
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { userId: string | null; role: string; unitId: string | null };
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

/** Task states that still move (the light only means something for these). */
export const LIVE_STATES = ['assigned', 'open', 'submitted', 'returned'] as const;
export const isLive = (state: string): boolean => (LIVE_STATES as readonly string[]).includes(state);
