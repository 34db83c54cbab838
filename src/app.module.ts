import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { BulletinsModule } from './bulletins/bulletins.module.js';
import { UrgingModule } from './urging/urging.module.js';
import { SelfAssessmentModule } from './self-assessment/self-assessment.module.js';
import { LeadersModule } from './leaders/leaders.module.js';
import { AuthModule } from './auth/auth.module.js';
import { SecurityLogModule } from './security-log/security-log.module.js';
import { CoreModule } from './common/core.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DeadlinesModule } from './deadlines/deadlines.module.js';
import { DemoModule } from './demo/demo.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { EvidenceModule } from './evidence/evidence.module.js';
import { ImportsModule } from './imports/imports.module.js';
import { IndicatorsModule } from './indicators/indicators.module.js';
import { PlansModule } from './plans/plans.module.js';
import { ScoresModule } from './scores/scores.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { UnitsModule } from './units/units.module.js';
import { JobsModule } from './jobs/jobs.module.js';

@Module({
  imports: [
    CoreModule,
    DatabaseModule,
    JobsModule,
    SecurityLogModule,
    AuthModule,
    UnitsModule,
    PlansModule,
    IndicatorsModule,
    EvidenceModule,
    TasksModule,
    AuditModule,
    DeadlinesModule,
    NotificationsModule,
    ImportsModule,
    ScoresModule,
    DemoModule,
    DashboardModule,
    BulletinsModule,
    UrgingModule,
    SelfAssessmentModule,
    LeadersModule,
  ],
})
export class AppModule {}
