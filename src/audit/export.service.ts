import { Injectable } from '@nestjs/common';
import { TASK_MACHINE_VERSION } from '../../workflows/task/index.js';
import type { Actor } from '../common/actor.js';
import { Clock } from '../common/clock.js';
import { DomainError } from '../common/domain-error.js';
import { AuditRepository } from './audit.repository.js';
import { csvHeader, csvRow, eventRecord, headerRecord, taskRecord } from './export-format.js';
import { HistoryService } from './history.service.js';
import { IntegrityService } from './integrity.service.js';

export type ExportFormat = 'jsonl' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'csv'];

export interface ExportStream {
  filename: string;
  contentType: string;
  /** Chunks of text, one task at a time; each chunk is read completely before it is yielded. */
  chunks: AsyncIterable<string>;
}

/**
 * Exports a task's or a plan's history with every hashed field as stored. The cut is consistent: each
 * task's events up to the head it had when the export began. JSON Lines also carries the tasks, the
 * evidence files and the latest checkpoint (with the plan's sealed heads), so an outside tool can check
 * completeness too; CSV carries the events only.
 */
@Injectable()
export class ExportService {
  constructor(
    private readonly repo: AuditRepository,
    private readonly history: HistoryService,
    private readonly integrity: IntegrityService,
    private readonly clock: Clock,
  ) {}

  /** Checks scope and access now (so a refusal is a clean 4xx), then streams. */
  async open(scope: { taskId?: string; planId?: string }, format: ExportFormat, actor: Actor): Promise<ExportStream> {
    let planId: string;
    if (scope.taskId) planId = (await this.history.visibleTask(scope.taskId, actor)).plan_id;
    else if (scope.planId && (await this.repo.plan(scope.planId))) planId = scope.planId;
    else throw DomainError.notFound('plan', scope.planId ?? '');
    const name = scope.taskId ? `task-${scope.taskId}` : `plan-${planId}`;
    return {
      filename: `duban-audit-${name}.${format}`,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
      chunks: this.lines({ planId, taskId: scope.taskId }, format),
    };
  }

  private async *lines(scope: { planId: string; taskId?: string }, format: ExportFormat): AsyncGenerator<string> {
    const jsonl = format === 'jsonl';
    const { tasks, sealed } = await this.repo.read(async () => ({
      tasks: await this.repo.exportTasks(scope.taskId ? { taskId: scope.taskId } : { planId: scope.planId }),
      sealed: jsonl ? await this.integrity.sealedForExport(scope) : null,
    }));
    yield jsonl ? `${headerRecord({ planId: scope.planId, taskId: scope.taskId ?? null }, this.clock.nowIso(), TASK_MACHINE_VERSION)}\n` : `${csvHeader()}\r\n`;
    for (const t of tasks) {
      const parts: string[] = jsonl ? [taskRecord(t)] : [];
      for (const e of await this.repo.events(t.id, t.last_seq)) parts.push(jsonl ? eventRecord(e) : csvRow(e));
      if (parts.length) yield parts.join(jsonl ? '\n' : '\r\n') + (jsonl ? '\n' : '\r\n');
    }
    if (!jsonl) return;
    if (!scope.taskId) {
      const files = (await this.repo.exportEvidence(scope.planId)).map((f) =>
        JSON.stringify({
          record: 'evidence',
          fileId: f.id,
          taskId: f.task_id,
          sha256: f.sha256,
          size: f.size,
          originalName: f.original_name,
          mimeType: f.mime_type,
          createdAt: f.created_at,
        }),
      );
      if (files.length) yield files.join('\n') + '\n';
    }
    if (sealed) yield `${JSON.stringify(sealed)}\n`;
  }
}
