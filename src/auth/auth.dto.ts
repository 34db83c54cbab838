import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { ROLES, type UserRole } from './user.entity.js';

export class LoginDto {
  @ApiProperty({ example: 'supervisor' }) @IsString() @IsNotEmpty() @MaxLength(64) username: string;
  @ApiProperty({ example: 'duban-demo-supervisor' }) @IsString() @IsNotEmpty() @MaxLength(256) password: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'fgw01' }) @IsString() @Matches(/^[A-Za-z0-9_.-]{2,64}$/, { message: 'username: 2–64 letters, digits, _ . -' })
  username: string;
  @ApiProperty({ example: '县发改局 张三' }) @IsString() @IsNotEmpty() @MaxLength(100) displayName: string;
  @ApiProperty({ example: 'a long passphrase', minLength: 8 }) @IsString() @MinLength(8) @MaxLength(256) password: string;
  @ApiProperty({ enum: ROLES, example: 'department' }) @IsIn(ROLES as unknown as string[]) role: UserRole;
  @ApiPropertyOptional({ description: 'Required for department and assessor users', example: 'unit-fgw' })
  @IsOptional() @IsString() @IsNotEmpty()
  unitId?: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Search: part of the user name or the display name', example: '发改' }) @IsOptional() @IsString() @MaxLength(100) q?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES as unknown as string[]) role?: UserRole;
  @ApiPropertyOptional({ example: 'unit-fgw' }) @IsOptional() @IsString() @MaxLength(64) unitId?: string;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: UserRole;
  @ApiProperty({ nullable: true, type: String }) unitId: string | null;
  @ApiProperty() createdAt: string;
}

export class TokenView {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expiresIn: number;
  @ApiProperty({ type: UserView }) user: UserView;
}
