import { describe, expect, it } from '@jest/globals';
import { localizeError } from '../common/error-catalogue.js';
import { passwordProblems } from './password-policy.js';

describe('passwordProblems', () => {
  it('accepts a passphrase of words and a mixed password', () => {
    expect(passwordProblems('correct horse battery staple', 'fgw')).toEqual([]);
    expect(passwordProblems('Fgw2026duban', 'fgw')).toEqual([]);
  });

  it.each([
    ['too short', 'ab12', 'fgw01', /at least 10/],
    ['the username', 'fgw01-admin', 'fgw01-admin', /username/],
    ['the username in other case', 'FGW01-ADMIN', 'fgw01-admin', /username/],
    ['the username reversed', 'nimda-10wgf', 'fgw01-admin', /username/],
    ['letters only', 'abcdefghijkl', 'fgw', /two kinds/],
    ['digits only', '123456789012', 'fgw', /two kinds/],
  ])('refuses %s, naming the field', (_what, password, username, reason) => {
    const problems = passwordProblems(password, username, 'newPassword');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.field === 'newPassword')).toBe(true);
    expect(problems.map((p) => p.reason).join('; ')).toMatch(reason);
  });

  it('counts characters, not UTF-16 units, and honours a configured minimum', () => {
    expect(passwordProblems('督办系统密码2026', 'x', 'password', 10)).toEqual([]);
    expect(passwordProblems('督办密码1', 'x', 'password', 6).map((p) => p.reason)).toEqual(['password: at least 6 characters']);
  });

  it('is worded in Chinese with the field label by the error catalogue', () => {
    const problems = passwordProblems('abc', 'abc', 'newPassword');
    const zh = localizeError('VALIDATION_FAILED', 400, 'x', { fields: problems });
    const messages = (zh.fields ?? []).map((f) => `${f.label}${f.message}`);
    expect(messages).toEqual(['新密码至少 10 个字符', '新密码不能与用户名相同', '新密码须包含字母、数字、符号中的至少两类']);
  });
});
