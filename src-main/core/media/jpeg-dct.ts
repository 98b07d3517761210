/**
 * The luma plane of a JPEG file as the file stores it: quantised DCT coefficients of every 8×8
 * block and the quantisation table they were divided by. Decoded pixels cannot give these back
 * exactly (the decoder rounds and clips), and libvips does not expose them, so this is a small
 * entropy decoder of its own: Huffman-coded JPEG (SOF0 baseline, SOF1 extended, SOF2
 * progressive; 8-bit), interleaved or not, any sampling factors, restart intervals. Lossless,
 * hierarchical and arithmetic-coded files are refused with a reason, as are damaged streams.
 *
 * Only the luma component is kept (the other components' codes are decoded and dropped), and a
 * caller may stop after `maxBlocks` luma blocks: compression-history statistics need a few
 * hundred thousand coefficients, not a whole 50-megapixel photo.
 */

/** Zigzag position → natural (row-major) index. */
export const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58,
  59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

export interface LumaCoefficients {
  /** Picture size from the frame header. */
  width: number;
  height: number;
  /** Luma blocks per row and rows of blocks that cover the picture (ceil(size / 8) at full luma resolution). */
  blocksWide: number;
  blocksHigh: number;
  /** Rows of blocks decoded (all of them unless `maxBlocks` stopped the decoder early). */
  rowsDecoded: number;
  /** Rows of luma blocks per MCU row: a decode stopped by `maxBlocks` keeps whole MCU rows (lumaRowsFor). */
  rowsPerMcu: number;
  /** 64 coefficients per block in natural order, blocks row by row (blocksWide × rowsDecoded). */
  coef: Int16Array;
  /** The luma quantisation table, natural order. */
  table: number[];
}

export type LumaDecode = { ok: true; luma: LumaCoefficients } | { ok: false; reason: string };

interface Huffman {
  /** For each code length 1..16: the largest code of that length (−1 if none), and where its values start. */
  maxCode: Int32Array;
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
}

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxCode = new Int32Array(17).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    if (n) {
      valPtr[len] = k;
      minCode[len] = code;
      code += n;
      k += n;
      maxCode[len] = code - 1;
    }
    code <<= 1;
  }
  return { maxCode, valPtr, minCode, values };
}

class Unsupported extends Error {}
class Damaged extends Error {}

class BitReader {
  private acc = 0;
  private bits = 0;
  /** Set when a marker (other than stuffing) has been reached: from there on zeros are read. */
  marker = -1;
  constructor(
    private readonly buf: Uint8Array,
    public pos: number,
  ) {}

  /** Zero bytes fed in past the end of the data (a marker or the end of the buffer). */
  private padBytes = 0;

  private fill(): void {
    while (this.bits <= 24) {
      let b = 0;
      if (this.marker < 0) {
        if (this.pos >= this.buf.length) this.marker = 0xd9;
        else {
          b = this.buf[this.pos]!;
          if (b !== 0xff) this.pos++;
          else if (this.buf[this.pos + 1] === 0x00) this.pos += 2;
          else {
            // A marker: the scan's data (or this restart interval's) ends here.
            this.marker = this.buf[this.pos + 1] ?? 0xd9;
            b = 0;
          }
        }
      }
      if (this.marker >= 0) this.padBytes++;
      this.acc = ((this.acc << 8) | b) >>> 0;
      this.bits += 8;
    }
  }

  /** True when codes were read from the zero padding, i.e. the data ended before the blocks did. */
  overRead(): boolean {
    return this.padBytes * 8 > this.bits;
  }

  bit(): number {
    if (this.bits === 0) this.fill();
    this.bits--;
    return (this.acc >>> this.bits) & 1;
  }

  receive(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    this.bits -= n;
    return (this.acc >>> this.bits) & ((1 << n) - 1);
  }

  decode(h: Huffman): number {
    let code = this.bit();
    let len = 1;
    while (code > h.maxCode[len]!) {
      code = (code << 1) | this.bit();
      if (++len > 16) throw new Damaged('a Huffman code that no table defines');
    }
    return h.values[h.valPtr[len]! + code - h.minCode[len]!]!;
  }

