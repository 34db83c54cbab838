import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../common/actor.js';
import { ChangePasswordDto, CreateUserDto, LoginDto, ResetPasswordDto, TokenView, UpdateUserDto, UserQuery, UserView } from './auth.dto.js';
import { CurrentActor, CurrentTokenId, Public, Roles } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { UsersService } from './users.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; returns a bearer token (JWT with exp and jti). Too many failures → 429 with Retry-After' })
  @ApiOkResponse({ type: TokenView })
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest): Promise<TokenView> {
    return this.auth.login(dto.username, dto.password, req.ip);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the token this request carries' })
  async logout(@CurrentTokenId() jti: string, @CurrentActor() actor: Actor, @Req() req: FastifyRequest): Promise<void> {
    await this.auth.logout(jti, actor, req.ip);
  }

  @Post('password')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own password: every token of yours is revoked, a new one is returned' })
  @ApiOkResponse({ type: TokenView })
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto, @Req() req: FastifyRequest): Promise<TokenView> {
    return this.auth.changePassword(actor.userId!, dto.currentPassword, dto.newPassword, req.ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Who the token belongs to' })
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admin)' })
  create(@Body() dto: CreateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return this.users.create(dto, actor);
  }

  @Get()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'List users' })
  async list(@Query() q: UserQuery) {
    return await this.users.list(q);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a user (admin): name, role, unit, disabled. Disabling or a role/unit change revokes their tokens' })
  async update(@Param('id') id: string, @Body() dto: UpdateUserDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return (await this.users.update(id, dto, actor)).after;
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user (admin); their tokens are revoked' })
  async remove(@Param('id') id: string, @CurrentActor() actor: Actor): Promise<void> {
    await this.users.remove(id, actor);
  }

  @Post(':id/password')
  @Roles('admin')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a user's password (admin); their tokens are revoked" })
  async resetPassword(@Param('id') id: string, @Body() dto: ResetPasswordDto, @CurrentActor() actor: Actor): Promise<UserView> {
    return (await this.users.resetPassword(id, dto.newPassword, actor)).user;
  }
}
