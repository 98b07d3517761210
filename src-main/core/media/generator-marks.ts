/**
 * What a picture's metadata says about the software that generated it: the generation settings that
 * AI image tools write beside the pixels, the IPTC digital source type, and C2PA Content Credentials.
 *
 *  - PNG text chunks (tEXt, zTXt, iTXt; ISO/IEC 15948 / PNG 3rd ed. §11.3.3): Stable Diffusion web UIs
 *    (AUTOMATIC1111, Forge, SD.Next: keyword `parameters`, "prompt / Negative prompt: / Steps: …, Seed: …"),
 *    ComfyUI (`prompt`: its node graph as JSON, and `workflow`), NovelAI (`Software`, `Source`, `Comment`
 *    JSON), InvokeAI (`invokeai_metadata`, `sd-metadata`, `Dream`), Fooocus (`parameters` as JSON),
 *    Midjourney (`Description` with a "Job ID"). The same "Steps: …" text in a JPEG's or WebP's EXIF
 *    UserComment (what the web UIs write there).
 *  - The IPTC digital source type in XMP (`Iptc4xmpExt:DigitalSourceType`; IPTC NewsCodes
 *    "digitalsourcetype"): `trainedAlgorithmicMedia` is what generative-AI services stamp.
 *  - C2PA manifest stores (JUMBF boxes whose description type is the C2PA UUID) in JPEG APP11
 *    segments, PNG `caBX` chunks and WebP `C2PA` chunks. Their signature is NOT verified here:
 *    the claim generator, the action names and the digital source types are read from the
 *    manifest's text (CBOR text strings), to say what the file claims and that a C2PA tool can check it.
 *
 * Metadata is easy to add and to strip: what is found here is what the file claims, never proof of
 * what made the pixels, and finding nothing says nothing.
 */
import { X509Certificate } from 'node:crypto';
import zlib from 'node:zlib';
import { checkC2paDataHash, checkC2paSignature, type C2paDataHashCheck, type C2paSignatureCheck } from './c2pa-verify';
import type { AnalysisWarning, Verdict } from '../../../src-shared/domain/detection';
import type { MetadataFlag, MetadataReport } from '../../../src-shared/domain/media';

/** At most this many text chunks are kept. */
const MAX_TEXTS = 64;
/** A compressed text is inflated to at most this many bytes (ComfyUI's workflows run to hundreds of KB). */
const MAX_TEXT_BYTES = 2 * 1024 * 1024;
/** Inflated text in all, at most. */
const MAX_TOTAL_TEXT = 8 * 1024 * 1024;
/** Shown text values are cut to this many characters. */
const SHOWN = 600;

export interface PngText {
  keyword: string;
  text: string;
  /** The chunk type: tEXt, zTXt or iTXt. */
  chunk: string;
}

/** The text chunks of a PNG (`bytes` from its start); damaged or undecodable chunks are skipped and counted. */
export function readPngTexts(bytes: Buffer): { texts: PngText[]; unreadable: number } {
  const texts: PngText[] = [];
  let unreadable = 0;
  let total = 0;
  if (bytes.length < 8 || bytes.readUInt32BE(0) !== 0x89504e47) return { texts, unreadable };
  for (let pos = 8; pos + 12 <= bytes.length; ) {
    const len = bytes.readUInt32BE(pos);
    const type = bytes.toString('latin1', pos + 4, pos + 8);
    const end = pos + 8 + len;
    if (len > 0x7fffffff || end + 4 > bytes.length) break;
    if ((type === 'tEXt' || type === 'zTXt' || type === 'iTXt') && texts.length < MAX_TEXTS && total < MAX_TOTAL_TEXT) {
      const t = textChunk(type, bytes.subarray(pos + 8, end));
      if (t) {
        texts.push(t);
        total += t.text.length;
      } else unreadable++;
    }
    if (type === 'IEND') break;
    pos = end + 4;
  }
  return { texts, unreadable };
}

/** zlib data inflated, at most MAX_TEXT_BYTES (null when damaged or larger). */
function inflate(b: Buffer): Buffer | null {
  try {
    return zlib.inflateSync(b, { maxOutputLength: MAX_TEXT_BYTES });
  } catch {
    return null;
  }
}