  /** Skip to the restart marker expected next (`RSTn`) and reset the bit buffer. */
  restart(): void {
    if (this.overRead()) throw new Damaged('a restart interval ends before its last block');
    this.acc = 0;
    this.bits = 0;
    this.padBytes = 0;
    if (this.marker < 0) {
      // Padding bits may remain before the marker; find it.
      while (this.pos + 1 < this.buf.length && !(this.buf[this.pos] === 0xff && this.buf[this.pos + 1] !== 0x00 && this.buf[this.pos + 1] !== 0xff)) this.pos++;
      this.marker = this.buf[this.pos + 1] ?? 0xd9;
    }
    if (this.marker >= 0xd0 && this.marker <= 0xd7) {
      this.pos += 2;
      this.marker = -1;
    } else throw new Damaged(`a restart marker was expected, found ${this.marker === 0xd9 ? 'the end of the data' : `marker 0x${this.marker.toString(16)}`}`);
  }
}

const extend = (v: number, n: number) => (n && v < 1 << (n - 1) ? v - (1 << n) + 1 : v);

interface Component {
  id: number;
  h: number;
  v: number;
  tq: number;
}

interface Frame {
  width: number;
  height: number;
  comps: Component[];
}

/** The position of the first marker at or after `pos` that is not byte stuffing or a restart marker: where a scan's entropy-coded data ends. */
function nextMarker(buf: Uint8Array, pos: number): number {
  while (pos + 1 < buf.length && !(buf[pos] === 0xff && buf[pos + 1] !== 0x00 && !(buf[pos + 1]! >= 0xd0 && buf[pos + 1]! <= 0xd7))) pos++;
  return pos;
}

/** The luma plane's block grid, and the rows of it to keep (whole MCU rows, up to maxBlocks). */
function lumaGrid(frame: Frame, maxBlocks: number, interleavedRows: boolean) {
  const hmax = Math.max(...frame.comps.map((c) => c.h));
  const vmax = Math.max(...frame.comps.map((c) => c.v));
  const luma = frame.comps[0]!;
  // The luma plane's own size (a luma component sampled below the maximum is unusual but legal).
  const blocksWide = Math.ceil(Math.ceil((frame.width * luma.h) / hmax) / 8);
  const blocksHigh = Math.ceil(Math.ceil((frame.height * luma.v) / vmax) / 8);
  const mcusY = interleavedRows ? Math.ceil(frame.height / (8 * vmax)) : blocksHigh;
  const rowsPerMcu = interleavedRows ? luma.v : 1;
  const mcuRowsWanted = Math.min(mcusY, Math.max(1, Math.ceil(maxBlocks / blocksWide / rowsPerMcu)));
  return { hmax, vmax, blocksWide, blocksHigh, rowsPerMcu, mcuRowsWanted, rowsDecoded: lumaRowsFor({ blocksWide, blocksHigh, rowsPerMcu }, maxBlocks) };
}

/** Rows of blocks a decode stopped after `maxBlocks` luma blocks keeps: whole MCU rows, at least one. */
export function lumaRowsFor(g: Pick<LumaCoefficients, 'blocksWide' | 'blocksHigh' | 'rowsPerMcu'>, maxBlocks: number): number {
  return Math.min(g.blocksHigh, Math.max(1, Math.ceil(maxBlocks / g.blocksWide / g.rowsPerMcu)) * g.rowsPerMcu);
}

/**
 * A progressive JPEG's luma coefficients, built up scan by scan (ITU-T T.81 G.1.2): DC first and
 * refinement scans (interleaved with the chroma ones or not), AC spectral-selection scans with
 * end-of-band runs, and AC successive-approximation refinements. Scans without the luma component
 * are skipped; each luma scan stops after the rows kept. The result is complete only when every
 * one of the 64 coefficients has received its last bit (its last scan had Al = 0).
 */
class Progressive {
  readonly coef: Int16Array;
  /** Per zigzag position: the successive-approximation bit reached (−1: not coded yet). */
  private readonly al = new Int8Array(64).fill(-1);
  private readonly grid: ReturnType<typeof lumaGrid>;
  constructor(
    private readonly frame: Frame,
    maxBlocks: number,
  ) {
    // Rows are counted in MCU rows of the interleaved (DC) scans, so that both kinds of scan keep the same rows.
    this.grid = lumaGrid(frame, maxBlocks, frame.comps.length > 1);
    this.coef = new Int16Array(this.grid.blocksWide * this.grid.rowsDecoded * 64);
  }

