import { Initial1795291460102 } from './1795291460102-initial.js';
import { Notifications1795292366013 } from './1795292366013-notifications.js';
import { AuditCheckpoints1795300000000 } from './1795300000000-audit-checkpoints.js';
import { Scoring1795310000000 } from './1795310000000-scoring.js';
import { Imports1795320000000 } from './1795320000000-imports.js';
import { ScoringFacts1795330000000 } from './1795330000000-scoring-facts.js';
import { ScoringTemplates1795340000000 } from './1795340000000-scoring-templates.js';
import { Bulletins1795341600000 } from './1795341600000-bulletins.js';
import { Urging1795342800000 } from './1795342800000-urging.js';
import { SelfAssessment1795350000000 } from './1795350000000-self-assessment.js';
import { AuthSessions1795360000000 } from './1795360000000-auth-sessions.js';
import { LeaderInstructions1795372000000 } from './1795372000000-leader-instructions.js';
import { SecurityLog1795380000000 } from './1795380000000-security-log.js';
import { TaskMachineV21795390000000 } from './1795390000000-task-machine-v2.js';
import { OutboxStreamSeq1795410000000 } from './1795410000000-outbox-stream-seq.js';
import { TransparencyLog1795420000000 } from './1795420000000-transparency-log.js';
import { Jobs1795430000000 } from './1795430000000-jobs.js';

/** The PostgreSQL twins of ../index.ts, in the same order with the same names (see README.md). */
export const POSTGRES_MIGRATIONS = [
  Initial1795291460102,
  Notifications1795292366013,
  AuditCheckpoints1795300000000,
  Scoring1795310000000,
  Imports1795320000000,
  ScoringFacts1795330000000,
  ScoringTemplates1795340000000,
  Bulletins1795341600000,
  Urging1795342800000,
  SelfAssessment1795350000000,
  AuthSessions1795360000000,
  LeaderInstructions1795372000000,
  SecurityLog1795380000000,
  TaskMachineV21795390000000,
  OutboxStreamSeq1795410000000,
  TransparencyLog1795420000000,
  Jobs1795430000000,
];
