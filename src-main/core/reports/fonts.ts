/**
 * The report's fonts: bundled Noto subsets (resources/fonts, SIL OFL 1.1) chained per
 * style, then fonts of the operating system for characters the bundle lacks. Which face
 * draws which character is decided here, per character, so no glyph is ever dropped.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Fontkit from 'fontkit';
import { fontkit } from '../native';

export type FontStyle = 'regular' | 'bold' | 'mono';

/** One loaded font face. */
export interface Face {
  /** Name the face is registered under in a PDF document. */
  name: string;
  file: string;
  /** PostScript name inside a collection (.ttc), for pdfkit. */
  postscriptName?: string;
  font: Fontkit.Font;
  source: 'bundled' | 'system';
}

const BUNDLED: Record<FontStyle, string[]> = {
  regular: ['NotoSans-Regular.ttf', 'NotoSansArabic-Regular.ttf', 'NotoSansHebrew-Regular.ttf', 'NotoSansCJKjp-Subset-Regular.otf'],
  bold: ['NotoSans-Bold.ttf', 'NotoSansArabic-Bold.ttf', 'NotoSansHebrew-Regular.ttf', 'NotoSansCJKjp-Subset-Regular.otf'],
  mono: ['NotoSansMono-Regular.ttf', 'NotoSans-Regular.ttf', 'NotoSansArabic-Regular.ttf', 'NotoSansHebrew-Regular.ttf', 'NotoSansCJKjp-Subset-Regular.otf'],
};

/** Fonts commonly present on Linux, Windows and macOS, tried (in order) for characters the bundle lacks. */
export const SYSTEM_FALLBACKS: readonly string[] = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf',
  '/usr/share/fonts/truetype/noto/NotoSansSymbols-Regular.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf',
  'C:\\Windows\\Fonts\\seguisym.ttf',
  'C:\\Windows\\Fonts\\YuGothR.ttc',
  'C:\\Windows\\Fonts\\msyh.ttc',
  'C:\\Windows\\Fonts\\malgun.ttf',
  'C:\\Windows\\Fonts\\arialuni.ttf',
  '/System/Library/Fonts/Hiragino Sans GB.ttc',
  '/System/Library/Fonts/AppleSDGothicNeo.ttc',
  '/System/Library/Fonts/Apple Symbols.ttf',
  '/Library/Fonts/Arial Unicode.ttf',
];

/** Where the bundled fonts are: $MEDIAGUARD_FONTS_DIR, the packaged app's resources, or resources/fonts above this file. */
export function fontsDir(env: NodeJS.ProcessEnv = process.env): string {
  const probe = (d: string) => fs.existsSync(path.join(d, 'NotoSans-Regular.ttf'));
  if (env.MEDIAGUARD_FONTS_DIR && probe(env.MEDIAGUARD_FONTS_DIR)) return env.MEDIAGUARD_FONTS_DIR;
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath && probe(path.join(resourcesPath, 'fonts'))) return path.join(resourcesPath, 'fonts');
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    const candidate = path.join(dir, 'resources', 'fonts');
    if (probe(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('The report fonts (resources/fonts) are missing from this installation.');
}

function loadFace(file: string, name: string, source: Face['source']): Face | null {
  try {
    const opened = fontkit().create(fs.readFileSync(file));
    const font = 'fonts' in opened ? opened.fonts[0] : opened;
    if (!font) return null;
    const face: Face = { name, file, font, source };
    if ('fonts' in opened) face.postscriptName = font.postscriptName;
    return face;
  } catch {
    return null;
  }
}

/** The font chains of one report: bundled faces first, system faces loaded on demand. */
export class FontSet {
  private readonly chains: Record<FontStyle, Face[]>;
  private readonly system: (Face | null | undefined)[];

  constructor(
    dir: string,
    private readonly systemFiles: readonly string[],
  ) {
    const cache = new Map<string, Face>();
    const face = (file: string): Face => {
      let f = cache.get(file);
      if (!f) {
        const loaded = loadFace(path.join(dir, file), `mg-${file.replace(/\.[a-z]+$/, '')}`, 'bundled');
        if (!loaded) throw new Error(`The report font ${file} is missing or unreadable in ${dir}.`);
        f = loaded;
        cache.set(file, f);
      }
      return f;
    };
    this.chains = { regular: BUNDLED.regular.map(face), bold: BUNDLED.bold.map(face), mono: BUNDLED.mono.map(face) };
    this.system = systemFiles.map(() => undefined);
  }

  /** The primary face of a style (used for markers and metrics). */
  primary(style: FontStyle): Face {
    return this.chains[style][0]!;
  }

  /** The first face of the style's chain that has a glyph for the code point, or null. */
  faceFor(cp: number, style: FontStyle): Face | null {
    for (const f of this.chains[style]) if (f.font.hasGlyphForCodePoint(cp)) return f;
    for (let i = 0; i < this.systemFiles.length; i++) {
      let f = this.system[i];
      if (f === undefined) {
        const file = this.systemFiles[i]!;
        f = fs.existsSync(file) ? loadFace(file, `mg-system-${i}`, 'system') : null;
        this.system[i] = f;
      }
      if (f && f.font.hasGlyphForCodePoint(cp)) return f;
    }
    return null;
  }

  /** Every face loaded so far (bundled and system). */
  faces(): Face[] {
    const all = new Set<Face>([...this.chains.regular, ...this.chains.bold, ...this.chains.mono]);
    for (const f of this.system) if (f) all.add(f);
    return [...all];
  }
}

const cached = new Map<string, FontSet>();

/** The process-wide font set (fonts are parsed once; system fallbacks can be turned off for reproducible tests). */
export function loadFontSet(opts: { dir?: string; systemFallbacks?: boolean } = {}): FontSet {
  const dir = opts.dir ?? fontsDir();
  const system = opts.systemFallbacks === false ? [] : SYSTEM_FALLBACKS;
  const key = `${dir}|${system.length}`;
  let set = cached.get(key);
  if (!set) {
    set = new FontSet(dir, system);
    cached.set(key, set);
  }
  return set;
}
