import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { AppConfig } from '../../config/app.config.js';
import { UsersService } from '../auth/users.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { IndicatorsService } from '../indicators/indicators.service.js';
import { PlansService } from '../plans/plans.service.js';
import { ScoresService } from '../scores/scores.service.js';
import { SelfAssessmentService } from '../self-assessment/self-assessment.service.js';
import { TasksService } from '../tasks/tasks.service.js';
import { UnitsService } from '../units/units.service.js';

export interface DemoLogin {
  role: string;
  username: string;
  password: string;
}

export interface SeedResult {
  planName: string;
  users: DemoLogin[];
}

const UNITS = [
  { id: 'unit-jxb', name: '县绩效办', kind: 'office' },
  { id: 'unit-fgw', name: '县发展和改革局', kind: 'department', aliases: ['县发改局'] },
  { id: 'unit-tjj', name: '县统计局', kind: 'department' },
  { id: 'unit-czj', name: '县财政局', kind: 'department' },
  { id: 'unit-scjgj', name: '县市场监督管理局', kind: 'department', aliases: ['县市场局', '县市场监管局'] },
  { id: 'unit-hqz', name: '红旗镇', kind: 'town' },
  { id: 'unit-dwz', name: '东风镇', kind: 'town' },
];

/**
 * A small, believable plan around today's date, so a fresh clone shows lights of every colour:
 * tasks whose first node is long past (red), due within days (yellow) and later (green), some with
 * evidence submitted, returned or approved. Every task change goes through the one write path.
 */