  complete(): boolean {
    return this.al.every((a) => a === 0);
  }

  result(tables: Map<number, number[]>): LumaCoefficients {
    const missing = this.al.reduce((n, a) => n + (a !== 0 ? 1 : 0), 0);
    if (missing) throw new Damaged(`the progressive scans end before ${missing} of the 64 luma coefficients are complete (a cut file)`);
    const table = tables.get(this.frame.comps[0]!.tq);
    if (!table) throw new Damaged('the luma quantisation table is not defined');
    const g = this.grid;
    return { width: this.frame.width, height: this.frame.height, blocksWide: g.blocksWide, blocksHigh: g.blocksHigh, rowsDecoded: g.rowsDecoded, rowsPerMcu: g.rowsPerMcu, coef: this.coef, table };
  }

  /** Decode one scan that holds the luma component; returns where its reading stopped. */
  scan(buf: Uint8Array, start: number, comps: number[], p: { ss: number; se: number; ah: number; al: number }, dcTables: (Huffman | undefined)[], acTable: Huffman | undefined, restartInterval: number): number {
    const { ss, se, ah, al } = p;
    const dcScan = ss === 0;
    if (dcScan ? se !== 0 : se < ss || se > 63 || comps.length !== 1) throw new Damaged('a progressive scan with a bad spectral band');
    if (al > 13 || (ah && ah !== al + 1)) throw new Damaged('a progressive scan with a bad successive-approximation step');
    for (let k = ss; k <= se; k++) {
      const was = this.al[k]!;
      if (ah === 0 ? was !== -1 : was !== ah) throw new Damaged('progressive scans out of order');
      this.al[k] = al;
    }
    if (dcScan ? ah === 0 && dcTables.some((t) => !t) : !acTable) throw new Damaged('a scan names a Huffman table that is not defined');
    const g = this.grid;
    const br = new BitReader(buf, start);
    const coef = this.coef;
    const scratch = new Int16Array(64);
    const pred = new Int32Array(comps.length);
    let eobrun = 0;
    const p1 = 1 << al;
    const m1 = -1 << al;
    const dcBlock = (k: number, out: Int16Array, off: number) => {
      if (ah === 0) {
        const t = br.decode(dcTables[k]!);
        if (t > 11) throw new Damaged('a DC difference category over 11');
        pred[k] = pred[k]! + extend(br.receive(t), t);
        out[off] = pred[k]! * p1;
      } else if (br.bit()) out[off] = out[off]! | p1;
    };
    const acFirst = (out: Int16Array, off: number) => {
      if (eobrun > 0) {
        eobrun--;
        return;
      }
      for (let k = ss; k <= se; ) {
        const rs = br.decode(acTable!);
        const r = rs >> 4;
        const sz = rs & 15;
        if (!sz) {
          if (r < 15) {
            eobrun = (1 << r) - 1 + (r ? br.receive(r) : 0);
            return;
          }
          k += 16;
          continue;
        }
        k += r;
        if (k > se) throw new Damaged('an AC run past the end of its band');
        out[off + ZIGZAG[k]!] = extend(br.receive(sz), sz) * p1;
        k++;
      }
    };
    const refine = (out: Int16Array, i: number) => {
      const c = out[i]!;
      if (br.bit() && (c & p1) === 0) out[i] = c >= 0 ? c + p1 : c + m1;
    };
    const acRefine = (out: Int16Array, off: number) => {
      let k = ss;
      if (eobrun === 0) {
        for (; k <= se; k++) {
          const rs = br.decode(acTable!);
          let r = rs >> 4;
          const sz = rs & 15;
          let value = 0;
          if (sz) {
            if (sz !== 1) throw new Damaged('a refinement coefficient larger than one bit');
            value = br.bit() ? p1 : m1;
          } else if (r !== 15) {
            eobrun = (1 << r) + (r ? br.receive(r) : 0);
            break;
          }
          // Walk over r zero coefficients (refining the non-zero ones met on the way) to the new one's place.
          while (k <= se) {
            const i = off + ZIGZAG[k]!;
            if (out[i] !== 0) refine(out, i);
            else if (--r < 0) break;
            k++;
          }
          if (value) {
            if (k > se) throw new Damaged('a refinement run past the end of its band');
            out[off + ZIGZAG[k]!] = value;
          }
        }
      }
      if (eobrun > 0) {
        for (; k <= se; k++) {
          const i = off + ZIGZAG[k]!;
          if (out[i] !== 0) refine(out, i);
        }
        eobrun--;
      }
    };
    let mcu = 0;
    const restart = () => {
      if (restartInterval && mcu > 0 && mcu % restartInterval === 0) {
        br.restart();
        pred.fill(0);
        eobrun = 0;
      }
      mcu++;
    };
    if (comps.length > 1) {
      // Interleaved: DC scans only, MCU by MCU.
      const mcusX = Math.ceil(this.frame.width / (8 * g.hmax));
      for (let my = 0; my < g.mcuRowsWanted; my++) {
        for (let mx = 0; mx < mcusX; mx++) {
          restart();
          comps.forEach((index, k) => {
            const c = this.frame.comps[index]!;
            for (let by = 0; by < c.v; by++) {
              for (let bx = 0; bx < c.h; bx++) {
                const col = mx * c.h + bx;
                const row = my * c.v + by;
                if (index === 0 && col < g.blocksWide && row < g.rowsDecoded) dcBlock(k, coef, (row * g.blocksWide + col) * 64);
                else {
                  // Another component's block, or a padding block: decoded, not kept.
                  scratch[0] = 0;
                  dcBlock(k, scratch, 0);
                }
              }
            }
          });
        }
        if (br.overRead()) throw new Damaged(`the data ends before row ${Math.min(g.blocksHigh, (my + 1) * g.rowsPerMcu)} of ${g.blocksHigh} rows of blocks (a cut or damaged file)`);
      }
      return br.pos;
    }
    // Non-interleaved: the luma plane's blocks in raster order (no MCU padding).
    for (let row = 0; row < g.rowsDecoded; row++) {
      for (let col = 0; col < g.blocksWide; col++) {
        restart();
        const off = (row * g.blocksWide + col) * 64;
        if (dcScan) dcBlock(0, coef, off);
        else if (ah === 0) acFirst(coef, off);
        else acRefine(coef, off);
      }
      if (br.overRead()) throw new Damaged(`the data ends before row ${row + 1} of ${g.blocksHigh} rows of blocks (a cut or damaged file)`);
    }
    return br.pos;
  }
}

