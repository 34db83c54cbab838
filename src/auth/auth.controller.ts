import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../common/actor.js';
import { CreateUserDto, LoginDto, TokenView, UserQuery, UserView } from './auth.dto.js';
import { CurrentActor, Public, Roles } from './auth.decorators.js';
import { AuthService } from './auth.service.js';
import { UsersService } from './users.service.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in; returns a bearer token (JWT)' })
  @ApiOkResponse({ type: TokenView })
  login(@Body() dto: LoginDto): Promise<TokenView> {
    return this.auth.login(dto.username, dto.password);
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
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto);
  }

  @Get()
  @Roles('admin', 'supervisor')
  @ApiOperation({ summary: 'List users' })
  async list(@Query() q: UserQuery) {
    return await this.users.list(q);
  }
}
