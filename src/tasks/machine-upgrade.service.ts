import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { TaskCommandService, type UpgradeOutcome } from './task-commands.service.js';

export interface UpgradeReport {
  at: string;
  tasks: number;
  redBefore: number;
  redAfter: number;
  /** Tasks whose red count changed under the v2 rule, with the nodes that turned red. */
  changed: UpgradeOutcome[];
}

/** Tasks upgraded per transaction (each its own savepoint-free unit inside it; a failure rolls back its batch). */
const BATCH = 500;

/**
 * The stored-task upgrade to task machine v2 (issue 10, docs/task-machine.md "Versions"): at start-up,
 * every task still stored by machine v1 gets a `task.migrated` event through the one write path
 * (TaskCommandService.upgradeInTransaction: hash chain continued, red lights recomputed under the v2
 * rule, query columns and nodes rewritten). Runs once in effect: a second start finds no v1 task and
 * records nothing. Each run that upgraded something is recorded in `machine_upgrades` with the red
 * counts before and after and the tasks whose count changed, and logged.
 * Through the Db seam only, so it runs on every database the service supports.
 */
@Injectable()
export class MachineUpgradeService implements OnApplicationBootstrap {
  private readonly logger = new Logger('MachineUpgrade');

  constructor(
    private readonly db: DatabaseService,
    private readonly commands: TaskCommandService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const r = await this.upgradeAll();
    if (r) {
      this.logger.log(`upgraded ${r.tasks} task(s) from machine v1 to v2: red lights ${r.redBefore} → ${r.redAfter} (${r.changed.length} task(s) changed)`);
    }
  }

  /** Upgrade every stored v1 task; null when there was none. */
  async upgradeAll(): Promise<UpgradeReport | null> {
    const ids = (await this.db.column('SELECT id FROM tasks WHERE machine_version = 1 ORDER BY id')) as string[];
    if (!ids.length) return null;
    const at = this.clock.nowIso();
    const report: UpgradeReport = { at, tasks: 0, redBefore: 0, redAfter: 0, changed: [] };
    for (let i = 0; i < ids.length; i += BATCH) {
      await this.db.transaction(async () => {
        for (const id of ids.slice(i, i + BATCH)) {
          const o = await this.commands.upgradeInTransaction(id, at);
          if (!o) continue;
          report.tasks++;
          report.redBefore += o.redCountBefore;
          report.redAfter += o.redCountAfter;
          if (o.redCountAfter !== o.redCountBefore) report.changed.push(o);
        }
      });
    }
    await this.db.run(
      `INSERT INTO machine_upgrades (at, from_version, to_version, tasks, red_before, red_after, changed_tasks, report)
       VALUES (?, 1, 2, ?, ?, ?, ?, ?)`,
      at,
      report.tasks,
      report.redBefore,
      report.redAfter,
      report.changed.length,
      JSON.stringify(report.changed),
    );
    return report;
  }
}
