import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { homeFor, restore, session } from './lib/session';
import type { Role } from './lib/types';

declare module 'vue-router' {
  interface RouteMeta {
    title: string;
    roles?: Role[];
  }
}

const OFFICE: Role[] = ['supervisor', 'admin'];
const routes: RouteRecordRaw[] = [
  { path: '/login', component: () => import('./pages/LoginPage.vue'), meta: { title: '登录' } },
  { path: '/', redirect: () => homeFor(session.me?.role), meta: { title: '首页' } },
  { path: '/board', component: () => import('./pages/BoardPage.vue'), meta: { title: '亮灯督办', roles: [...OFFICE, 'auditor', 'leader'] } },
  {
    path: '/board/unit/:unitId',
    component: () => import('./pages/UnitPage.vue'),
    props: true,
    meta: { title: '单位红黄灯节点', roles: [...OFFICE, 'auditor', 'leader'] },
  },
  { path: '/extensions', component: () => import('./pages/ExtensionsPage.vue'), meta: { title: '延期审批', roles: OFFICE } },
  { path: '/scores', component: () => import('./pages/ScoresPage.vue'), meta: { title: '得分排名', roles: [...OFFICE, 'auditor', 'leader', 'department'] } },
  { path: '/my', component: () => import('./pages/MyNodesPage.vue'), meta: { title: '我的节点', roles: ['department'] } },
  { path: '/ballots', component: () => import('./pages/BallotsPage.vue'), meta: { title: '综合评价', roles: [...OFFICE, 'leader'] } },
  {
    path: '/instructions',
    component: () => import('./pages/InstructionsPage.vue'),
    meta: { title: '领导批示', roles: [...OFFICE, 'auditor', 'leader', 'department'] },
  },
  { path: '/bulletins', component: () => import('./pages/BulletinsPage.vue'), meta: { title: '通报', roles: [...OFFICE, 'auditor', 'leader', 'department'] } },
  { path: '/self-assessment', component: () => import('./pages/SelfAssessmentPage.vue'), meta: { title: '单位自评', roles: ['department'] } },
  { path: '/office/unit-events', component: () => import('./pages/office/UnitEventsPage.vue'), meta: { title: '加减分', roles: OFFICE } },
  { path: '/office/self-assessment', component: () => import('./pages/office/SelfAssessmentOfficePage.vue'), meta: { title: '自评管理', roles: OFFICE } },
  { path: '/review', component: () => import('./pages/ReviewPage.vue'), meta: { title: '审核队列', roles: ['assessor'] } },
  // The office's set-up pages (issue 15): plans and groups, units, users, indicators and tasks, webhooks.
  { path: '/office/plans', component: () => import('./pages/office/PlansPage.vue'), meta: { title: '考核方案', roles: OFFICE } },
  { path: '/office/units', component: () => import('./pages/office/UnitsPage.vue'), meta: { title: '单位管理', roles: OFFICE } },
  { path: '/office/users', component: () => import('./pages/office/UsersPage.vue'), meta: { title: '用户管理', roles: OFFICE } },
  { path: '/office/indicators', component: () => import('./pages/office/IndicatorsPage.vue'), meta: { title: '指标与任务', roles: OFFICE } },
  { path: '/office/tasks', component: () => import('./pages/office/TasksPage.vue'), meta: { title: '任务管理', roles: OFFICE } },
  { path: '/office/import', component: () => import('./pages/office/ImportPage.vue'), meta: { title: '导入', roles: OFFICE } },
  { path: '/office/webhooks', component: () => import('./pages/office/WebhooksPage.vue'), meta: { title: '消息推送', roles: OFFICE } },
  { path: '/audit/:taskId?', component: () => import('./pages/AuditPage.vue'), props: true, meta: { title: '审计查询', roles: [...OFFICE, 'auditor'] } },
  { path: '/security-log', component: () => import('./pages/SecurityLogPage.vue'), meta: { title: '安全审计日志', roles: ['admin', 'auditor'] } },
  { path: '/:rest(.*)*', component: () => import('./pages/NotFoundPage.vue'), meta: { title: '页面不存在' } },
];

export const router = createRouter({ history: createWebHistory('/app/'), routes });

router.beforeEach(async (to) => {
  if (to.path === '/login') return true;
  const me = await restore();
  if (!me) return { path: '/login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} };
  if (to.meta.roles && !to.meta.roles.includes(me.role)) return homeFor(me.role);
  return true;
});

router.afterEach((to) => {
  document.title = `${to.meta.title ?? ''} · 督办`;
});
