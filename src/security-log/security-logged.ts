import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, mergeMap, type Observable } from 'rxjs';
import type { Actor } from '../common/actor.js';
import { SecurityLogService, type SecurityKind } from './security-log.service.js';

export const SECURITY_LOGGED = 'duban:security-logged';

export interface SecurityLoggedOptions {
  /** Record only when the caller has one of these roles (plan-wide reads: auditors). */
  roles?: Actor['role'][];
  /** What the route's :id names (default plan). */
  subject?: 'plan' | 'task' | 'template';
}

/**
 * Mark a handler whose successful calls go to the security log (exports, plan-wide reads, scoring set-up
 * changes). The record is written after the handler succeeded, before the answer is finished.
 */
export const SecurityLogged = (kind: SecurityKind, opts: SecurityLoggedOptions = {}) => SetMetadata(SECURITY_LOGGED, { kind, ...opts });

interface LoggedRequest {
  actor?: Actor;
  ip?: string;
  method?: string;
  params?: Record<string, string>;
  query?: Record<string, unknown>;
  routeOptions?: { url?: string };
}

/** Global: a no-op unless the handler is marked @SecurityLogged. */
@Injectable()
export class SecurityLogInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly securityLog: SecurityLogService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const meta = this.reflector.get<({ kind: SecurityKind } & SecurityLoggedOptions) | undefined>(SECURITY_LOGGED, context.getHandler());
    if (!meta) return next.handle();
    const req = context.switchToHttp().getRequest<LoggedRequest>();
    const actor = req.actor;
    if (meta.roles && (!actor || !meta.roles.includes(actor.role))) return next.handle();
    return next.handle().pipe(
      mergeMap((result: unknown) =>
        from(
          (async () => {
            const id = req.params?.['id'];
            const query = Object.fromEntries(
              Object.entries(req.query ?? {})
                .filter(([k]) => k !== 'access_token')
                .slice(0, 10),
            );
            await this.securityLog.record({
              kind: meta.kind,
              actor,
              subject: id ? `${meta.subject ?? 'plan'}:${id}` : null,
              address: req.ip ?? null,
              details: { method: req.method, route: req.routeOptions?.url, ...(Object.keys(query).length ? { query } : {}) },
            });
            return result;
          })(),
        ),
      ),
    );
  }
}
