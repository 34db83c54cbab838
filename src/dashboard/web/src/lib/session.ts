/** Who is logged in, the plan being looked at, and unit names: shared by every page. */
import { reactive } from 'vue';
import { api, hasToken, setToken } from './api';
import type { Me, PlanView, Role, UnitView } from './types';

const NAME_KEY = 'duban.displayName';
const PLAN_KEY = 'duban.planId';

export const session = reactive({
  me: null as Me | null,
  displayName: sessionStorage.getItem(NAME_KEY) ?? '',
  plans: [] as PlanView[],
  planId: sessionStorage.getItem(PLAN_KEY) ?? '',
  units: [] as UnitView[],
  /** Set when the server refused the token (expired); shown on the login page. */
  expiredMessage: '',
});

export const currentPlan = (): PlanView | null => session.plans.find((p) => p.id === session.planId) ?? null;
export const unitName = (id: string | null | undefined): string => (id ? (session.units.find((u) => u.id === id)?.name ?? id) : '—');

/** The page each role lands on after login. */
export function homeFor(role: Role | undefined): string {
  switch (role) {
    case 'department':
      return '/my';
    case 'assessor':
      return '/review';
    case 'auditor':
      return '/audit';
    default:
      return '/board';
  }
}

export function selectPlan(id: string): void {
  session.planId = id;
  sessionStorage.setItem(PLAN_KEY, id);
}

/** After the office created a plan or a unit: read plans and units again. */
export async function reloadContext(): Promise<void> {
  if (session.me) await loadContext();
}

async function loadContext(): Promise<void> {
  const [plans, units] = await Promise.all([api.plans(), api.units()]);
  session.plans = [...plans].sort((a, b) => b.year - a.year || b.createdAt.localeCompare(a.createdAt));
  session.units = units;
  if (!session.plans.some((p) => p.id === session.planId)) selectPlan(session.plans.find((p) => p.status !== 'closed')?.id ?? session.plans[0]?.id ?? '');
}

export async function login(username: string, password: string): Promise<Me> {
  const res = await api.login(username, password);
  setToken(res.accessToken);
  const name = (res as { user?: { displayName?: string } }).user?.displayName ?? username;
  session.displayName = name;
  sessionStorage.setItem(NAME_KEY, name);
  session.expiredMessage = '';
  session.me = await api.me();
  await loadContext();
  return session.me;
}

/** After a reload: the token in this tab's storage, if the server still accepts it. */
export async function restore(): Promise<Me | null> {
  if (session.me) return session.me;
  if (!hasToken()) return null;
  try {
    session.me = await api.me();
    await loadContext();
    return session.me;
  } catch {
    return null;
  }
}

export function logout(message = ''): void {
  setToken(null);
  session.me = null;
  session.displayName = '';
  sessionStorage.removeItem(NAME_KEY);
  session.expiredMessage = message;
}
