/** Streaming SHA-256+SHA-1+MD5 in one read, next to `sha256sum` of the same file. */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashFile } from '../src-main/core/media';
import type { BenchContext } from './types';

type Ctx = Pick<BenchContext, 'cacheDir' | 'quick' | 'log' | 'time'>;

export default {
  name: 'hash',
  description: 'file hashing throughput (three digests, one read)',
  async run(ctx: Ctx) {
    const mb = ctx.quick ? 64 : 256;
    const file = path.join(ctx.cacheDir, `random-${mb}MB.bin`);
    if (!fs.existsSync(file)) {
      ctx.log(`generating ${path.basename(file)}`);
      const fd = fs.openSync(file, 'w');
      const chunk = crypto.randomBytes(1024 * 1024);
      for (let i = 0; i < mb; i++) fs.writeSync(fd, chunk);
      fs.closeSync(fd);
    }
    const ours = await ctx.time(() => hashFile(file));
    const figures = [{ figure: 'hashFile (sha256+sha1+md5)', value: (mb * 1000) / ours.medianMs, unit: 'MB/s', detail: `${mb} MB in ${(ours.medianMs / 1000).toFixed(2)} s` }];
    try {
      const base = await ctx.time(() => execFileSync('sha256sum', [file]));
      figures.push({ figure: 'sha256sum (baseline, one digest)', value: (mb * 1000) / base.medianMs, unit: 'MB/s', detail: `${mb} MB in ${(base.medianMs / 1000).toFixed(2)} s` });
    } catch {
      ctx.log('sha256sum not available: no baseline');
    }
    return figures;
  },
};
