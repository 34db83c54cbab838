import { AuditCheckpoint, AuditCheckpointEvidence, AuditCheckpointHead, AuditCheckpointPlan } from '../audit/checkpoint.entity.js';
import { AUTH_ENTITIES } from '../auth/session.entity.js';
import { SECURITY_LOG_ENTITIES } from '../security-log/security-log.entity.js';
import { User } from '../auth/user.entity.js';
import { EvidenceFile } from '../evidence/evidence-file.entity.js';
import { ImportChange, ImportRun } from '../imports/import-run.entity.js';
import { Indicator } from '../indicators/indicator.entity.js';
import { GroupMember, Plan, PlanGroup } from '../plans/plan.entity.js';
import { MachineUpgrade, OutboxMessage, Task, TaskEvent, TaskNode } from '../tasks/task.entity.js';
import { Unit } from '../units/unit.entity.js';
import { Webhook, WebhookAttempt, WebhookDelivery } from '../notifications/webhook.entity.js';
import { SCORE_ENTITIES } from '../scores/score.entities.js';
import { BULLETIN_ENTITIES } from '../bulletins/bulletin.entity.js';
import { URGING_ENTITIES } from '../urging/urging.entity.js';
import { SELF_ASSESSMENT_ENTITIES } from '../self-assessment/self-assessment.entity.js';
import { LEADER_ENTITIES } from '../leaders/instruction.entity.js';
import { TRANSLOG_ENTITIES } from '../translog/translog.entity.js';
import { Job } from '../jobs/job.entity.js';

/** Every entity, listed explicitly so src, dist and the TypeORM CLI see the same schema. */
export const ENTITIES = [
  Unit,
  Plan,
  PlanGroup,
  GroupMember,
  Indicator,
  User,
  Task,
  TaskNode,
  TaskEvent,
  OutboxMessage,
  MachineUpgrade,
  EvidenceFile,
  Webhook,
  WebhookDelivery,
  WebhookAttempt,
  AuditCheckpoint,
  AuditCheckpointPlan,
  AuditCheckpointHead,
  AuditCheckpointEvidence,
  ImportRun,
  ImportChange,
  ...SCORE_ENTITIES,
  ...BULLETIN_ENTITIES,
  ...URGING_ENTITIES,
  ...SELF_ASSESSMENT_ENTITIES,
  ...LEADER_ENTITIES,
  ...AUTH_ENTITIES,
  ...SECURITY_LOG_ENTITIES,
  ...TRANSLOG_ENTITIES,
  Job,
];
