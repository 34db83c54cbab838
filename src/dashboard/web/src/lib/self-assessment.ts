/** 自评: the calls and shapes of /plans/:id/self-assessment (src/self-assessment on the server). */
import { request, send } from './api';

const enc = encodeURIComponent;
const base = (planId: string) => `/plans/${enc(planId)}/self-assessment`;

export type WindowState = 'not_set' | 'not_open' | 'open' | 'closed';
export type AssessmentStatus = 'none' | 'draft' | 'submitted' | 'signed';

export interface WindowView {
  planId: string;
  state: WindowState;
  opensOn: string | null;
  closesOn: string | null;
  opensAt: string | null;
  closesAt: string | null;
}

export interface ItemView {
  indicatorId: string;
  code: string;
  name: string;
  points: number;
  selfScore: number | null;
  note: string | null;
}

export interface AssessmentView {
  planId: string;
  unitId: string;
  unitName: string;
  window: WindowView;
  status: AssessmentStatus;
  version: number;
  final: boolean;
  items: ItemView[] | null;
  selfTotal: number | null;
  pointsTotal: number;
  report: { name: string; size: number; mimeType: string } | null;
  signer: { userId: string; name: string } | null;
  submittedAt: string | null;
  signedAt: string | null;
  returnedReason: string | null;
  signerCandidates?: { userId: string; name: string }[];
  allowed: string[];
}

export type UnitLine = Omit<AssessmentView, 'items' | 'window' | 'allowed' | 'signerCandidates' | 'report'>;

export interface ComparisonUnit {
  unitId: string;
  unitName: string;
  status: AssessmentStatus;
  final: boolean;
  selfTotal: number | null;
  assessedTotal: number | null;
  difference: number | null;
  lines: {
    indicatorId: string;
    code: string;
    name: string;
    points: number;
    selfScore: number | null;
    assessedScore: number | null;
    difference: number | null;
  }[];
}

export interface ComparisonView {
  source: string | null;
  scoresAt: string | null;
  note: string | null;
  units: ComparisonUnit[];
}

export const WINDOW_LABEL: Record<WindowState, string> = { not_set: '未设定', not_open: '未开始', open: '填报中', closed: '已截止' };
export const STATUS_LABEL: Record<AssessmentStatus, string> = {
  none: '未填报',
  draft: '填报中（草稿）',
  submitted: '已提交，待负责人签认',
  signed: '已签认（定稿）',
};

export const selfAssessment = {
  window: (planId: string) => request<WindowView>('GET', `${base(planId)}/window`),
  setWindow: (planId: string, opensOn: string, closesOn: string) => request<WindowView>('PUT', `${base(planId)}/window`, { opensOn, closesOn }),
  units: (planId: string) => request<UnitLine[]>('GET', `${base(planId)}/units`),
  mine: (planId: string) => request<AssessmentView>('GET', `${base(planId)}/units/mine`),
  save: (planId: string, version: number, items: { indicatorId: string; selfScore: number | null; note: string | null }[]) =>
    request<AssessmentView>('PUT', `${base(planId)}/units/mine`, { version, items }),
  async uploadReport(planId: string, file: File): Promise<AssessmentView> {
    const form = new FormData();
    form.append('file', file, file.name);
    const res = await send('POST', `${base(planId)}/units/mine/report`, form);
    return (await res.json()) as AssessmentView;
  },
  submit: (planId: string, version: number, signerUserId: string) =>
    request<AssessmentView>('POST', `${base(planId)}/units/mine/submit`, { version, signerUserId }),
  signOff: (planId: string, version: number) => request<AssessmentView>('POST', `${base(planId)}/units/mine/sign-off`, { version }),
  giveBack: (planId: string, version: number, reason: string) => request<AssessmentView>('POST', `${base(planId)}/units/mine/return`, { version, reason }),
  comparison: (planId: string) => request<ComparisonView>('GET', `${base(planId)}/comparison`),
};

/** A score for people: two decimals, or a dash. */
export const points = (n: number | null | undefined): string => (n == null ? '—' : n.toFixed(2));
/** A signed difference: +1.13 / −0.50 / 0.00. */
export const signed = (n: number | null | undefined): string => (n == null ? '—' : n > 0 ? `+${n.toFixed(2)}` : n < 0 ? `−${Math.abs(n).toFixed(2)}` : '0.00');
