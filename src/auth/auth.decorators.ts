import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import type { UserRole } from './user.entity.js';

export const IS_PUBLIC = 'duban:public';
export const ROLES = 'duban:roles';
export const QUERY_TOKEN = 'duban:query-token';

/** No token needed (login, health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Also accept the token as ?access_token= (only for EventSource streams, which cannot send headers). */
export const AllowQueryToken = () => SetMetadata(QUERY_TOKEN, true);
/** Only these roles may call the endpoint. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);
/** The authenticated caller. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
/** The id (jti) of the caller's token. */
export const CurrentTokenId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  return ctx.switchToHttp().getRequest<{ tokenId: string }>().tokenId;
});
