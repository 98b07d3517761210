/** Account roles, from least to most privileged. */
export const ROLES = ['user', 'investigator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Every signed-in role. */
export const ANY_ROLE: readonly Role[] = ROLES;
/** Investigators and admins: everyone's history, annotations. */
export const INVESTIGATOR_UP: readonly Role[] = ['investigator', 'admin'];
/** Admins only: accounts, audit log, settings. */
export const ADMIN_ONLY: readonly Role[] = ['admin'];

/** True when the role may see every user's records (not only its own). */
export function canSeeAllRecords(role: Role): boolean {
  switch (role) {
    case 'user':
      return false;
    case 'investigator':
    case 'admin':
      return true;
    default: {
      const never: never = role;
      throw new Error(`Unknown role ${String(never)}`);
    }
  }
}
