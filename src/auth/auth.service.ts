import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../../config/app.config.js';
import { DomainError, ErrorCode } from '../common/domain-error.js';
import type { TokenView } from './auth.dto.js';
import type { TokenClaims } from './auth.guard.js';
import { verifyPassword } from './password.js';
import { toUserView, UsersService } from './users.service.js';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async login(username: string, password: string): Promise<TokenView> {
    const row = await this.users.findByUsername(username);
    // Verify against a dummy hash when the user is unknown, so timing does not reveal which names exist.
    const ok = await verifyPassword(row?.password_hash ?? DUMMY_HASH, password);
    if (!row || !ok || row.disabled) {
      throw new DomainError(ErrorCode.Unauthenticated, 'Wrong username or password', { field: 'password' });
    }
    const claims: TokenClaims = { sub: row.id, role: row.role, unit: row.unit_id, name: row.username };
    const accessToken = await this.jwt.signAsync(claims);
    return { accessToken, tokenType: 'Bearer', expiresIn: this.config.DUBAN_JWT_TTL_SECONDS, user: toUserView(row) };
  }
}

const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$T8d89wbory/4LYyPPjlSJA$zMgnDvzLiNrwirIiLDKFJGDg9qCQg6VqwD89ZRwluc0';
