import type { FieldProblem } from '../common/domain-error.js';

/** Default shortest new password (DUBAN_PASSWORD_MIN_LENGTH). */
export const DEFAULT_PASSWORD_MIN_LENGTH = 10;

/**
 * The rules a new password must meet (创建用户、修改密码、重置密码): long enough, not the user name, and at
 * least two kinds of characters among letters, digits and everything else (spaces and punctuation count as
 * symbols, so a passphrase of words passes). Returns the problems, naming `field`; none = acceptable. The
 * reasons start with "password:" so the error catalogue words them in Chinese.
 */
export function passwordProblems(password: string, username: string, field = 'password', minLength = DEFAULT_PASSWORD_MIN_LENGTH): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if ([...password].length < minLength) problems.push({ field, reason: `password: at least ${minLength} characters` });
  const plain = password.trim().toLowerCase();
  const name = username.trim().toLowerCase();
  if (name && (plain === name || plain === [...name].reverse().join(''))) problems.push({ field, reason: 'password: must not be the username' });
  const kinds = [/\p{L}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((re) => re.test(password)).length;
  if (kinds < 2) problems.push({ field, reason: 'password: mix at least two kinds of characters (letters, digits, symbols)' });
  return problems;
}
