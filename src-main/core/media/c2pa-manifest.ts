/**
 * C2PA manifest stores (Content Credentials) in a file's bytes: JUMBF boxes whose description type is the
 * C2PA UUID, in JPEG APP11 segments (JPEG XT packets, a large store spread over several), PNG `caBX`
 * chunks, WebP `C2PA` chunks and ISO BMFF `uuid` boxes. What the store says (claim generator, actions,
 * digital source types) is read from its CBOR text strings and its first certificate; its claim signature,
 * the claim's hashes of its assertions and the data-hash assertion are checked in c2pa-verify.ts.
 * Whom the certificate belongs to (chain, trust list, revocation) is not checked.
 */
import { X509Certificate } from 'node:crypto';
import {
  checkC2paAssertions,
  checkC2paChain,
  checkC2paDataHash,
  checkC2paSignature,
  distinguishedName,
  signerCertificate,
  type C2paAssertionCheck,
  type C2paChainCheck,
  type C2paDataHashCheck,
  type C2paSignatureCheck,
} from './c2pa-verify';
import type { TrustAnchors } from './c2pa-trust';
import { jpegHeaderSegments } from './jpeg-segments';

/** The UUID in the description box of a C2PA manifest store ("c2pa" + the JUMBF suffix). */
const C2PA_UUID = Buffer.from('6332706100110010800000aa00389b71', 'hex');

export interface C2paFinding {
  /** Bytes of manifest data found (JPEG: the APP11 payloads). */
  bytes: number;
  where: string;
  claimGenerators: string[];
  actions: string[];
  digitalSourceTypes: string[];
  /** The signer's certificate (the first in the active manifest's COSE x5chain): names and validity. */
  signer: { subject: string; issuer: string; validFrom: string; validTo: string } | null;
  /** The active manifest's claim signature against that certificate (c2pa-verify.ts). */
  signature: C2paSignatureCheck;
  /** The signature's certificate chain, link by link (c2pa-verify.ts). */
  chain: C2paChainCheck;
  /** The claim's hashes of its assertions against them (c2pa-verify.ts). */
  assertions: C2paAssertionCheck;
  /** The data-hash assertion against the whole file (c2pa-verify.ts). */
  dataHash: C2paDataHashCheck;
}

/** Names and validity of a certificate (DER); null when it cannot be read. */
function certificateNames(der: Buffer): C2paFinding['signer'] {
  try {
    const c = new X509Certificate(der);
    return { subject: distinguishedName(c.subject), issuer: distinguishedName(c.issuer), validFrom: c.validFrom, validTo: c.validTo };
  } catch {
    return null;
  }
}

/**
 * The first X.509 certificate (DER, a SEQUENCE with a two-byte length holding the to-be-signed SEQUENCE) in
 * `b`: the signer named when the active manifest's signature cannot be decoded.
 */
function firstCertificate(b: Buffer): C2paFinding['signer'] {
  const needle = Buffer.from([0x30, 0x82]);
  for (let at = b.indexOf(needle), tries = 0; at >= 0 && tries < 64; at = b.indexOf(needle, at + 1)) {
    if (b[at + 4] !== 0x30 || b[at + 5] !== 0x82) continue;
    tries++;
    const len = 4 + b.readUInt16BE(at + 2);
    if (at + len > b.length) continue;
    const named = certificateNames(b.subarray(at, at + len));
    if (named) return named;
  }
  return null;
}

/** CBOR text strings (major type 3, definite length) of `b` that follow a CBOR text `key`. */
function cborTextsAfter(b: Buffer, key: string, limit = 8): string[] {
  const out: string[] = [];
  const k = Buffer.from(key, 'utf8');
  const head = k.length < 24 ? Buffer.from([0x60 | k.length]) : Buffer.from([0x78, k.length]);
  const needle = Buffer.concat([head, k]);
  for (let at = b.indexOf(needle); at >= 0 && out.length < limit; at = b.indexOf(needle, at + 1)) {
    const v = cborText(b, at + needle.length);
    if (v !== null) out.push(v);
  }
  return out;
}