function textChunk(type: string, d: Buffer): PngText | null {
  const nul = d.indexOf(0);
  if (nul < 1 || nul > 79) return null;
  const keyword = d.toString('latin1', 0, nul);
  if (type === 'tEXt') return { keyword, text: d.toString('latin1', nul + 1, Math.min(d.length, nul + 1 + MAX_TEXT_BYTES)), chunk: type };
  if (type === 'zTXt') {
    if (d[nul + 1] !== 0) return null;
    const text = inflate(d.subarray(nul + 2));
    return text === null ? null : { keyword, text: text.toString('latin1'), chunk: type };
  }
  // iTXt: keyword\0 compression-flag method language\0 translated-keyword\0 text (UTF-8)
  const flag = d[nul + 1];
  const lang = d.indexOf(0, nul + 3);
  const trans = lang < 0 ? -1 : d.indexOf(0, lang + 1);
  if (trans < 0 || (flag !== 0 && flag !== 1)) return null;
  const body = d.subarray(trans + 1);
  const text = flag === 1 ? inflate(body) : body.subarray(0, MAX_TEXT_BYTES);
  return text === null ? null : { keyword, text: text.toString('utf8'), chunk: type };
}

/**
 * The EXIF UserComment as text: 8 bytes naming the character code (ASCII, UNICODE — UTF-16, in the byte
 * order the first character shows — JIS, or undefined), then the comment. exifr hands it over raw.
 */
export function decodeUserComment(v: unknown): string | null {
  let b: Buffer;
  if (typeof v === 'string') return v.replace(/\0+$/, '').trim() || null;
  if (v instanceof Uint8Array) b = Buffer.from(v);
  else if (v && typeof v === 'object') {
    const vals = Object.values(v as Record<string, unknown>);
    if (!vals.every((x) => typeof x === 'number')) return null;
    b = Buffer.from(vals as number[]);
  } else return null;
  if (b.length <= 8) return null;
  const code = b.toString('latin1', 0, 8).replace(/\0+$/, '');
  const body = b.subarray(8, 8 + MAX_TEXT_BYTES);
  let text: string;
  if (code === 'UNICODE') {
    const be = body.length >= 2 && body[0] === 0 && body[1] !== 0;
    const even = Buffer.from(body.subarray(0, body.length & ~1));
    text = (be ? even.swap16() : even).toString('utf16le');
  } else text = body.toString(code === 'ASCII' ? 'latin1' : 'utf8');
  text = text.replace(/\0+$/, '').trim();
  return text || null;
}

/** Settings a generator recorded, by name. */
export interface GeneratorRecord {
  /** The tool, as the record identifies it. */
  tool: string;
  /** Where it was found ("PNG text 'parameters'"). */
  where: string;
  prompt?: string;
  negativePrompt?: string;
  model?: string;
  seed?: string;
  steps?: string;
  sampler?: string;
  guidance?: string;
  size?: string;
  version?: string;
}

/** The "key: value, key: value" line of the Stable Diffusion web UIs (values may be quoted). */
function settingsLine(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([\w][\w \-/()]*?):\s*("(?:\\.|[^\\"])*"|[^,]*)(?:,|$)/g;
  for (let m = re.exec(line); m && m[0]; m = re.exec(line)) out[m[1]!.trim()] = m[2]!.trim().replace(/^"|"$/g, '');
  return out;
}

/** The Stable Diffusion web UIs' parameters text (AUTOMATIC1111, Forge, SD.Next), or null when it is not one. */
export function parseWebUiParameters(text: string, where: string): GeneratorRecord | null {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const at = lines.findLastIndex((l) => /^Steps: \d+/.test(l.trim()));
  if (at < 0) return null;
  const settings = settingsLine(lines[at]!);
  const negAt = lines.findIndex((l, i) => i < at && l.startsWith('Negative prompt:'));
  const prompt = lines.slice(0, negAt >= 0 ? negAt : at).join('\n').trim();
  const negative = negAt >= 0 ? lines.slice(negAt, at).join('\n').replace(/^Negative prompt:\s*/, '').trim() : '';
  const version = settings.Version;
  return {
    tool: version && /^f\d/.test(version) ? 'Stable Diffusion WebUI Forge' : 'a Stable Diffusion web UI (AUTOMATIC1111 or compatible)',
    where,
    ...(prompt ? { prompt } : {}),
    ...(negative ? { negativePrompt: negative } : {}),
    ...pickDefined({
      model: [settings.Model, settings['Model hash'] ? `hash ${settings['Model hash']}` : undefined].filter(Boolean).join(', ') || undefined,
      seed: settings.Seed,
      steps: settings.Steps,
      sampler: [settings.Sampler, settings['Schedule type']].filter(Boolean).join(', ') || undefined,
      guidance: settings['CFG scale'],
      size: settings.Size,
      version,
    }),
  };
}

