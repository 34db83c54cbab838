import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An assessed or assessing body (镇街 / 园区 / 部门). Units outlive plans; groups place them in a plan. */
@Entity({ name: 'units' })
export class Unit {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Index('ux_units_name', { unique: true })
  @Column({ type: 'text' })
  name: string;
  /** town | park | department | office | other */
  @Column({ type: 'text', default: 'department' }) kind: string;
  /** Other spellings seen in imports (县市场局 / 县市场监管局 …), JSON array. */
  @Column({ type: 'text', default: '[]' }) aliases: string;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}
