/** Client-side password checks mirroring main's rules, so the user learns before submitting. */
import { PASSWORD_RULES, USERNAME_RULES } from '../../../src-shared/domain/user';

/** Why a new password would be refused, or null. */
export function passwordProblem(pw: string, confirm: string): string | null {
  if (pw.length < PASSWORD_RULES.minLength) return `The password needs at least ${PASSWORD_RULES.minLength} characters.`;
  if (pw.length > PASSWORD_RULES.maxLength) return `The password may have at most ${PASSWORD_RULES.maxLength} characters.`;
  if (!/[A-Za-z]/.test(pw) || !/[^A-Za-z]/.test(pw)) return PASSWORD_RULES.description;
  if (pw !== confirm) return 'The two passwords differ.';
  return null;
}

/** Why a username would be refused, or null. */
export function usernameProblem(u: string): string | null {
  return USERNAME_RULES.pattern.test(u) ? null : `Username: ${USERNAME_RULES.description}`;
}

/** Seconds left on a lockout, from the error details main sends. */
export function lockoutSeconds(details: Record<string, unknown> | undefined, now = Date.now()): number | null {
  if (!details) return null;
  for (const k of ['remainingSec', 'retryAfterSec', 'secondsRemaining', 'seconds']) {
    const v = details[k];
    if (typeof v === 'number' && Number.isFinite(v)) return Math.max(0, Math.ceil(v));
  }
  const until = details.lockedUntil ?? details.until;
  if (typeof until === 'string') {
    const t = Date.parse(until);
    if (!Number.isNaN(t)) return Math.max(0, Math.ceil((t - now) / 1000));
  }
  return null;
}