function cborText(b: Buffer, at: number): string | null {
  const h = b[at];
  if (h === undefined || h >> 5 !== 3) return null;
  const ai = h & 31;
  let len: number;
  let from = at + 1;
  if (ai < 24) len = ai;
  else if (ai === 24 && from < b.length) {
    len = b[from]!;
    from += 1;
  } else if (ai === 25 && from + 2 <= b.length) {
    len = b.readUInt16BE(from);
    from += 2;
  } else return null;
  if (from + len > b.length || len > 4096) return null;
  return b.toString('utf8', from, from + len);
}

/** The bytes a C2PA manifest store occupies in the file, by format (null when none). */
export function locateC2pa(bytes: Buffer, format: string): { data: Buffer; where: string } | null {
  if (format === 'jpeg') {
    // APP11 segments with the JPEG XT "JP" identifier carry JUMBF; a large store spans several.
    // (CI 'JP', box instance (2), packet sequence (4); packets after the first repeat the box header (8).)
    const parts = [...jpegHeaderSegments(bytes)]
      .filter(({ marker, payload: p }) => marker === 0xeb && p.length > 16 && p[0] === 0x4a && p[1] === 0x50)
      .map(({ payload: p }) => p.subarray(p.readUInt32BE(4) > 1 ? 16 : 8));
    const data = Buffer.concat(parts);
    return data.includes(C2PA_UUID) ? { data, where: 'JPEG APP11 (JUMBF)' } : null;
  }
  const at = bytes.indexOf(C2PA_UUID);
  if (at < 16) return null;
  // jumb box header (8) + jumd box header (8) + the UUID: the store's size is the jumb box's.
  const box = at - 16;
  if (bytes.toString('latin1', box + 4, box + 8) !== 'jumb' || bytes.toString('latin1', box + 12, box + 16) !== 'jumd') return null;
  const size = bytes.readUInt32BE(box);
  const where = format === 'png' ? "PNG 'caBX' chunk" : format === 'webp' ? "WebP 'C2PA' chunk" : format === 'mp4' || format === 'mov' ? "a top-level 'uuid' box" : 'a JUMBF box';
  return { data: bytes.subarray(box, Math.min(bytes.length, box + Math.max(size, 16))), where };
}

/** The active manifest's signer (its x5chain's first certificate), else the first certificate in the store. */
function signerOf(store: Buffer): C2paFinding['signer'] {
  const leaf = signerCertificate(store);
  return (leaf && certificateNames(leaf)) ?? firstCertificate(store);
}

/**
 * A C2PA manifest store in the picture's metadata bytes, with what its text says and its checks; null when
 * none. `wholeFile`: every byte of the file, for the data hash (a string says why it is not checked; by
 * default `bytes` are the whole file); `trust`: the administrator's trust anchors, if any.
 */
export function findC2pa(bytes: Buffer, format: string, wholeFile: Buffer | string = bytes, trust: TrustAnchors | null = null): C2paFinding | null {
  const found = locateC2pa(bytes, format);
  if (!found) return null;
  const d = found.data;
  const generators = cborTextsAfter(d, 'claim_generator');
  // claim_generator_info (C2PA 2.x): [{name, version}, …]
  const infoAt = d.indexOf(Buffer.from('claim_generator_info', 'utf8'));
  if (infoAt >= 0) generators.push(...cborTextsAfter(d.subarray(infoAt, infoAt + 512), 'name', 2));
  const actions = [...new Set(cborTextsAfter(d, 'action', 32).filter((a) => /^[\w.]+$/.test(a)))];
  const types = [...new Set(cborTextsAfter(d, 'digitalSourceType', 16))];
  return { bytes: d.length, where: found.where, claimGenerators: [...new Set(generators)], actions, digitalSourceTypes: types, signer: signerOf(d),
    signature: checkC2paSignature(d),
    chain: checkC2paChain(d, new Date(), trust),
    assertions: checkC2paAssertions(d),
    dataHash: typeof wholeFile === 'string' ? { state: 'unchecked', alg: null, reason: wholeFile } : checkC2paDataHash(d, wholeFile),
  };
}
