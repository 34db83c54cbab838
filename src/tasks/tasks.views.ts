import { ApiProperty } from '@nestjs/swagger';
import { HTTP_EVENT_TYPES, LIGHTS, TASK_STATES } from './tasks.dto.js';

/** Response shapes of the task endpoints, for the OpenAPI document (the services return plain objects of these shapes). */
export class TaskSummaryView {
  @ApiProperty({ example: '0b9f2c1e-6a55-4a8e-9f3c-2d7f5e1c9a10' }) id: string;
  @ApiProperty({ example: 'demo-2026' }) planId: string;
  @ApiProperty() indicatorId: string;
  @ApiProperty({ example: '1' }) indicatorCode: string;
  @ApiProperty({ example: '固定资产投资增长' }) indicatorName: string;
  @ApiProperty({ example: 'unit-fgw' }) unitId: string;
  @ApiProperty({ example: '县发展和改革局' }) unitName: string;
  @ApiProperty({ nullable: true, type: String, example: 'unit-tjj' }) assessingUnitId: string | null;
  @ApiProperty() isLead: boolean;
  @ApiProperty({ enum: TASK_STATES, example: 'open' }) state: string;
  @ApiProperty({ enum: LIGHTS, nullable: true, example: 'yellow' }) light: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 1 }) currentNodeSeq: number | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-06-30' }) currentDueDate: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2026-06-30T15:59:59.000Z' }) nextDeadlineAt: string | null;
  @ApiProperty({ example: 0 }) redCount: number;
  @ApiProperty({ example: 3, description: 'send it back as expectedVersion' }) version: number;
  @ApiProperty() updatedAt: string;
  @ApiProperty({ description: 'an extension request awaits a supervisor’s decision' }) extensionPending: boolean;
}

export class NodeView {
  @ApiProperty({ example: 1 }) seq: number;
  @ApiProperty({ example: '2026-06-30' }) dueDate: string;
  @ApiProperty({ example: '2026-06-30T15:59:59.000Z' }) dueAt: string;
  @ApiProperty({ example: '2026-06-25T16:00:00.000Z' }) warnAt: string;
  @ApiProperty({ nullable: true, type: String, example: '6月底前，同比增长6%' }) stageTarget: string | null;
  @ApiProperty({ nullable: true, type: Number }) stageValue: number | null;
  @ApiProperty({ nullable: true, type: String }) requiredEvidence: string | null;
  @ApiProperty({ nullable: true, type: Number }) redDeduction: number | null;
  @ApiProperty({ enum: ['pending', 'open', 'submitted', 'returned', 'approved'] }) status: string;
  @ApiProperty() redLighted: boolean;
  @ApiProperty({ nullable: true, type: String }) approvedAt: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'days late of the latest submission' }) lateDays: number | null;
}

export class TaskDetailView extends TaskSummaryView {
  @ApiProperty({ type: [NodeView] }) nodes: NodeView[];
  @ApiProperty({
    enum: HTTP_EVENT_TYPES,
    isArray: true,
    example: ['evidence.submit', 'extension.request'],
    description: 'what the machine accepts now and your role may send',
  })
  allowedEvents: string[];
  @ApiProperty({ example: 1 }) machineVersion: number;
  @ApiProperty() createdAt: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'the current node’s latest submission',
    example: { at: '2026-06-20T02:00:00.000Z', fileIds: [], completedValue: 6.2, note: '上半年完成', offline: false, late: false, lateDays: 0 },
  })
  currentSubmission: object | null;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ at: '2026-06-21T02:00:00.000Z', reason: '缺少盖章材料' }] })
  currentReturns: object[];
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true, example: { nodeSeq: 1, newDueAt: '2026-07-15T15:59:59.000Z', reason: '汛期' } })
  pendingExtension: object | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description:
      'Scoring facts entered by the assessor (with the approval) or the office (POST /tasks/{id}/facts): values, and by fact path who entered it, when, how and why',
    example: {
      values: { policyAdjustment: 0.5 },
      sources: {
        policyAdjustment: {
          at: '2026-07-02T02:00:00.000Z',
          via: 'evidence.approve',
          nodeSeq: 1,
          userId: '7f1c…',
          role: 'assessor',
          name: 'swj01',
          reason: null,
        },
      },
    },
  })
  enteredFacts: object | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'The scoring facts a person may enter for this task’s indicator method (with the approval, or POST /tasks/{id}/facts)',
    example: [{ field: 'policyAdjustment', label: '政策影响额', by: ['assessor', 'office'] }],
  })
  enterableFacts: object[];
}

