import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Actor } from '../common/actor.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { IS_PUBLIC, QUERY_TOKEN, ROLES } from './auth.decorators.js';
import type { UserRole } from './user.entity.js';

export interface TokenClaims {
  sub: string;
  role: UserRole;
  unit: string | null;
  name: string;
}

/** Global guard: every endpoint needs a valid bearer token unless marked @Public(); @Roles() narrows it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; query?: Record<string, unknown>; actor?: Actor }>();
    let header = request.headers['authorization'] ?? '';
    const queryToken = request.query?.['access_token'];
    if (!header && typeof queryToken === 'string' && this.reflector.getAllAndOverride<boolean>(QUERY_TOKEN, targets)) header = `Bearer ${queryToken}`;
    const [scheme, token] = header.split(' ');
    if (scheme?.toLowerCase() !== 'bearer' || !token) {
      throw new DomainError(ErrorCode.Unauthenticated, 'A bearer token is required (POST /auth/login)', { header: 'authorization' });
    }
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch (e) {
      throw new DomainError(ErrorCode.Unauthenticated, `Invalid token: ${(e as Error).message}`, { header: 'authorization' });
    }
    request.actor = { userId: claims.sub, role: claims.role, unitId: claims.unit, username: claims.name };
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(claims.role)) {
      throw DomainError.forbidden(`Role ${claims.role} may not do this; allowed: ${roles.join(', ')}`, { role: claims.role, allowed: roles });
    }
    return true;
  }
}
