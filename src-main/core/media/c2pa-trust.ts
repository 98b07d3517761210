/**
 * The C2PA trust anchors an administrator chose (Settings → Content Credentials): a PEM file of root and
 * intermediate certificates — such as the C2PA trust list, or a newsroom's own — or a folder of .pem, .crt
 * and .cer files (PEM or DER). MediaGuard holds no trust list of its own and fetches none: without one, a
 * manifest's certificate chain is checked for how it links, never for whom it belongs to.
 *
 * Loaded once per path and modification time, bounded (file sizes, certificate count), and never fatal:
 * what cannot be read is named in `problems`, and the report says so.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface TrustAnchors {
  /** What was read, for the report ("the 3 certificates of /path/list.pem"). */
  source: string;
  certificates: crypto.X509Certificate[];
  /** What could not be read (a file too large, a block that is not a certificate…). */
  problems: string[];
}

/** A trust-list file larger than this is not read (the C2PA trust list is tens of KB). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** At most this many certificates, and files of a folder. */
const MAX_CERTIFICATES = 5000;
const MAX_FILES = 1000;
const EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.der']);

/** The certificates of one file: PEM blocks, or one DER certificate. */
function certificatesOf(bytes: Buffer, name: string, problems: string[]): crypto.X509Certificate[] {
  const text = bytes.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  const out: crypto.X509Certificate[] = [];
  if (!blocks) {
    try {
      out.push(new crypto.X509Certificate(bytes));
    } catch {
      problems.push(`${name} holds no certificate`);
    }
    return out;
  }
  let bad = 0;
  for (const block of blocks) {
    try {
      out.push(new crypto.X509Certificate(block));
    } catch {
      bad++;
    }
  }
  if (bad) problems.push(`${bad} block${bad === 1 ? '' : 's'} of ${name} ${bad === 1 ? 'is' : 'are'} not a readable certificate`);
  return out;
}

/** Reads the trust anchors at `p` (a file or a folder); never throws. */
export async function readTrustAnchors(p: string): Promise<TrustAnchors> {
  const problems: string[] = [];
  const certificates: crypto.X509Certificate[] = [];
  let files: string[];
  try {
    const st = await fs.promises.stat(p);
    if (st.isDirectory()) {
      const names = (await fs.promises.readdir(p)).filter((n) => EXTENSIONS.has(path.extname(n).toLowerCase())).sort();
      if (names.length > MAX_FILES) problems.push(`only the first ${MAX_FILES} of its ${names.length} certificate files were read`);
      files = names.slice(0, MAX_FILES).map((n) => path.join(p, n));
    } else files = [p];
  } catch (e) {
    return { source: p, certificates, problems: [`the trust list cannot be read (${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))})`] };
  }
  for (const f of files) {
    if (certificates.length >= MAX_CERTIFICATES) {
      problems.push(`only the first ${MAX_CERTIFICATES} certificates were read`);
      break;
    }
    try {
      const st = await fs.promises.stat(f);
      if (st.size > MAX_FILE_BYTES) {
        problems.push(`${path.basename(f)} is over ${MAX_FILE_BYTES / 1024 ** 2} MiB and was not read`);
        continue;
      }
      certificates.push(...certificatesOf(await fs.promises.readFile(f), path.basename(f), problems).slice(0, MAX_CERTIFICATES - certificates.length));
    } catch (e) {
      problems.push(`${path.basename(f)} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const n = certificates.length;
  return { source: `the ${n} certificate${n === 1 ? '' : 's'} of ${p}`, certificates, problems };
}

let cache: { key: string; anchors: Promise<TrustAnchors> } | null = null;

/** The trust anchors at `p`, read again only when the path or its modification time changes; null for no path. */
export async function trustAnchorsAt(p: string | null): Promise<TrustAnchors | null> {
  if (!p) return null;
  const mtime = await fs.promises.stat(p).then((s) => s.mtimeMs, () => -1);
  const key = `${p}\0${mtime}`;
  if (cache?.key !== key) cache = { key, anchors: readTrustAnchors(p) };
  return cache.anchors;
}
