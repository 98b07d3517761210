/**
 * Pictures that carry what generators and provenance tools write, built for the generator-marks tests
 * from the formats' own documents, apart from src-main/core/media/generator-marks.ts: PNG text chunks
 * (PNG 3rd ed. §11.3.3: tEXt, zTXt, iTXt), CBOR data items (RFC 8949) and the JUMBF boxes of a C2PA
 * manifest store (ISO/IEC 19566-5; C2PA 2.x §11), in a PNG 'caBX' chunk or JPEG APP11 segments.
 */
import crypto from 'node:crypto';
import zlib from 'node:zlib';

function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export const tEXt = (keyword: string, text: string) => pngChunk('tEXt', Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from(text, 'latin1')]));
export const zTXt = (keyword: string, text: string) => pngChunk('zTXt', Buffer.concat([Buffer.from(`${keyword}\0\0`, 'latin1'), zlib.deflateSync(Buffer.from(text, 'latin1'))]));
export function iTXt(keyword: string, text: string, compressed = false): Buffer {
  const body = compressed ? zlib.deflateSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
  return pngChunk('iTXt', Buffer.concat([Buffer.from(`${keyword}\0`, 'latin1'), Buffer.from([compressed ? 1 : 0, 0]), Buffer.from('en\0\0', 'latin1'), body]));
}

/** `chunks` put into a PNG after its IHDR (the first chunk, 8 + 25 bytes in). */
export function withPngChunks(png: Buffer, ...chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

// CBOR (RFC 8949): integers, byte and text strings, arrays, maps (text or integer keys), tags, null.
export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: Cbor,
  ) {}
}
type Cbor = string | number | Buffer | null | CborTag | Cbor[] | Map<number | string, Cbor> | { [k: string]: Cbor };
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) return Buffer.from([(major << 5) | 25, n >> 8, n & 255]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
export function cbor(v: Cbor): Buffer {
  if (v === null) return Buffer.from([0xf6]);
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') {
    const t = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, t.length), t]);
  }
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (v instanceof CborTag) return Buffer.concat([head(6, v.tag), cbor(v.value)]);
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cbor)]);
  const entries: [number | string, Cbor][] = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

/** A throwaway self-signed P-256 certificate made for these tests with openssl (CN=MediaGuard Test Signer, O=MediaGuard Tests; valid 2026-12-03 to 2126-11-09). */
export const TEST_SIGNER_CERT = Buffer.from(
  'MIIBzzCCAXWgAwIBAgIUdjQWDgW6aaW13DqjHeeXZkmJOgQwCgYIKoZIzj0EAwIwPDEfMB0GA1UEAwwWTWVkaWFHdWFyZCBUZXN0IFNpZ25lcjEZMBcGA1UECgwQTWVk' +
    'aWFHdWFyZCBUZXN0czAgFw0yNjEyMDMwNzQzMzhaGA8yMTI2MTEwOTA3NDMzOFowPDEfMB0GA1UEAwwWTWVkaWFHdWFyZCBUZXN0IFNpZ25lcjEZMBcGA1UECgwQTWVk' +
    'aWFHdWFyZCBUZXN0czBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABMQlGiCjt5i2NnbecMJTK1A00HPITtQmOUGAb/fBYRXmNdgBS+w5+I61aUyPr9n6d6t5RSiIB+RE' +
    'QmnIVptzIeCjUzBRMB0GA1UdDgQWBBQ33O7GrvGlAhvDO+d3YxrQapNUyDAfBgNVHSMEGDAWgBQ33O7GrvGlAhvDO+d3YxrQapNUyDAPBgNVHRMBAf8EBTADAQH/MAoG' +
    'CCqGSM49BAMCA0gAMEUCIQCyoe5MnUhlylazCbXkTVCKKx06zqZ6bwNhSWDSK/WfFQIgGgPFsChvcxjpLN66Uh+XMRey5oFBeQnoWtqEdUg0jDo=',
  'base64',
);

function box(type: string, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const h = Buffer.alloc(8);
  h.writeUInt32BE(8 + body.length);
  h.write(type, 4, 'latin1');
  return Buffer.concat([h, body]);
}

/** A JUMBF superbox: description (type UUID, label) and its content boxes. */
function superbox(typeHex: string, label: string, ...content: Buffer[]): Buffer {
  const jumd = box('jumd', Buffer.from(typeHex, 'hex'), Buffer.from([0x03]), Buffer.from(`${label}\0`, 'utf8'));
  return box('jumb', jumd, ...content);
}