/** Decode the luma coefficients of a JPEG file held in memory. */
export function decodeLumaCoefficients(buf: Uint8Array, opts: { maxBlocks?: number; maxPixels?: number } = {}): LumaDecode {
  try {
    return { ok: true, luma: decode(buf, opts.maxBlocks ?? Infinity, opts.maxPixels ?? 200e6) };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.message };
    if (e instanceof Damaged) return { ok: false, reason: `damaged JPEG data: ${e.message}` };
    if (e instanceof RangeError) return { ok: false, reason: 'damaged JPEG data: a segment runs past the end of the file' };
    throw e;
  }
}

function decode(buf: Uint8Array, maxBlocks: number, maxPixels: number): LumaCoefficients {
  if (buf[0] !== 0xff || buf[1] !== 0xd8) throw new Unsupported('not a JPEG file');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tables = new Map<number, number[]>();
  const dc = new Map<number, Huffman>();
  const ac = new Map<number, Huffman>();
  let restartInterval = 0;
  let frame: Frame | null = null;
  let progressive: Progressive | null = null;
  let pos = 2;
  const u16 = (p: number) => {
    if (p + 2 > buf.length) throw new RangeError('past the end');
    return view.getUint16(p);
  };
  while (pos + 4 <= buf.length) {
    if (buf[pos] !== 0xff) throw new Damaged(`no marker at byte ${pos}`);
    const marker = buf[pos + 1]!;
    if (marker === 0xff) {
      pos++;
      continue;
    }
    if (marker === 0xd9) break;
    if (progressive?.complete()) break; // every luma coefficient has all its bits: later scans are chroma's
    if (marker >= 0xd0 && marker <= 0xd7) {
      pos += 2;
      continue;
    }
    const len = u16(pos + 2);
    const seg = pos + 4;
    const end = pos + 2 + len;
    if (len < 2 || end > buf.length) throw new Damaged(`segment 0x${marker.toString(16)} runs past the end of the file`);
    if (marker === 0xdb) {
      let o = seg;
      while (o < end) {
        const pq = buf[o]! >> 4;
        const tq = buf[o]! & 15;
        o++;
        const t = new Array<number>(64).fill(0);
        for (let k = 0; k < 64; k++) {
          if (o + (pq ? 2 : 1) > end) throw new Damaged('a quantisation table is cut short');
          t[ZIGZAG[k]!] = pq ? u16(o) : buf[o]!;
          o += pq ? 2 : 1;
        }
        tables.set(tq, t);
      }
    } else if (marker === 0xc4) {
      let o = seg;
      while (o < end) {
        const tc = buf[o]! >> 4;
        const th = buf[o]! & 15;
        const counts = buf.subarray(o + 1, o + 17);
        let n = 0;
        for (const c of counts) n += c;
        if (o + 17 + n > end || counts.length < 16) throw new Damaged('a Huffman table is cut short');
        const table = buildHuffman(counts, buf.slice(o + 17, o + 17 + n));
        (tc === 0 ? dc : ac).set(th, table);
        o += 17 + n;
      }
    } else if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (buf[seg] !== 8) throw new Unsupported(`${buf[seg]}-bit samples (only 8-bit JPEG is analysed)`);
      const height = u16(seg + 1);
      const width = u16(seg + 3);
      const nc = buf[seg + 5]!;
      if (!width || !height) throw new Unsupported('the frame header gives no picture size (DNL), which is not analysed');
      if (width * height > maxPixels) throw new Unsupported(`${width}×${height} is over the ${Math.round(maxPixels / 1e6)} MP limit`);
      if (nc < 1 || nc > 4 || seg + 6 + nc * 3 > end) throw new Damaged('a frame header with a bad component list');
      const comps: Component[] = [];
      for (let i = 0; i < nc; i++) {
        const b = seg + 6 + i * 3;
        const h = buf[b + 1]! >> 4;
        const v = buf[b + 1]! & 15;
        if (h < 1 || h > 4 || v < 1 || v > 4) throw new Damaged('a sampling factor outside 1–4');
        comps.push({ id: buf[b]!, h, v, tq: buf[b + 2]! });
      }
      frame = { width, height, comps };
      if (marker === 0xc2) progressive = new Progressive(frame, maxBlocks);
    } else if (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const kind = marker === 0xc6 || marker === 0xca || marker === 0xce ? 'differential or arithmetic-coded progressive' : marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf ? 'lossless' : 'arithmetic-coded';
      throw new Unsupported(`${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} JPEG (only Huffman-coded sequential and progressive JPEG is analysed)`);
    } else if (marker === 0xdd) {
      restartInterval = u16(seg);
    } else if (marker === 0xda) {
      if (!frame) throw new Damaged('a scan before the frame header');
      const ns = buf[seg]!;
      if (ns < 1 || ns > 4 || seg + 1 + ns * 2 + 3 > end) throw new Damaged('a scan header with a bad component list');
      if (progressive) {
        const ss = buf[seg + 1 + ns * 2]!;
        const se = buf[seg + 2 + ns * 2]!;
        const ah = buf[seg + 3 + ns * 2]! >> 4;
        const al = buf[seg + 3 + ns * 2]! & 15;
        const comps: number[] = [];
        const dcTables: (Huffman | undefined)[] = [];
        let acTable: Huffman | undefined;
        for (let i = 0; i < ns; i++) {
          const index = frame.comps.findIndex((c) => c.id === buf[seg + 1 + i * 2]);
          if (index < 0) throw new Damaged('a scan names a component that is not defined');
          comps.push(index);
          const t = buf[seg + 2 + i * 2]!;
          dcTables.push(dc.get(t >> 4));
          if (index === 0) acTable = ac.get(t & 15);
        }
        // Then on to the next marker (past the rest of this scan's data).
        pos = nextMarker(buf, comps.includes(0) ? progressive.scan(buf, end, comps, { ss, se, ah, al }, dcTables, acTable, restartInterval) : end);
        continue;
      }
      const inScan: { c: Component; index: number; dc: Huffman; ac: Huffman }[] = [];
      for (let i = 0; i < ns; i++) {
        const cid = buf[seg + 1 + i * 2]!;
        const t = buf[seg + 2 + i * 2]!;
        const index = frame.comps.findIndex((c) => c.id === cid);
        const d = dc.get(t >> 4);
        const a = ac.get(t & 15);
        if (index < 0 || !d || !a) throw new Damaged('a scan names a component or Huffman table that is not defined');
        inScan.push({ c: frame.comps[index]!, index, dc: d, ac: a });
      }
      if (inScan.some((s) => s.index === 0)) return decodeScan(buf, end, frame, inScan, restartInterval, tables, maxBlocks);
      // Skip this scan's entropy-coded data (a non-interleaved chroma scan before the luma one).
      pos = nextMarker(buf, end);
      continue;
    }
    pos = end;
  }
  if (progressive) return progressive.result(tables);
  throw new Damaged(frame ? 'no scan holds the luma component' : 'no frame header');
}

