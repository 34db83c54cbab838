import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One version of an assessment template (考核模板), append-only (issue 13). A template is the office's
 * rules as data: evaluators, catalogues, groups' compositions. Every change is a new row with the whole
 * validated body, who made it, when, why and what changed (`diff`, from `diffTemplates`); retiring is a
 * version too (status `retired`). The shipped files of config/plan-templates are seeded as version 1
 * (source `shipped`, read-only, copyable). Plans keep the version they were set up with.
 */
@Entity({ name: 'scoring_template_versions' })
export class ScoringTemplateVersion {
  @PrimaryColumn({ type: 'text' }) id: string;
  @PrimaryColumn({ type: 'integer' }) version: number;
  @Column({ type: 'text' }) name: string;
  /** active | retired */
  @Column({ type: 'text' }) status: string;
  /** shipped (config/plan-templates, read-only) | office (made through the API) */
  @Column({ type: 'text' }) source: string;
  /** The template as validated (PlanTemplate JSON, `version` = this row's version). */
  @Column({ type: 'text' }) body: string;
  /** `<id>@<version>` this template was copied from (version 1 of a copy only). */
  @Column({ name: 'copied_from', type: 'text', nullable: true }) copiedFrom: string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  /** JSON: TemplateChange[] against the previous version (null for version 1). */
  @Column({ type: 'text', nullable: true }) diff: string | null;
  @Column({ name: 'created_by', type: 'text', nullable: true }) createdBy: string | null;
  @Column({ name: 'created_role', type: 'text' }) createdRole: string;
  @Column({ name: 'created_username', type: 'text', nullable: true }) createdUsername: string | null;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}