const C2PA_STORE = '6332706100110010800000aa00389b71';
const C2PA_MANIFEST = '63326d6100110010800000aa00389b71';
const C2PA_ASSERTIONS = '6332617300110010800000aa00389b71';
const C2PA_CLAIM = '6332636c00110010800000aa00389b71';
const CBOR_CONTENT = '63626f7200110010800000aa00389b71';

const C2PA_SIGNATURE = '6332637300110010800000aa00389b71';

/**
 * A throwaway two-level chain made for these tests with openssl: a root (CN=MediaGuard Test Root CA, CA:TRUE,
 * self-signed) and a camera certificate it issued (CN=MediaGuard Test Camera, CA:FALSE, digitalSignature,
 * emailProtection), both P-256 and valid 2026-12-03 to 2126-11-09; TEST_CAMERA_KEY is the camera's key.
 */
export const TEST_ROOT_CERT = Buffer.from(
  'MIIB4jCCAYegAwIBAgIUfqEaFsoRDbafhqC3FSRowCWm0KYwCgYIKoZIzj0EAwIwPTEgMB4GA1UEAwwXTWVkaWFHdWFyZCBUZXN0IFJvb3QgQ0ExGTAXBgNVBAoMEE1l' +
    'ZGlhR3VhcmQgVGVzdHMwIBcNMjYxMjAzMTAyMDE3WhgPMjEyNjExMDkxMDIwMTdaMD0xIDAeBgNVBAMMF01lZGlhR3VhcmQgVGVzdCBSb290IENBMRkwFwYDVQQKDBBN' +
    'ZWRpYUd1YXJkIFRlc3RzMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEC64MGEeoRAYVABnZwrHsDHIU3hyMJOGzR9KrrCtScQ/TA2h4Zoqc862WddwBtcz5nGnaZuJ8' +
    'yPVH5ahyvmXoTqNjMGEwHQYDVR0OBBYEFJ0eR0mtEAEz2GHZuS70Fr0SEv40MB8GA1UdIwQYMBaAFJ0eR0mtEAEz2GHZuS70Fr0SEv40MA8GA1UdEwEB/wQFMAMBAf8w' +
    'DgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0kAMEYCIQCo8n+MbE0UGZ2kq+FzOqFJYoGaTTSa3NCLPLGmRmSEcQIhAP+Gp2w2L9N0cwTLIMEUhQCklGjNPoyGQnAM' +
    'IvoGibUq',
  'base64',
);
export const TEST_CAMERA_CERT = Buffer.from(
  'MIIB8jCCAZigAwIBAgIUOOBqdlGYeZs8vyEJyVILRzxliGEwCgYIKoZIzj0EAwIwPTEgMB4GA1UEAwwXTWVkaWFHdWFyZCBUZXN0IFJvb3QgQ0ExGTAXBgNVBAoMEE1l' +
    'ZGlhR3VhcmQgVGVzdHMwIBcNMjYxMjAzMTAyMDE3WhgPMjEyNjExMDkxMDIwMTdaMDwxHzAdBgNVBAMMFk1lZGlhR3VhcmQgVGVzdCBDYW1lcmExGTAXBgNVBAoMEE1l' +
    'ZGlhR3VhcmQgVGVzdHMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR9A67NmjcnWwNWp/L+8ZCpmahNJntOhWV0/jLjstZnT/3wL1ZmVqAIZ1FBfiDNHjWySzgrqSwa' +
    'tcSlWTI6RUPio3UwczAMBgNVHRMBAf8EAjAAMA4GA1UdDwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDBDAdBgNVHQ4EFgQUZ9ya1IXGYv1OQjTmFQCFxJontl8w' +
    'HwYDVR0jBBgwFoAUnR5HSa0QATPYYdm5LvQWvRIS/jQwCgYIKoZIzj0EAwIDSAAwRQIgN9nmP2BPQHS3cOry0lkY/77T0DEO4KtwXdjwJu0IoiECIQCd2XMxdlwgqzFw' +
    'foIp+HUh4ISGCnTexuYBv5NX1+a5XA==',
  'base64',
);
export const TEST_CAMERA_KEY = crypto.createPrivateKey('-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgKRNr123oUoRk1baN\nQdI6RnCZlBO61zoI8VWx9kxb+B+hRANCAAR9A67NmjcnWwNWp/L+8ZCpmahNJntO\nhWV0/jLjstZnT/3wL1ZmVqAIZ1FBfiDNHjWySzgrqSwatcSlWTI6RUPi\n-----END PRIVATE KEY-----\n');

