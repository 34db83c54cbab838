/** The security log (安全审计日志) for admins and auditors: one page per request, filters done by the server. */
import { request } from './api';
import { qs, type Query } from './office';
import type { Page } from './types';
import { ROLE_LABEL } from './format';

export interface SecurityEvent {
  seq: number;
  kind: string;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  actorRole: string | null;
  subject: string | null;
  address: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export interface SecurityChainReport {
  ok: boolean;
  events: number;
  startSeq: number;
  prunedThroughSeq: number;
  head: { seq: number; hash: string } | null;
  breaks: { seq: number; kind: string; message: string }[];
}

export const securityLog = {
  list: (q: Query) => request<Page<SecurityEvent>>('GET', `/security-log${qs(q)}`),
  verify: () => request<SecurityChainReport>('GET', '/security-log/verify'),
};

export const SECURITY_KIND_LABEL: Record<string, string> = {
  'login.succeeded': '登录成功',
  'login.failed': '登录失败',
  'login.locked': '登录锁定',
  'token.revoked': '令牌注销',
  'user.created': '新建用户',
  'user.updated': '修改用户',
  'user.role-changed': '角色或单位变更',
  'user.disabled': '停用用户',
  'user.enabled': '启用用户',
  'user.deleted': '删除用户',
  'user.password-changed': '修改密码',
  'user.password-reset': '重置密码',
  'scoring.setup-changed': '计分设置变更',
  export: '导出',
  'plan.read': '审计查阅',
};

const FAILURE_LABEL: Record<string, string> = { 'unknown-user': '用户名不存在', 'wrong-password': '密码错误', disabled: '账号已停用' };
const SUBJECT_KIND: Record<string, string> = { user: '用户', plan: '考核方案', task: '任务', template: '计分模板', account: '账号', address: '来源地址' };

/** Who did it, in words: the user name and role, or 未登录 (a failed login) / 系统 (the CLI). */
export function actorText(e: SecurityEvent): string {
  if (!e.actorName) return '未登录';
  if (e.actorRole === 'system') return '系统';
  return `${e.actorName}（${ROLE_LABEL[e.actorRole ?? ''] ?? '其他'}）`;
}

/** What it was about, without raw ids: a user by name, an account by its login name, otherwise the kind of thing. */
export function subjectText(e: SecurityEvent): string {
  if (!e.subject) return '—';
  const [kind = '', ...rest] = e.subject.split(':');
  const value = rest.join(':');
  const username = typeof e.details['username'] === 'string' ? e.details['username'] : undefined;
  if (kind === 'user') return username ? `用户 ${username}` : e.actorName && e.actorId === value ? `用户 ${e.actorName}` : '用户';
  if (kind === 'account') return `账号 ${value}`;
  if (kind === 'address') return `来源地址 ${value}`;
  return SUBJECT_KIND[kind] ?? '其他';
}

/** The details a person needs, in Chinese. */
export function detailText(e: SecurityEvent): string {
  const d = e.details;
  const parts: string[] = [];
  if (typeof d['reason'] === 'string' && FAILURE_LABEL[d['reason']]) parts.push(FAILURE_LABEL[d['reason']]!);
  if (d['reason'] === 'logout') parts.push('主动退出');
  if (typeof d['retryAfterSeconds'] === 'number') parts.push(`锁定 ${Math.ceil(d['retryAfterSeconds'] / 60)} 分钟`);
  const changes = d['changes'] as Record<string, { from: unknown; to: unknown }> | undefined;
  if (changes) {
    const label: Record<string, string> = { displayName: '姓名', role: '角色', unitId: '单位', disabled: '停用' };
    const val = (k: string, v: unknown) =>
      k === 'role' ? (ROLE_LABEL[String(v)] ?? '其他') : k === 'disabled' ? (v ? '是' : '否') : k === 'unitId' ? (v ? '已绑定' : '无') : String(v);
    for (const [k, c] of Object.entries(changes)) parts.push(`${label[k] ?? '其他'}：${val(k, c.from)} → ${val(k, c.to)}`);
  }
  if (typeof d['revokedTokens'] === 'number' && d['revokedTokens'] > 0) parts.push(`注销令牌 ${d['revokedTokens']} 个`);
  if (typeof d['route'] === 'string') parts.push(ROUTE_LABEL[d['route']] ?? '接口调用');
  return parts.join('；') || '—';
}

const ROUTE_LABEL: Record<string, string> = {
  '/audit/plans/:id/board': '查阅历史看板',
  '/audit/verify': '完整性校验',
  '/audit/tasks/:id/export': '导出任务历史',
  '/audit/plans/:id/export': '导出方案全部历史',
  '/plans/:id/scores': '查阅得分',
  '/plans/:id/score-runs': '查阅计分记录',
  '/plans/:id/scores/export': '导出得分表',
  '/plans/:id/scoring': '修改计分设置',
  '/scoring/templates': '新建计分模板',
  '/scoring/templates/:id': '修改计分模板',
  '/scoring/templates/:id/copy': '复制计分模板',
  '/scoring/templates/:id/retire': '停用计分模板',
  '/scoring/templates/:id/catalogues/:kind': '修改计分模板清单',
};
