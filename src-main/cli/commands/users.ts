/** `mediaguard users …`: account administration from the command line. */
import { ROLES, type Role } from '../../../src-shared/roles';
import type { PublicUser } from '../../../src-shared/domain/user';
import { AppError } from '../../../src-shared/result';
import { EXIT, type CliCommand, type CliIo } from '../command';
import { flagString, newPasswordFrom, parseFlags, printError, requireRole, withCore } from '../context';

const USAGE = `Usage: mediaguard users <action> [options]

Actions:
  create-admin <username> [--display-name <name>]   first admin of a new installation (no --as)
  add <username> --role <user|investigator|admin> [--display-name <name>]
  list [--json]
  set-role <username> <user|investigator|admin>
  unlock <username>
  reset-password <username>                            the user must choose a new one at next login

Every action but create-admin needs --as <admin> (password from MEDIAGUARD_PASSWORD or a prompt).
New passwords come from MEDIAGUARD_NEW_PASSWORD or a prompt. --data-dir <dir> selects the data.`;

function parseRole(v: string | undefined): Role {
  if (!v || !(ROLES as readonly string[]).includes(v)) throw new AppError('VALIDATION', `Role must be one of: ${ROLES.join(', ')}.`);
  return v as Role;
}

function table(users: PublicUser[], now: number): string {
  const rows = users.map((u) => [
    u.username,
    u.role,
    u.displayName,
    u.adminLocked ? 'locked by admin' : u.lockedUntil && Date.parse(u.lockedUntil) > now ? `locked until ${u.lockedUntil}` : u.mustChangePassword ? 'must change password' : 'active',
    u.lastLoginAt ?? 'never',
  ]);
  const head = ['USERNAME', 'ROLE', 'NAME', 'STATE', 'LAST LOGIN'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

async function run(args: string[], io: CliIo): Promise<number> {
  const p = parseFlags(args, { string: ['role', 'display-name'], boolean: ['json'] });
  if ('error' in p) {
    io.stderr(`mediaguard users: ${p.error}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const [action, target, extra] = p.positionals;
  const needs = (n: number) => p.positionals.length - 1 === n;
  const usage = (why: string) => {
    io.stderr(`mediaguard users: ${why}\n${USAGE}\n`);
    return EXIT.USAGE;
  };
  switch (action) {
    case 'create-admin':
    case 'add':
    case 'unlock':
    case 'reset-password':
      if (!needs(1)) return usage(`${action} takes one username`);
      break;
    case 'set-role':
      if (!needs(2)) return usage('set-role takes a username and a role');
      break;
    case 'list':
      if (!needs(0)) return usage('list takes no arguments');
      break;
    default:
      return usage(action ? `unknown action '${action}'` : 'missing action');
  }
  return withCore('users', p, io, async (core) => {
    const name = target!;
    if (action === 'create-admin') {
      if ((await core.auth.count()) > 0) {
        throw new AppError('CONFLICT', 'Accounts already exist; use "users add --role admin --as <admin>" instead.');
      }
      const password = await newPasswordFrom(io, name);
      const info = await core.auth.setup('cli:setup', { username: name, displayName: flagString(p, 'display-name'), password });
      core.sessions.end('cli:setup');
      io.stdout(`Created admin ${info.user.username}.\n`);
      return EXIT.OK;
    }
    const { session } = await requireRole(core, p, io, ['admin']);
    const find = async (username: string) => {
      const u = await core.auth.findByUsername(username);
      if (!u) throw new AppError('NOT_FOUND', `No account named ${username}.`);
      return u;
    };
    switch (action) {
      case 'add': {
        const role = parseRole(flagString(p, 'role'));
        const password = await newPasswordFrom(io, name);
        const u = await core.auth.createUser(session, { username: name, displayName: flagString(p, 'display-name'), role, password });
        io.stdout(`Created ${u.role} ${u.username}; they must choose a new password at first login.\n`);
        return EXIT.OK;
      }
      case 'list': {
        const users = await core.auth.listUsers();
        io.stdout(p.flags.json ? JSON.stringify(users, null, 2) + '\n' : table(users, Date.now()));
        return EXIT.OK;
      }
      case 'set-role': {
        const u = await core.auth.setRole(session, (await find(name)).id, parseRole(extra));
        io.stdout(`${u.username} is now ${u.role}.\n`);
        return EXIT.OK;
      }
      case 'unlock': {
        const u = await core.auth.unlockUser(session, (await find(name)).id);
        io.stdout(`Unlocked ${u.username}.\n`);
        return EXIT.OK;
      }
      case 'reset-password': {
        const id = (await find(name)).id;
        const password = await newPasswordFrom(io, name);
        const u = await core.auth.resetPassword(session, id, password);
        io.stdout(`Password of ${u.username} reset; they must choose a new one at next login.\n`);
        return EXIT.OK;
      }
      default:
        return printError(io, 'users', new Error(`unhandled action ${action}`));
    }
  });
}

/** The users command. */
export const usersCommand: CliCommand = {
  name: 'users',
  usage: USAGE,
  run,
};
