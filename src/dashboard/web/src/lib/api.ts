/**
 * The one way the pages talk to the server: JSON over fetch with the bearer token. A failed call
 * becomes an ApiError carrying the server's own zh-CN `message` and refused `fields` (labels and reasons
 * in Chinese, from src/common/error-catalogue.ts), plus code, details and request id for programs; the
 * pages show the message and the fields, never the code or an id.
 */
import type {
  BoardLights,
  BoardNode,
  EvidenceView,
  GroupView,
  HistoryEntry,
  IndicatorView,
  Me,
  Page,
  PlanBoardAsOf,
  PlanScoresView,
  PlanView,
  RedMonth,
  ReviewItem,
  ScorecardView,
  ScoreRun,
  ScoreSource,
  TaskAsOf,
  TaskDetail,
  TaskReplay,
  TaskSummary,
  UnitView,
} from './types';
import { dispositionFilename } from './format';

/** A refused input field as the server names it for people. */
export interface ErrorField {
  field: string;
  label: string;
  message: string;
}

/** When the body is not the server's JSON (a proxy's page, a dropped connection): a Chinese message by status. */
const STATUS_ZH: Record<number, string> = {
  400: '请求无效',
  401: '登录已失效，请重新登录',
  403: '无权执行此操作',
  404: '未找到所请求的内容',
  409: '当前状态下不能执行此操作，请刷新后重试',
  413: '内容超过大小上限',
  415: '不支持的文件或内容格式',
  429: '操作过于频繁，请稍后再试',
  502: '服务器暂时无法访问，请稍后重试',
  503: '系统繁忙，请稍后重试',
  504: '服务器响应超时，请稍后重试',
};
export const statusMessage = (status: number): string => STATUS_ZH[status] ?? (status >= 500 ? '服务器出错，请稍后重试' : '请求未能完成');

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly details?: Record<string, unknown>,
    readonly requestId?: string,
    readonly fields: ErrorField[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'duban.token';
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let onUnauthenticated: (message: string) => void = () => {};

export function setToken(t: string | null): void {
  token = t;
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}
export const hasToken = (): boolean => token !== null;
/** For EventSource, which cannot send headers (the server accepts ?access_token= on the stream only). */
export const currentToken = (): string | null => token;
export function whenUnauthenticated(fn: (message: string) => void): void {
  onUnauthenticated = fn;
}

async function toError(res: Response): Promise<ApiError> {
  let body: { message?: unknown; code?: unknown; details?: unknown; requestId?: unknown; fields?: unknown } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON: fall through to the status text */
  }
  const message = typeof body.message === 'string' && body.message ? body.message : statusMessage(res.status);
  const fields = Array.isArray(body.fields)
    ? (body.fields as Partial<ErrorField>[]).filter((f): f is ErrorField => typeof f?.label === 'string' && typeof f?.message === 'string')
    : [];
  return new ApiError(
    message,
    res.status,
    typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
    (body.details as Record<string, unknown> | undefined) ?? undefined,
    typeof body.requestId === 'string' ? body.requestId : undefined,
    fields,
  );
}

export async function send(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (token) h['authorization'] = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method, headers: h, body });
  } catch {
    throw new ApiError('无法连接服务器，请检查网络后重试', 0, 'NETWORK');
  }
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && path !== '/auth/login') {
      setToken(null);
      onUnauthenticated(err.message);
    }
    throw err;
  }
  return res;
}

export async function request<T>(method: string, path: string, json?: unknown): Promise<T> {
  const res = await send(method, path, json === undefined ? undefined : JSON.stringify(json), json === undefined ? {} : { 'content-type': 'application/json' });
  return (await res.json()) as T;
}

const qs = (params: Record<string, string | number | undefined | null>): string => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};

/** Every page of a paged list (pageSize 200, the server's maximum). */
async function all<T>(path: string, params: Record<string, string | number | undefined | null> = {}): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const res = await request<Page<T>>('GET', path + qs({ ...params, page, pageSize: 200 }));
    items.push(...res.items);
    if (items.length >= res.total || res.items.length === 0) return items;
  }
}

export interface TaskFilter {
  planId?: string;
  unitId?: string;
  state?: string;
  light?: string;
  /** 'true': only tasks with an extension request awaiting a decision. */
  extensionPending?: 'true' | 'false';
}

/** Which scores to read: the API's default (frozen once the plan has a run, else live), live, or one frozen run. */
export interface ScoreChoice {
  source?: ScoreSource;
  runId?: number;
}

