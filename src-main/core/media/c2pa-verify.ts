/**
 * The claim signature of a C2PA manifest store, checked against the certificate it carries.
 *
 * A store is a JUMBF superbox (ISO/IEC 19566-5: 'jumb' boxes, each opened by a 'jumd' description
 * box with a type UUID and a label) holding manifests; the active manifest is the last. Its claim
 * ('c2pa.claim' / 'c2pa.claim.v2', a 'cbor' content box) is signed by its 'c2pa.signature' box, a
 * COSE_Sign1 structure (RFC 9052, tag 18) with a detached payload: the claim's CBOR bytes. The
 * signature is over Sig_structure = ["Signature1", protected header bytes, empty external AAD,
 * claim bytes], with the algorithm (label 1) and the certificate chain (x5chain, label 33) in the
 * headers.
 *
 * What this checks: that the signature matches the claim under the public key of the first
 * certificate in that chain (checkC2paSignature), that the claim's hashes of its assertions match
 * them (checkC2paAssertions), and that the data-hash assertion ('c2pa.hash.data': SHA-256/384/512
 * over the file's bytes outside its exclusion ranges, which cover the manifest itself) matches the
 * file (checkC2paDataHash); and how the signature's certificate chain links, and whether it reaches one
 * of the administrator's trust anchors when any are configured (checkC2paChain). It does NOT check
 * revocation or validity at signing time (no time-stamp is read): without trust anchors a valid signature
 * says the claim is as its key holder signed it, not who that is, and a matching data hash says the bytes
 * are those the assertion recorded.
 */
import crypto from 'node:crypto';
import type { TrustAnchors } from './c2pa-trust';

/** A decoded CBOR value; byte strings stay Buffers, maps are Maps (integer and text keys). */
export type CborValue = number | bigint | string | Buffer | boolean | null | undefined | CborValue[] | Map<CborValue, CborValue> | { tag: number; value: CborValue };

/** Nesting and item bounds for decoding untrusted CBOR. */
const MAX_DEPTH = 32;
const MAX_ITEMS = 100_000;

/** Decodes one CBOR data item (RFC 8949) from b at `at`; throws on malformed or oversized input. */
export function decodeCbor(b: Buffer, at = 0): { value: CborValue; end: number } {
  let items = 0;
  const read = (pos: number, depth: number): { value: CborValue; end: number } => {
    if (depth > MAX_DEPTH || ++items > MAX_ITEMS) throw new Error('CBOR nested or sized beyond bounds');
    if (pos >= b.length) throw new Error('CBOR cut short');
    const ib = b[pos]!;
    const major = ib >> 5;
    const ai = ib & 31;
    let p = pos + 1;
    let n = 0;
    if (ai < 24) n = ai;
    else if (ai === 24 || ai === 25 || ai === 26 || ai === 27) {
      const size = 1 << (ai - 24);
      if (p + size > b.length) throw new Error('CBOR cut short');
      if (major === 7 && ai >= 25) {
        const f = ai === 25 ? halfFloat(b.readUInt16BE(p)) : ai === 26 ? b.readFloatBE(p) : b.readDoubleBE(p);
        return { value: f, end: p + size };
      }
      n = size === 8 ? Number(b.readBigUInt64BE(p)) : b.readUIntBE(p, size);
      p += size;
    } else if (ai === 31) throw new Error('indefinite-length CBOR is not read');
    else throw new Error('reserved CBOR length');
    switch (major) {
      case 0:
        return { value: n, end: p };
      case 1:
        return { value: -1 - n, end: p };
      case 2:
      case 3: {
        if (p + n > b.length) throw new Error('CBOR string cut short');
        const s = b.subarray(p, p + n);
        return { value: major === 2 ? s : s.toString('utf8'), end: p + n };
      }
      case 4: {
        if (n > MAX_ITEMS) throw new Error('CBOR array too long');
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) {
          const r = read(p, depth + 1);
          out.push(r.value);
          p = r.end;
        }
        return { value: out, end: p };
      }
      case 5: {
        if (n > MAX_ITEMS) throw new Error('CBOR map too long');
        const m = new Map<CborValue, CborValue>();
        for (let i = 0; i < n; i++) {
          const k = read(p, depth + 1);
          const v = read(k.end, depth + 1);
          m.set(k.value, v.value);
          p = v.end;
        }
        return { value: m, end: p };
      }
      case 6: {
        const r = read(p, depth + 1);
        return { value: { tag: n, value: r.value }, end: r.end };
      }
      default:
        return { value: n === 20 ? false : n === 21 ? true : n === 22 ? null : undefined, end: p };
    }
  };
  return read(at, 0);
}

