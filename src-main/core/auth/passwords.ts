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

const sha256b64 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('base64');

/**
 * What bcrypt is given for a password. The password is first normalised to Unicode NFC, so
 * "café" typed with a combining accent is the same password as with a precomposed é. bcrypt
 * reads at most 72 bytes: a longer passphrase is pre-hashed ("sha256:" + SHA-256, base64) so
 * every byte counts. A short password that itself begins like a pre-hash ("sha256:" or
 * "sha256r:") is pre-hashed under the other tag, so typing the pre-hash of someone's long
 * passphrase is not the same as knowing it: the mapping is one to one.
 */
export function bcryptInput(password: string): string {
  const p = password.normalize('NFC');
  if (Buffer.byteLength(p, 'utf8') > 72) return `sha256:${sha256b64(p)}`;
  if (p.startsWith('sha256:') || p.startsWith('sha256r:')) return `sha256r:${sha256b64(p)}`;
  return p;
}

/**
 * How hashes were made before normalisation: the password as typed. Only tried for a password
 * that NFC changes (and never for one beginning like a pre-hash, which was the ambiguity).
 */
function legacyInput(password: string): string | null {
  if (password === password.normalize('NFC') || password.startsWith('sha256')) return null;
  return Buffer.byteLength(password, 'utf8') > 72 ? `sha256:${sha256b64(password)}` : password;
}

/** Hash a password with the given bcrypt cost. */
export async function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(bcryptInput(password), cost);
}

/**
 * Compare a password with a stored hash (constant-time inside bcrypt): 'current' when it
 * matches as hashed today, 'legacy' when it matches a hash made before NFC normalisation
 * (re-hash it now that the password is known), false otherwise.
 */
export async function checkPassword(password: string, hash: string): Promise<'current' | 'legacy' | false> {
  if (await bcrypt.compare(bcryptInput(password), hash)) return 'current';
  const legacy = legacyInput(password);
  return legacy !== null && (await bcrypt.compare(legacy, hash)) ? 'legacy' : false;
}

/** Compare a password with a stored hash. */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return (await checkPassword(password, hash)) !== false;
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