/** The private key of TEST_SIGNER_CERT (a throwaway made for these tests). */
export const TEST_SIGNER_KEY = crypto.createPrivateKey(
  '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIGZGmoorCQmvTSF4\nZtbFiBkjCyBrZe9zdvJ9oSrGs2qhRANCAATEJRogo7eYtjZ23nDCUytQNNBzyE7U\nJjlBgG/3wWEV5jXYAUvsOfiOtWlMj6/Z+nereUUoiAfkREJpyFabcyHg\n-----END PRIVATE KEY-----\n',
);

export interface SignOptions {
  chain: Buffer[];
  /** Sign with this key (ES256, IEEE P1363 r‖s); without it the signature bytes are filler. */
  key?: crypto.KeyObject;
  /** COSE algorithm identifier written in the protected header (default -7, ES256). */
  alg?: number;
  /** Put the chain in the unprotected header instead (as C2PA 1.x writers did). */
  chainUnprotected?: boolean;
}

/**
 * The claim signature box: a COSE_Sign1 (RFC 9052, tag 18) with a detached payload, the algorithm in
 * its protected header and the certificate chain (x5chain, label 33) in one of its headers, signed over
 * Sig_structure ["Signature1", protected, h'', claim].
 */
function signatureBox(claimBytes: Buffer, o: SignOptions): Buffer {
  const x5chain: Cbor = o.chain.length === 1 ? o.chain[0]! : o.chain;
  const prot = new Map<number, Cbor>([[1, o.alg ?? -7]]);
  const unprot = new Map<number, Cbor>();
  (o.chainUnprotected ? unprot : prot).set(33, x5chain);
  const protectedHeader = cbor(prot);
  const toSign = cbor(['Signature1', protectedHeader, Buffer.alloc(0), claimBytes]);
  const signature = o.key ? crypto.sign('sha256', toSign, { key: o.key, dsaEncoding: 'ieee-p1363' }) : Buffer.alloc(64, 0x5a);
  return superbox(C2PA_SIGNATURE, 'c2pa.signature', box('cbor', cbor(new CborTag(18, [protectedHeader, unprot, null, signature]))));
}

/** A data-hash assertion (c2pa.hash.data): the hash of the file's bytes outside [start, start + length). */
export interface DataHash {
  start: number;
  length: number;
  hash: Buffer;
  alg?: string;
}

/**
 * A picture with a manifest store embedded after `at` bytes by `embed`, whose data-hash assertion excludes
 * exactly the embedded bytes: the hash is then that of the picture as it was (`alg`, default sha256).
 * `build` makes the store for a given assertion. The exclusion's length is found by trying until the
 * store's size (which the length's own encoding changes) settles.
 */
export function withHashedStore(picture: Buffer, at: number, embed: (store: Buffer) => Buffer, build: (h: DataHash) => Buffer, alg = 'sha256'): Buffer {
  const hash = crypto.createHash(alg).update(picture).digest();
  let length = 0;
  for (let i = 0; i < 8; i++) {
    const file = embed(build({ start: at, length, hash, alg }));
    const next = file.length - picture.length;
    if (next === length) return file;
    length = next;
  }
  throw new Error('the exclusion length did not settle');
}

const MANIFEST_LABEL = 'urn:c2pa:5e5ab6a6-7c5b-4f63-9d0c-3f5b2f0a8f11';

/** A change made to a store's assertions after its claim was made: what a forger who cannot sign might do. */
export type AssertionEdit =
  /** The actions assertion rewritten (its source type said to be a digital capture). */
  | 'rewrite-actions'
  /** The actions assertion removed. */
  | 'drop-actions'
  /** A second actions assertion added that the claim does not reference. */
  | 'add-unreferenced'
  /** The claim's references carry no hashes (as some early writers' did). */
  | 'no-hashes'
  /** The references are absolute URIs (from the store's root), as C2PA 2.x writers write them. */
  | 'absolute-uris';

/** The hashed URI a claim keeps for an assertion superbox: its payload (after the 8-byte 'jumb' header) hashed. */
function hashedUri(url: string, assertionBox: Buffer, hashes: boolean): Map<string, Cbor> {
  const m = new Map<string, Cbor>([['url', url]]);
  if (hashes) m.set('hash', crypto.createHash('sha256').update(assertionBox.subarray(8)).digest());
  return m;
}

/**
 * A C2PA manifest store: one manifest whose claim names `generator`, whose actions assertion lists `actions`,
 * signed when `sign` is given (`tamper` changes the claim after signing). The claim references its assertions
 * by hashed URI (SHA-256 over each assertion superbox's payload); `edit` changes them afterwards.
 */