function halfFloat(h: number): number {
  const e = (h >> 10) & 31;
  const f = h & 1023;
  const v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

interface Jumbf {
  label: string | null;
  /** The superbox's payload (its description box and content boxes, after its own box header): what a hashed URI to it hashes. */
  payload: Buffer;
  /** Content boxes: type and payload. */
  content: { type: string; data: Buffer }[];
  children: Jumbf[];
}

/** The JUMBF superboxes in b[from, to) (a box runs past `to`: the walk stops there). */
function jumbfBoxes(b: Buffer, from: number, to: number, depth = 0): Jumbf[] {
  const out: Jumbf[] = [];
  if (depth > 16) return out;
  for (let pos = from; pos + 8 <= to; ) {
    let len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    let head = 8;
    if (len === 1) {
      if (pos + 16 > to) break;
      len = Number(b.readBigUInt64BE(pos + 8));
      head = 16;
    } else if (len === 0) len = to - pos;
    if (len < head || pos + len > to) break;
    if (type === 'jumb') out.push(superbox(b, pos + head, pos + len, depth));
    pos += len;
  }
  return out;
}

function superbox(b: Buffer, from: number, to: number, depth: number): Jumbf {
  const box: Jumbf = { label: null, payload: b.subarray(from, to), content: [], children: [] };
  for (let pos = from; pos + 8 <= to; ) {
    const len = b.readUInt32BE(pos);
    const type = b.toString('latin1', pos + 4, pos + 8);
    if (len < 8 || pos + len > to) break;
    const data = b.subarray(pos + 8, pos + len);
    if (type === 'jumd') {
      // type UUID (16), toggles (1), label (null-terminated) when toggles bit 1 is set.
      if (data.length > 17 && data[16]! & 2) {
        const end = data.indexOf(0, 17);
        box.label = data.toString('utf8', 17, end < 0 ? data.length : end);
      }
    } else if (type === 'jumb') box.children.push(superbox(b, pos + 8, pos + len, depth + 1));
    else box.content.push({ type, data });
    pos += len;
  }
  return box;
}

export interface C2paSignatureCheck {
  state: 'valid' | 'invalid' | 'unchecked';
  /** The COSE algorithm, by name (ES256, PS256, Ed25519 …), when read. */
  alg: string | null;
  /** Why it could not be checked, or what failed. */
  reason: string | null;
}

/** COSE algorithm identifiers (RFC 9053 / IANA) that C2PA allows, with how Node verifies them. */
const ALGS: Record<number, { name: string; hash: string | null; pss?: number; ecdsa?: boolean }> = {
  [-7]: { name: 'ES256', hash: 'sha256', ecdsa: true },
  [-35]: { name: 'ES384', hash: 'sha384', ecdsa: true },
  [-36]: { name: 'ES512', hash: 'sha512', ecdsa: true },
  [-37]: { name: 'PS256', hash: 'sha256', pss: 32 },
  [-38]: { name: 'PS384', hash: 'sha384', pss: 48 },
  [-39]: { name: 'PS512', hash: 'sha512', pss: 64 },
  [-8]: { name: 'Ed25519', hash: null },
};

/** CBOR encoding of Sig_structure (an array of a text string and three byte strings). */
function sigStructure(protectedBytes: Buffer, payload: Buffer): Buffer {
  const head = (major: number, n: number) => {
    if (n < 24) return Buffer.from([(major << 5) | n]);
    if (n < 256) return Buffer.from([(major << 5) | 24, n]);
    if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
    const h = Buffer.alloc(5);
    h[0] = (major << 5) | 26;
    h.writeUInt32BE(n, 1);
    return h;
  };
  const bstr = (x: Buffer) => Buffer.concat([head(2, x.length), x]);
  return Buffer.concat([Buffer.from([0x84]), head(3, 10), Buffer.from('Signature1', 'latin1'), bstr(protectedBytes), bstr(Buffer.alloc(0)), bstr(payload)]);
}

const unchecked = (reason: string, alg: string | null = null): C2paSignatureCheck => ({ state: 'unchecked', alg, reason });

/** The active (last) manifest of a store, or why there is none. */
function activeManifest(store: Buffer): Jumbf | string {
  const top = jumbfBoxes(store, 0, store.length)[0];
  if (!top) return 'the manifest store could not be read as JUMBF boxes';
  return top.children.at(-1) ?? 'the store holds no manifest';
}

/** The claim's CBOR bytes in a manifest ('c2pa.claim' in C2PA 1.x, 'c2pa.claim.v2' in 2.x). */
function claimBytes(manifest: Jumbf): Buffer | undefined {
  return manifest.children.find((c) => c.label === 'c2pa.claim' || c.label === 'c2pa.claim.v2')?.content.find((x) => x.type === 'cbor')?.data;
}

/** The claim decoded, when it is a CBOR map. */
function decodedClaim(manifest: Jumbf): Map<CborValue, CborValue> | null {
  const data = claimBytes(manifest);
  try {
    const v = data ? decodeCbor(data).value : null;
    return v instanceof Map ? v : null;
  } catch {
    return null;
  }
}

/** The parts of the active manifest's COSE_Sign1 claim signature, or why they cannot be read. */
function signatureParts(store: Buffer): { claim: Buffer; protectedBytes: Buffer; signature: Buffer; algId: CborValue; chain: Buffer[] } | string {
  const manifest = activeManifest(store);
  if (typeof manifest === 'string') return manifest;
  const claim = claimBytes(manifest);
  const sig = manifest.children.find((c) => c.label === 'c2pa.signature')?.content.find((x) => x.type === 'cbor')?.data;
  if (!claim || !sig) return `the active manifest has no ${claim ? 'signature' : 'claim'}`;
  let cose: CborValue;
  try {
    cose = decodeCbor(sig).value;
  } catch (e) {
    return `its signature cannot be decoded (${e instanceof Error ? e.message : String(e)})`;
  }
  const arr = cose && typeof cose === 'object' && 'tag' in cose && cose.tag === 18 ? cose.value : cose;
  if (!Array.isArray(arr) || arr.length !== 4 || !Buffer.isBuffer(arr[0]) || !Buffer.isBuffer(arr[3])) return 'its signature is not a COSE_Sign1 structure';
  const [protectedBytes, unprotectedMap, , signature] = arr as [Buffer, CborValue, CborValue, Buffer];
  let prot: CborValue;
  try {
    prot = protectedBytes.length ? decodeCbor(protectedBytes).value : new Map();
  } catch {
    return 'its protected header cannot be decoded';
  }
  const header = (key: number): CborValue => (prot instanceof Map && prot.has(key) ? prot.get(key) : unprotectedMap instanceof Map ? unprotectedMap.get(key) : undefined);
  // x5chain (label 33): one certificate, or an array of them, leaf first.
  const x5 = header(33);
  const chain = Buffer.isBuffer(x5) ? [x5] : Array.isArray(x5) ? x5.filter((c): c is Buffer => Buffer.isBuffer(c)).slice(0, MAX_CHAIN) : [];
  return { claim, protectedBytes, signature, algId: prot instanceof Map ? prot.get(1) : undefined, chain };
}

/** The signer's certificate (DER): the first of the active manifest's x5chain; null when there is none. */
export function signerCertificate(store: Buffer): Buffer | null {
  const parts = signatureParts(store);
  return typeof parts === 'string' ? null : (parts.chain[0] ?? null);
}

/** At most this many certificates of a chain are read. */
const MAX_CHAIN = 8;

/** The active manifest's claim signature in a manifest store (`store`: the 'jumb' box, from its header). */
export function checkC2paSignature(store: Buffer): C2paSignatureCheck {
  const parts = signatureParts(store);
  if (typeof parts === 'string') return unchecked(parts);
  const { claim, protectedBytes, signature, algId, chain } = parts;
  const alg = typeof algId === 'number' ? ALGS[algId] : undefined;
  if (!alg) return unchecked(`its algorithm (${String(algId)}) is not one MediaGuard checks`);
  const leaf = chain[0];
  if (!leaf) return unchecked('it carries no certificate (x5chain)', alg.name);
  let key: crypto.KeyObject;
  try {
    key = new crypto.X509Certificate(leaf).publicKey;
  } catch {
    return unchecked('its certificate cannot be read', alg.name);
  }
  const data = sigStructure(protectedBytes, claim);
  let ok: boolean;
  try {
    ok = alg.ecdsa
      ? crypto.verify(alg.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature)
      : alg.pss
        ? crypto.verify(alg.hash, data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: alg.pss }, signature)
        : crypto.verify(null, data, key, signature);
  } catch (e) {
    return unchecked(`the key does not fit the algorithm (${e instanceof Error ? e.message : String(e)})`, alg.name);
  }
  return ok ? { state: 'valid', alg: alg.name, reason: null } : { state: 'invalid', alg: alg.name, reason: 'the signature does not match the claim under the certificate it carries' };
}

