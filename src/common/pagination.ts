import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Highest page number accepted: beyond it the offset leaves SQLite's integer range (a 500 before). */
export const MAX_PAGE = 1_000_000;

/** ?page=&pageSize= on every list (defaults 1 and 20, at most 200 a page). */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE)
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A LIKE pattern matching `q` anywhere (its % _ \ taken literally; use with ESCAPE '\'), or undefined for no search. */
export function containsPattern(q: string | undefined): string | undefined {
  const t = q?.trim();
  return t ? `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
}

/**
 * The operator for containsPattern: SQLite's LIKE ignores ASCII case, PostgreSQL's does not (ILIKE does),
 * so a search finds the same rows on both databases.
 */
export function likeOperator(dialect: 'sqlite' | 'postgres'): 'LIKE' | 'ILIKE' {
  return dialect === 'postgres' ? 'ILIKE' : 'LIKE';
}

export function pageOf(q: PageQuery): { page: number; pageSize: number; offset: number } {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 20;
  return { page, pageSize, offset: (page - 1) * pageSize };
}
