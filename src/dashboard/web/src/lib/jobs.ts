/**
 * Long operations run as jobs on the server (GET /jobs/{id}): a plan's close is started with
 * `Prefer: respond-async` and followed here, so the page can show its progress bar and outcome.
 */
import { ApiError, request, send } from './api';

export interface JobView {
  id: string;
  kind: 'close' | 'sweep' | 'import' | 'verify';
  planId: string | null;
  status: 'running' | 'succeeded' | 'failed';
  phase: string | null;
  done: number;
  total: number;
  percent: number;
  result: unknown;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
}

/** What each phase is called on the pages. */
export const JOB_PHASE_LABEL: Record<string, string> = {
  computing: '计算得分',
  'closing-tasks': '关闭未完成的任务',
  'scoring-tasks': '写入各任务得分',
  'writing-run': '保存冻结结果',
  sweeping: '检查期限',
  chains: '校验历史记录',
  evidence: '校验证明材料',
  replay: '重放任务历史',
  parse: '读取文件',
  plan: '比对现有数据',
  write: '写入',
};

export const jobPhaseLabel = (j: Pick<JobView, 'phase' | 'status'>): string =>
  j.status === 'succeeded' ? '已完成' : j.status === 'failed' ? '未完成' : j.phase ? (JOB_PHASE_LABEL[j.phase] ?? '处理中') : '准备中';

/** Start closing a plan as a job (202 at once). */
export async function startClose(planId: string): Promise<JobView> {
  const res = await send('POST', `/plans/${encodeURIComponent(planId)}/status`, JSON.stringify({ status: 'closed' }), {
    'content-type': 'application/json',
    prefer: 'respond-async',
  });
  return ((await res.json()) as { job: JobView }).job;
}

export const getJob = (id: string) => request<JobView>('GET', `/jobs/${encodeURIComponent(id)}`);

/**
 * Poll a job until it ends, reporting each reading; resolves with the finished job, or throws its error
 * (the server's Chinese message) when it failed.
 */
export async function followJob(job: JobView, onUpdate: (j: JobView) => void, everyMs = 400): Promise<JobView> {
  let j = job;
  onUpdate(j);
  while (j.status === 'running') {
    await new Promise((r) => setTimeout(r, everyMs));
    j = await getJob(j.id);
    onUpdate(j);
  }
  if (j.status === 'failed') throw new ApiError(j.error?.message ?? '作业未完成', 409, j.error?.code ?? 'JOB_FAILED');
  return j;
}
