import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Relation } from 'typeorm';
import { Unit } from '../units/unit.entity.js';

export const ROLES = ['admin', 'supervisor', 'department', 'assessor', 'auditor', 'leader'] as const;
export type UserRole = (typeof ROLES)[number];

@Entity({ name: 'users' })
export class User {
  @PrimaryColumn({ type: 'text' }) id: string;
  @Index('ux_users_username', { unique: true })
  @Column({ type: 'text' })
  username: string;
  @Column({ name: 'display_name', type: 'text' }) displayName: string;
  /** argon2id PHC string. */
  @Column({ name: 'password_hash', type: 'text' }) passwordHash: string;
  @Column({ type: 'text' }) role: UserRole;
  @Column({ name: 'unit_id', type: 'text', nullable: true }) unitId: string | null;
  @ManyToOne(() => Unit, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'unit_id' })
  unit?: Relation<Unit>;
  @Column({ type: 'boolean', default: false }) disabled: boolean;
  @Column({ name: 'created_at', type: 'text' }) createdAt: string;
}
