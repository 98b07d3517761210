#!/usr/bin/env node
// Rebuilds the subsetted report fonts in resources/fonts from Debian's Noto packages.
// A maintainer tool, not part of the build or the tests (the outputs are committed):
//   apt-get install fonts-noto-core fonts-noto-mono fonts-noto-cjk python3-fonttools  (uses /usr/bin/python3)
//   node scripts/make-report-fonts.mjs
// The CJK subset holds kana, punctuation, full/half-width forms, JIS X 0208 kanji,
// GB 2312 and Big5 level-1 hanzi and KS X 1001 hangul; rarer characters fall back to
// system fonts at run time, then to a visible code-point marker (see report fonts code).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'resources', 'fonts');
const NOTO = '/usr/share/fonts/truetype/noto';
const CJK = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

const LATIN = [
  'U+0000-024F', 'U+0250-02FF', 'U+0300-036F', 'U+0370-03FF', 'U+0400-052F', 'U+1C80-1C8F',
  'U+1E00-1EFF', 'U+1F00-1FFF', 'U+2000-206F', 'U+2070-209F', 'U+20A0-20CF', 'U+2100-214F',
  'U+2150-218F', 'U+2190-21FF', 'U+2200-22FF', 'U+2C60-2C7F', 'U+2DE0-2DFF', 'U+A640-A69F',
  'U+A720-A7FF', 'U+FB00-FB06', 'U+FEFF', 'U+FFFD', 'U+25A0-25FF',
];
const ARABIC = ['U+0020-007E', 'U+00A0', 'U+0600-06FF', 'U+0750-077F', 'U+08A0-08FF', 'U+FB50-FDFF', 'U+FE70-FEFF', 'U+200C-200F', 'U+2066-2069'];
const HEBREW = ['U+0020-007E', 'U+00A0', 'U+0590-05FF', 'U+FB1D-FB4F', 'U+200C-200F'];
const MONO = ['U+0020-007E', 'U+00A0-00FF', 'U+2013-2014', 'U+2018-201D', 'U+2026', 'U+2212'];

/** Characters of a double-byte legacy charset, decoded with the runtime's ICU. */
function charset(encoding, leads, trails) {
  const dec = new TextDecoder(encoding, { fatal: false });
  const set = new Set();
  for (let a = leads[0]; a <= leads[1]; a++) {
    for (const [t0, t1] of trails) {
      for (let b = t0; b <= t1; b++) {
        const s = dec.decode(new Uint8Array([a, b]));
        const cp = s.codePointAt(0);
        if (s.length >= 1 && cp !== 0xfffd && cp > 0x7f) set.add(cp);
      }
    }
  }
  return set;
}

function cjkCodepoints() {
  const set = new Set();
  const add = (s) => s.forEach((c) => set.add(c));
  add(charset('euc-jp', [0xa1, 0xfe], [[0xa1, 0xfe]]));
  add(charset('gbk', [0xa1, 0xd7], [[0xa1, 0xfe]])); // symbols + GB 2312 level 1
  add(charset('big5', [0xa1, 0xc6], [[0x40, 0x7e], [0xa1, 0xfe]])); // symbols + Big5 level 1
  add(charset('euc-kr', [0xa1, 0xc8], [[0xa1, 0xfe]])); // symbols, jamo, KS X 1001 hangul
  const ranges = [[0x3000, 0x30ff], [0x31f0, 0x31ff], [0xff00, 0xffef], [0x3100, 0x312f], [0x3130, 0x318f], [0x0020, 0x007e]];
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) set.add(c);
  return [...set].sort((x, y) => x - y);
}

// fontTools' subsetter through the API: the command line cannot drop the format 4 cmap,
// which overflows for thousands of scattered CJK code points (format 12 covers the BMP too).
const SUBSET_PY = `
import sys
from fontTools import subset
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
src, dst, ufile, num, keep4 = sys.argv[1:6]
o = subset.Options()
# CJK: no locale or vertical variants (they triple the glyph count); others keep every feature.
o.layout_features = ['*'] if keep4 == '1' else ['ccmp', 'kern', 'palt']
o.name_IDs = ['*']; o.name_languages = ['*']
o.notdef_outline = True; o.hinting = False; o.font_number = int(num)
font = subset.load_font(src, o)
s = subset.Subsetter(o)
s.populate(unicodes=[int(l, 16) for l in open(ufile).read().split()])
s.subset(font)
if keep4 == '0':
    mapping = font.getBestCmap()
    t = CmapSubtable.newSubtable(12)
    t.platformID, t.platEncID, t.language, t.cmap = 3, 10, 0, dict(mapping)
    font['cmap'].tables = [t]
subset.save_font(font, dst, o)
`;

/** Hex code points (no prefix) from ranges like 'U+0000-024F'. */
function expand(ranges) {
  const cps = [];
  for (const r of ranges) {
    const [a, b] = r.replace('U+', '').split('-').map((h) => parseInt(h, 16));
    for (let c = a; c <= (b ?? a); c++) cps.push(c.toString(16));
  }
  return cps;
}

function subset(src, dst, hexCodepoints, fontNumber = 0) {
  const tmp = path.join(os.tmpdir(), `mg-unicodes-${process.pid}.txt`);
  fs.writeFileSync(tmp, hexCodepoints.join('\n'));
  const keep4 = hexCodepoints.length < 4000 ? '1' : '0';
  execFileSync('/usr/bin/python3', ['-c', SUBSET_PY, src, dst, tmp, String(fontNumber), keep4], { stdio: ['ignore', 'inherit', 'ignore'] });
  fs.rmSync(tmp);
  console.log(`${path.basename(dst)}: ${(fs.statSync(dst).size / 1024).toFixed(0)} KiB`);
}

fs.mkdirSync(out, { recursive: true });
if (process.argv.includes('--cjk-only')) {
  subset(CJK, `${out}/NotoSansCJKjp-Subset-Regular.otf`, cjkCodepoints().map((c) => c.toString(16)), 0);
  process.exit(0);
}
subset(`${NOTO}/NotoSans-Regular.ttf`, `${out}/NotoSans-Regular.ttf`, expand(LATIN));
subset(`${NOTO}/NotoSans-Bold.ttf`, `${out}/NotoSans-Bold.ttf`, expand(LATIN));
subset(`${NOTO}/NotoSansMono-Regular.ttf`, `${out}/NotoSansMono-Regular.ttf`, expand(MONO));
subset(`${NOTO}/NotoSansArabic-Regular.ttf`, `${out}/NotoSansArabic-Regular.ttf`, expand(ARABIC));
subset(`${NOTO}/NotoSansArabic-Bold.ttf`, `${out}/NotoSansArabic-Bold.ttf`, expand(ARABIC));
subset(`${NOTO}/NotoSansHebrew-Regular.ttf`, `${out}/NotoSansHebrew-Regular.ttf`, expand(HEBREW));
const cjk = cjkCodepoints().map((c) => c.toString(16).padStart(4, '0'));
// Face 0 of the collection is Noto Sans CJK JP.
subset(CJK, `${out}/NotoSansCJKjp-Subset-Regular.otf`, cjk, 0);
// resources/fonts/OFL.txt carries the licence text (SIL OFL 1.1, from the packages' copyright files).