function pickDefined(o: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}

function json(text: string): Record<string, unknown> | null {
  if (!/^\s*\{/.test(text)) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);

/** A value of `o` by any of `keys`, compared case- and separator-insensitively. */
function field(o: Record<string, unknown>, ...keys: string[]): string | undefined {
  const norm = (k: string) => k.toLowerCase().replace(/[\s_-]/g, '');
  const want = keys.map(norm);
  for (const [k, v] of Object.entries(o)) if (want.includes(norm(k))) return str(v) ?? (v && typeof v === 'object' ? str((v as Record<string, unknown>).name) ?? str((v as Record<string, unknown>).model_name) : undefined);
  return undefined;
}

/** ComfyUI's `prompt` text: the executed node graph ({id: {class_type, inputs}}). */
export function parseComfyPrompt(text: string, where: string): GeneratorRecord | null {
  const g = json(text);
  if (!g) return null;
  const nodes = Object.values(g).filter((n): n is { class_type: string; inputs: Record<string, unknown> } => !!n && typeof n === 'object' && typeof (n as { class_type?: unknown }).class_type === 'string');
  if (!nodes.length) return null;
  const inputs = (n: { inputs?: unknown }) => (n.inputs && typeof n.inputs === 'object' ? (n.inputs as Record<string, unknown>) : {});
  const sampler = nodes.find((n) => /sampler/i.test(n.class_type) && ('seed' in inputs(n) || 'noise_seed' in inputs(n) || 'steps' in inputs(n)));
  const loaders = nodes.map((n) => str(inputs(n).ckpt_name) ?? str(inputs(n).unet_name)).filter((x): x is string => !!x);
  const linked = (v: unknown): string | undefined => {
    if (!Array.isArray(v) || typeof v[0] !== 'string' && typeof v[0] !== 'number') return undefined;
    const n = g[String(v[0])] as { inputs?: unknown } | undefined;
    return n ? str(inputs(n).text) : undefined;
  };
  const si = sampler ? inputs(sampler) : {};
  const prompt = linked(si.positive) ?? nodes.map((n) => str(inputs(n).text)).find((t) => !!t);
  return {
    tool: 'ComfyUI',
    where,
    ...pickDefined({
      prompt,
      negativePrompt: linked(si.negative),
      model: loaders.join(', ') || undefined,
      seed: str(si.seed) ?? str(si.noise_seed),
      steps: str(si.steps),
      sampler: [str(si.sampler_name), str(si.scheduler)].filter(Boolean).join(', ') || undefined,
      guidance: str(si.cfg),
    }),
  };
}

/** A JSON settings record (Fooocus's `parameters`, InvokeAI's `invokeai_metadata`, NovelAI's `Comment`). */
function jsonRecord(o: Record<string, unknown>, tool: string, where: string): GeneratorRecord {
  const w = field(o, 'width');
  const h = field(o, 'height');
  return {
    tool,
    where,
    ...pickDefined({
      prompt: field(o, 'prompt', 'positive_prompt', 'positive prompt'),
      negativePrompt: field(o, 'negative_prompt', 'negative prompt', 'uc'),
      model: field(o, 'base model', 'model', 'model_weights'),
      seed: field(o, 'seed'),
      steps: field(o, 'steps'),
      sampler: field(o, 'sampler', 'scheduler'),
      guidance: field(o, 'guidance scale', 'cfg_scale', 'scale', 'cfg'),
      size: field(o, 'resolution') ?? (w && h ? `${w}x${h}` : undefined),
      version: field(o, 'version'),
    }),
  };
}

/** Tools named in Software/Source/CreatorTool-like texts that are image generators. */
export const GENERATOR_NAMES =
  /stable diffusion|\bsdxl\b|midjourney|dall[·.\- ]?e\b|adobe firefly|novelai|comfyui|invokeai|fooocus|automatic1111|leonardo\.ai|ideogram|\bflux\.1\b|\bflux (?:dev|schnell|pro)\b|black forest labs|google imagen|\bimagen [234]\b|\bgemini\b|bing image creator|image creator from microsoft|dreamstudio|nightcafe|craiyon|playground ?ai|runwayml|krea\.ai|\bsora\b|\bgrok\b/i;

/** What the PNG's text chunks (and a web UI's EXIF UserComment) record of a generator. */
export function generatorRecords(texts: readonly PngText[], userComment?: string): GeneratorRecord[] {
  const out: GeneratorRecord[] = [];
  const by = new Map(texts.map((t) => [t.keyword.toLowerCase(), t]));
  const where = (t: PngText) => `PNG text '${t.keyword}'`;
  const params = by.get('parameters');
  if (params) {
    const o = json(params.text);
    const r = o ? jsonRecord(o, /fooocus/i.test(String(o.Version ?? o.version ?? '')) || by.get('fooocus_scheme') ? 'Fooocus' : 'an image generator (JSON settings)', where(params)) : parseWebUiParameters(params.text, where(params));
    // (JSON that names none of a generator's settings is some other program's parameters.)
    if (r && (!o || r.prompt || r.seed || r.steps || r.model)) out.push(r);
  }
  const comfy = by.get('prompt');
  if (comfy) {
    const r = parseComfyPrompt(comfy.text, where(comfy));
    if (r) out.push(r);
  }
  const invoke = by.get('invokeai_metadata') ?? by.get('sd-metadata');
  if (invoke) {
    const o = json(invoke.text);
    if (o) {
      const image = o.image && typeof o.image === 'object' ? (o.image as Record<string, unknown>) : {};
      const prompts = Array.isArray(image.prompt) ? image.prompt.map((p: unknown) => (p && typeof p === 'object' ? str((p as Record<string, unknown>).prompt) : str(p))).filter(Boolean).join(' | ') : undefined;
      const r = jsonRecord({ ...image, ...o }, 'InvokeAI', where(invoke));
      if (prompts && !r.prompt) r.prompt = prompts;
      out.push(r);
    }
  } else if (by.get('dream')) {
    const t = by.get('dream')!;
    const m = /^"?(.*?)"?\s+-s\s*(\d+)/.exec(t.text);
    out.push({ tool: 'InvokeAI (Dream)', where: where(t), ...pickDefined({ prompt: m?.[1], steps: m?.[2], seed: /-S\s*(\d+)/.exec(t.text)?.[1] }) });
  }
  const software = by.get('software');
  const source = by.get('source');
  if (software && /novelai/i.test(software.text)) {
    const o = json(by.get('comment')?.text ?? '') ?? {};
    const r = jsonRecord(o, 'NovelAI', where(software));
    r.prompt ??= by.get('description')?.text;
    if (source) r.model = source.text;
    out.push(r);
  }
  const description = by.get('description');
  if (description && /\bJob ID:\s*[0-9a-f]{8}-[0-9a-f]{4}-/i.test(description.text)) {
    out.push({ tool: 'Midjourney', where: where(description), prompt: description.text.replace(/\s*Job ID:.*$/is, '').trim(), version: /--v(?:ersion)?\s+([\d.]+)/.exec(description.text)?.[1] ?? '' });
    if (!out.at(-1)!.version) delete out.at(-1)!.version;
  }
  if (userComment) {
    const r = parseWebUiParameters(userComment, 'EXIF UserComment');
    if (r) out.push(r);
  }
  return out;
}

/** IPTC digital source types (NewsCodes) and what they say. */
const SOURCE_TYPES: Record<string, { text: string; generated: boolean }> = {
  trainedalgorithmicmedia: { text: 'created by a generative AI model (trained algorithmic media)', generated: true },
  compositewithtrainedalgorithmicmedia: { text: 'a composite that includes generative-AI elements', generated: true },
  algorithmicmedia: { text: 'created by an algorithm, without training data (algorithmic media)', generated: true },
  compositesynthetic: { text: 'a composite with synthetic elements', generated: true },
  algorithmicallyenhanced: { text: 'algorithmically enhanced (e.g. AI upscaling or denoising)', generated: false },
  digitalcapture: { text: 'a digital capture from a real-life scene', generated: false },
  computationalcapture: { text: 'a computational capture (a phone combining exposures)', generated: false },
  negativefilm: { text: 'a scan of a negative film', generated: false },
  positivefilm: { text: 'a scan of a positive film', generated: false },
  print: { text: 'a scan of a print', generated: false },
  minorhumanedits: { text: 'a capture with minor human edits', generated: false },
  compositecapture: { text: 'a composite of captures', generated: false },
  digitalart: { text: 'made by a person with digital tools (digital art)', generated: false },
  virtualrecording: { text: 'a recording of a virtual event', generated: false },
  screencapture: { text: 'a screen capture', generated: false },
  datadrivenmedia: { text: 'rendered from data (data-driven media)', generated: false },
  composite: { text: 'a composite', generated: false },
};

export function digitalSourceType(v: string): { code: string; text: string; generated: boolean } {
  const code = v.trim().replace(/^.*\//, '');
  const known = SOURCE_TYPES[code.toLowerCase()];
  return { code, text: known?.text ?? `"${code.slice(0, 80)}"`, generated: known?.generated ?? false };
}

/** The UUID in the description box of a C2PA manifest store ("c2pa" + the JUMBF suffix). */
const C2PA_UUID = Buffer.from('6332706100110010800000aa00389b71', 'hex');

export interface C2paFinding {
  /** Bytes of manifest data found (JPEG: the APP11 payloads). */
  bytes: number;
  where: string;
  claimGenerators: string[];
  actions: string[];
  digitalSourceTypes: string[];
  /** The first certificate the manifest carries (the signer's, leaf first in the COSE x5chain): names and validity, not verified. */
  signer: { subject: string; issuer: string; validFrom: string; validTo: string } | null;
  /** The active manifest's claim signature against that certificate (c2pa-verify.ts). */
  signature: C2paSignatureCheck;
  /** The data-hash assertion against the whole file (c2pa-verify.ts). */
  dataHash: C2paDataHashCheck;
}

/** "CN=…\nO=…" → "common name (organisation)". */
function dnText(dn: string): string {
  const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(dn)?.[1]?.trim();
  const cn = get('CN');
  const o = get('O');
  return (cn && o && cn !== o ? `${cn} (${o})` : (cn ?? o ?? dn.replace(/\n/g, ', '))).slice(0, 200);
}

/** The first X.509 certificate (DER, a SEQUENCE with a two-byte length holding the to-be-signed SEQUENCE) in `b`. */
function firstCertificate(b: Buffer): C2paFinding['signer'] {
  const needle = Buffer.from([0x30, 0x82]);
  for (let at = b.indexOf(needle), tries = 0; at >= 0 && tries < 64; at = b.indexOf(needle, at + 1)) {
    if (b[at + 4] !== 0x30 || b[at + 5] !== 0x82) continue;
    tries++;
    const len = 4 + b.readUInt16BE(at + 2);
    if (at + len > b.length) continue;
    try {
      const c = new X509Certificate(b.subarray(at, at + len));
      return { subject: dnText(c.subject), issuer: dnText(c.issuer), validFrom: c.validFrom, validTo: c.validTo };
    } catch {
      // not a certificate: look on
    }
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

/** The marker segments of a JPEG before its first scan: marker and payload (after the length). */
function jpegSegments(bytes: Buffer): { marker: number; seg: Buffer }[] {
  const out: { marker: number; seg: Buffer }[] = [];
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return out;
  for (let pos = 2; pos + 4 <= bytes.length && bytes[pos] === 0xff; ) {
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos += 1; // fill byte
      continue;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) break;
    const len = bytes.readUInt16BE(pos + 2);
    if (len < 2) break;
    out.push({ marker, seg: bytes.subarray(pos + 4, Math.min(bytes.length, pos + 2 + len)) });
    pos += 2 + len;
  }
  return out;
}

/** At most this many JPEG comments are kept, each cut to this many bytes. */
const MAX_COMMENTS = 16;
const MAX_COMMENT_BYTES = 64 * 1024;

/** The JPEG comment segments (COM), as text (UTF-8 when valid, else Latin-1). */
export function readJpegComments(bytes: Buffer): string[] {
  return jpegSegments(bytes)
    .filter((x) => x.marker === 0xfe)
    .slice(0, MAX_COMMENTS)
    .map(({ seg }) => {
      const b = seg.subarray(0, MAX_COMMENT_BYTES);
      const utf8 = b.toString('utf8');
      return (utf8.includes('\ufffd') ? b.toString('latin1') : utf8).replace(/\0+$/, '').trim();
    })
    .filter(Boolean);
}

/** The bytes a C2PA manifest store occupies in the file, by format (null when none). */
function c2paBytes(bytes: Buffer, format: string): { data: Buffer; where: string } | null {
  if (format === 'jpeg') {
    // APP11 segments with the JPEG XT "JP" identifier carry JUMBF; a large store spans several.
    // (CI 'JP', box instance (2), packet sequence (4); packets after the first repeat the box header (8).)
    const parts = jpegSegments(bytes)
      .filter(({ marker, seg }) => marker === 0xeb && seg.length > 16 && seg[0] === 0x4a && seg[1] === 0x50)
      .map(({ seg }) => seg.subarray(seg.readUInt32BE(4) > 1 ? 16 : 8));
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

/**
 * A C2PA manifest store in the picture's metadata bytes, with what its text says and its checks; null when
 * none. `wholeFile`: every byte of the file, for the data hash (a string says why it is not checked; by
 * default `bytes` are the whole file).
 */
export function findC2pa(bytes: Buffer, format: string, wholeFile: Buffer | string = bytes): C2paFinding | null {
  const found = c2paBytes(bytes, format);
  if (!found) return null;
  const d = found.data;
  const generators = cborTextsAfter(d, 'claim_generator');
  // claim_generator_info (C2PA 2.x): [{name, version}, …]
  const infoAt = d.indexOf(Buffer.from('claim_generator_info', 'utf8'));
  if (infoAt >= 0) generators.push(...cborTextsAfter(d.subarray(infoAt, infoAt + 512), 'name', 2));
  const actions = [...new Set(cborTextsAfter(d, 'action', 32).filter((a) => /^[\w.]+$/.test(a)))];
  const types = [...new Set(cborTextsAfter(d, 'digitalSourceType', 16))];
  return { bytes: d.length, where: found.where, claimGenerators: [...new Set(generators)], actions, digitalSourceTypes: types, signer: firstCertificate(d),
    signature: checkC2paSignature(d),
    dataHash: typeof wholeFile === 'string' ? { state: 'unchecked', alg: null, reason: wholeFile } : checkC2paDataHash(d, wholeFile),
  };
}

export interface GeneratorFindings {
  /** The `generator` group: what was found, field by field. */
  group: Record<string, string>;
  /** The `pngText` group: every PNG text chunk, cut for display. */
  pngText: Record<string, string>;
  highlights: { label: string; value: string }[];
  flags: MetadataFlag[];
}

const cut = (s: string, n = SHOWN) => (s.length > n ? `${s.slice(0, n)}…` : s);

/** Metadata rows, highlights and flags for what the picture records of its making. */
export function describeGeneratorMarks(input: {
  texts: readonly PngText[];
  unreadableTexts?: number;
  /** The EXIF UserComment (the web UIs write their parameters there in JPEG and WebP). */
  userComment?: string;
  /** XMP Iptc4xmpExt:DigitalSourceType. */
  sourceType?: string;
  /** Software names from EXIF and XMP (Software, CreatorTool). */
  software?: readonly string[];
  /** A JPEG's comment segments. */
  comments?: readonly string[];
  c2pa: C2paFinding | null;
  /** What the file is, in the messages (default 'picture'). */
  subject?: 'picture' | 'video';
}): GeneratorFindings {
  const group: Record<string, string> = {};
  const pngText: Record<string, string> = {};
  const highlights: { label: string; value: string }[] = [];
  const flags: MetadataFlag[] = [];
  for (const t of input.texts) {
    if (t.keyword === 'XML:com.adobe.xmp') continue; // the XMP packet, read as XMP
    const key = pngText[t.keyword] === undefined ? t.keyword : `${t.keyword} (${Object.keys(pngText).length + 1})`;
    pngText[key] = cut(t.text.replace(/\s+/g, ' ').trim(), 300);
  }
  if (input.unreadableTexts) pngText['(unreadable chunks)'] = String(input.unreadableTexts);
  const records = generatorRecords(input.texts, input.userComment);
  for (const c of input.comments ?? []) {
    const r = parseWebUiParameters(c, 'JPEG comment');
    if (r) records.push(r);
  }
  records.forEach((r, i) => {
    const p = records.length > 1 ? `${i + 1}.` : '';
    group[`${p}tool`] = r.tool;
    group[`${p}foundIn`] = r.where;
    for (const k of ['prompt', 'negativePrompt', 'model', 'seed', 'steps', 'sampler', 'guidance', 'size', 'version'] as const) if (r[k]) group[`${p}${k}`] = cut(r[k]!);
  });
  const st = input.sourceType ? digitalSourceType(input.sourceType) : null;
  if (st) group.digitalSourceType = `${st.code} — ${st.text}`;
  const c = input.c2pa;
  if (c) {
    group.c2pa = `a manifest store, ${c.bytes} bytes in ${c.where}; its signature is not verified by MediaGuard`;
    if (c.claimGenerators.length) group.c2paClaimGenerator = cut(c.claimGenerators.join('; '), 300);
    if (c.actions.length) group.c2paActions = cut(c.actions.join(', '), 300);
    if (c.digitalSourceTypes.length) group.c2paDigitalSourceType = c.digitalSourceTypes.map((t) => digitalSourceType(t).code).join(', ');
    if (c.signer) group.c2paSigner = `${c.signer.subject}; issued by ${c.signer.issuer}; valid ${c.signer.validFrom} to ${c.signer.validTo} (not verified)`;
    group.c2paSignature =
      c.signature.state === 'valid'
        ? `${c.signature.alg}: matches the claim under the certificate it carries (the certificate's trust and the manifest's hashes of the picture are not checked)`
        : c.signature.state === 'invalid'
          ? `${c.signature.alg}: does NOT match the claim under the certificate it carries`
          : `not checked: ${c.signature.reason}`;
    group.c2paDataHash =
      c.dataHash.state === 'match'
        ? `${c.dataHash.alg} over the ${c.dataHash.hashedBytes} bytes outside the manifest: matches the file`
        : c.dataHash.state === 'mismatch'
          ? `${c.dataHash.alg}: does NOT match the file (${c.dataHash.reason})`
          : `not checked: ${c.dataHash.reason}`;
  }
  const c2paTypes = (c?.digitalSourceTypes ?? []).map(digitalSourceType);
  const generatedType = [st, ...c2paTypes].find((t) => t?.generated) ?? null;
  if (records.length) {
    const r = records[0]!;
    highlights.push({ label: 'Generated by', value: [r.tool, r.model ? `model ${cut(r.model, 80)}` : '', r.seed ? `seed ${r.seed}` : ''].filter(Boolean).join(' — ') });
    flags.push({
      code: 'AI_GENERATOR_SETTINGS',
      severity: 'warning',
      message:
        `The file records the settings of an AI image generator — ${r.tool} (${r.where})${r.prompt ? `, prompt "${cut(r.prompt.replace(/\s+/g, ' '), 160)}"` : ''}${r.seed ? `, seed ${r.seed}` : ''}: ` +
        'such text is written by the generator when it saves the picture. Anyone can add or remove it, so it is a strong lead, not proof of what made the pixels.',
    });
  }
  if (generatedType) {
    highlights.push({ label: 'Digital source type', value: `${generatedType.code} — ${generatedType.text}` });
    flags.push({
      code: 'AI_SOURCE_DECLARED',
      severity: 'warning',
      message: `The ${st?.generated ? 'XMP (IPTC digital source type)' : 'C2PA manifest'} declares the ${input.subject ?? 'picture'} ${generatedType.text}: generative-AI services and editors write this when they produce or change a ${input.subject ?? 'picture'}. Metadata can be removed or added, so its absence proves nothing.`,
    });
  } else if (st) highlights.push({ label: 'Digital source type', value: `${st.code} — ${st.text}` });
  if (c) {
    const sig = c.signature;
    const hash = c.dataHash;
    const state = [
      sig.state === 'valid' ? 'signature matches' : sig.state === 'invalid' ? 'signature does not match' : 'signature not checked',
      hash.state === 'match' ? 'picture hash matches' : hash.state === 'mismatch' ? 'picture hash does not match' : 'picture hash not checked',
      'certificate not checked',
    ].join('; ');
    highlights.push({ label: 'Content Credentials', value: `C2PA manifest${c.claimGenerators.length ? ` by ${cut(c.claimGenerators[0]!, 80)}` : ''}${c.signer ? `, signed as ${cut(c.signer.subject, 80)}` : ''} (${state})` });
    const checked = [
      sig.state === 'valid' ? `its claim signature (${sig.alg}) matches the claim under the certificate it carries` : null,
      hash.state === 'match' ? `its hash of the file (${hash.alg}) matches the file's bytes outside the manifest` : null,
    ].filter(Boolean);
    const notChecked = [sig.state === 'unchecked' ? `its signature (${sig.reason})` : null, hash.state === 'unchecked' ? `its hash of the picture (${hash.reason})` : null].filter(Boolean);
    flags.push({
      code: 'C2PA_MANIFEST',
      severity: 'info',
      message:
        `The file carries C2PA Content Credentials (${c.where}${c.claimGenerators.length ? `; claim generator ${cut(c.claimGenerators.join(', '), 120)}` : ''}${c.actions.length ? `; actions ${cut(c.actions.join(', '), 160)}` : ''}${c.signer ? `; a certificate for ${c.signer.subject}, issued by ${c.signer.issuer}` : ''}). ` +
        (checked.length ? `${checked.join(', and ')[0]!.toUpperCase()}${checked.join(', and ').slice(1)}. ` : '') +
        `MediaGuard does not check whom the certificate belongs to (chain, trust list, revocation)${notChecked.length ? ` and did not check ${notChecked.join(' or ')}` : ''}: verify the file with a C2PA tool (c2patool, contentcredentials.org) before relying on it.`,
    });
    if (sig.state === 'invalid') {
      flags.push({
        code: 'C2PA_SIGNATURE_MISMATCH',
        severity: 'notice',
        message: `The Content Credentials' claim signature (${sig.alg}) does not match the claim under the certificate it carries: the claim was changed after it was signed, or the manifest is damaged. Confirm with a C2PA tool: MediaGuard's reading of a manifest may differ from its writer's.`,
      });
    }
    if (hash.state === 'mismatch') {
      flags.push({
        code: 'C2PA_HASH_MISMATCH',
        severity: 'notice',
        message: `The Content Credentials' hash of the file (${hash.alg}) does not match its bytes outside the manifest: the file was changed after the credentials were made (a pixel edit, or even a metadata edit, does this), or MediaGuard reads this manifest differently from its writer. Confirm with a C2PA tool.`,
      });
    }
  }
  if (!records.length) {
    // No settings, but a generator named as the software (PNG Software/Source/Comment/Title, EXIF Software, XMP CreatorTool).
    const texts = [
      ...input.texts.filter((t) => ['software', 'source', 'comment', 'title', 'author'].includes(t.keyword.toLowerCase())).map((t) => ({ text: t.text, where: `PNG text '${t.keyword}'` })),
      ...(input.software ?? []).map((text) => ({ text, where: 'the software tag' })),
      ...(input.comments ?? []).map((text) => ({ text, where: 'the JPEG comment' })),
    ];
    const named = texts.find((t) => GENERATOR_NAMES.test(t.text.slice(0, 500)));
    if (named) {
      const text = cut(named.text.replace(/\s+/g, ' ').trim(), 120);
      group.namedGenerator = `${text} (${named.where})`;
      highlights.push({ label: 'Generated by', value: text });
      flags.push({
        code: 'AI_GENERATOR_NAMED',
        severity: 'warning',
        message: `The metadata names an AI image generator: "${text}" (${named.where}). Anyone can add or remove such text, so it is a lead, not proof of what made the pixels.`,
      });
    }
  }
  return { group, pngText, highlights, flags };
}

/** The metadata flags that declare the file made by an AI generator. */
const DECLARING = new Set(['AI_GENERATOR_SETTINGS', 'AI_GENERATOR_NAMED', 'AI_SOURCE_DECLARED']);

/**
 * The verdict with what the file's metadata declares of its making: a file whose own metadata says an
 * AI generator made it is never called authentic (a detector's low score does not clear it; nothing
 * natural writes a generator's settings), and the analysis warnings name it. The probability is not moved.
 */
export function withDeclaredGenerator(v: Verdict, metadata: MetadataReport | null): { verdict: Verdict; warning: AnalysisWarning | null } {
  const declared = metadata?.flags.filter((f) => DECLARING.has(f.code)) ?? [];
  if (!declared.length) return { verdict: v, warning: null };
  const what = metadata!.highlights.find((h) => h.label === 'Generated by')?.value ?? metadata!.highlights.find((h) => h.label === 'Digital source type')?.value ?? 'an AI generator';
  const text = `the file's metadata declares it made by an AI image generator (${cut(what, 160)})`;
  const warning: AnalysisWarning = {
    code: 'DECLARED_GENERATED',
    message: `The file's metadata declares it AI-generated: ${cut(what, 160)}. Metadata can be added or stripped by anyone; see the metadata flags for where it was found.`,
  };
  if (v.band === 'authentic') {
    return { verdict: { ...v, band: 'inconclusive', explanation: `${v.explanation} But ${text}. So the file is not called authentic: inconclusive.` }, warning };
  }
  return { verdict: { ...v, explanation: `${v.explanation} Besides, ${text}.` }, warning };
}
