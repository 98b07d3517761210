/** `mediaguard audit verify|export`: check and export the hash-chained activity log. */
import fs from 'node:fs';
import path from 'node:path';
import { formatAnchor, parseAnchor, type AuditAnchor, type AuditVerifyResult } from '../../../src-shared/domain/audit';
import { verifyChain } from '../../core/audit/chain';
import { EXIT, type CliCommand, type CliIo } from '../command';
import { flagString, parseFlags, printError, requireRole, withCore } from '../context';
import { termSafe } from '../term-safe';

const USAGE = `Usage: mediaguard audit <action> [options]

Actions:
  verify [--json]              walk the hash chain of the log; exit 4 and name each break if broken
  verify --file <export.jsonl> verify an exported log file (no account needed)
  verify --anchor <seq>:<hash> also require entry <seq> to have that hash: an anchor kept outside
                               the log (every PDF report prints one), which a log rewritten
                               after it was taken no longer holds; with --file too
  export --out <file>          write the log (JSON lines, verifiable) to a new file

verify and export need --as <admin> (password from MEDIAGUARD_PASSWORD or a prompt).`;

function printVerify(io: CliIo, r: AuditVerifyResult, json: boolean): number {
  if (json) io.stdout(JSON.stringify(r, null, 2) + '\n');
  else if (r.ok) {
    io.stdout(`Audit log intact: ${r.entries} entries${r.anchor ? `; holds anchor entry ${r.anchor.seq} as recorded` : ''}.\n`);
    // The newest entry as an anchor: kept somewhere else, it later shows a log rewritten after today.
    if (r.headSeq !== null && r.headHash !== null) io.stdout(`  newest entry (keep elsewhere; check later with --anchor): ${formatAnchor({ seq: r.headSeq, hash: r.headHash })}\n`);
  } else {
    io.stdout(`Audit log BROKEN: ${r.breaks.length} problem(s) in ${r.entries} readable entries.\n`);
    for (const b of r.breaks) io.stdout(`  entry ${b.seq}: ${b.kind}: ${termSafe(b.message)}\n`);
  }
  return r.ok ? EXIT.OK : EXIT.VERIFY_FAILED;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const p = parseFlags(args, { string: ['out', 'file', 'anchor'], boolean: ['json'] });
  if ('error' in p) {
    io.stderr(`mediaguard audit: ${p.error}\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const [action, ...rest] = p.positionals;
  if (rest.length) {
    io.stderr(`mediaguard audit: unexpected argument '${rest[0]}'\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  const json = p.flags.json === true;
  if (action === 'verify') {
    const file = flagString(p, 'file');
    const anchorText = flagString(p, 'anchor');
    let anchor: AuditAnchor | undefined;
    if (anchorText !== undefined) {
      const a = parseAnchor(anchorText);
      if (!a) {
        io.stderr(`mediaguard audit: --anchor takes <entry number>:<64 hex digits>, as printed in a report (got '${termSafe(anchorText.slice(0, 100))}')\n`);
        return EXIT.USAGE;
      }
      anchor = a;
    }
    const opts = anchor ? { anchor } : {};
    if (file) {
      try {
        return printVerify(io, verifyChain(await fs.promises.readFile(file, 'utf8'), null, opts), json);
      } catch (e) {
        return printError(io, 'audit', e);
      }
    }
    return withCore('audit', p, io, async (core) => {
      await requireRole(core, p, io, ['admin']);
      return printVerify(io, await core.audit.verify(opts), json);
    });
  }
  if (flagString(p, 'anchor') !== undefined) {
    io.stderr(`mediaguard audit: --anchor goes with verify\n${USAGE}\n`);
    return EXIT.USAGE;
  }
  if (action === 'export') {
    const out = flagString(p, 'out');
    if (!out) {
      io.stderr(`mediaguard audit: export needs --out <file>\n${USAGE}\n`);
      return EXIT.USAGE;
    }
    return withCore('audit', p, io, async (core) => {
      const { session } = await requireRole(core, p, io, ['admin']);
      const r = await core.audit.exportTo(path.resolve(out), session);
      io.stdout(`Exported ${r.entries} entries to ${termSafe(r.path)}${r.verify.ok ? '' : ` (the chain is BROKEN: ${r.verify.breaks.length} problem(s))`}.\n`);
      return EXIT.OK;
    });
  }
  io.stderr(`mediaguard audit: ${action ? `unknown action '${action}'` : 'missing action'}\n${USAGE}\n`);
  return EXIT.USAGE;
}

/** The audit command. */
export const auditCommand: CliCommand = {
  name: 'audit',
  usage: USAGE,
  run,
};