@Injectable()
export class DemoSeeder {
  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly units: UnitsService,
    private readonly plans: PlansService,
    private readonly indicators: IndicatorsService,
    private readonly users: UsersService,
    private readonly tasks: TasksService,
    private readonly scores: ScoresService,
    private readonly selfAssessment: SelfAssessmentService,
  ) {}

  private get loginsFile(): string {
    return join(this.config.DUBAN_DATA_DIR, 'demo-logins.json');
  }

  /** Seeds when the database has no plan; returns the demo logins (new or kept from the first seed). */
  async seedIfEmpty(): Promise<SeedResult | null> {
    const hasPlan = await this.db.one('SELECT 1 FROM plans LIMIT 1');
    if (hasPlan) {
      if (!existsSync(this.loginsFile)) return null;
      return JSON.parse(readFileSync(this.loginsFile, 'utf8')) as SeedResult;
    }
    const result = await this.seed();
    writeFileSync(this.loginsFile, JSON.stringify(result, null, 2) + '\n', { mode: 0o600 });
    return result;
  }

  async seed(passwords?: Partial<Record<string, string>>): Promise<SeedResult> {
    const today = DateTime.fromJSDate(this.clock.now(), { zone: 'Asia/Shanghai' }).startOf('day');
    const day = (offset: number) => today.plus({ days: offset }).toISODate()!;
    for (const u of UNITS) await this.units.create(u);
    const plan = await this.plans.create({
      id: `demo-${today.year}`,
      year: today.year,
      name: `${today.year}年度县直部门及乡镇绩效考评（演示）`,
      warnWorkingDays: 3,
    });
    const departments = await this.plans.createGroup(plan.id, {
      name: '部门组',
      kind: 'department',
      unitIds: ['unit-fgw', 'unit-tjj', 'unit-czj', 'unit-scjgj'],
    });
    const towns = await this.plans.createGroup(plan.id, { name: '镇街组', kind: 'town', unitIds: ['unit-hqz', 'unit-dwz'] });

    const logins: DemoLogin[] = [];
    const pw = (role: string) => passwords?.[role] ?? `demo-${role}-${randomBytes(4).toString('hex')}`;
    const mk = async (username: string, displayName: string, role: DemoLogin['role'], unitId?: string) => {
      const password = pw(username);
      await this.users.create({ username, displayName, password, role: role as never, unitId });
      logins.push({ role, username, password });
    };
    await mk('admin', '系统管理员', 'admin');
    await mk('supervisor', '县绩效办 督查员', 'supervisor', 'unit-jxb');
    await mk('fgw', '县发改局 联络员', 'department', 'unit-fgw');
    // The unit's head, who signs its self-assessment off (自评签认).
    await mk('fgwhead', '县发改局 局长', 'department', 'unit-fgw');
    await mk('hqz', '红旗镇 联络员', 'department', 'unit-hqz');
    await mk('tjj', '县统计局 考核员', 'assessor', 'unit-tjj');
    await mk('auditor', '县审计局 审计员', 'auditor');
    // A county leader: reads everything, casts its own leaders' ballot.
    await mk('xianzhang', '县长', 'leader');

    const ind = async (code: string, name: string, points: number, methodCode: string, cat: string[], extra: Record<string, unknown> = {}) =>
      await this.indicators.create({ planId: plan.id, code, name, points, methodCode, categoryPath: cat, assessingUnitId: 'unit-tjj', ...extra });
    const i1 = await ind('1', '固定资产投资增长', 10, 'ratio', ['经济发展', '投资'], { targetValue: 8, targetUnit: '%', targetText: '全年增长8%' });
    const i2 = await ind('2', '规模以上工业增加值增长', 10, 'ratio', ['经济发展', '工业'], { targetValue: 6.5, targetUnit: '%' });
    const i3 = await ind('3', '重点项目节点推进', 30, 'node_platform', ['重点工作', '项目建设']);
    const i4 = await ind('4', '食品安全抽检任务', 5, 'direct', ['社会治理', '市场监管'], {
      methodParams: { mode: 'per_occurrence', deductionPerOccurrence: 0.5 },
    });

    const admin: Actor = { ...SYSTEM_ACTOR, role: 'supervisor', username: 'demo-seed' };
    const create = async (indicatorId: string, unitId: string, nodes: [number, string, string][]) =>
      await this.tasks.create(
        {
          planId: plan.id,
          indicatorId,
          unitId,
          isLead: true,
          nodes: nodes.map(([seq, dueDate, stageTarget]) => ({ seq, dueDate, stageTarget, requiredEvidence: '统计报表或佐证材料' })),
        },
        admin,
      );
    const t1 = await create(i1.id, 'unit-fgw', [
      [1, day(-20), '一季度末，固定资产投资同比增长5%'],
      [2, day(40), '年中，同比增长6%'],
      [3, day(120), '年底，同比增长8%'],
    ]);
    const t2 = await create(i2.id, 'unit-fgw', [
      [1, day(2), '本月底前报送工业增加值测算'],
      [2, day(60), '年底完成目标'],
    ]);
    const t3 = await create(i3.id, 'unit-hqz', [
      [1, day(20), '项目开工'],
      [2, day(90), '主体完工'],
    ]);
    const t4 = await create(i2.id, 'unit-hqz', [
      [1, day(-5), '上报工业企业名录'],
      [2, day(30), '年底完成目标'],
    ]);
    await create(i4.id, 'unit-scjgj', [
      [1, day(10), '完成上半年抽检'],
      [2, day(150), '完成全年抽检'],
    ]);
    await create(i3.id, 'unit-fgw', [
      [1, day(5), '完成项目储备'],
      [2, day(75), '完成年度投资'],
    ]);

    const as = async (username: string, role: Actor['role'], unitId: string | null): Promise<Actor> => {
      const row = (await this.users.findByUsername(username))!;
      return { userId: row.id, role, unitId, username };
    };
    const dept = await as('fgw', 'department', 'unit-fgw');
    const town = await as('hqz', 'department', 'unit-hqz');
    const assessor = await as('tjj', 'assessor', 'unit-tjj');
    const send = async (taskId: string, actor: Actor, type: string, payload: Record<string, unknown> = {}) => {
      const version = (await this.tasks.get(taskId, { ...SYSTEM_ACTOR, role: 'supervisor' })).version;
      await this.tasks.sendEvent(taskId, { type, expectedVersion: version, payload }, actor);
    };
    // t1: acknowledged, first node submitted late → red already, waiting for review.
    await send(t1.id, dept, 'task.acknowledge');
    await send(t1.id, dept, 'evidence.submit', { completedValue: 4.6, note: '一季度固定资产投资同比增长4.6%' });
    // t2: acknowledged, submitted, returned for rework.
    await send(t2.id, dept, 'task.acknowledge');
    await send(t2.id, dept, 'evidence.submit', { completedValue: 6.1, note: '测算说明见附件（线下报送）', offline: true });
    await send(t2.id, assessor, 'evidence.return', { reason: '请补充统计局盖章的数据来源' });
    // t3: first node approved, second open.
    await send(t3.id, town, 'task.acknowledge');
    await send(t3.id, town, 'evidence.submit', { note: '项目已开工，附开工报告', offline: true });
    await send(t3.id, assessor, 'evidence.approve', { comment: '材料齐全', reviewedValue: 1 });
    // t4: never acknowledged; its first node is overdue.
    void t4;

    // Scoring (src/scores): a plan has one template; the demo mixes departments and towns, so both groups
    // follow the county-towns rules (indicators 70% + comprehensive evaluation 30%; a unit without an
    // indicator gets its group's average). The office has entered the county leaders' and its own ratings
    // and one commendation; the units' peer ratings are still missing, so every score stays provisional.
    const office = await as('supervisor', 'supervisor', 'unit-jxb');
    await this.scores.configure(
      plan.id,
      {
        templateId: 'county-towns',
        groups: [
          { groupId: departments.id, template: 'towns' },
          { groupId: towns.id, template: 'towns' },
        ],
      },
      office,
    );
    const ballot = async (groupId: string, evaluator: string, evaluatorId: string, entries: { unitId: string; grade?: string; score?: number }[]) =>
      await this.scores.submitBallot(plan.id, { groupId, evaluator, evaluatorId, entries }, office);
    await ballot(departments.id, 'leaders', '县长', [
      { unitId: 'unit-fgw', grade: '优秀' },
      { unitId: 'unit-tjj', grade: '良好' },
      { unitId: 'unit-czj', grade: '良好' },
      { unitId: 'unit-scjgj', grade: '一般' },
    ]);
    await ballot(departments.id, 'office', '县绩效办', [
      { unitId: 'unit-fgw', score: 92 },
      { unitId: 'unit-tjj', score: 88 },
      { unitId: 'unit-czj', score: 85 },
      { unitId: 'unit-scjgj', score: 80 },
    ]);
    await ballot(towns.id, 'leaders', '县长', [
      { unitId: 'unit-hqz', grade: '优秀' },
      { unitId: 'unit-dwz', grade: '良好' },
    ]);
    await ballot(towns.id, 'office', '县绩效办', [
      { unitId: 'unit-hqz', score: 90 },
      { unitId: 'unit-dwz', score: 86 },
    ]);
    await this.scores.recordUnitEvent(
      plan.id,
      { unitId: 'unit-hqz', type: 'bonus', item: 'city_comprehensive_commendation', note: '获评市级文明乡镇' },
      office,
    );
    // Self-assessment (自评) is open from three days ago for two weeks.
    await this.selfAssessment.setWindow(plan.id, { opensOn: day(-3), closesOn: day(14) }, office);
    return { planName: plan.name, users: logins };
  }
}
