/**
 * The office's API calls (plans, groups, units, users, indicators, task assignment, webhooks): each list
 * is one request for one page, with the server doing search, filters and paging.
 */
import { request } from './api';
import type { GroupView, IndicatorView, Page, PlanView, Role, UnitView } from './types';

export type Query = Record<string, string | number | undefined | null>;
export const qs = (params: Query): string => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : '';
};
const enc = encodeURIComponent;

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  unitId: string | null;
  createdAt: string;
}

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  active: boolean;
  createdAt: string;
}

export interface WebhookDelivery {
  id: number;
  type: string;
  status: string;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  log: { attemptedAt: string; statusCode: number | null; error: string | null; durationMs: number | null }[];
}

export interface NodeInput {
  seq: number;
  dueDate: string;
  warnDate?: string;
  stageTarget?: string;
  requiredEvidence?: string;
  redDeduction?: number;
}

export interface TemplateSummary {
  id: string;
  name: string;
  groups: { key: string; name: string }[];
}

interface RawTemplate {
  id: string;
  name?: string;
  status?: string;
  groups?: { key: string; name: string }[];
  template?: { name: string; groups: { key: string; name: string }[] };
}

export const office = {
  /** The plan templates (each a version with its rules in `template`; older servers sent the rules bare). */
  templates: () =>
    request<RawTemplate[] | Page<RawTemplate>>('GET', '/scoring/templates')
      .then(itemsOf)
      .then((list) =>
        list
          .filter((t) => t.status !== 'retired')
          .map((t) => ({
            id: t.id,
            name: t.name ?? t.template?.name ?? '',
            groups: (t.template?.groups ?? t.groups ?? []).map((g) => ({ key: g.key, name: g.name })),
          })),
      ),
  setScoring: (planId: string, body: { templateId: string; groups: { groupId: string; template: string }[] }) =>
    request<unknown>('PUT', `/plans/${enc(planId)}/scoring`, body),
  plans: (q: Query) => request<Page<PlanView>>('GET', `/plans${qs(q)}`),
  createPlan: (body: { name: string; year: number; warnWorkingDays?: number }) => request<PlanView>('POST', '/plans', body),
  setPlanStatus: (planId: string, status: PlanView['status']) => request<PlanView>('POST', `/plans/${enc(planId)}/status`, { status }),
  groups: (planId: string) => request<GroupView[] | Page<GroupView>>('GET', `/plans/${enc(planId)}/groups`).then(itemsOf),
  createGroup: (planId: string, body: { name: string; kind?: string; unitIds: string[] }) => request<GroupView>('POST', `/plans/${enc(planId)}/groups`, body),
  units: (q: Query) => request<Page<UnitView>>('GET', `/units${qs(q)}`),
  createUnit: (body: { name: string; kind: string; aliases?: string[] }) => request<UnitView>('POST', '/units', body),
  users: (q: Query) => request<Page<UserView>>('GET', `/users${qs(q)}`),
  createUser: (body: { username: string; displayName: string; password: string; role: Role; unitId?: string }) => request<UserView>('POST', '/users', body),
  indicators: (q: Query) => request<Page<IndicatorView>>('GET', `/indicators${qs(q)}`),
  createIndicator: (body: Record<string, unknown>) => request<IndicatorView>('POST', '/indicators', body),
  createTask: (body: { planId: string; indicatorId: string; unitId: string; isLead?: boolean; nodes: NodeInput[] }) =>
    request<{ id: string }>('POST', '/tasks', body),
  webhooks: () => request<WebhookView[] | Page<WebhookView>>('GET', '/webhooks').then(itemsOf),
  registerWebhook: (url: string, eventTypes: string[]) => request<WebhookView & { secret: string }>('POST', '/webhooks', { url, eventTypes }),
  deactivateWebhook: (id: string) => request<WebhookView>('POST', `/webhooks/${enc(id)}/deactivate`),
  deliveries: (id: string) => request<WebhookDelivery[] | Page<WebhookDelivery>>('GET', `/webhooks/${enc(id)}/deliveries`).then(itemsOf),
};

/** Lists that come as a bare array today and as a page once every list has the page shape. */
function itemsOf<T>(v: T[] | Page<T>): T[] {
  return Array.isArray(v) ? v : v.items;
}