export interface C2paChainCheck {
  /**
   * linked: each certificate is issued and signed by the next, and the signer's is not self-signed;
   * self-signed: the signer's certificate signed itself (anyone can make one: C2PA requires a CA-issued one);
   * broken: a certificate is not signed by the one after it; unchecked: no chain, or it cannot be read.
   */
  state: 'linked' | 'self-signed' | 'broken' | 'unchecked';
  /** Certificates in the chain. */
  length: number;
  /** Who issued the last certificate: the root the chain leads to (whether anyone trusts it is not known here). */
  anchor: string | null;
  /** What is wrong with the chain or the signer's certificate (a CA certificate signing, a broken link, outside its validity now). */
  problems: string[];
  reason: string | null;
  /**
   * The chain against the administrator's trust anchors (c2pa-trust.ts): trusted when an unbroken chain
   * reaches one of them (a certificate of the chain is one, or was issued and signed by one); untrusted when
   * it reaches none; no-list when none is configured (or the chain was not read).
   */
  trust: { state: 'trusted' | 'untrusted' | 'no-list'; anchor: string | null; list: string | null; listProblems: string[] };
}

/** "CN=…\nO=…" → "common name (organisation)". */
export function distinguishedName(dn: string): string {
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(dn)?.[1]?.trim();
  const cn = get('CN');
  const o = get('O');
  return (cn && o && cn !== o ? `${cn} (${o})` : (cn ?? o ?? dn.replace(/\n/g, ', '))).slice(0, 200);
}