export function c2paStore(
  generator: string,
  actions: { action: string; digitalSourceType?: string; softwareAgent?: string }[],
  sign?: SignOptions | Buffer[],
  tamper = false,
  dataHash?: DataHash,
  edit?: AssertionEdit,
  more: readonly { label: string; value: Cbor }[] = [],
): Buffer {
  const signing: SignOptions | undefined = Array.isArray(sign) ? { chain: sign } : sign;
  const actionsAssertion = (list: typeof actions) => superbox(CBOR_CONTENT, 'c2pa.actions.v2', box('cbor', cbor({ actions: list.map((a) => ({ ...a })) })));
  const actionsBox = actionsAssertion(actions);
  const hashBox = dataHash
    ? [superbox(CBOR_CONTENT, 'c2pa.hash.data', box('cbor', cbor({ exclusions: [{ start: dataHash.start, length: dataHash.length }], name: 'jumbf manifest', alg: dataHash.alg ?? 'sha256', hash: dataHash.hash, pad: Buffer.alloc(0) })))]
    : [];
  hashBox.push(...more.map((a) => superbox(CBOR_CONTENT, a.label, box('cbor', cbor(a.value)))));
  const uri = (label: string) => (edit === 'absolute-uris' ? `self#jumbf=/c2pa/${MANIFEST_LABEL}/c2pa.assertions/${label}` : `self#jumbf=c2pa.assertions/${label}`);
  const refs = [hashedUri(uri('c2pa.actions.v2'), actionsBox, edit !== 'no-hashes'), ...hashBox.map((b, i) => hashedUri(uri(i < hashBox.length - more.length ? 'c2pa.hash.data' : more[i - (hashBox.length - more.length)]!.label), b, edit !== 'no-hashes'))];
  const claimBytes = cbor({ instanceID: 'xmp:iid:0c4f', claim_generator_info: { name: generator, version: '1.2.0' }, signature: 'self#jumbf=c2pa.signature', created_assertions: refs });
  const signatureBoxes = signing ? [signatureBox(claimBytes, signing)] : [];
  // (A claim changed after signing: same length, one text byte different.)
  const stored = tamper ? Buffer.from(claimBytes.toString('latin1').replace('xmp:iid:0c4f', 'xmp:iid:0c4e'), 'latin1') : claimBytes;
  const claim = superbox(C2PA_CLAIM, 'c2pa.claim.v2', box('cbor', stored));
  const captured = actions.map((a) => ({ ...a, digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }));
  const assertionBoxes =
    edit === 'rewrite-actions' ? [actionsAssertion(captured), ...hashBox]
    : edit === 'drop-actions' ? hashBox
    : edit === 'add-unreferenced' ? [actionsBox, ...hashBox, superbox(CBOR_CONTENT, 'c2pa.actions.v2__1', box('cbor', cbor({ actions: captured })))]
    : [actionsBox, ...hashBox];
  const manifest = superbox(C2PA_MANIFEST, MANIFEST_LABEL, superbox(C2PA_ASSERTIONS, 'c2pa.assertions', ...assertionBoxes), claim, ...signatureBoxes);
  return superbox(C2PA_STORE, 'c2pa', manifest);
}

/** A v1 claim (claim_generator as one text) in a store: what earlier tools write. */
export function c2paStoreV1(generator: string): Buffer {
  const claim = superbox(C2PA_CLAIM, 'c2pa.claim', box('cbor', cbor({ claim_generator: generator, 'dc:format': 'image/jpeg', signature: 'self#jumbf=c2pa.signature' })));
  return superbox(C2PA_STORE, 'c2pa', superbox(C2PA_MANIFEST, 'urn:uuid:0f2d6a10-8f3e-4c55-a1d5-1b7c0c6f4e2a', claim));
}

