/** Password and username rules, and bcrypt hashing. */
import crypto from 'node:crypto';
import bcrypt from 'bcryptjs';
import { PASSWORD_RULES, USERNAME_RULES } from '../../../src-shared/domain/user';
import { AppError } from '../../../src-shared/result';

/** Why a username is refused, or null. */
export function usernameProblem(username: string): string | null {
  if (!USERNAME_RULES.pattern.test(username)) return `Invalid username. ${USERNAME_RULES.description}`;
  return null;
}

/** Why a password is refused, or null. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length === 0) return 'The password must not be empty.';
  if ([...password].length < PASSWORD_RULES.minLength) return `The password is too short. ${PASSWORD_RULES.description}`;
  if ([...password].length > PASSWORD_RULES.maxLength) return `The password is longer than ${PASSWORD_RULES.maxLength} characters.`;
  if (!/\p{L}/u.test(password) || !/[\p{N}\p{P}\p{S}\s]/u.test(password)) return `The password is too weak. ${PASSWORD_RULES.description}`;
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'The password must not contain the username.';
  return null;
}

/** Throw VALIDATION when a username breaks the rules. */
export function assertUsername(username: string): void {
  const p = usernameProblem(username);
  if (p) throw new AppError('VALIDATION', p);
}

/** Throw VALIDATION when a password breaks the rules. */
export function assertPassword(password: string, username?: string): void {
  const p = passwordProblem(password, username);
  if (p) throw new AppError('VALIDATION', p);
}

/**
 * bcrypt reads at most 72 bytes; longer passphrases would have their tail ignored, so they
 * are pre-hashed (SHA-256, base64: 44 bytes) and every byte counts.
 */
function bcryptInput(password: string): string {
  return Buffer.byteLength(password, 'utf8') > 72 ? `sha256:${crypto.createHash('sha256').update(password, 'utf8').digest('base64')}` : password;
}

/** Hash a password with the given bcrypt cost. */
export async function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(bcryptInput(password), cost);
}

/** Compare a password with a stored hash (constant-time inside bcrypt). */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(bcryptInput(password), hash);
}

/** The cost a stored hash was made with. */
export function hashCost(hash: string): number {
  return bcrypt.getRounds(hash);
}

let dummy: { cost: number; hash: Promise<string> } | null = null;

/** A hash to compare against when the account does not exist, so timing does not reveal it. */
export function dummyHash(cost: number): Promise<string> {
  if (!dummy || dummy.cost !== cost) dummy = { cost, hash: bcrypt.hash(crypto.randomBytes(16).toString('hex'), cost) };
  return dummy.hash;
}