/**
 * The certificate chain the claim signature carries (COSE x5chain, signer first), checked link by link:
 * each certificate's issuer is the next one's subject and its signature verifies under the next one's key.
 * Whether its root is one anybody trusts is said only against `anchors` (the administrator's trust list;
 * MediaGuard holds none): without them a well-linked chain is named, not vouched for. `now`: the time
 * validity periods are checked at (no trusted timestamp is read, so the present, as C2PA validators do
 * without one).
 */
export function checkC2paChain(store: Buffer, now = new Date(), anchors: TrustAnchors | null = null): C2paChainCheck {
  const noList = { state: 'no-list' as const, anchor: null, list: anchors?.source ?? null, listProblems: anchors?.problems ?? [] };
  const none = (reason: string): C2paChainCheck => ({ state: 'unchecked', length: 0, anchor: null, problems: [], reason, trust: noList });
  const parts = signatureParts(store);
  if (typeof parts === 'string') return none(parts);
  if (!parts.chain.length) return none('the signature carries no certificate (x5chain)');
  let certs: crypto.X509Certificate[];
  try {
    certs = parts.chain.map((c) => new crypto.X509Certificate(c));
  } catch {
    return none('a certificate in the chain cannot be read');
  }
  const problems: string[] = [];
  const leaf = certs[0]!;
  if (leaf.ca) problems.push("the signer's certificate is a CA certificate, which C2PA does not allow to sign claims");
  certs.forEach((c, i) => {
    const from = new Date(c.validFrom);
    const to = new Date(c.validTo);
    if (now < from || now > to) problems.push(`certificate ${i + 1} (${distinguishedName(c.subject)}) is outside its validity period (${c.validFrom} to ${c.validTo}) now; no trusted timestamp was read to check it at signing time`);
  });
  let broken = false;
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!signs(certs[i + 1]!, certs[i]!)) {
      broken = true;
      problems.push(`certificate ${i + 1} (${distinguishedName(certs[i]!.subject)}) is not signed by certificate ${i + 2} (${distinguishedName(certs[i + 1]!.subject)}) after it`);
    }
  }
  const last = certs.at(-1)!;
  const anchor = distinguishedName(last.issuer);
  const state = broken ? 'broken' : signs(leaf, leaf) ? 'self-signed' : 'linked';
  return { state, length: certs.length, anchor, problems, reason: null, trust: broken || !anchors ? noList : trustOf(certs, anchors) };
}

