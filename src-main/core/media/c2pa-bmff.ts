/**
 * The BMFF hash of a C2PA manifest in an MP4/MOV file ('c2pa.hash.bmff', '.v2', '.v3'), checked against
 * the file: the video's counterpart of the data hash (c2pa-verify.ts), read from disk in one pass.
 *
 * The hash runs over the file in order, less the boxes its exclusions name (by default the C2PA 'uuid' box
 * itself, 'ftyp' and 'mfra'), and — from version 2, as the label's ".vN" says — with the start offset of
 * every top-level box that is not wholly excluded fed in as an 8-byte big-endian integer just before that
 * box's bytes, so that moving a box changes the hash as surely as changing it. This follows the C2PA
 * specification as c2pa-rs implements it (bmff_hash.rs, hash_utils.rs): an exclusion matches the boxes at
 * its `xpath` whose size equals its `length`, whose bytes at each `data` offset (from the box's first
 * header byte) equal its `value`, and whose FullBox `version`/`flags` match where the box has them; with
 * `subset` only those ranges of the box are left out (and the box keeps its offset).
 *
 * Not checked: Merkle-tree hashes of fragmented files (an assertion with `merkle` and no `hash`), and
 * exclusions of boxes inside other boxes (an `xpath` below the top level), which c2pa-rs does not write by
 * default. Each is said as "not checked", with why.
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import { HASHES, hashAssertion, type C2paDataHashCheck, type CborValue } from './c2pa-verify';
import { readAt } from './structure-io';

/** A top-level box of the file: its type, where it starts and its size (header included). */
export interface BmffTopBox {
  type: string;
  start: number;
  size: number;
}

/** The UUID of the top-level box that holds a C2PA manifest store. */
const C2PA_BOX_UUID = Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex');
/** At most this many exclusions (and subset ranges) are honoured. */
const MAX_EXCLUSIONS = 1000;
/** Read in pieces of this many bytes. */
const CHUNK = 4 * 1024 * 1024;

type Item = { at: number; end: number; marker: boolean };

/** The FullBox version and flags of a top-level box that has them ('meta', the C2PA 'uuid' box), else null. */
async function fullBoxHeader(fh: fs.promises.FileHandle, box: BmffTopBox): Promise<{ version: number; flags: number } | null> {
  if (box.type === 'meta') {
    const h = await readAt(fh, box.start + 8, 4);
    return h.length === 4 ? { version: h[0]!, flags: h.readUIntBE(1, 3) } : null;
  }
  if (box.type === 'uuid') {
    const h = await readAt(fh, box.start + 8, 20);
    return h.length === 20 && h.subarray(0, 16).equals(C2PA_BOX_UUID) ? { version: h[16]!, flags: h.readUIntBE(17, 3) } : null;
  }
  return null;
}

/**
 * The manifest store's BMFF hash assertion against the file at `file.path` (`file.boxes`: its top-level
 * boxes in order, null when they were not all read).
 */