function decodeScan(
  buf: Uint8Array,
  start: number,
  frame: Frame,
  inScan: { c: Component; index: number; dc: Huffman; ac: Huffman }[],
  restartInterval: number,
  tables: Map<number, number[]>,
  maxBlocks: number,
): LumaCoefficients {
  const table = tables.get(frame.comps[0]!.tq);
  if (!table) throw new Damaged('the luma quantisation table is not defined');
  const interleaved = inScan.length > 1;
  const { hmax, blocksWide, blocksHigh, rowsPerMcu, mcuRowsWanted, rowsDecoded } = lumaGrid(frame, maxBlocks, interleaved);
  const mcusX = interleaved ? Math.ceil(frame.width / (8 * hmax)) : blocksWide;
  const coef = new Int16Array(blocksWide * rowsDecoded * 64);
  const scratch = new Int16Array(64);
  const pred = new Int32Array(inScan.length);
  const br = new BitReader(buf, start);
  let mcu = 0;
  const block = (s: (typeof inScan)[number], k: number, out: Int16Array, off: number) => {
    const t = br.decode(s.dc);
    if (t > 11) throw new Damaged('a DC difference category over 11');
    pred[k] = pred[k]! + extend(br.receive(t), t);
    out[off] = pred[k]!;
    for (let i = 1; i < 64; ) {
      const rs = br.decode(s.ac);
      const r = rs >> 4;
      const sz = rs & 15;
      if (!sz) {
        if (r !== 15) break;
        i += 16;
        continue;
      }
      i += r;
      if (i > 63) throw new Damaged('an AC run past the end of a block');
      out[off + ZIGZAG[i]!] = extend(br.receive(sz), sz);
      i++;
    }
  };
  for (let my = 0; my < mcuRowsWanted; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      if (restartInterval && mcu > 0 && mcu % restartInterval === 0) {
        br.restart();
        pred.fill(0);
      }
      inScan.forEach((s, k) => {
        const bh = interleaved ? s.c.h : 1;
        const bv = interleaved ? s.c.v : 1;
        for (let by = 0; by < bv; by++) {
          for (let bx = 0; bx < bh; bx++) {
            if (s.index !== 0) {
              scratch.fill(0);
              block(s, k, scratch, 0);
              continue;
            }
            const col = mx * bh + bx;
            const row = my * bv + by;
            if (col < blocksWide && row < rowsDecoded) block(s, k, coef, (row * blocksWide + col) * 64);
            else {
              // Padding blocks of a partial MCU: decoded, not kept.
              scratch.fill(0);
              block(s, k, scratch, 0);
            }
          }
        }
      });
      mcu++;
    }
    if (br.overRead()) throw new Damaged(`the data ends before row ${Math.min(blocksHigh, (my + 1) * rowsPerMcu)} of ${blocksHigh} rows of blocks (a cut or damaged file)`);
  }
  return { width: frame.width, height: frame.height, blocksWide, blocksHigh, rowsDecoded, rowsPerMcu, coef, table };
}
