/** `mediaguard cameras add|list|remove|check`: camera sensor-noise fingerprints (core/cameras). */
import path from 'node:path';
import { CAMERA_OUTCOME_LABEL, type CameraCheck, type CameraSummary, sensorNoiseLine } from '../../../src-shared/domain/cameras';
import type { Core } from '../../core/core';
import { EXIT, type CliCommand, type CliIo } from '../command';
import { cliSenderId, openCliCore, parseFlags, printError, requireRole } from '../context';
import { termSafe } from '../term-safe';

const USAGE = `Usage: mediaguard cameras <action> [options] --as <username>

Actions:
  add <name> <pictures or folders...>   estimate a camera's sensor-noise fingerprint from pictures it took
                                        (investigator or admin; at least 5 of one size, 20+ advised)
  list [--json]                         the fingerprints in the library
  remove <id or name>                   remove a fingerprint (investigator or admin)
  check <picture> [--json]              compare a picture's sensor noise with every fingerprint
                                        (exit 0 when compared, match or not; 1 when it could not be)

Pictures are compared at the camera's own size (as stored, or turned), as the whole frame
resized smaller with its proportions kept (the weaker the more it was reduced), or — by check
only, not in analyses — as a part cut out of the frame, searched for over every offset of the
fingerprint's area (seconds per camera); an enlarged or stretched picture, or a crop also
resized, cannot be compared. Options: --data-dir <dir>.`;

function line(c: CameraSummary): string {
  const made = [c.make, c.model].filter(Boolean).join(' ');
  return `${c.id}  ${termSafe(c.name)}  ${c.width}×${c.height}  ${c.images} pictures${made ? `  (${termSafe(made)})` : ''}  by ${termSafe(c.createdBy || '—')} ${c.createdAt}  sha256 ${c.sha256.slice(0, 16)}…\n`;
}

function printCheck(io: CliIo, r: CameraCheck): void {
  io.stdout(`${termSafe(r.file.name)} (${r.file.width}×${r.file.height}, sha256 ${r.file.sha256.slice(0, 16)}…) against ${r.cameras} camera${r.cameras === 1 ? '' : 's'}:\n`);
  if (!r.matches.length) io.stdout('  the library holds no camera fingerprint.\n');
  for (const m of r.matches) {
    const what = m.outcome === 'match' ? 'MATCH' : CAMERA_OUTCOME_LABEL[m.outcome].toLowerCase();
    const pce = m.pce !== null ? `  PCE ${m.pce} (threshold ${m.threshold})${m.rotation ? `, picture turned ${m.rotation}°` : ''}${m.scale !== undefined ? `, resized ×${m.scale}` : ''}${m.offset ? `, cut out at (${m.offset.x}, ${m.offset.y})` : ''}` : '';
    io.stdout(`  ${termSafe(m.cameraName)}: ${what}${pce}${m.note ? `\n    ${termSafe(m.note)}` : ''}\n`);
  }
  if (r.integrity) io.stdout(`  sensor-noise map: ${termSafe(sensorNoiseLine(r.integrity))}\n`);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const p = parseFlags(args, { boolean: ['json'] });
  if ('error' in p) {
    io.stderr(`mediaguard cameras: ${p.error}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const [action, ...rest] = p.positionals;
  const arity: Record<string, (n: number) => boolean> = { add: (n) => n >= 2, list: (n) => n === 0, remove: (n) => n === 1, check: (n) => n === 1 };
  const ok = action !== undefined ? arity[action] : undefined;
  if (!ok) {
    io.stderr(`mediaguard cameras: unknown action '${action ?? ''}'\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  if (!ok(rest.length)) {
    io.stderr(`mediaguard cameras: wrong arguments for ${action}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const json = p.flags.json === true;
  let core: Core | null = null;
  try {
    core = await openCliCore(p, io);
    const writer = action === 'add' || action === 'remove';
    const { session } = await requireRole(core, p, io, writer ? ['investigator', 'admin'] : ['user', 'investigator', 'admin']);
    const limits = core.settings.get().limits;
    switch (action) {
      case 'add': {
        const [name, ...paths] = rest as [string, ...string[]];
        let last = -1;
        const r = await core.cameras.add({
          name,
          paths: paths.map((x) => path.resolve(x)),
          actor: session,
          limits,
          onProgress: (done, total) => {
            const pct = total ? Math.floor((done / total) * 10) : 10;
            if (!json && pct !== last) {
              last = pct;
              io.stderr(`  reading reference pictures: ${done}/${total}\n`);
            }
          },
        });
        if (json) io.stdout(JSON.stringify(r) + '\n');
        else {
          io.stdout(`Added ${line(r.camera)}`);
          for (const n of r.notes) io.stdout(`  note: ${termSafe(n)}\n`);
          for (const s of r.skipped) io.stderr(`  skipped ${termSafe(s.name)}: ${termSafe(s.reason)}\n`);
        }
        return EXIT.OK;
      }
      case 'list': {
        const r = await core.cameras.list();
        if (json) io.stdout(JSON.stringify(r, null, 2) + '\n');
        else {
          if (!r.cameras.length) io.stdout('No camera fingerprints.\n');
          for (const c of r.cameras) io.stdout(line(c));
        }
        for (const pr of r.problems) io.stderr(`mediaguard cameras: ${termSafe(pr.file)}: ${termSafe(pr.error)}\n`);
        return r.problems.length ? EXIT.FAILURE : EXIT.OK;
      }
      case 'remove': {
        const c = await core.cameras.remove(rest[0]!, session);
        if (json) io.stdout(JSON.stringify(c) + '\n');
        else io.stdout(`Removed ${line(c)}`);
        return EXIT.OK;
      }
      default: {
        const r = await core.cameras.check(path.resolve(rest[0]!), { actor: session, limits });
        if (json) io.stdout(JSON.stringify(r) + '\n');
        else printCheck(io, r);
        for (const pr of r.problems) io.stderr(`mediaguard cameras: ${termSafe(pr.file)}: ${termSafe(pr.error)}\n`);
        return EXIT.OK;
      }
    }
  } catch (e) {
    return printError(io, 'cameras', e);
  } finally {
    if (core) {
      core.sessions.end(cliSenderId());
      await core.close();
    }
  }
}

export const camerasCommand: CliCommand = { name: 'cameras', usage: USAGE, run };
