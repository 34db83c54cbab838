/**
 * The import page's API calls and labels. The upload goes through XMLHttpRequest (fetch cannot report
 * upload progress), with the same bearer token and the same Chinese errors as every other call. The report
 * is the server's (POST /imports): every problem carries its zh-CN `message`; the labels here name the
 * shapes, change kinds and unit kinds in Chinese, so no code or id reaches the page.
 */
import { ApiError, currentToken, statusMessage, type ErrorField } from './api';

export interface ImportProblem {
  row: number | null;
  column: number | null;
  field: string | null;
  severity: 'error' | 'warning';
  code: string;
  message: string;
  repairedMessage?: string;
}

export interface ImportSection {
  key: string;
  shape: string | null;
  title: string | null;
  rows: { from: number | null; to: number | null };
  counts: { items: number; indicators: number; tasks: number; nodes: number; stageNodes: number; catalogueItems: number; errors: number; warnings: number };
  stated?: { tasks?: number; nodes?: number; text: string; row: number };
}

export interface ImportChange {
  kind: string;
  key: string;
  fields?: string[];
  nodes?: { changed: number[]; added: number[]; removed: number[] };
}

export interface ImportReport {
  file: { name: string; bytes: number };
  shape: string | null;
  mode: 'dry-run' | 'commit';
  outcome: 'dry-run' | 'committed' | 'unchanged' | 'refused';
  refusalMessage: string | null;
  counts: {
    units: { create: number; known: number };
    indicators: { create: number; update: number; unchanged: number };
    tasks: { create: number; revise: number; unchanged: number; refused: number };
    nodes: { create: number; revise: number; unchanged: number; refused: number };
    details: number;
    groups: { create: number; members: number };
    notInFile: { indicators: number; tasks: number };
  };
  changes: ImportChange[];
  changesOmitted: number;
  problems: ImportProblem[];
  errors: number;
  warnings: number;
  parse: {
    sections: ImportSection[];
    problems: ImportProblem[];
    unitNames: { raw: string; units: string[]; rule: string; message: string }[];
    newUnits: { name: string; kind: string }[];
    counts: { rows: number; indicators: number; tasks: number; nodes: number };
  };
}

export interface ImportRun {
  id: string;
  fileName: string;
  shape: string;
  actor: { name: string | null; role: string };
  changes: Record<string, number>;
  createdAt: string;
}

export interface ImportRunChange {
  id: number;
  kind: string;
  key: string;
  label: string | null;
  taskSeq: number | null;
}

/** A section's group: none, an existing group (its id), or a new one. */
export type GroupChoice = { mode: 'none' } | { mode: 'existing'; id: string } | { mode: 'new'; name: string; kind: string };

export interface ImportForm {
  plan: string;
  file: File;
  commit: boolean;
  createUnits: boolean;
  allowErrors: boolean;
  expandRecurring: boolean;
  groups: Record<string, GroupChoice>;
}

export const ACCEPT = '.docx,.xlsx,.xls,.et,.csv,.txt';

export const SHAPE_ZH: Record<string, string> = {
  'node-table': '节点表',
  'work-report': '工作报告分解表',
  'unit-matrix': '单位指标矩阵',
  'node-platform': '节点平台统计表',
  'common-indicators': '共性指标表',
  catalogue: '编号清单',
};
export const shapeZh = (s: string | null | undefined): string => (s ? (SHAPE_ZH[s] ?? '其他表格') : '未识别');

export const CHANGE_ZH: Record<string, string> = {
  'unit.created': '新建单位',
  'indicator.created': '新增指标',
  'indicator.updated': '修改指标',
  'task.created': '新增任务',
  'task.revised': '修订节点',
  'task.details': '更新任务信息',
  'group.created': '新建分组',
  'group.member': '加入分组',
};
export const changeZh = (k: string): string => CHANGE_ZH[k] ?? '其他变更';

export const GROUP_KIND_ZH: Record<string, string> = { town: '镇街', park: '园区', department: '部门', other: '其他' };
export const unitKindZh = (k: string): string => GROUP_KIND_ZH[k] ?? '其他';

