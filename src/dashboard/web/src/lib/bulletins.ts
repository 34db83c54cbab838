/** 通报: the calls and shapes of the bulletin API (src/bulletins on the server). */
import { dispositionFilename } from './format';
import { request, send } from './api';

const enc = encodeURIComponent;

export type Frequency = 'weekly' | 'monthly' | 'quarterly' | 'half-year' | 'year-end';
export type Measure = 'red-nodes' | 'on-time-rate' | 'completion-rate';

export const FREQUENCY_LABEL: Record<Frequency, string> = { weekly: '周报', monthly: '月报', quarterly: '季报', 'half-year': '半年报', 'year-end': '年报' };
/** How the period of each frequency is written, with an example. */
export const PERIOD_HINT: Record<Frequency, string> = {
  weekly: '如 2026-W23',
  monthly: '如 2026-06',
  quarterly: '如 2026-Q2',
  'half-year': '如 2026-H1',
  'year-end': '如 2026',
};
export const MEASURE_LABEL: Record<Measure, string> = { 'red-nodes': '红灯节点数（少者在前）', 'on-time-rate': '按时完成率', 'completion-rate': '完成率' };

export interface SeriesView {
  id: string;
  planId: string;
  name: string;
  frequency: Frequency;
  measure: Measure;
  topN: number;
  bottomN: number;
  rowsPerPage: number;
  issuer: string;
  createdAt: string;
}

export interface NodeLine {
  taskId: string;
  indicatorName: string;
  seq: number;
  stageTarget: string | null;
  dueAt: string;
  daysOverdue: number;
  lateCompleted: boolean;
}

export interface RankedUnit {
  rank: number | null;
  unitId: string;
  unitName: string;
  value: number | null;
  display: string;
  dueNodes: number;
  approvedNodes: number;
  redNodes: number;
  yellowNodes: number;
  change: { rank: number | null; value: number | null; redNodes: number } | null;
}

export interface BulletinContent {
  cutOffAt: string;
  measureLabel: string;
  groups: { groupId: string; name: string; ranking: RankedUnit[]; honourRoll: string[]; watchList: string[] }[];
  nodes: Record<string, { red: NodeLine[]; yellow: NodeLine[] }>;
  board: { tasks: number; totals: Record<string, number>; unreplayable: number };
}

export interface UnitBulletin {
  cutOffAt: string;
  measureLabel: string;
  groups: { groupId: string; name: string; units: number; line: RankedUnit; onHonourRoll: boolean; onWatchList: boolean }[];
  nodes: { red: NodeLine[]; yellow: NodeLine[] };
}

export interface BulletinView {
  id: string;
  seriesId: string;
  period: string;
  periodLabel: string;
  cutOffAt: string;
  status: 'draft' | 'published';
  number: number | null;
  numberText: string | null;
  note: string | null;
  createdAt: string;
  publishedAt: string | null;
  content?: BulletinContent;
  unit?: UnitBulletin;
}

export const bulletinsApi = {
  series: (planId: string) => request<SeriesView[]>('GET', `/plans/${enc(planId)}/bulletin-series`),
  createSeries: (planId: string, body: { name: string; frequency: Frequency; measure: Measure; topN: number; bottomN: number; issuer?: string }) =>
    request<SeriesView>('POST', `/plans/${enc(planId)}/bulletin-series`, body),
  issues: (seriesId: string) => request<BulletinView[]>('GET', `/bulletin-series/${enc(seriesId)}/bulletins`),
  draft: (seriesId: string, period: string, note?: string) =>
    request<BulletinView>('POST', `/bulletin-series/${enc(seriesId)}/bulletins`, { period, ...(note ? { note } : {}) }),
  get: (id: string) => request<BulletinView>('GET', `/bulletins/${enc(id)}`),
  setNote: (id: string, note: string) => request<BulletinView>('PATCH', `/bulletins/${enc(id)}`, { note }),
  publish: (id: string) => request<BulletinView>('POST', `/bulletins/${enc(id)}/publish`),
  async exportFile(id: string, format: 'docx' | 'pdf'): Promise<{ blob: Blob; filename: string }> {
    const res = await send('GET', `/bulletins/${enc(id)}/export?format=${format}`, undefined, { accept: '*/*' });
    return { blob: await res.blob(), filename: dispositionFilename(res.headers.get('content-disposition'), `通报.${format}`) };
  },
};

/** The change of rank against the previous issue, for people: ↑2 / ↓1 / 持平 / 新列入. */
export function rankChange(u: RankedUnit): string {
  if (!u.change || u.change.rank === null || u.rank === null) return u.change ? '—' : '首期';
  const d = u.change.rank - u.rank;
  return d > 0 ? `↑${d}` : d < 0 ? `↓${-d}` : '持平';
}
