import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Task } from '../tasks/task.entity.js';

/** One uploaded file. The bytes live once on disk under their sha256; each upload has its own row. */
@Entity({ name: 'evidence_files' })
@Index('ix_evidence_task', ['taskId'])
@Index('ix_evidence_sha', ['sha256'])
export class EvidenceFile {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Column({ name: 'task_id', type: 'text' }) taskId: string;
  @ManyToOne(() => Task, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'task_id' })
  task?: Relation<Task>;
  @Column({ type: 'text' }) sha256: string;
  @Column({ type: 'integer' }) size: number;
  @Column({ name: 'original_name', type: 'text' }) originalName: string;
  @Column({ name: 'mime_type', type: 'text' }) mimeType: string;
  @Column({ name: 'uploaded_by', type: 'text' }) uploadedBy: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}
