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

/** Task states that still move (the light only means something for these). */
export const LIVE_STATES = ['assigned', 'open', 'submitted', 'returned'] as const;
export const isLive = (state: string): boolean => (LIVE_STATES as readonly string[]).includes(state);
