import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import type { UserRole } from './user.entity.js';

export const IS_PUBLIC = 'duban:public';
export const ROLES = 'duban:roles';

/** No token needed (login, health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only these roles may call the endpoint. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);
/** The authenticated caller. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