/** Indicator fields an update names (import-diff.ts), in Chinese. */
const FIELD_ZH: Record<string, string> = {
  name: '名称',
  categoryPath: '类别',
  points: '分值',
  methodCode: '计分方法',
  methodParams: '计分参数',
  targetValue: '目标值',
  targetUnit: '计量单位',
  direction: '方向',
  targetText: '目标',
  assessingUnitId: '考核主体',
  leaderInCharge: '分管领导',
  unitTarget: '单位目标',
};
export const fieldsZh = (fs: string[] | undefined): string =>
  (fs ?? [])
    .map((f) => FIELD_ZH[f] ?? '其他')
    .filter((v, i, a) => a.indexOf(v) === i)
    .join('、');

/** A section key as a person reads it (附件N stays, s<i> is 第i部分). */
export const sectionZh = (key: string): string => {
  const m = /^s(\d+)$/.exec(key);
  return m ? `第${m[1]}部分` : key;
};
/** An import key (`附件1/3`, `附件1/3@太平街道`, `h:…`) without hashes, the section in Chinese, the unit after a dot. */
export function keyZh(key: string): string {
  const [item, unit] = key.split('@');
  const parts = (item ?? '').split('/').map((p, i, all) => (/^h:[0-9a-f]{12}$/.test(p) ? '（无序号）' : i === 0 && all.length > 1 ? sectionZh(p) : p));
  return parts.join('/') + (unit ? ` · ${unit}` : '');
}

export const bytesZh = (n: number): string => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

function groupsField(groups: Record<string, GroupChoice>): string | null {
  const out: Record<string, string | { name: string; kind: string }> = {};
  for (const [k, g] of Object.entries(groups)) {
    if (g.mode === 'existing' && g.id) out[k] = g.id;
    if (g.mode === 'new') out[k] = { name: g.name.trim(), kind: g.kind };
  }
  return Object.keys(out).length ? JSON.stringify(out) : null;
}

function errorOf(status: number, text: string): ApiError {
  let body: { message?: unknown; code?: unknown; details?: unknown; fields?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    /* not JSON */
  }
  const fields = Array.isArray(body.fields) ? (body.fields as ErrorField[]).filter((f) => typeof f?.label === 'string' && typeof f?.message === 'string') : [];
  const message = typeof body.message === 'string' && body.message ? body.message : statusMessage(status);
  return new ApiError(
    message,
    status,
    typeof body.code === 'string' ? body.code : `HTTP_${status}`,
    body.details as Record<string, unknown> | undefined,
    undefined,
    fields,
  );
}

/**
 * POST /imports with upload progress: `onUpload(sent, total)` while the file goes up, then `onParsing()`
 * once it is all sent (the server parses and compares). A refused commit (422) comes back as its report.
 */
export function postImport(f: ImportForm, onUpload: (sent: number, total: number) => void, onParsing: () => void): Promise<ImportReport> {
  const form = new FormData();
  form.append('plan', f.plan);
  form.append('commit', String(f.commit));
  form.append('createUnits', String(f.createUnits));
  form.append('allowErrors', String(f.allowErrors));
  form.append('expandRecurring', String(f.expandRecurring));
  const groups = groupsField(f.groups);
  if (groups) form.append('groups', groups);
  form.append('file', f.file, f.file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/imports');
    xhr.setRequestHeader('accept', 'application/json');
    const token = currentToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onUpload(e.loaded, e.lengthComputable ? e.total : f.file.size);
    xhr.upload.onload = () => onParsing();
    xhr.onerror = () => reject(new ApiError('无法连接服务器，请检查网络后重试', 0, 'NETWORK'));
    xhr.onload = () => {
      if (xhr.status === 200) return resolve(JSON.parse(xhr.responseText) as ImportReport);
      const err = errorOf(xhr.status, xhr.responseText);
      const report = (err.details as { report?: ImportReport } | undefined)?.report;
      if (xhr.status === 422 && report) return resolve(report);
      reject(err);
    };
    xhr.send(form);
  });
}