/** A manifest store in JPEG APP11 segments of at most `packet` bytes of box data each, after the SOI. */
export function withJpegJumbf(jpeg: Buffer, store: Buffer, packet = 60000): Buffer {
  const header = store.subarray(0, 8);
  const segments: Buffer[] = [];
  let seq = 1;
  for (let at = 0; at < store.length; seq++) {
    const take = seq === 1 ? Math.min(packet, store.length) : Math.min(packet - 8, store.length - at);
    const data = seq === 1 ? store.subarray(0, take) : Buffer.concat([header, store.subarray(at, at + take)]);
    at += take;
    const h = Buffer.alloc(12);
    h.writeUInt16BE(0xffeb, 0);
    h.writeUInt16BE(2 + 8 + data.length, 2);
    h.write('JP', 4, 'latin1');
    h.writeUInt16BE(1, 6);
    h.writeUInt32BE(seq, 8);
    segments.push(h, data);
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

/** The UUID of the top-level box that holds a C2PA manifest store in ISO BMFF files. */
const C2PA_BOX_UUID = Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex');

/** The C2PA 'uuid' box of an MP4 (C2PA 2.x, "Embedding manifests into BMFF"): a FullBox (version 0, flags 0), purpose "manifest", a Merkle offset of 0, then the store. */
export function c2paUuidBox(store: Buffer): Buffer {
  return box('uuid', C2PA_BOX_UUID, Buffer.alloc(4), Buffer.from('manifest\0', 'latin1'), Buffer.alloc(8), store);
}

/** The top-level boxes of an MP4 (32-bit sizes): type, start, size. */
function topLevelBoxes(file: Buffer): { type: string; start: number; size: number }[] {
  const out: { type: string; start: number; size: number }[] = [];
  for (let pos = 0; pos + 8 <= file.length; ) {
    const size = file.readUInt32BE(pos);
    if (size < 8) throw new Error('a box smaller than its header');
    out.push({ type: file.toString('latin1', pos + 4, pos + 8), start: pos, size });
    pos += size;
  }
  return out;
}

/**
 * The BMFF hash C2PA defines, computed here on its own terms: the top-level boxes in file order less the
 * excluded ones (ftyp, mfra, the C2PA uuid box, and `exclude`'s types), each preceded from version 2 by its
 * start offset as an 8-byte big-endian integer.
 */
export function bmffHashOf(file: Buffer, version: number, alg = 'sha256', exclude: readonly string[] = []): Buffer {
  const h = crypto.createHash(alg);
  for (const b of topLevelBoxes(file)) {
    const c2pa = b.type === 'uuid' && file.subarray(b.start + 8, b.start + 24).equals(C2PA_BOX_UUID);
    if (c2pa || b.type === 'ftyp' || b.type === 'mfra' || exclude.includes(b.type)) continue;
    if (version > 1) {
      const o = Buffer.alloc(8);
      o.writeBigUInt64BE(BigInt(b.start));
      h.update(o);
    }
    h.update(file.subarray(b.start, b.start + b.size));
  }
  return h.digest();
}

/** An assertion of a store: its label and CBOR content. */
export interface BmffAssertion {
  label: string;
  value: Cbor;
}

/** A BMFF hash assertion: its label (c2pa.hash.bmff, or .vN) and CBOR content. */
export function bmffAssertion(hash: Buffer, o: { version?: number; alg?: string; exclude?: readonly string[]; extra?: Cbor[]; merkle?: boolean } = {}): BmffAssertion {
  const version = o.version ?? 2;
  const exclusions: Cbor[] = [{ xpath: '/uuid', data: [{ offset: 8, value: C2PA_BOX_UUID }] }, { xpath: '/ftyp' }, { xpath: '/mfra' }, ...(o.exclude ?? []).map((t) => ({ xpath: `/${t}` })), ...(o.extra ?? [])];
  const value: Record<string, Cbor> = o.merkle ? { exclusions, alg: o.alg ?? 'sha256', merkle: [], name: 'jumbf manifest' } : { exclusions, alg: o.alg ?? 'sha256', hash, name: 'jumbf manifest' };
  return { label: version > 1 ? `c2pa.hash.bmff.v${version}` : 'c2pa.hash.bmff', value };
}

/**
 * An MP4 with a C2PA 'uuid' box after its ftyp (where C2PA puts it) whose store's BMFF hash assertion
 * hashes the result. `build` makes the store around an assertion; the box is excluded from the hash, so a
 * first pass with a zero hash fixes every offset and the second carries the real hash. (Chunk offsets in
 * the movie box are not moved: the file plays no more, but its boxes are what is hashed.)
 */
export function withBmffStore(mp4: Buffer, build: (assertion: BmffAssertion) => Buffer, o: { version?: number; alg?: string; exclude?: readonly string[] } = {}): Buffer {
  const ftyp = topLevelBoxes(mp4)[0]!;
  const place = (store: Buffer) => Buffer.concat([mp4.subarray(0, ftyp.size), c2paUuidBox(store), mp4.subarray(ftyp.size)]);
  const zero = Buffer.alloc(crypto.createHash(o.alg ?? 'sha256').digest().length);
  const draft = place(build(bmffAssertion(zero, o)));
  const file = place(build(bmffAssertion(bmffHashOf(draft, o.version ?? 2, o.alg, o.exclude), o)));
  if (file.length !== draft.length) throw new Error('the store changed size with its hash');
  return file;
}
