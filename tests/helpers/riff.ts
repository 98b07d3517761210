/**
 * RIFF surgery on small AVI files for the tests: the chunk tree (RIFF and LIST containers opened, the
 * 'movi' list kept whole as bytes), changed and written back with the sizes recomputed. The legacy
 * index's offsets are relative to the 'movi' list, so chunks may be added before it.
 */
export interface RiffChunk {
  id: string;
  /** RIFF/LIST: the form or list type and the children. */
  type?: string;
  children?: RiffChunk[];
  /** Other chunks (and 'movi'): the payload. */
  payload?: Buffer;
}

export function parseRiff(b: Buffer, from = 0, to = b.length): RiffChunk[] {
  const out: RiffChunk[] = [];
  let pos = from;
  while (pos + 8 <= to) {
    const id = b.toString('latin1', pos, pos + 4);
    const size = b.readUInt32LE(pos + 4);
    if (pos + 8 + size > to) throw new Error(`chunk ${id} at ${pos} does not fit`);
    if ((id === 'RIFF' || id === 'LIST') && b.toString('latin1', pos + 8, pos + 12) !== 'movi') {
      out.push({ id, type: b.toString('latin1', pos + 8, pos + 12), children: parseRiff(b, pos + 12, pos + 8 + size) });
    } else {
      out.push({ id, payload: b.subarray(pos + 8, pos + 8 + size) });
    }
    pos += 8 + size + (size & 1);
  }
  return out;
}

/** One chunk, its size computed (padded to an even length). */
export function chunk(id: string, body: Buffer | RiffChunk[], type?: string): Buffer {
  const payload = Buffer.isBuffer(body) ? body : Buffer.concat(body.map(writeRiff));
  const inner = type ? Buffer.concat([Buffer.from(type, 'latin1'), payload]) : payload;
  const head = Buffer.alloc(8);
  head.write(id, 0, 'latin1');
  head.writeUInt32LE(inner.length, 4);
  return Buffer.concat([head, inner, inner.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

export function writeRiff(c: RiffChunk): Buffer {
  return c.children ? chunk(c.id, c.children, c.type) : chunk(c.id, c.payload!);
}

/** The first chunk with this id (or list type) among `cs`, searched depth first. */
export function findChunk(cs: RiffChunk[], idOrType: string): RiffChunk | undefined {
  for (const c of cs) {
    if (c.id === idOrType || c.type === idOrType) return c;
    const inner = c.children ? findChunk(c.children, idOrType) : undefined;
    if (inner) return inner;
  }
  return undefined;
}
