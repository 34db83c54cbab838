import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { Actor } from '../common/actor.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import { IS_PUBLIC, QUERY_TOKEN, ROLES } from './auth.decorators.js';
import { SessionsService } from './sessions.service.js';
import type { UserRole } from './user.entity.js';

export interface TokenClaims {
  sub: string;
  role: UserRole;
  unit: string | null;
  name: string;
  /** Set by the signer (jwtid / expiresIn); every accepted token has both. */
  jti?: string;
  exp?: number;
}

const unauthenticated = (why: string) => new DomainError(ErrorCode.Unauthenticated, `Invalid token: ${why}`, { header: 'authorization' });

/**
 * Global guard: every endpoint needs a valid bearer token unless marked @Public(); @Roles() narrows it.
 * A token is accepted when its signature and `exp` check out, it carries a `jti`, its session is not revoked,
 * and its user still exists and is not disabled — the last two by one lookup (SessionsService.check). The
 * actor's role and unit are the user's as they are now, not as they were when the token was issued.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly sessions: SessionsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; query?: Record<string, unknown>; actor?: Actor; tokenId?: string }>();
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
      throw unauthenticated((e as Error).message);
    }
    if (typeof claims.exp !== 'number') throw unauthenticated('no expiry (exp)');
    if (typeof claims.jti !== 'string' || !claims.jti) throw unauthenticated('no token id (jti)');
    if (typeof claims.sub !== 'string') throw unauthenticated('no subject');
    const live = await this.sessions.check(claims.jti, claims.sub);
    if (!live) throw unauthenticated('unknown session, or the user no longer exists');
    if (live.revokedAt) throw unauthenticated('revoked');
    if (live.disabled) throw unauthenticated('the user is disabled');
    request.actor = { userId: live.userId, role: live.role, unitId: live.unitId, username: live.username };
    request.tokenId = claims.jti;
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (roles && !roles.includes(live.role)) {
      throw DomainError.forbidden(`Role ${live.role} may not do this; allowed: ${roles.join(', ')}`, { role: live.role, allowed: roles });
    }
    return true;
  }
}