export async function checkC2paBmffHash(store: Buffer, file: { path: string; size: number; boxes: readonly BmffTopBox[] | null }): Promise<C2paDataHashCheck> {
  const no = (reason: string, alg: string | null = null): C2paDataHashCheck => ({ state: 'unchecked', alg, reason });
  const found = hashAssertion(store, /^c2pa\.hash\.bmff(\.v\d+)?(__\d+)?$/, 'BMFF hash assertion (c2pa.hash.bmff)');
  if (typeof found === 'string') return no(found);
  const { value: v, algName, label } = found;
  const version = Number(/\.v(\d+)/.exec(label)?.[1] ?? 1);
  const alg = HASHES[algName];
  if (!alg) return no(`its hash algorithm (${algName}) is not one MediaGuard checks`, algName);
  const expected = v.get('hash');
  if (!Buffer.isBuffer(expected)) return no(v.has('merkle') ? 'it hashes a fragmented file by Merkle tree, which MediaGuard does not check' : 'its BMFF hash assertion holds no hash', algName);
  if (!file.boxes) return no("the file's top-level boxes were not all read", algName);
  const ex = v.get('exclusions') ?? [];
  if (!Array.isArray(ex) || ex.length > MAX_EXCLUSIONS) return no('its exclusion list cannot be read', algName);
  const fh = await fs.promises.open(file.path, 'r');
  try {
    const excluded: [number, number][] = [];
    const whole = new Set<BmffTopBox>();
    for (const e of ex) {
      const xpath = e instanceof Map ? e.get('xpath') : undefined;
      if (typeof xpath !== 'string' || !xpath.startsWith('/')) return no('an exclusion names no box path', algName);
      if (xpath.indexOf('/', 1) >= 0) return no(`it excludes boxes inside other boxes (${xpath.slice(0, 60)}), which MediaGuard does not check`, algName);
      const m = e as Map<CborValue, CborValue>;
      for (const box of file.boxes.filter((b) => b.type === xpath.slice(1))) {
        if (!(await matches(fh, box, m))) continue;
        const subset = m.get('subset');
        if (Array.isArray(subset)) {
          if (subset.length > MAX_EXCLUSIONS) return no('its exclusion list cannot be read', algName);
          for (const r of subset) {
            const offset = r instanceof Map ? r.get('offset') : undefined;
            const length = r instanceof Map ? r.get('length') : undefined;
            if (typeof offset !== 'number' || typeof length !== 'number' || offset < 0 || length < 0) return no('a subset of an exclusion cannot be read', algName);
            if (offset > box.size) continue;
            const n = length === 0 ? box.size - offset : Math.min(length, box.size - offset);
            excluded.push([box.start + offset, box.start + offset + n]);
          }
        } else {
          excluded.push([box.start, box.start + box.size]);
          whole.add(box);
        }
      }
    }
    excluded.sort((a, b) => a[0] - b[0]);
    if (excluded.some(([, end]) => end > file.size)) return no('its exclusions run past the end of the file', algName);
    // The bytes kept: the file less the exclusions.
    const kept: [number, number][] = [];
    let pos = 0;
    for (const [start, end] of excluded) {
      if (start > pos) kept.push([pos, start]);
      pos = Math.max(pos, end);
    }
    if (pos < file.size) kept.push([pos, file.size]);
    // From version 2, each top-level box not wholly excluded puts its offset in before its bytes: inside a
    // kept range it splits the range there; outside one it counts only between the first and last kept bytes.
    const markers = version > 1 ? file.boxes.filter((b) => !whole.has(b)).map((b) => b.start) : [];
    const items: Item[] = [];
    for (const [a, b] of kept) {
      const cuts = markers.filter((o) => o > a && o < b);
      let from = a;
      for (const o of cuts) {
        items.push({ at: from, end: o, marker: false });
        from = o;
      }
      items.push({ at: from, end: b, marker: false });
    }
    const first = kept[0]?.[0] ?? 0;
    const last = kept.at(-1)?.[1] ?? 0;
    for (const o of markers) {
      const inside = kept.some(([a, b]) => o >= a && o < b);
      if (inside || (o > first && o < last)) items.push({ at: o, end: o, marker: true });
    }
    items.sort((x, y) => x.at - y.at || Number(y.marker) - Number(x.marker));
    const h = crypto.createHash(alg);
    let hashed = 0;
    for (const it of items) {
      if (it.marker) {
        const o = Buffer.alloc(8);
        o.writeBigUInt64BE(BigInt(it.at));
        h.update(o);
        continue;
      }
      for (let at = it.at; at < it.end; ) {
        const piece = await readAt(fh, at, Math.min(CHUNK, it.end - at));
        if (!piece.length) return no('the file ended before the bytes its boxes declare', algName);
        h.update(piece);
        at += piece.length;
        hashed += piece.length;
      }
    }
    const ok = h.digest().equals(expected);
    return {
      state: ok ? 'match' : 'mismatch',
      alg: algName,
      reason: ok ? null : version > 1 ? "the file's boxes outside the manifest differ from those the assertion recorded (in their bytes or where they lie)" : "the file's bytes outside the manifest differ from those the assertion recorded",
      hashedBytes: hashed,
    };
  } finally {
    await fh.close();
  }
}

/** Whether a top-level box meets an exclusion's conditions (length, data, version, flags). */
async function matches(fh: fs.promises.FileHandle, box: BmffTopBox, e: Map<CborValue, CborValue>): Promise<boolean> {
  const length = e.get('length');
  if (typeof length === 'number' && length !== box.size) return false;
  const data = e.get('data');
  if (Array.isArray(data)) {
    for (const d of data.slice(0, MAX_EXCLUSIONS)) {
      const offset = d instanceof Map ? d.get('offset') : undefined;
      const value = d instanceof Map ? d.get('value') : undefined;
      if (typeof offset !== 'number' || !Buffer.isBuffer(value) || offset < 0 || offset + value.length > box.size) return false;
      if (!(await readAt(fh, box.start + offset, value.length)).equals(value)) return false;
    }
  }
  const version = e.get('version');
  const flags = e.get('flags');
  if (typeof version === 'number' || Buffer.isBuffer(flags)) {
    const full = await fullBoxHeader(fh, box);
    // (A box without a version and flags is not held to them.)
    if (full && typeof version === 'number' && full.version !== version) return false;
    if (full && Buffer.isBuffer(flags) && flags.length >= 3) {
      const want = flags.readUIntBE(0, 3);
      const exact = e.get('exact') !== false;
      if (exact ? full.flags !== want : (want | full.flags) !== want) return false;
    }
  }
  return true;
}