export class TaskPageView {
  @ApiProperty({ type: [TaskSummaryView] }) items: TaskSummaryView[];
  @ApiProperty({ example: 42 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}

export class CommandResultView {
  @ApiProperty() taskId: string;
  @ApiProperty({ example: 4, description: 'the task’s new version' }) version: number;
  @ApiProperty({ example: 4, description: 'sequence number of the appended event' }) seq: number;
  @ApiProperty({ description: 'false when the event changed nothing (nothing was written)' }) changed: boolean;
  @ApiProperty({ enum: TASK_STATES, example: 'submitted' }) state: string;
  @ApiProperty({ enum: LIGHTS, nullable: true }) light: string | null;
  @ApiProperty({ nullable: true, type: Number }) currentNodeSeq: number | null;
  @ApiProperty({ nullable: true, type: String }) nextDeadlineAt: string | null;
  @ApiProperty() redCount: number;
  @ApiProperty() extensionPending: boolean;
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ type: 'evidence.submitted', nodeSeq: 1 }] }) emitted: object[];
}

export class ActorView {
  @ApiProperty({ nullable: true, type: String }) userId: string | null;
  @ApiProperty({ nullable: true, type: String, example: '县发改局 联络员' }) displayName: string | null;
  @ApiProperty({ example: 'department' }) role: string;
  @ApiProperty({ nullable: true, type: String, example: 'unit-fgw' }) unitId: string | null;
}

export class HistoryEntryView {
  @ApiProperty({ example: 3 }) seq: number;
  @ApiProperty({ example: 'evidence.submit' }) type: string;
  @ApiProperty({ example: '2026-06-20T02:00:00.000Z' }) occurredAt: string;
  @ApiProperty() recordedAt: string;
  @ApiProperty({ type: ActorView }) actor: ActorView;
  @ApiProperty({ type: 'object', example: { note: '上半年完成', completedValue: 6.2 }, additionalProperties: true }) data: object;
  @ApiProperty({ type: 'object', nullable: true, example: { live: { progress: 'open', light: 'green', extension: 'none' } }, additionalProperties: true })
  stateBefore: object | null;
  @ApiProperty({ type: 'object', example: { live: { progress: 'submitted', light: 'green', extension: 'none' } }, additionalProperties: true })
  stateAfter: object;
  @ApiProperty({ example: 1 }) machineVersion: number;
  @ApiProperty({ example: '9f2c…' }) prevHash: string;
  @ApiProperty({ example: '1b7e…' }) hash: string;
  @ApiProperty({ description: 'the stored canonical payload text that was hashed' }) payload: string;
}

export class HistoryPageView {
  @ApiProperty({ type: [HistoryEntryView] }) items: HistoryEntryView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
}

export class EvidenceFileView {
  @ApiProperty({ example: '4f7c2a9e-0d1b-4e0a-9b7e-0c4b5f7a1d2e' }) id: string;
  @ApiProperty() taskId: string;
  @ApiProperty({ example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256: string;
  @ApiProperty({ example: 20480 }) size: number;
  @ApiProperty({ example: '一季度投资报表.pdf' }) originalName: string;
  @ApiProperty({ example: 'application/pdf' }) mimeType: string;
  @ApiProperty() uploadedBy: string;
  @ApiProperty() createdAt: string;
}

export class TaskDetailPageView {
  @ApiProperty({ type: [TaskDetailView] }) items: TaskDetailView[];
  @ApiProperty({ example: 42 }) total: number;
  @ApiProperty({ example: 1 }) page: number;
  @ApiProperty({ example: 20 }) pageSize: number;
}