/** Whether `issuer` issued `cert` (names) and signed it (its key verifies the certificate's signature). */
function signs(issuer: crypto.X509Certificate, cert: crypto.X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Whether an unbroken chain reaches one of the trust anchors: a certificate of it is one, or one of them issued and signed it. */
function trustOf(certs: readonly crypto.X509Certificate[], anchors: TrustAnchors): C2paChainCheck['trust'] {
  const base = { list: anchors.source, listProblems: anchors.problems };
  for (const c of certs) {
    for (const a of anchors.certificates) {
      if (c.fingerprint256 === a.fingerprint256 || signs(a, c)) return { ...base, state: 'trusted', anchor: distinguishedName(a.subject) };
    }
  }
  return { ...base, state: 'untrusted', anchor: null };
}

export interface C2paDataHashCheck {
  state: 'match' | 'mismatch' | 'unchecked';
  alg: string | null;
  reason: string | null;
  /** Bytes hashed (the file less its exclusions), when checked. */
  hashedBytes?: number;
}

export const HASHES: Record<string, string> = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512' };

/**
 * A hash assertion of the active manifest whose label matches `label` ("c2pa.hash.data", "c2pa.hash.bmff.v2"
 * …): its label, its CBOR map, and the algorithm that applies (its own, else the claim's, else SHA-256);
 * or why there is none. `what` names it in the reasons.
 */
export function hashAssertion(store: Buffer, label: RegExp, what: string): { label: string; value: Map<CborValue, CborValue>; algName: string } | string {
  const manifest = activeManifest(store);
  if (typeof manifest === 'string') return manifest;
  const assertions = manifest.children.find((c) => c.label === 'c2pa.assertions');
  const box = assertions?.children.find((c) => c.label !== null && label.test(c.label));
  const data = box?.content.find((x) => x.type === 'cbor')?.data;
  if (!box || !data) return `the active manifest has no ${what}`;
  let v: CborValue;
  try {
    v = decodeCbor(data).value;
  } catch (e) {
    return `its ${what} cannot be decoded (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!(v instanceof Map)) return `its ${what} is not a map`;
  // The claim's algorithm applies when the assertion names none.
  const claimAlg = decodedClaim(manifest)?.get('alg');
  const algName = typeof v.get('alg') === 'string' ? (v.get('alg') as string) : typeof claimAlg === 'string' ? claimAlg : 'sha256';
  return { label: box.label!, value: v, algName };
}
/** At most this many exclusion ranges are honoured. */
const MAX_EXCLUSIONS = 1000;

/**
 * The active manifest's data-hash assertion ('c2pa.hash.data') against the whole file `file`
 * (every byte, or no check: the caller passes the file only when it has all of it).
 */
export function checkC2paDataHash(store: Buffer, file: Buffer): C2paDataHashCheck {
  const no = (reason: string, alg: string | null = null): C2paDataHashCheck => ({ state: 'unchecked', alg, reason });
  const found = hashAssertion(store, /^c2pa\.hash\.data(__\d+)?$/, 'data-hash assertion (c2pa.hash.data)');
  if (typeof found === 'string') return no(found);
  const { value: v, algName } = found;
  const alg = HASHES[algName];
  if (!alg) return no(`its hash algorithm (${algName}) is not one MediaGuard checks`, algName);
  const expected = v.get('hash');
  if (!Buffer.isBuffer(expected)) return no('its data-hash assertion holds no hash', algName);
  const ex = v.get('exclusions') ?? [];
  if (!Array.isArray(ex) || ex.length > MAX_EXCLUSIONS) return no('its exclusion list cannot be read', algName);
  const ranges: [number, number][] = [];
  for (const e of ex) {
    const start = e instanceof Map ? e.get('start') : undefined;
    const length = e instanceof Map ? e.get('length') : undefined;
    if (typeof start !== 'number' || typeof length !== 'number' || start < 0 || length < 0 || start + length > file.length) return no('its exclusion ranges do not fit the file', algName);
    ranges.push([start, length]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const h = crypto.createHash(alg);
  let pos = 0;
  let hashed = 0;
  for (const [start, length] of ranges) {
    if (start < pos) return no('its exclusion ranges overlap', algName);
    h.update(file.subarray(pos, start));
    hashed += start - pos;
    pos = start + length;
  }
  h.update(file.subarray(pos));
  hashed += file.length - pos;
  const ok = h.digest().equals(expected);
  return { state: ok ? 'match' : 'mismatch', alg: algName, reason: ok ? null : "the file's bytes outside the manifest differ from those the assertion recorded", hashedBytes: hashed };
}

export interface C2paAssertionCheck {
  /** match: every assertion the claim references is there and hashes as the claim says; mismatch: one differs or is missing. */
  state: 'match' | 'mismatch' | 'unchecked';
  /** Labels of the referenced assertions whose hash matches. */
  matched: string[];
  /** Labels of the referenced assertions whose bytes differ from the claim's hash of them. */
  mismatched: string[];
  /** Labels of the referenced assertions the manifest does not hold. */
  missing: string[];
  /** Labels of referenced assertions not checked (an algorithm not handled, no hash, a reference outside the store). */
  skipped: string[];
  /** Labels of assertions in the manifest that the claim does not reference: validators ignore them, and so should a reader. */
  unreferenced: string[];
  /** Why nothing was checked. */
  reason: string | null;
}

/** At most this many assertion references are checked. */
const MAX_REFERENCES = 1000;

/**
 * The superbox a JUMBF URI names ("self#jumbf=c2pa.assertions/c2pa.actions.v2", relative to the manifest,
 * or "self#jumbf=/c2pa/<manifest>/c2pa.assertions/…" from the store), or null.
 */
function resolveJumbfUri(url: string, store: Jumbf, manifest: Jumbf): Jumbf | null {
  const m = /^self#jumbf=(.*)$/.exec(url);
  if (!m) return null;
  const parts = m[1]!.split('/');
  let at: Jumbf | undefined = manifest;
  if (parts[0] === '') {
    // Absolute: the store's own label, then a manifest's, then the path inside it.
    parts.shift();
    if (parts.shift() !== store.label) return null;
    at = store;
  }
  for (const label of parts) {
    at = at?.children.find((c) => c.label === label);
    if (!at) return null;
  }
  return at ?? null;
}

/**
 * The claim's hashed references to its assertions (C2PA 1.x `assertions`, 2.x `created_assertions` and
 * `gathered_assertions`: {url, alg?, hash}) checked against the assertions in the active manifest: each
 * hash is over the assertion superbox's payload (its description box, salt included, and its content),
 * with the reference's algorithm or else the claim's. The signature covers the claim, and these hashes
 * carry it to the assertions: without them a signed claim says nothing of what its actions or source
 * types say.
 */
export function checkC2paAssertions(storeBytes: Buffer): C2paAssertionCheck {
  const result: C2paAssertionCheck = { state: 'unchecked', matched: [], mismatched: [], missing: [], skipped: [], unreferenced: [], reason: null };
  const no = (reason: string) => ({ ...result, reason });
  const store = jumbfBoxes(storeBytes, 0, storeBytes.length)[0];
  const manifest = store?.children.at(-1);
  if (!store || !manifest) return no(store ? 'the store holds no manifest' : 'the manifest store could not be read as JUMBF boxes');
  const claim = decodedClaim(manifest);
  if (!claim) return no('the active manifest has no readable claim');
  const list = (k: string) => {
    const v = claim.get(k);
    return Array.isArray(v) ? v : [];
  };
  const refs = [...list('assertions'), ...list('created_assertions'), ...list('gathered_assertions')];
  if (!refs.length) return no('the claim references no assertions');
  if (refs.length > MAX_REFERENCES) return no(`the claim references more than ${MAX_REFERENCES} assertions`);
  const claimAlg = typeof claim.get('alg') === 'string' ? (claim.get('alg') as string) : 'sha256';
  const referenced = new Set<Jumbf>();
  for (const ref of refs) {
    const url = ref instanceof Map ? ref.get('url') : undefined;
    if (typeof url !== 'string') {
      result.skipped.push('(a reference without a URI)');
      continue;
    }
    const label = url.replace(/^.*\//, '').replace(/^self#jumbf=/, '').slice(0, 120);
    if (!url.startsWith('self#jumbf=')) {
      result.skipped.push(label); // an assertion kept outside the file
      continue;
    }
    const target = resolveJumbfUri(url, store, manifest);
    if (!target) {
      result.missing.push(label);
      continue;
    }
    referenced.add(target);
    const hash = (ref as Map<CborValue, CborValue>).get('hash');
    const refAlg = (ref as Map<CborValue, CborValue>).get('alg');
    const alg = HASHES[typeof refAlg === 'string' ? refAlg : claimAlg];
    if (!Buffer.isBuffer(hash) || !alg) {
      result.skipped.push(label);
      continue;
    }
    (crypto.createHash(alg).update(target.payload).digest().equals(hash) ? result.matched : result.mismatched).push(label);
  }
  const assertions = manifest.children.find((c) => c.label === 'c2pa.assertions');
  result.unreferenced = (assertions?.children ?? []).filter((c) => !referenced.has(c)).map((c) => c.label ?? '(unlabelled)');
  if (result.mismatched.length || result.missing.length) return { ...result, state: 'mismatch' };
  if (result.matched.length) return { ...result, state: 'match' };
  return no('none of its references carries a hash MediaGuard checks');
}