export const api = {
  login: (username: string, password: string) => request<{ accessToken: string }>('POST', '/auth/login', { username, password }),
  me: () => request<Me>('GET', '/auth/me'),
  /** The server clock; `manual` = the drill clock (演练时钟). */
  clock: () => request<{ mode: 'system' | 'manual'; now: string }>('GET', '/clock'),
  plans: () => all<PlanView>('/plans'),
  groups: (planId: string) => request<GroupView[]>('GET', `/plans/${encodeURIComponent(planId)}/groups`),
  units: () => all<UnitView>('/units'),
  indicators: (planId: string) => all<IndicatorView>('/indicators', { planId }),
  tasks: (f: TaskFilter = {}) => all<TaskSummary>('/tasks', { ...f }),
  /** One page of tasks (its `total` counts them all). */
  taskPage: (f: TaskFilter & { page?: number; pageSize?: number } = {}) => request<Page<TaskSummary>>('GET', `/tasks${qs({ ...f })}`),
  /** Tasks with their details, 200 a request (GET /tasks/details): one request where there was one per task. */
  taskDetails: (f: TaskFilter = {}) => all<TaskDetail>('/tasks/details', { ...f }),
  task: (id: string) => request<TaskDetail>('GET', `/tasks/${encodeURIComponent(id)}`),
  history: (id: string, type?: string) => all<HistoryEntry>(`/tasks/${encodeURIComponent(id)}/history`, { type }),
  evidence: (id: string) => request<EvidenceView[]>('GET', `/tasks/${encodeURIComponent(id)}/evidence`),
  /** `nodeSeq`: the node an evidence or extension event acts on (every node is its own milestone). */
  sendEvent: (id: string, type: string, expectedVersion: number, payload?: Record<string, unknown>, nodeSeq?: number) =>
    request<{ version: number }>('POST', `/tasks/${encodeURIComponent(id)}/events`, {
      type,
      expectedVersion,
      ...(nodeSeq === undefined ? {} : { nodeSeq }),
      ...(payload ? { payload } : {}),
    }),
  async upload(taskId: string, file: File): Promise<EvidenceView> {
    const form = new FormData();
    form.append('file', file, file.name);
    const res = await send('POST', `/tasks/${encodeURIComponent(taskId)}/evidence`, form);
    return (await res.json()) as EvidenceView;
  },
  /** The file as a Blob (the download needs the bearer token, so a plain link would not do). */
  async file(fileId: string): Promise<Blob> {
    const res = await send('GET', `/evidence/${encodeURIComponent(fileId)}`, undefined, { accept: '*/*' });
    return res.blob();
  },
  // ---- board queries (issue 3) ----
  boardLights: (planId: string) => request<BoardLights>('GET', `/board/lights${qs({ planId })}`),
  boardNodes: (planId: string, light: 'red' | 'yellow', unitId?: string) => all<BoardNode>('/board/nodes', { planId, light, unitId }),
  reviews: (planId: string) => all<ReviewItem>('/board/reviews', { planId }),
  redMonths: (planId: string) => request<RedMonth[]>('GET', `/board/red-months${qs({ planId })}`),
  // ---- scores (issue 4) ----
  planScores: (planId: string, c: ScoreChoice = {}) => request<PlanScoresView>('GET', `/plans/${encodeURIComponent(planId)}/scores${qs({ ...c })}`),
  scorecard: (planId: string, unitId: string, c: ScoreChoice = {}) =>
    request<ScorecardView>('GET', `/plans/${encodeURIComponent(planId)}/units/${encodeURIComponent(unitId)}/scorecard${qs({ ...c })}`),
  scoreRuns: (planId: string) => request<ScoreRun[]>('GET', `/plans/${encodeURIComponent(planId)}/score-runs`),
  /** The score sheet (XLSX, or CSV summary/breakdown) with the server's file name. */
  async exportScores(planId: string, format: 'xlsx' | 'csv', sheet: 'summary' | 'breakdown', c: ScoreChoice = {}): Promise<{ blob: Blob; filename: string }> {
    const res = await send(
      'GET',
      `/plans/${encodeURIComponent(planId)}/scores/export${qs({ format, sheet: format === 'csv' ? sheet : undefined, ...c })}`,
      undefined,
      { accept: '*/*' },
    );
    return { blob: await res.blob(), filename: dispositionFilename(res.headers.get('content-disposition'), `scores-${planId}.${format}`) };
  },
  // ---- audit (issue 6) ----
  replay: (taskId: string) => request<TaskReplay>('GET', `/audit/tasks/${encodeURIComponent(taskId)}/replay?steps=false`),
  asOf: (taskId: string, at: string) => request<TaskAsOf>('GET', `/audit/tasks/${encodeURIComponent(taskId)}/as-of${qs({ at })}`),
  planBoardAsOf: (planId: string, asOf: string) => request<PlanBoardAsOf>('GET', `/audit/plans/${encodeURIComponent(planId)}/board${qs({ asOf })}`),
  async exportTask(taskId: string, format: 'jsonl' | 'csv'): Promise<Blob> {
    const res = await send('GET', `/audit/tasks/${encodeURIComponent(taskId)}/export${qs({ format })}`, undefined, { accept: '*/*' });
    return res.blob();
  },
};

/** Save a Blob as a file (the browser's download). */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Run `fn` over `items` with at most `limit` calls in flight (keeps page loads gentle on the server). */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
