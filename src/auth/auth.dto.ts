import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../common/pagination.js';
import { ROLES, type UserRole } from './user.entity.js';

export class LoginDto {
  @ApiProperty({ example: 'supervisor' }) @IsString() @IsNotEmpty() @MaxLength(64) username: string;
  @ApiProperty({ example: 'duban-demo-supervisor' }) @IsString() @IsNotEmpty() @MaxLength(256) password: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'fgw01' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{2,64}$/, { message: 'username: 2–64 letters, digits, _ . -' })
  username: string;
  @ApiProperty({ example: '县发改局 张三' }) @IsString() @IsNotEmpty() @MaxLength(100) displayName: string;
  @ApiProperty({
    example: 'a long passphrase',
    minLength: 10,
    description: 'Password policy: DUBAN_PASSWORD_MIN_LENGTH characters (10), not the username, two kinds of characters',
  })
  @IsString()
  @MaxLength(256)
  password: string;
  @ApiProperty({ enum: ROLES, example: 'department' }) @IsIn(ROLES as unknown as string[]) role: UserRole;
  @ApiPropertyOptional({ description: 'Required for department and assessor users', example: 'unit-fgw' })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  unitId?: string;
}

export class UserQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'Search: part of the user name or the display name', example: '发改' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES as unknown as string[]) role?: UserRole;
  @ApiPropertyOptional({ example: 'unit-fgw' }) @IsOptional() @IsString() @MaxLength(64) unitId?: string;
}

export class UserView {
  @ApiProperty() id: string;
  @ApiProperty() username: string;
  @ApiProperty() displayName: string;
  @ApiProperty({ enum: ROLES }) role: UserRole;
  @ApiProperty({ nullable: true, type: String }) unitId: string | null;
  @ApiProperty() disabled: boolean;
  @ApiProperty() createdAt: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: '县发改局 李四' }) @IsOptional() @IsString() @IsNotEmpty() @MaxLength(100) displayName?: string;
  @ApiPropertyOptional({ enum: ROLES }) @IsOptional() @IsIn(ROLES as unknown as string[]) role?: UserRole;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'unit-fgw' }) @IsOptional() @IsString() @IsNotEmpty() unitId?: string;
  @ApiPropertyOptional({ description: 'true: the user may not log in and every token of theirs is revoked' }) @IsOptional() @IsBoolean() disabled?: boolean;
}

export class ResetPasswordDto {
  @ApiProperty({ example: 'a new long passphrase' }) @IsString() @MaxLength(256) newPassword: string;
}

export class ChangePasswordDto {
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(256) currentPassword: string;
  @ApiProperty({ example: 'a new long passphrase' }) @IsString() @MaxLength(256) newPassword: string;
}

export class TokenView {
  @ApiProperty() accessToken: string;
  @ApiProperty({ example: 'Bearer' }) tokenType: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expiresIn: number;
  @ApiProperty({ type: UserView }) user: UserView;
}
