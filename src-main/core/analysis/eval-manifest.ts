/**
 * The evaluation's MANIFEST.tsv (`npm run eval`): one row per file, tab-separated, with a header
 * naming at least `relpath` and `label` (real / fake); `manipulation_or_generator`, `source_path`
 * and `group` are optional. The source is the first folder of relpath.
 */
export interface ManifestRow {
  relpath: string;
  fake: boolean;
  generator: string;
  source: string;
  /** Cluster key of the bootstrap (originOf): files with the same origin are resampled together. */
  origin: string;
}

export function parseManifest(text: string): ManifestRow[] {
  const lines = text.split('\n').filter((l) => l.trim());
  if (lines.length === 0) throw new Error('MANIFEST.tsv is empty');
  const head = lines[0]!.replace(/\r$/, '').split('\t');
  const col = (n: string) => head.indexOf(n);
  const [iRel, iLab, iGen, iGroup, iSrc] = [col('relpath'), col('label'), col('manipulation_or_generator'), col('group'), col('source_path')];
  if (iRel < 0 || iLab < 0) throw new Error('MANIFEST.tsv needs relpath and label columns');
  return lines.slice(1).map((l) => {
    const c = l.replace(/\r$/, '').split('\t');
    const relpath = c[iRel]!;
    const at = (i: number) => (i >= 0 ? c[i] : undefined);
    return { relpath, fake: c[iLab] === 'fake', generator: at(iGen) || '?', source: relpath.split('/')[0]!, origin: originOf(relpath, at(iGroup), at(iSrc)) };
  });
}

/**
 * The bootstrap's cluster key of a row: its `group` column when the manifest has one; else the
 * file it was cut from (`source_path` without a trailing "(DERIVED: ...)" note, so the frames
 * taken from one video and the video itself share a key); else the file itself.
 */
export function originOf(relpath: string, group?: string, sourcePath?: string): string {
  if (group?.trim()) return `group:${group.trim()}`;
  const src = sourcePath?.replace(/\s*\(DERIVED\b.*$/, '').trim();
  return src ? `source:${src}` : `file:${relpath}`;
}
