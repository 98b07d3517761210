/** `mediaguard report <record id> --out file.pdf` and `mediaguard report verify <file.pdf>`. */
import { ANY_ROLE } from '../../../src-shared/roles';
import { EXIT, type CliCommand, type CliIo } from '../command';
import { flagString, parseFlags, requireRole, withCore } from '../context';
import { termSafe } from '../term-safe';

const USAGE = `Usage: mediaguard report <record id> --out <file.pdf> --as <username> [options]
       mediaguard report verify <file.pdf> [--json]

Export:
  --out <file.pdf>     where to write the report (refuses to replace a file unless --force)
  --case <reference>   case reference printed on the cover
  --notes <text>       examiner's notes printed on the cover
  --force              replace an existing file
  --as <username>      the issuing account (password from MEDIAGUARD_PASSWORD or a prompt)

Verify: hashes the file and says whether this installation issued it (exit 0): its SHA-256 is
in the list of issued reports and in a report.exported entry of the audit log, whose chain
verifies and still holds the audit entry the report printed when it was issued (its anchor).
Otherwise exit ${EXIT.VERIFY_FAILED}: the file was never issued here, it was changed (one byte
is enough), or the list or the audit log was altered or rewritten.

Every command takes --data-dir <dir>.`;

async function verify(args: string[], io: CliIo): Promise<number> {
  const p = parseFlags(args, { boolean: ['json'] });
  if ('error' in p || p.positionals.length !== 1) {
    io.stderr(`mediaguard report verify: ${'error' in p ? p.error : 'name exactly one PDF file'}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  return withCore('report verify', p, io, async (core) => {
    const r = await core.reports.verify(p.positionals[0]!);
    if (p.flags.json === true) {
      // The evidence file name stays out: it belongs to the record's scope, and this check needs no sign-in.
      io.stdout(
        JSON.stringify({
          path: r.path,
          sha256: r.sha256,
          issued: r.issued,
          report: r.report ? { id: r.report.id, createdAt: r.report.createdAt, authorName: r.report.authorName, detectionId: r.report.detectionId } : null,
          auditEntry: r.auditEntry,
          chainOk: r.chainOk,
          anchor: r.anchor,
          note: r.note,
        }) + '\n',
      );
    } else if (r.issued && r.report) {
      io.stdout(`ISSUED: ${termSafe(r.path)}\n  sha256 ${r.sha256}\n  report ${r.report.id}, issued ${r.report.createdAt} by ${termSafe(r.report.authorName)}, record ${r.report.detectionId}\n  ${termSafe(r.note)}\n`);
    } else {
      io.stdout(`NOT CONFIRMED: ${termSafe(r.path)}\n  sha256 ${r.sha256}\n  ${termSafe(r.note)}\n`);
    }
    return r.issued ? EXIT.OK : EXIT.VERIFY_FAILED;
  });
}

async function run(args: string[], io: CliIo): Promise<number> {
  if (args[0] === 'verify') return verify(args.slice(1), io);
  const p = parseFlags(args, { string: ['out', 'case', 'notes'], boolean: ['force'] });
  if ('error' in p) {
    io.stderr(`mediaguard report: ${p.error}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const out = flagString(p, 'out');
  if (p.positionals.length !== 1 || !out) {
    io.stderr(`mediaguard report: name one record id and --out <file.pdf>\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const caseRef = flagString(p, 'case');
  const notes = flagString(p, 'notes');
  if ((caseRef?.length ?? 0) > 200 || (notes?.length ?? 0) > 5000) {
    io.stderr('mediaguard report: --case is limited to 200 characters and --notes to 5000\n');
    return EXIT.USAGE;
  }
  return withCore('report', p, io, async (core) => {
    const { session: s } = await requireRole(core, p, io, ANY_ROLE);
    const rec = await core.reports.exportReport({
      detectionId: p.positionals[0]!,
      destPath: out,
      author: { userId: s.userId, username: s.username, displayName: s.displayName, role: s.role },
      caseReference: caseRef ?? null,
      notes: notes ?? null,
      overwrite: p.flags.force === true,
    });
    io.stdout(`${termSafe(rec.path)}\n  report ${rec.id}\n  sha256 ${rec.sha256}\n`);
    return EXIT.OK;
  });
}

export const reportCommand: CliCommand = { name: 'report', usage: USAGE, run };
