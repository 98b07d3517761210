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
 *  - C2PA manifest stores (found in c2pa-manifest.ts, their claim signature and data hash checked in
 *    c2pa-verify.ts): the claim generator, actions, digital source types and signer, and what the checks
 *    found. Whom the signing certificate belongs to is not checked, so a C2PA tool should confirm them.
 *
 * The texts are read from the file in picture-texts.ts; this module says what they mean.
 *
 * Metadata is easy to add and to strip: what is found here is what the file claims, never proof of
 * what made the pixels, and finding nothing says nothing.
 */
import type { C2paFinding } from './c2pa-manifest';
import type { PngText } from './picture-texts';
import { capText } from './structure-io';
import type { AnalysisWarning, Verdict } from '../../../src-shared/domain/detection';
import type { MetadataFlag, MetadataReport } from '../../../src-shared/domain/media';

/** Shown text values are cut to this many characters. */
const SHOWN = 600;

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

export interface GeneratorFindings {
  /** The `generator` group: what was found, field by field. */
  group: Record<string, string>;
  /** The `pngText` group: every PNG text chunk, cut for display. */
  pngText: Record<string, string>;
  highlights: { label: string; value: string }[];
  flags: MetadataFlag[];
}


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
    pngText[key] = capText(t.text.replace(/\s+/g, ' ').trim(), 300);
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
    for (const k of ['prompt', 'negativePrompt', 'model', 'seed', 'steps', 'sampler', 'guidance', 'size', 'version'] as const) if (r[k]) group[`${p}${k}`] = capText(r[k]!, SHOWN);
  });
  const st = input.sourceType ? digitalSourceType(input.sourceType) : null;
  if (st) group.digitalSourceType = `${st.code} — ${st.text}`;
  const c = input.c2pa;
  if (c) {
    group.c2pa = `a manifest store, ${c.bytes} bytes in ${c.where}; whom its certificate belongs to is not checked by MediaGuard`;
    if (c.claimGenerators.length) group.c2paClaimGenerator = capText(c.claimGenerators.join('; '), 300);
    if (c.actions.length) group.c2paActions = capText(c.actions.join(', '), 300);
    if (c.digitalSourceTypes.length) group.c2paDigitalSourceType = c.digitalSourceTypes.map((t) => digitalSourceType(t).code).join(', ');
    if (c.signer) group.c2paSigner = `${c.signer.subject}; issued by ${c.signer.issuer}; valid ${c.signer.validFrom} to ${c.signer.validTo} (not verified)`;
    group.c2paSignature =
      c.signature.state === 'valid'
        ? `${c.signature.alg}: matches the claim under the certificate it carries (the certificate's trust is not checked)`
        : c.signature.state === 'invalid'
          ? `${c.signature.alg}: does NOT match the claim under the certificate it carries`
          : `not checked: ${c.signature.reason}`;
    const ch = c.chain;
    group.c2paCertificateChain =
      ch.state === 'linked'
        ? `${ch.length} certificate${ch.length === 1 ? '' : 's'}, each signed by the next, leading to ${ch.anchor}`
        : ch.state === 'self-signed'
          ? "the signer's certificate is self-signed: anyone can make one, and C2PA requires one issued by a certification authority"
          : ch.state === 'broken'
            ? 'broken: a certificate is not signed by the one after it'
            : `not checked: ${ch.reason}`;
    if (ch.problems.length) group.c2paCertificateProblems = capText(ch.problems.join('; '), 600);
    if (ch.state !== 'unchecked') {
      group.c2paTrust =
        ch.trust.state === 'trusted'
          ? `trusted: the chain reaches ${ch.trust.anchor}, one of ${ch.trust.list} (revocation is not checked)`
          : ch.trust.state === 'untrusted'
            ? `NOT trusted: the chain reaches none of ${ch.trust.list}`
            : 'not checked: no trust list is configured (Settings → Content Credentials), so whom the certificate belongs to is not known';
    }
    if (ch.trust.listProblems.length) group.c2paTrustListProblems = capText(ch.trust.listProblems.join('; '), 400);
    const a = c.assertions;
    group.c2paAssertions =
      a.state === 'match'
        ? `the claim's hashes of its ${a.matched.length} assertion${a.matched.length === 1 ? '' : 's'} match them`
        : a.state === 'mismatch'
          ? `do NOT match the claim: ${[a.mismatched.length ? `changed after signing: ${a.mismatched.join(', ')}` : '', a.missing.length ? `referenced but absent: ${a.missing.join(', ')}` : ''].filter(Boolean).join('; ')}`
          : `not checked: ${a.reason}`;
    if (a.skipped.length) group.c2paAssertionsNotChecked = capText(a.skipped.join(', '), 300);
    if (a.unreferenced.length) group.c2paUnreferencedAssertions = `${capText(a.unreferenced.join(', '), 300)} (not covered by the claim or its signature: disregarded by C2PA validators)`;
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
    highlights.push({ label: 'Generated by', value: [r.tool, r.model ? `model ${capText(r.model, 80)}` : '', r.seed ? `seed ${r.seed}` : ''].filter(Boolean).join(' — ') });
    flags.push({
      code: 'AI_GENERATOR_SETTINGS',
      severity: 'warning',
      message:
        `The file records the settings of an AI image generator — ${r.tool} (${r.where})${r.prompt ? `, prompt "${capText(r.prompt.replace(/\s+/g, ' '), 160)}"` : ''}${r.seed ? `, seed ${r.seed}` : ''}: ` +
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
    const asserted = c.assertions;
    const noun = input.subject ?? 'picture';
    const state = [
      sig.state === 'valid' ? 'signature matches' : sig.state === 'invalid' ? 'signature does not match' : 'signature not checked',
      asserted.state === 'match' ? 'assertions match' : asserted.state === 'mismatch' ? 'assertions do not match' : 'assertions not checked',
      `${noun} hash ${hash.state === 'match' ? 'matches' : hash.state === 'mismatch' ? 'does not match' : 'not checked'}`,
      c.chain.trust.state === 'trusted'
        ? `certificate trusted (${capText(c.chain.trust.anchor ?? '', 80)})`
        : c.chain.state === 'broken'
          ? 'certificate chain broken'
          : c.chain.trust.state === 'untrusted'
            ? `${c.chain.state === 'self-signed' ? 'self-signed certificate' : 'certificate'} not on the trust list`
            : c.chain.state === 'linked'
              ? `certificate chain leads to ${capText(c.chain.anchor ?? '', 80)}, trust not checked`
              : c.chain.state === 'self-signed'
                ? 'self-signed certificate'
                : 'certificate not checked',
    ].join('; ');
    highlights.push({ label: 'Content Credentials', value: `C2PA manifest${c.claimGenerators.length ? ` by ${capText(c.claimGenerators[0]!, 80)}` : ''}${c.signer ? `, signed as ${capText(c.signer.subject, 80)}` : ''} (${state})` });
    const checked = [
      sig.state === 'valid' ? `its claim signature (${sig.alg}) matches the claim under the certificate it carries` : null,
      asserted.state === 'match' ? `the claim's hashes of its ${asserted.matched.length} assertion${asserted.matched.length === 1 ? '' : 's'} match them` : null,
      hash.state === 'match' ? `its hash of the file (${hash.alg}) matches the file's bytes outside the manifest` : null,
    ].filter(Boolean);
    const said = checked.length > 1 ? `${checked.slice(0, -1).join('; ')}; and ${checked.at(-1)}` : checked[0];
    const notChecked = [
      sig.state === 'unchecked' ? `its signature (${sig.reason})` : null,
      asserted.state === 'unchecked' ? `its hashes of its assertions (${asserted.reason})` : null,
      hash.state === 'unchecked' ? `its hash of the ${noun} (${hash.reason})` : null,
    ].filter(Boolean);
    flags.push({
      code: 'C2PA_MANIFEST',
      severity: 'info',
      message:
        `The file carries C2PA Content Credentials (${c.where}${c.claimGenerators.length ? `; claim generator ${capText(c.claimGenerators.join(', '), 120)}` : ''}${c.actions.length ? `; actions ${capText(c.actions.join(', '), 160)}` : ''}${c.signer ? `; a certificate for ${c.signer.subject}, issued by ${c.signer.issuer}` : ''}). ` +
        (said ? `${said[0]!.toUpperCase()}${said.slice(1)}. ` : '') +
        `MediaGuard ${c.chain.trust.state === 'trusted' ? `found its certificate chain reaching ${c.chain.trust.anchor}, on the configured trust list, but does not check revocation` : c.chain.state === 'unchecked' ? 'does not check whom the certificate belongs to (chain, trust list, revocation)' : 'checks how the certificate chain links, not whom it belongs to (trust list, revocation)'}${notChecked.length ? ` and did not check ${notChecked.join(' or ')}` : ''}: verify the file with a C2PA tool (c2patool, contentcredentials.org) before relying on it.`,
    });
    if (sig.state === 'invalid') {
      flags.push({
        code: 'C2PA_SIGNATURE_MISMATCH',
        severity: 'notice',
        message: `The Content Credentials' claim signature (${sig.alg}) does not match the claim under the certificate it carries: the claim was changed after it was signed, or the manifest is damaged. Confirm with a C2PA tool: MediaGuard's reading of a manifest may differ from its writer's.`,
      });
    }
    const trust = c.chain.trust;
    // (A self-signed certificate the administrator put on the trust list is theirs to vouch for.)
    const selfSigned = c.chain.state === 'self-signed' && trust.state !== 'trusted';
    if (selfSigned || c.chain.state === 'broken' || c.chain.problems.length || trust.state === 'untrusted') {
      flags.push({
        code: 'C2PA_CERTIFICATE_PROBLEM',
        severity: 'notice',
        message:
          (selfSigned
            ? `The Content Credentials are signed with a self-signed certificate (${c.signer?.subject ?? 'unnamed'}): anyone can make one in a minute, so the signature says nothing of who signed — it is how credentials are forged or made by test tools; C2PA requires a certificate issued by a certification authority.`
            : c.chain.state === 'broken'
              ? "The certificate chain of the Content Credentials' signature does not link: a certificate is not signed by the one after it, so the chain does not lead to its stated issuer."
              : trust.state === 'untrusted'
                ? `The certificate chain of the Content Credentials' signature (${c.signer?.subject ?? 'unnamed'}) reaches none of the certificates on the configured trust list (${trust.list}): whoever signed is not someone that list vouches for.`
                : "The certificate of the Content Credentials' signature has a problem.") +
          (selfSigned && trust.state === 'untrusted' ? ' Nor does it reach any certificate on the configured trust list.' : '') +
          (c.chain.problems.length ? ` (${capText(c.chain.problems.join('; '), 400)}.)` : '') +
          ' Confirm with a C2PA tool, which also checks the chain against a trust list.',
      });
    }
    if (asserted.state === 'mismatch') {
      const what = [
        asserted.mismatched.length ? `${asserted.mismatched.join(', ')} ${asserted.mismatched.length === 1 ? 'differs' : 'differ'} from what the claim hashed` : '',
        asserted.missing.length ? `${asserted.missing.join(', ')} ${asserted.missing.length === 1 ? 'is' : 'are'} referenced by the claim but absent` : '',
      ].filter(Boolean).join('; ');
      flags.push({
        code: 'C2PA_ASSERTION_MISMATCH',
        severity: 'notice',
        message: `The Content Credentials' assertions do not match the claim that references them (${capText(what, 300)}): an assertion — the actions, the source type, the picture's hash — was changed or removed after the claim was signed, so what it says is not what was signed. Confirm with a C2PA tool: MediaGuard's reading of a manifest may differ from its writer's.`,
      });
    }
    if (hash.state === 'mismatch') {
      flags.push({
        code: 'C2PA_HASH_MISMATCH',
        severity: 'notice',
        message: `The Content Credentials' hash of the file (${hash.alg}) does not match its bytes outside the manifest: the file was changed after the credentials were made (${noun === 'video' ? 'a re-encode, a trim, a re-mux or even a metadata edit does this' : 'a pixel edit, or even a metadata edit, does this'}), or MediaGuard reads this manifest differently from its writer. Confirm with a C2PA tool.`,
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
      const text = capText(named.text.replace(/\s+/g, ' ').trim(), 120);
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
  const text = `the file's metadata declares it made by an AI image generator (${capText(what, 160)})`;
  const warning: AnalysisWarning = {
    code: 'DECLARED_GENERATED',
    message: `The file's metadata declares it AI-generated: ${capText(what, 160)}. Metadata can be added or stripped by anyone; see the metadata flags for where it was found.`,
  };
  if (v.band === 'authentic') {
    return { verdict: { ...v, band: 'inconclusive', explanation: `${v.explanation} But ${text}. So the file is not called authentic: inconclusive.` }, warning };
  }
  return { verdict: { ...v, explanation: `${v.explanation} Besides, ${text}.` }, warning };
}
