import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../../src-shared/domain/detection';
import type { MetadataReport } from '../../../src-shared/domain/media';
import { describeGeneratorMarks, digitalSourceType, generatorRecords, parseComfyPrompt, parseWebUiParameters, withDeclaredGenerator } from '../../../src-main/core/media/generator-marks';
import { decodeUserComment, readJpegComments, readPngTexts } from '../../../src-main/core/media/picture-texts';
import { findC2pa } from '../../../src-main/core/media/c2pa-manifest';
import { readTrustAnchors } from '../../../src-main/core/media/c2pa-trust';
import { readMetadata } from '../../../src-main/core/media/metadata';
import { probe } from '../../../src-main/core/media';
import {
  c2paStore,
  c2paStoreV1,
  iTXt,
  pngChunk,
  tEXt,
  TEST_CAMERA_CERT,
  TEST_CAMERA_KEY,
  TEST_ROOT_CERT,
  TEST_SIGNER_CERT,
  TEST_SIGNER_KEY,
  bmffAssertion,
  type BmffAssertion,
  c2paUuidBox,
  withBmffStore,
  withHashedStore,
  withJpegJumbf,
  withPngChunks,
  zTXt,
} from '../../helpers/provenance-files';
import { checkC2paChain } from '../../../src-main/core/media/c2pa-verify';
import { decodeCbor } from '../../../src-main/core/media/c2pa-verify';
import { fixture, testTools } from './helpers';
import { box, xmpUuidBox } from '../../helpers/mp4-boxes';
import { seededBytes } from '../../helpers/hostile-corpus';

const A1111 = [
  'a photo of an astronaut riding a horse, <lora:film:0.6>,',
  'highly detailed',
  'Negative prompt: blurry, lowres',
  'Steps: 30, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141592653, Size: 832x1216, Model hash: 31e35c80fc, Model: sd_xl_base_1.0, Lora hashes: "film: 4f2a1b, grain: 77aa00", Version: v1.10.1',
].join('\n');

const COMFY = JSON.stringify({
  '3': { class_type: 'KSampler', inputs: { seed: 156680208700286, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] } },
  '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'v1-5-pruned-emaonly.safetensors' } },
  '5': { class_type: 'EmptyLatentImage', inputs: { width: 512, height: 512, batch_size: 1 } },
  '6': { class_type: 'CLIPTextEncode', inputs: { text: 'beautiful scenery nature glass bottle landscape', clip: ['4', 1] } },
  '7': { class_type: 'CLIPTextEncode', inputs: { text: 'text, watermark', clip: ['4', 1] } },
  '9': { class_type: 'SaveImage', inputs: { filename_prefix: 'ComfyUI', images: ['8', 0] } },
});

const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
const xmpWithSourceType = (code: string) =>
  `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="${IPTC}${code}"/></rdf:RDF></x:xmpmeta>`;

let dir: string;
let png: Buffer;
let jpeg: Buffer;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-gen-marks-'));
  png = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#4d4d4d' } }).png().toBuffer();
  jpeg = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#4d4d4d' } }).jpeg().toBuffer();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function metadataOf(bytes: Buffer, name: string): Promise<MetadataReport> {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return readMetadata(p, await probe(p, await testTools()));
}
const codes = (m: MetadataReport) => m.flags.map((f) => f.code);

describe('PNG text chunks', () => {
  it('reads tEXt, zTXt and iTXt (plain and compressed); skips damaged ones and counts them; stops at IEND', () => {
    const bytes = withPngChunks(
      png,
      tEXt('Software', 'GIMP 2.10'),
      zTXt('Comment', 'squeezed text'),
      iTXt('Title', 'Zürich ✓'),
      iTXt('Description', 'long '.repeat(1000), true),
      pngChunk('zTXt', Buffer.from('Bad\0\0not zlib', 'latin1')),
      pngChunk('tEXt', Buffer.from('no keyword end', 'latin1')),
    );
    const { texts, unreadable } = readPngTexts(bytes);
    expect(texts.map((t) => [t.keyword, t.chunk])).toEqual([
      ['Software', 'tEXt'],
      ['Comment', 'zTXt'],
      ['Title', 'iTXt'],
      ['Description', 'iTXt'],
    ]);
    expect(texts[1]!.text).toBe('squeezed text');
    expect(texts[2]!.text).toBe('Zürich ✓');
    expect(texts[3]!.text).toHaveLength(5000);
    expect(unreadable).toBe(2);
    expect(readPngTexts(Buffer.concat([png, tEXt('After', 'the end')])).texts).toEqual([]);
    expect(readPngTexts(jpeg)).toEqual({ texts: [], unreadable: 0 });
    // A chunk whose length runs past the bytes ends the walk without an error.
    const cut = withPngChunks(png, tEXt('Software', 'x')).subarray(0, 40);
    expect(readPngTexts(cut).texts).toEqual([]);
  });

  it('a compressed text that inflates past its bound is unreadable, not a memory bomb', () => {
    const bomb = withPngChunks(png, pngChunk('zTXt', Buffer.concat([Buffer.from('parameters\0\0', 'latin1'), zlib.deflateSync(Buffer.alloc(3 * 1024 * 1024, 0x41))])));
    expect(readPngTexts(bomb)).toEqual({ texts: [], unreadable: 1 });
  });
});

describe('generator records', () => {
  it("parses the Stable Diffusion web UIs' parameters: prompt over several lines, negative prompt, quoted values", () => {
    const r = parseWebUiParameters(A1111, "PNG text 'parameters'")!;
    expect(r).toEqual({
      tool: 'a Stable Diffusion web UI (AUTOMATIC1111 or compatible)',
      where: "PNG text 'parameters'",
      prompt: 'a photo of an astronaut riding a horse, <lora:film:0.6>,\nhighly detailed',
      negativePrompt: 'blurry, lowres',
      model: 'sd_xl_base_1.0, hash 31e35c80fc',
      seed: '3141592653',
      steps: '30',
      sampler: 'DPM++ 2M, Karras',
      guidance: '6.5',
      size: '832x1216',
      version: 'v1.10.1',
    });
    expect(parseWebUiParameters(A1111.replace('v1.10.1', 'f2.0.1v1.10.1-previous-3-g1fa2a2b'), 'x')!.tool).toBe('Stable Diffusion WebUI Forge');
    expect(parseWebUiParameters('Steps: 12, Seed: 7', 'x')).toMatchObject({ steps: '12', seed: '7' });
    expect(parseWebUiParameters('just a caption', 'x')).toBeNull();
    expect(parseWebUiParameters('', 'x')).toBeNull();
  });

  it("parses ComfyUI's node graph: the sampler's linked prompts, the checkpoint, seed and steps; not other JSON", () => {
    expect(parseComfyPrompt(COMFY, 'p')).toEqual({
      tool: 'ComfyUI',
      where: 'p',
      prompt: 'beautiful scenery nature glass bottle landscape',
      negativePrompt: 'text, watermark',
      model: 'v1-5-pruned-emaonly.safetensors',
      seed: '156680208700286',
      steps: '20',
      sampler: 'euler, normal',
      guidance: '8',
    });
    expect(parseComfyPrompt('{"a": 1}', 'p')).toBeNull();
    expect(parseComfyPrompt('{not json', 'p')).toBeNull();
    expect(parseComfyPrompt('[1,2]', 'p')).toBeNull();
    // Links to nodes that are not there, and inputs of the wrong types: no prompt, no throw.
    expect(parseComfyPrompt(JSON.stringify({ '1': { class_type: 'KSampler', inputs: { seed: 'x', positive: ['99', 0], negative: 5 } } }), 'p')).toEqual({ tool: 'ComfyUI', where: 'p', seed: 'x' });
  });

  it('NovelAI, InvokeAI, Fooocus, Midjourney and a web UI in the EXIF UserComment', () => {
    const t = (keyword: string, text: string) => ({ keyword, text, chunk: 'tEXt' });
    expect(
      generatorRecords([
        t('Title', 'AI generated image'),
        t('Description', '1girl, masterpiece'),
        t('Software', 'NovelAI'),
        t('Source', 'NovelAI Diffusion V4.5 4BDE2A90'),
        t('Comment', JSON.stringify({ prompt: '1girl, masterpiece', steps: 28, height: 1216, width: 832, scale: 5, seed: 2718281828, sampler: 'k_euler_ancestral', uc: 'lowres' })),
      ]),
    ).toEqual([
      { tool: 'NovelAI', where: "PNG text 'Software'", prompt: '1girl, masterpiece', negativePrompt: 'lowres', model: 'NovelAI Diffusion V4.5 4BDE2A90', seed: '2718281828', steps: '28', sampler: 'k_euler_ancestral', guidance: '5', size: '832x1216' },
    ]);
    expect(generatorRecords([t('invokeai_metadata', JSON.stringify({ positive_prompt: 'a red fox', negative_prompt: '', model: { name: 'juggernautXL', base: 'sdxl' }, seed: 42, steps: 30, cfg_scale: 7, scheduler: 'dpmpp_2m', width: 1024, height: 1024 }))])).toEqual([
      { tool: 'InvokeAI', where: "PNG text 'invokeai_metadata'", prompt: 'a red fox', model: 'juggernautXL', seed: '42', steps: '30', sampler: 'dpmpp_2m', guidance: '7', size: '1024x1024' },
    ]);
    expect(generatorRecords([t('parameters', JSON.stringify({ Prompt: 'a lighthouse', 'Base Model': 'juggernautXL_v8Rundiffusion.safetensors', Seed: '12345', Sampler: 'dpmpp_2m_sde_gpu', 'Guidance Scale': 4, Resolution: '(1152, 896)', Version: 'Fooocus v2.5.5' })), t('fooocus_scheme', 'fooocus')])).toEqual([
      { tool: 'Fooocus', where: "PNG text 'parameters'", prompt: 'a lighthouse', model: 'juggernautXL_v8Rundiffusion.safetensors', seed: '12345', sampler: 'dpmpp_2m_sde_gpu', guidance: '4', size: '(1152, 896)', version: 'Fooocus v2.5.5' },
    ]);
    expect(generatorRecords([t('Description', 'a cozy cabin in the snow --ar 3:2 --v 6.1 Job ID: 5b1c3f5e-93a4-4a9e-8d6e-2f0f3c1a7b11'), t('Author', 'someone')])).toEqual([
      { tool: 'Midjourney', where: "PNG text 'Description'", prompt: 'a cozy cabin in the snow --ar 3:2 --v 6.1', version: '6.1' },
    ]);
    expect(generatorRecords([], A1111)).toEqual([expect.objectContaining({ where: 'EXIF UserComment', seed: '3141592653' })]);
    expect(generatorRecords([t('Software', 'Adobe ImageReady'), t('Comment', 'Created with GIMP')])).toEqual([]);
    expect(generatorRecords([t('parameters', '{"dpi": 300, "profile": "sRGB"}')])).toEqual([]);
    expect(generatorRecords([t('parameters', '{"prompt": "a boat", "seed": 9}')])).toEqual([{ tool: 'an image generator (JSON settings)', where: "PNG text 'parameters'", prompt: 'a boat', seed: '9' }]);
  });

  it('decodes the EXIF UserComment: ASCII, UNICODE in either byte order, undefined; raw exifr objects', () => {
    const with8 = (code: string, body: Buffer) => Buffer.concat([Buffer.from(code.padEnd(8, '\0'), 'latin1'), body]);
    expect(decodeUserComment(with8('ASCII', Buffer.from('Steps: 5\0\0', 'latin1')))).toBe('Steps: 5');
    expect(decodeUserComment(with8('UNICODE', Buffer.from('Steps: 5', 'utf16le').swap16()))).toBe('Steps: 5');
    expect(decodeUserComment(with8('UNICODE', Buffer.from('Steps: 5', 'utf16le')))).toBe('Steps: 5');
    expect(decodeUserComment(with8('', Buffer.from('plain', 'utf8')))).toBe('plain');
    expect(decodeUserComment({ ...[...with8('ASCII', Buffer.from('hi'))] })).toBe('hi');
    expect(decodeUserComment(Buffer.from('short'))).toBeNull();
    expect(decodeUserComment({ a: 'x' })).toBeNull();
    expect(decodeUserComment(undefined)).toBeNull();
  });

  it('IPTC digital source types: the generative ones say so; unknown codes are quoted', () => {
    expect(digitalSourceType(`${IPTC}trainedAlgorithmicMedia`)).toEqual({ code: 'trainedAlgorithmicMedia', text: 'created by a generative AI model (trained algorithmic media)', generated: true });
    expect(digitalSourceType(`${IPTC}compositeWithTrainedAlgorithmicMedia`).generated).toBe(true);
    expect(digitalSourceType(`${IPTC}digitalCapture`)).toMatchObject({ generated: false, text: 'a digital capture from a real-life scene' });
    expect(digitalSourceType('somethingNew')).toEqual({ code: 'somethingNew', text: '"somethingNew"', generated: false });
  });
});

/** Signed as a camera whose certificate a (test) root CA issued. */
const CAMERA = { chain: [TEST_CAMERA_CERT, TEST_ROOT_CERT], key: TEST_CAMERA_KEY };
const ROOT_LINK = 'certificate chain leads to MediaGuard Test Root CA (MediaGuard Tests), trust not checked';
/** A pattern for text that ends with `t`. */
const endsWith = (t: string) => new RegExp(`${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

describe('C2PA manifest stores', () => {
  it('in a PNG caBX chunk: the claim generator, the actions and their digital source type; what was not checked, and why', () => {
    const store = c2paStore('ChatGPT', [{ action: 'c2pa.created', softwareAgent: 'GPT-4o', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }, { action: 'c2pa.converted' }]);
    const c = findC2pa(withPngChunks(png, pngChunk('caBX', store)), 'png')!;
    expect(c).toEqual({ bytes: store.length, where: "PNG 'caBX' chunk", claimGenerators: ['ChatGPT'], actions: ['c2pa.created', 'c2pa.converted'], digitalSourceTypes: [`${IPTC}trainedAlgorithmicMedia`], signer: null, signature: { state: 'unchecked', alg: null, reason: 'the active manifest has no signature' },
      chain: { state: 'unchecked', length: 0, anchor: null, problems: [], reason: 'the active manifest has no signature', trust: { state: 'no-list', anchor: null, list: null, listProblems: [] } },
      assertions: { state: 'match', matched: ['c2pa.actions.v2'], mismatched: [], missing: [], skipped: [], unreferenced: [], reason: null },
      dataHash: { state: 'unchecked', alg: null, reason: 'the active manifest has no data-hash assertion (c2pa.hash.data)' },
    });
    const d = describeGeneratorMarks({ texts: [], c2pa: c });
    expect(d.flags.map((f) => [f.code, f.severity])).toEqual([
      ['AI_SOURCE_DECLARED', 'warning'],
      ['C2PA_MANIFEST', 'info'],
    ]);
    expect(d.flags[0]!.message).toMatch(/^The C2PA manifest declares the picture created by a generative AI model/);
    expect(d.flags[1]!.message).toBe(
      'The file carries C2PA Content Credentials (PNG \'caBX\' chunk; claim generator ChatGPT; actions c2pa.created, c2pa.converted). The claim\'s hashes of its 1 assertion match them. MediaGuard does not check whom the certificate belongs to (chain, trust list, revocation) and did not check its signature (the active manifest has no signature) or its hash of the picture (the active manifest has no data-hash assertion (c2pa.hash.data)): verify the file with a C2PA tool (c2patool, contentcredentials.org) before relying on it.',
    );
    expect(d.group).toMatchObject({ c2paClaimGenerator: 'ChatGPT', c2paActions: 'c2pa.created, c2pa.converted', c2paDigitalSourceType: 'trainedAlgorithmicMedia' });
    expect(d.highlights).toEqual([
      { label: 'Digital source type', value: 'trainedAlgorithmicMedia — created by a generative AI model (trained algorithmic media)' },
      { label: 'Content Credentials', value: 'C2PA manifest by ChatGPT (signature not checked; assertions match; picture hash not checked; certificate not checked)' },
    ]);
  });

  it("the signer's certificate from the COSE x5chain, and the claim signature checked against it", () => {
    const actions = [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }];
    const signed = c2paStore('Adobe Firefly', actions, { chain: [TEST_SIGNER_CERT, TEST_SIGNER_CERT], key: TEST_SIGNER_KEY });
    const c = findC2pa(withJpegJumbf(jpeg, signed, 300), 'jpeg')!;
    expect(c.signer).toEqual({ subject: 'MediaGuard Test Signer (MediaGuard Tests)', issuer: 'MediaGuard Test Signer (MediaGuard Tests)', validFrom: 'Dec  3 07:43:38 2026 GMT', validTo: 'Nov  9 07:43:38 2126 GMT' });
    expect(c.signature).toEqual({ state: 'valid', alg: 'ES256', reason: null });
    const d = describeGeneratorMarks({ texts: [], c2pa: c });
    expect(d.group.c2paSigner).toBe('MediaGuard Test Signer (MediaGuard Tests); issued by MediaGuard Test Signer (MediaGuard Tests); valid Dec  3 07:43:38 2026 GMT to Nov  9 07:43:38 2126 GMT (not verified)');
    expect(d.group.c2paSignature).toMatch(/^ES256: matches the claim under the certificate it carries/);
    expect(d.highlights.find((h) => h.label === 'Content Credentials')!.value).toBe(
      'C2PA manifest by Adobe Firefly, signed as MediaGuard Test Signer (MediaGuard Tests) (signature matches; assertions match; picture hash not checked; self-signed certificate)',
    );
    expect(d.flags.find((f) => f.code === 'C2PA_MANIFEST')!.message).toMatch(/a certificate for MediaGuard Test Signer \(MediaGuard Tests\), issued by .*\)\. Its claim signature \(ES256\) matches the claim under the certificate it carries; and the claim's hashes of its 1 assertion match them\. MediaGuard checks how the certificate chain links, not whom/);
    expect(d.flags.map((f) => f.code)).not.toContain('C2PA_SIGNATURE_MISMATCH');
    // The chain in the unprotected header (C2PA 1.x writers): read there.
    expect(findC2pa(withPngChunks(png, pngChunk('caBX', c2paStore('x', actions, { chain: [TEST_SIGNER_CERT], key: TEST_SIGNER_KEY, chainUnprotected: true }))), 'png')!.signature.state).toBe('valid');
    // The claim changed after signing, or a signature that is not one: a mismatch, said with care.
    for (const store of [c2paStore('x', actions, { chain: [TEST_SIGNER_CERT], key: TEST_SIGNER_KEY }, true), c2paStore('x', actions, [TEST_SIGNER_CERT])]) {
      const bad = findC2pa(withPngChunks(png, pngChunk('caBX', store)), 'png')!;
      expect(bad.signature).toEqual({ state: 'invalid', alg: 'ES256', reason: 'the signature does not match the claim under the certificate it carries' });
      const m = describeGeneratorMarks({ texts: [], c2pa: bad });
      expect(m.flags.find((f) => f.code === 'C2PA_SIGNATURE_MISMATCH')).toMatchObject({ severity: 'notice', message: expect.stringMatching(/^The Content Credentials' claim signature \(ES256\) does not match the claim/) });
      expect(m.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(/\(signature does not match; assertions match; picture hash not checked; self-signed certificate\)$/);
    }
    // An algorithm MediaGuard does not check; a damaged certificate: unchecked, no throw.
    expect(findC2pa(withPngChunks(png, pngChunk('caBX', c2paStore('x', actions, { chain: [TEST_SIGNER_CERT], alg: -47 }))), 'png')!.signature).toEqual({ state: 'unchecked', alg: null, reason: 'its algorithm (-47) is not one MediaGuard checks' });
    const broken = Buffer.from(TEST_SIGNER_CERT);
    broken.fill(0x41, 40, 80);
    const b = findC2pa(withPngChunks(png, pngChunk('caBX', c2paStore('x', [], [broken]))), 'png')!;
    expect(b.signer).toBeNull();
    expect(b.signature).toEqual({ state: 'unchecked', alg: 'ES256', reason: 'its certificate cannot be read' });
  });

  it("the data hash: the file's bytes outside the manifest against the assertion; an edit after signing is a mismatch", () => {
    const actions = [{ action: 'c2pa.created', digitalSourceType: `${IPTC}digitalCapture` }];
    const sign = CAMERA;
    const jpg = withHashedStore(jpeg, 2, (store) => withJpegJumbf(jpeg, store, 200), (h) => c2paStore('Google Pixel Camera', actions, sign, false, h));
    const c = findC2pa(jpg, 'jpeg')!;
    expect(c.signature.state).toBe('valid');
    expect(c.dataHash).toEqual({ state: 'match', alg: 'sha256', reason: null, hashedBytes: jpeg.length });
    const d = describeGeneratorMarks({ texts: [], c2pa: c });
    expect(d.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(endsWith(`(signature matches; assertions match; picture hash matches; ${ROOT_LINK})`));
    expect(d.flags.find((f) => f.code === 'C2PA_MANIFEST')!.message).toMatch(/Its claim signature \(ES256\) matches the claim under the certificate it carries; the claim's hashes of its 2 assertions match them; and its hash of the file \(sha256\) matches the file's bytes outside the manifest\. MediaGuard checks how the certificate chain links, not whom it belongs to \(trust list, revocation\): verify/);
    expect(d.flags.map((f) => f.code)).toEqual(['C2PA_MANIFEST']);
    // One byte of the picture changed after the credentials were made.
    const edited = Buffer.from(jpg);
    edited[edited.length - 10] = edited[edited.length - 10]! ^ 0x01;
    const e = findC2pa(edited, 'jpeg')!;
    expect(e.dataHash).toMatchObject({ state: 'mismatch', alg: 'sha256' });
    expect(describeGeneratorMarks({ texts: [], c2pa: e }).flags.find((f) => f.code === 'C2PA_HASH_MISMATCH')).toMatchObject({ severity: 'notice', message: expect.stringMatching(/^The Content Credentials' hash of the file \(sha256\) does not match its bytes outside the manifest/) });
    // A PNG caBX chunk, SHA-512.
    const p = withHashedStore(png, 33, (store) => withPngChunks(png, pngChunk('caBX', store)), (h) => c2paStore('x', actions, sign, false, h), 'sha512');
    expect(findC2pa(p, 'png')!.dataHash).toMatchObject({ state: 'match', alg: 'sha512' });
    // Exclusions that do not fit the file, an algorithm not checked, the whole file not at hand.
    const off = withJpegJumbf(jpeg, c2paStore('x', actions, sign, false, { start: 2, length: 10 ** 9, hash: Buffer.alloc(32) }));
    expect(findC2pa(off, 'jpeg')!.dataHash).toEqual({ state: 'unchecked', alg: 'sha256', reason: 'its exclusion ranges do not fit the file' });
    const md5 = withJpegJumbf(jpeg, c2paStore('x', actions, sign, false, { start: 2, length: 4, hash: Buffer.alloc(16), alg: 'md5' }));
    expect(findC2pa(md5, 'jpeg')!.dataHash).toEqual({ state: 'unchecked', alg: 'md5', reason: 'its hash algorithm (md5) is not one MediaGuard checks' });
    expect(findC2pa(jpg, 'jpeg', 'the file is larger than the bytes read')!.dataHash).toEqual({ state: 'unchecked', alg: null, reason: 'the file is larger than the bytes read' });
  });

  it("the claim's hashes of its assertions: an assertion changed, removed or added after signing is seen, and says so", () => {
    const actions = [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }];
    const sign = CAMERA;
    const read = (store: Buffer) => findC2pa(withPngChunks(png, pngChunk('caBX', store)), 'png')!;
    // As signed, with relative and with absolute URIs, and with the data-hash assertion beside the actions.
    expect(read(c2paStore('x', actions, sign)).assertions).toMatchObject({ state: 'match', matched: ['c2pa.actions.v2'] });
    expect(read(c2paStore('x', actions, sign, false, undefined, 'absolute-uris')).assertions).toMatchObject({ state: 'match', matched: ['c2pa.actions.v2'] });
    const jpg = withHashedStore(jpeg, 2, (store) => withJpegJumbf(jpeg, store, 200), (h) => c2paStore('x', actions, sign, false, h));
    const whole = findC2pa(jpg, 'jpeg')!;
    expect(whole.assertions).toMatchObject({ state: 'match', matched: ['c2pa.actions.v2', 'c2pa.hash.data'], mismatched: [], unreferenced: [] });
    const ok = describeGeneratorMarks({ texts: [], c2pa: whole });
    expect(ok.group.c2paAssertions).toBe("the claim's hashes of its 2 assertions match them");
    expect(ok.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(endsWith(`(signature matches; assertions match; picture hash matches; ${ROOT_LINK})`));
    expect(ok.flags.find((f) => f.code === 'C2PA_MANIFEST')!.message).toMatch(/matches the claim under the certificate it carries; the claim's hashes of its 2 assertions match them; and its hash of the file/);

    // The actions rewritten to say "digital capture" after signing: the signature still matches (it covers the
    // claim), but the claim's hash of the actions does not.
    const forged = read(c2paStore('x', actions, sign, false, undefined, 'rewrite-actions'));
    expect(forged.signature.state).toBe('valid');
    expect(forged.assertions).toMatchObject({ state: 'mismatch', mismatched: ['c2pa.actions.v2'], missing: [] });
    const f = describeGeneratorMarks({ texts: [], c2pa: forged });
    expect(f.group.c2paAssertions).toBe('do NOT match the claim: changed after signing: c2pa.actions.v2');
    expect(f.flags.find((x) => x.code === 'C2PA_ASSERTION_MISMATCH')).toMatchObject({ severity: 'notice', message: expect.stringMatching(/^The Content Credentials' assertions do not match the claim that references them \(c2pa\.actions\.v2 differs from what the claim hashed\)/) });
    expect(f.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(/\(signature matches; assertions do not match; picture hash not checked; certificate chain leads to MediaGuard Test Root CA/);
    // Removed: referenced but absent.
    expect(read(c2paStore('x', actions, sign, false, undefined, 'drop-actions')).assertions).toMatchObject({ state: 'mismatch', missing: ['c2pa.actions.v2'], matched: [] });
    // An assertion added beside the signed ones: the signed ones still match; the added one is named as not covered.
    const added = read(c2paStore('x', actions, sign, false, undefined, 'add-unreferenced'));
    expect(added.assertions).toMatchObject({ state: 'match', matched: ['c2pa.actions.v2'], unreferenced: ['c2pa.actions.v2__1'] });
    expect(describeGeneratorMarks({ texts: [], c2pa: added }).group.c2paUnreferencedAssertions).toBe('c2pa.actions.v2__1 (not covered by the claim or its signature: disregarded by C2PA validators)');
    // References without hashes, and a claim with no references (C2PA 1.x as the helper writes it): not checked, and why.
    expect(read(c2paStore('x', actions, sign, false, undefined, 'no-hashes')).assertions).toMatchObject({ state: 'unchecked', skipped: ['c2pa.actions.v2'], reason: 'none of its references carries a hash MediaGuard checks' });
    const v1 = read(c2paStoreV1('Leica M11-P'));
    expect(v1.assertions).toMatchObject({ state: 'unchecked', reason: 'the claim references no assertions' });
    expect(describeGeneratorMarks({ texts: [], c2pa: v1 }).group.c2paAssertions).toBe('not checked: the claim references no assertions');
  });

  it("the signature's certificate chain, link by link: a CA-issued signer, a self-signed one, a broken chain, a CA signing, expiry", () => {
    const actions = [{ action: 'c2pa.created', digitalSourceType: `${IPTC}digitalCapture` }];
    const store = (sign: { chain: Buffer[]; key?: crypto.KeyObject }) => withPngChunks(png, pngChunk('caBX', c2paStore('Camera', actions, sign)));
    const chainOf = (sign: { chain: Buffer[]; key?: crypto.KeyObject }) => findC2pa(store(sign), 'png')!;
    const linked = chainOf(CAMERA);
    expect(linked.signer).toMatchObject({ subject: 'MediaGuard Test Camera (MediaGuard Tests)', issuer: 'MediaGuard Test Root CA (MediaGuard Tests)' });
    expect(linked.chain).toEqual({ state: 'linked', length: 2, anchor: 'MediaGuard Test Root CA (MediaGuard Tests)', problems: [], reason: null, trust: { state: 'no-list', anchor: null, list: null, listProblems: [] } });
    const ok = describeGeneratorMarks({ texts: [], c2pa: linked });
    expect(ok.group.c2paCertificateChain).toBe('2 certificates, each signed by the next, leading to MediaGuard Test Root CA (MediaGuard Tests)');
    expect(ok.group.c2paTrust).toBe('not checked: no trust list is configured (Settings → Content Credentials), so whom the certificate belongs to is not known');
    expect(ok.flags.map((f) => f.code)).toEqual(['C2PA_MANIFEST']);
    // The root left out of the chain (as C2PA asks of signers): still linked, to the issuer it names.
    expect(chainOf({ chain: [TEST_CAMERA_CERT], key: TEST_CAMERA_KEY }).chain).toMatchObject({ state: 'linked', length: 1, anchor: 'MediaGuard Test Root CA (MediaGuard Tests)' });

    // Self-signed: what a forger re-signing a manifest, or a test tool, makes. The signature matches; the notice says what that is worth.
    const forged = chainOf({ chain: [TEST_SIGNER_CERT], key: TEST_SIGNER_KEY });
    expect(forged.signature.state).toBe('valid');
    // (openssl's self-signed certificates are CA certificates by default, which is a problem of its own.)
    expect(forged.chain).toMatchObject({ state: 'self-signed', length: 1, problems: ["the signer's certificate is a CA certificate, which C2PA does not allow to sign claims"] });
    const f = describeGeneratorMarks({ texts: [], c2pa: forged });
    expect(f.flags.find((x) => x.code === 'C2PA_CERTIFICATE_PROBLEM')).toMatchObject({ severity: 'notice', message: expect.stringMatching(/^The Content Credentials are signed with a self-signed certificate \(MediaGuard Test Signer \(MediaGuard Tests\)\): anyone can make one/) });
    expect(f.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(/; self-signed certificate\)$/);

    // A chain whose second certificate did not issue the first.
    const broken = chainOf({ chain: [TEST_CAMERA_CERT, TEST_SIGNER_CERT], key: TEST_CAMERA_KEY });
    expect(broken.chain.state).toBe('broken');
    expect(broken.chain.problems).toEqual(['certificate 1 (MediaGuard Test Camera (MediaGuard Tests)) is not signed by certificate 2 (MediaGuard Test Signer (MediaGuard Tests)) after it']);
    const b = describeGeneratorMarks({ texts: [], c2pa: broken });
    expect(b.flags.find((x) => x.code === 'C2PA_CERTIFICATE_PROBLEM')!.message).toMatch(/^The certificate chain of the Content Credentials' signature does not link/);
    expect(b.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(/; certificate chain broken\)$/);

    // The root CA's own certificate as the signer's (C2PA forbids a CA certificate signing claims).
    const ca = chainOf({ chain: [TEST_ROOT_CERT] });
    expect(ca.chain).toMatchObject({ state: 'self-signed', problems: ["the signer's certificate is a CA certificate, which C2PA does not allow to sign claims"] });

    // Outside the validity period at the time checked (no trusted timestamp is read).
    const late = checkC2paChain(c2paStore('Camera', actions, CAMERA), new Date('2200-01-01T00:00:00Z'));
    expect(late.state).toBe('linked');
    expect(late.problems).toHaveLength(2);
    expect(late.problems[0]).toMatch(/^certificate 1 \(MediaGuard Test Camera \(MediaGuard Tests\)\) is outside its validity period \(.* to Nov  9 10:20:17 2126 GMT\) now; no trusted timestamp/);
    const lateFlag = describeGeneratorMarks({ texts: [], c2pa: { ...linked, chain: late } }).flags.find((x) => x.code === 'C2PA_CERTIFICATE_PROBLEM')!;
    expect(lateFlag.message).toMatch(/^The certificate of the Content Credentials' signature has a problem\. \(certificate 1 /);

    // No signature, a damaged certificate: not checked, and why.
    expect(chainOf({ chain: [] }).chain).toEqual({ state: 'unchecked', length: 0, anchor: null, problems: [], reason: 'the signature carries no certificate (x5chain)', trust: { state: 'no-list', anchor: null, list: null, listProblems: [] } });
    const damaged = Buffer.from(TEST_CAMERA_CERT);
    damaged.fill(0x41, 40, 80);
    expect(chainOf({ chain: [damaged, TEST_ROOT_CERT] }).chain).toMatchObject({ state: 'unchecked', reason: 'a certificate in the chain cannot be read' });
  });

  it("the administrator's trust anchors: a chain that reaches one is trusted, one that reaches none is named as not trusted", async () => {
    const actions = [{ action: 'c2pa.created', digitalSourceType: `${IPTC}digitalCapture` }];
    const pem = (der: Buffer) => `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
    const listFile = path.join(dir, 'trust.pem');
    fs.writeFileSync(listFile, `junk before\n${pem(TEST_ROOT_CERT)}-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n`);
    const anchors = await readTrustAnchors(listFile);
    expect(anchors.certificates).toHaveLength(1);
    expect(anchors.problems).toEqual(['1 block of trust.pem is not a readable certificate']);
    const find = (sign: { chain: Buffer[]; key?: crypto.KeyObject }, trust = anchors) => findC2pa(withPngChunks(png, pngChunk('caBX', c2paStore('Camera', actions, sign))), 'png', undefined, trust)!;
    // The camera's chain reaches the root on the list (with the root in the chain, and without it).
    for (const chain of [[TEST_CAMERA_CERT, TEST_ROOT_CERT], [TEST_CAMERA_CERT]]) {
      const c = find({ chain, key: TEST_CAMERA_KEY });
      expect(c.chain.trust).toEqual({ state: 'trusted', anchor: 'MediaGuard Test Root CA (MediaGuard Tests)', list: `the 1 certificate of ${listFile}`, listProblems: ['1 block of trust.pem is not a readable certificate'] });
      const d = describeGeneratorMarks({ texts: [], c2pa: c });
      expect(d.group.c2paTrust).toBe(`trusted: the chain reaches MediaGuard Test Root CA (MediaGuard Tests), one of the 1 certificate of ${listFile} (revocation is not checked)`);
      expect(d.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(/; certificate trusted \(MediaGuard Test Root CA \(MediaGuard Tests\)\)\)$/);
      expect(d.flags.map((f) => f.code)).toEqual(['C2PA_MANIFEST']);
      expect(d.flags[0]!.message).toMatch(/MediaGuard found its certificate chain reaching MediaGuard Test Root CA \(MediaGuard Tests\), on the configured trust list, but does not check revocation/);
    }
    // A self-signed signer the list does not hold: not trusted, and the notice says both.
    const forged = find({ chain: [TEST_SIGNER_CERT], key: TEST_SIGNER_KEY });
    expect(forged.chain.trust.state).toBe('untrusted');
    const f = describeGeneratorMarks({ texts: [], c2pa: forged });
    expect(f.group.c2paTrust).toBe(`NOT trusted: the chain reaches none of the 1 certificate of ${listFile}`);
    expect(f.flags.find((x) => x.code === 'C2PA_CERTIFICATE_PROBLEM')!.message).toMatch(/^The Content Credentials are signed with a self-signed certificate .* Nor does it reach any certificate on the configured trust list\./);
    expect(f.highlights.find((h) => h.label === 'Content Credentials')!.value).toMatch(/; self-signed certificate not on the trust list\)$/);
    // A folder of certificates (PEM and DER) that holds that self-signed one: trusted, and no longer flagged as self-signed.
    const folder = fs.mkdtempSync(path.join(dir, 'anchors-'));
    fs.writeFileSync(path.join(folder, 'signer.cer'), TEST_SIGNER_CERT);
    fs.writeFileSync(path.join(folder, 'root.pem'), pem(TEST_ROOT_CERT));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'ignored');
    const both = await readTrustAnchors(folder);
    expect(both.certificates).toHaveLength(2);
    const own = find({ chain: [TEST_SIGNER_CERT], key: TEST_SIGNER_KEY }, both);
    expect(own.chain.trust).toMatchObject({ state: 'trusted', anchor: 'MediaGuard Test Signer (MediaGuard Tests)' });
    expect(describeGeneratorMarks({ texts: [], c2pa: own }).flags.find((x) => x.code === 'C2PA_CERTIFICATE_PROBLEM')!.message).not.toMatch(/self-signed/);
    // A missing list: said, and no certificate counts as trusted.
    const missing = await readTrustAnchors(path.join(dir, 'no-such.pem'));
    expect(missing).toEqual({ source: path.join(dir, 'no-such.pem'), certificates: [], problems: ['the trust list cannot be read (ENOENT)'] });
    expect(find({ chain: [TEST_CAMERA_CERT, TEST_ROOT_CERT], key: TEST_CAMERA_KEY }, missing).chain.trust.state).toBe('untrusted');
    // Through the metadata report: the option reaches the checks.
    const signed = withPngChunks(png, pngChunk('caBX', c2paStore('Camera', actions, CAMERA)));
    fs.writeFileSync(path.join(dir, 'trusted.png'), signed);
    const p = path.join(dir, 'trusted.png');
    const m = await readMetadata(p, await probe(p, await testTools()), { c2paTrust: anchors });
    expect(m.groups.generator!.c2paTrust).toMatch(/^trusted: /);
  });

  it('decodes CBOR: integers, strings, arrays, maps, tags, floats, simple values; refuses what is malformed or unbounded', () => {
    const hex = (h: string) => Buffer.from(h, 'hex');
    // RFC 8949 Appendix A examples.
    expect(decodeCbor(hex('1903e8')).value).toBe(1000);
    expect(decodeCbor(hex('3903e7')).value).toBe(-1000);
    expect(decodeCbor(hex('6449455446')).value).toBe('IETF');
    expect(decodeCbor(hex('4401020304')).value).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(decodeCbor(hex('8301820203820405')).value).toEqual([1, [2, 3], [4, 5]]);
    expect(decodeCbor(hex('a201020304')).value).toEqual(new Map([[1, 2], [3, 4]]));
    expect(decodeCbor(hex('c11a514b67b0')).value).toEqual({ tag: 1, value: 1363896240 });
    expect(decodeCbor(hex('f93c00')).value).toBe(1);
    expect(decodeCbor(hex('fa47c35000')).value).toBe(100000);
    expect(decodeCbor(hex('fb3ff199999999999a')).value).toBe(1.1);
    expect([decodeCbor(hex('f4')).value, decodeCbor(hex('f5')).value, decodeCbor(hex('f6')).value]).toEqual([false, true, null]);
    expect(() => decodeCbor(hex('5f42010243030405ff'))).toThrow(/indefinite/);
    expect(() => decodeCbor(hex('6449'))).toThrow(/cut short/);
    expect(() => decodeCbor(Buffer.alloc(100, 0x81))).toThrow(/bounds|cut short/);
    expect(() => decodeCbor(hex('9bffffffffffffffff'))).toThrow();
  });

  it('in JPEG APP11 segments, one or split over several; a camera\'s capture declares no generation', () => {
    const store = c2paStoreV1('Leica M11-P c2pa-rs/0.28');
    for (const packet of [60000, 40]) {
      const c = findC2pa(withJpegJumbf(jpeg, store, packet), 'jpeg')!;
      expect(c.claimGenerators).toEqual(['Leica M11-P c2pa-rs/0.28']);
    }
    const capture = c2paStore('Sony Camera', [{ action: 'c2pa.created', digitalSourceType: `${IPTC}digitalCapture` }]);
    const d = describeGeneratorMarks({ texts: [], c2pa: findC2pa(withJpegJumbf(jpeg, capture), 'jpeg') });
    expect(d.flags.map((f) => f.code)).toEqual(['C2PA_MANIFEST']);
    expect(findC2pa(jpeg, 'jpeg')).toBeNull();
    // Elsewhere (HEIF/AVIF 'uuid' box, TIFF): a store whose JUMBF box lies whole in the bytes.
    const uuidBox = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('uuid', 'latin1'), Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex'), Buffer.from('manifest\0', 'latin1'), Buffer.alloc(8), store]);
    uuidBox.writeUInt32BE(uuidBox.length, 0);
    expect(findC2pa(Buffer.concat([Buffer.alloc(100), uuidBox]), 'heif')).toMatchObject({ where: 'a JUMBF box', claimGenerators: ['Leica M11-P c2pa-rs/0.28'] });
    // The UUID alone, outside a JUMBF description box, is not a store.
    expect(findC2pa(withPngChunks(png, tEXt('x', Buffer.from('6332706100110010800000aa00389b71', 'hex').toString('latin1'))), 'png')).toBeNull();
  });
});

describe('hostile bytes', () => {
  it('scribbled text chunks, manifest stores and JSON never throw', () => {
    const store = c2paStore('ChatGPT', [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }], { chain: [TEST_SIGNER_CERT], key: TEST_SIGNER_KEY });
    const files: [Buffer, string][] = [
      [withPngChunks(png, tEXt('parameters', A1111), iTXt('prompt', COMFY, true), zTXt('Comment', '{"steps": 3}'), pngChunk('caBX', store)), 'png'],
      [withJpegJumbf(jpeg, store, 50), 'jpeg'],
    ];
    for (const [good, format] of files) {
      for (let seed = 1; seed <= 120; seed++) {
        const b = Buffer.from(good);
        const r = seededBytes(seed, 64);
        for (let i = 0; i < 64; i += 4) b[(r[i]! * 65536 + r[i + 1]! * 256 + r[i + 2]!) % b.length] = r[i + 3]!;
        const png = format === 'png' ? readPngTexts(b) : { texts: [], unreadable: 0 };
        expect(() => describeGeneratorMarks({ texts: png.texts, unreadableTexts: png.unreadable, c2pa: findC2pa(b, format) })).not.toThrow();
      }
    }
    const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
    expect(() => generatorRecords([{ keyword: 'prompt', text: deep, chunk: 'tEXt' }, { keyword: 'parameters', text: deep, chunk: 'tEXt' }])).not.toThrow();
  });
});

/** A JPEG with comment segments (COM, ISO/IEC 10918-1 B.2.4.5) after its SOI. */
function withComments(j: Buffer, ...comments: (string | Buffer)[]): Buffer {
  const segs = comments.map((c) => {
    const body = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    const h = Buffer.from([0xff, 0xfe, 0, 0]);
    h.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([h, body]);
  });
  return Buffer.concat([j.subarray(0, 2), ...segs, j.subarray(2)]);
}

describe('JPEG comments', () => {
  it('reads COM segments (UTF-8, else Latin-1); none after the first scan', () => {
    expect(readJpegComments(withComments(jpeg, 'Zürich', Buffer.from([0x43, 0x61, 0x66, 0xe9]), '  '))).toEqual(['Zürich', 'Café']);
    expect(readJpegComments(jpeg)).toEqual([]);
    expect(readJpegComments(Buffer.concat([jpeg.subarray(0, jpeg.length - 2), Buffer.from([0xff, 0xfe, 0, 5, 0x41, 0x42, 0x43]), jpeg.subarray(-2)]))).toEqual([]);
    expect(readJpegComments(png)).toEqual([]);
  });

  it("names the writer: PHP's GD, FFmpeg, JPEGmini, an editor; a web UI's parameters or a generator in a comment", async () => {
    const gd = await metadataOf(withComments(jpeg, 'CREATOR: gd-jpeg v1.0 (using IJG JPEG v80), quality = 82\n'), 'gd.jpg');
    expect(gd.groups.jpeg!.comment).toBe('CREATOR: gd-jpeg v1.0 (using IJG JPEG v80), quality = 82');
    expect(gd.flags.find((f) => f.code === 'REENCODED' && /GD graphics library/.test(f.message))!.message).toMatch(/^Saved by the GD graphics library \(gd-jpeg v1\.0, IJG JPEG v80, quality 82\)/);
    expect(gd.highlights).toContainEqual({ label: 'Software', value: 'GD graphics library (gd-jpeg v1.0)' });
    const grab = path.join(dir, 'grab.jpg');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', fixture('clip.mp4'), '-frames:v', '1', grab]);
    const ff = await readMetadata(grab, await probe(grab, await testTools()));
    expect(ff.groups.jpeg!.comment).toMatch(/^Lavc\d+\.\d+\.\d+$/);
    expect(ff.flags.find((f) => f.code === 'REENCODED')!.message).toMatch(/^Written by FFmpeg's JPEG encoder \(Lavc[\d.]+\): a frame taken from a video/);
    expect(codes(await metadataOf(withComments(jpeg, 'Optimized by JPEGmini 3.14.2.84235 0x411c5a09'), 'mini.jpg'))).toContain('REENCODED');
    const gimp = await metadataOf(withComments(jpeg, 'Created with GIMP'), 'gimp-com.jpg');
    expect(gimp.flags.find((f) => f.code === 'EDITING_SOFTWARE')!.message).toBe('Written by editing software: "Created with GIMP".');
    const sd = await metadataOf(withComments(jpeg, A1111), 'sd-com.jpg');
    expect(sd.groups.generator).toMatchObject({ foundIn: 'JPEG comment', seed: '3141592653' });
    const named = await metadataOf(withComments(jpeg, 'Made with Midjourney'), 'mj-com.jpg');
    expect(named.flags.find((f) => f.code === 'AI_GENERATOR_NAMED')!.message).toMatch(/"Made with Midjourney" \(the JPEG comment\)/);
    expect(codes(await metadataOf(withComments(jpeg, 'A holiday snapshot'), 'plain-com.jpg'))).not.toEqual(expect.arrayContaining(['REENCODED']));
  });
});

describe('through the metadata report and the verdict', () => {
  it("a web UI's PNG: generator group, highlight, AI_GENERATOR_SETTINGS; the PNG text listed; a plain PNG gets none", async () => {
    const m = await metadataOf(withPngChunks(png, tEXt('parameters', A1111)), 'sd.png');
    expect(m.groups.generator).toMatchObject({ tool: 'a Stable Diffusion web UI (AUTOMATIC1111 or compatible)', seed: '3141592653', model: 'sd_xl_base_1.0, hash 31e35c80fc' });
    expect(m.groups.pngText!.parameters).toMatch(/^a photo of an astronaut/);
    expect(m.highlights[0]).toEqual({ label: 'Generated by', value: 'a Stable Diffusion web UI (AUTOMATIC1111 or compatible) — model sd_xl_base_1.0, hash 31e35c80fc — seed 3141592653' });
    expect(codes(m)).toContain('AI_GENERATOR_SETTINGS');
    expect(codes(m)).not.toContain('NO_METADATA');
    const plain = await metadataOf(png, 'plain.png');
    expect(plain.groups.generator).toBeUndefined();
    expect(codes(plain)).not.toContain('AI_GENERATOR_SETTINGS');
  });

  it("ComfyUI's PNG (compressed iTXt), a JPEG's UserComment, XMP's digital source type, a generator named as software", async () => {
    const comfy = await metadataOf(withPngChunks(png, iTXt('prompt', COMFY, true), iTXt('workflow', '{"nodes": []}')), 'comfy.png');
    expect(comfy.groups.generator).toMatchObject({ tool: 'ComfyUI', model: 'v1-5-pruned-emaonly.safetensors' });
    const ucJpeg = await sharp(jpeg).withExif({ IFD2: { UserComment: A1111 } } as never).jpeg().toBuffer();
    const uc = await metadataOf(ucJpeg, 'uc.jpg');
    expect(uc.groups.exif!.UserComment).toBe(A1111);
    expect(uc.groups.generator).toMatchObject({ foundIn: 'EXIF UserComment', steps: '30' });
    const x = await metadataOf(await sharp(jpeg).withXmp(xmpWithSourceType('trainedAlgorithmicMedia')).jpeg().toBuffer(), 'xmp.jpg');
    expect(codes(x)).toContain('AI_SOURCE_DECLARED');
    expect(x.groups.generator!.digitalSourceType).toMatch(/^trainedAlgorithmicMedia — /);
    const capture = await metadataOf(await sharp(jpeg).withXmp(xmpWithSourceType('digitalCapture')).jpeg().toBuffer(), 'capture.jpg');
    expect(codes(capture)).not.toContain('AI_SOURCE_DECLARED');
    expect(capture.highlights).toContainEqual({ label: 'Digital source type', value: 'digitalCapture — a digital capture from a real-life scene' });
    const named = await metadataOf(await sharp(jpeg).withExif({ IFD0: { Software: 'Adobe Firefly Image 3' } }).jpeg().toBuffer(), 'named.jpg');
    expect(named.flags.find((f) => f.code === 'AI_GENERATOR_NAMED')!.message).toMatch(/"Adobe Firefly Image 3" \(the software tag\)/);
    const c2pa = await metadataOf(withJpegJumbf(jpeg, c2paStore('Adobe Firefly', [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }])), 'cr.jpg');
    expect(codes(c2pa)).toEqual(expect.arrayContaining(['AI_SOURCE_DECLARED', 'C2PA_MANIFEST']));
  });

  it("a video's C2PA box and XMP digital source type (MP4 top-level 'uuid' boxes)", async () => {
    const mp4 = fs.readFileSync(fixture('clip.mp4'));
    const c2paBox = box('uuid', Buffer.concat([Buffer.from('d8fec3d61b0e483c92975828877ec481', 'hex'), Buffer.from('manifest\0', 'latin1'), Buffer.alloc(8), c2paStore('OpenAI Sora', [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }])]));
    const m = await metadataOf(Buffer.concat([mp4, c2paBox]), 'sora.mp4');
    expect(m.groups.generator).toMatchObject({ c2paClaimGenerator: 'OpenAI Sora', c2paDigitalSourceType: 'trainedAlgorithmicMedia' });
    expect(m.groups.generator!.c2pa).toMatch(/in a top-level 'uuid' box/);
    expect(codes(m)).toEqual(expect.arrayContaining(['AI_SOURCE_DECLARED', 'C2PA_MANIFEST']));
    expect(m.highlights[0]).toEqual({ label: 'Digital source type', value: 'trainedAlgorithmicMedia — created by a generative AI model (trained algorithmic media)' });
    const x = await metadataOf(Buffer.concat([mp4, xmpUuidBox(xmpWithSourceType('compositeWithTrainedAlgorithmicMedia'))]), 'xmp.mp4');
    expect(x.flags.find((f) => f.code === 'AI_SOURCE_DECLARED')!.message).toMatch(/declares the video a composite that includes generative-AI elements/);
    const plain = await metadataOf(mp4, 'plain.mp4');
    expect(plain.groups.generator).toBeUndefined();
  });

  it("a video's BMFF hash (c2pa.hash.bmff): the file box by box, with each box's offset from version 2; an edit or a moved box is a mismatch", async () => {
    const mp4 = fs.readFileSync(fixture('clip.mp4'));
    const actions = [{ action: 'c2pa.created', digitalSourceType: `${IPTC}trainedAlgorithmicMedia` }];
    const build = (a: BmffAssertion) => c2paStore('OpenAI Sora', actions, CAMERA, false, undefined, undefined, [a]);
    const signed = withBmffStore(mp4, build);
    const m = await metadataOf(signed, 'signed.mp4');
    const g = m.groups.generator!;
    expect(g.c2paDataHash).toMatch(/^sha256 over the \d+ bytes outside the manifest: matches the file$/);
    expect(g.c2paAssertions).toBe("the claim's hashes of its 2 assertions match them");
    expect(m.highlights.find((h) => h.label === 'Content Credentials')!.value).toContain('; video hash matches;');
    expect(codes(m)).not.toContain('C2PA_HASH_MISMATCH');

    // One byte of the media data changed after signing.
    const edited = Buffer.from(signed);
    edited[edited.length - 200] = edited[edited.length - 200]! ^ 0x01;
    const e = await metadataOf(edited, 'edited.mp4');
    expect(e.groups.generator!.c2paDataHash).toMatch(/^sha256: does NOT match the file \(the file's boxes outside the manifest differ from those the assertion recorded \(in their bytes or where they lie\)\)$/);
    expect(e.flags.find((f) => f.code === 'C2PA_HASH_MISMATCH')!.message).toMatch(/a re-encode, a trim, a re-mux or even a metadata edit does this/);
    expect(e.highlights.find((h) => h.label === 'Content Credentials')!.value).toContain('; video hash does not match;');

    // A 'free' box both versions exclude, slipped in after the C2PA box: version 1 hashes bytes only and still
    // matches; version 2 hashes where every box lies, so the boxes it moved make it a mismatch.
    const free = box('free', Buffer.alloc(32));
    const slip = (file: Buffer) => {
      const ftypEnd = file.readUInt32BE(0);
      const uuidEnd = ftypEnd + file.readUInt32BE(ftypEnd);
      return Buffer.concat([file.subarray(0, uuidEnd), free, file.subarray(uuidEnd)]);
    };
    for (const version of [1, 2]) {
      const f = withBmffStore(mp4, build, { version, exclude: ['free'] });
      expect((await metadataOf(f, `v${version}.mp4`)).groups.generator!.c2paDataHash).toMatch(/: matches the file$/);
      const moved = (await metadataOf(slip(f), `v${version}-moved.mp4`)).groups.generator!.c2paDataHash;
      expect(moved).toMatch(version === 1 ? /: matches the file$/ : /does NOT match the file/);
    }

    // What is not checked, and why: a Merkle tree (fragmented files), an exclusion inside a box, an algorithm not handled.
    const notChecked = async (assertion: BmffAssertion, name: string) =>
      (await metadataOf(Buffer.concat([mp4, c2paUuidBox(c2paStore('x', actions, CAMERA, false, undefined, undefined, [assertion]))]), name)).groups.generator!.c2paDataHash;
    expect(await notChecked(bmffAssertion(Buffer.alloc(32), { merkle: true }), 'merkle.mp4')).toBe('not checked: it hashes a fragmented file by Merkle tree, which MediaGuard does not check');
    expect(await notChecked(bmffAssertion(Buffer.alloc(32), { extra: [{ xpath: '/moov/trak/mdia' }] }), 'nested.mp4')).toBe('not checked: it excludes boxes inside other boxes (/moov/trak/mdia), which MediaGuard does not check');
    expect(await notChecked(bmffAssertion(Buffer.alloc(20), { alg: 'sha1' }), 'sha1.mp4')).toBe('not checked: its hash algorithm (sha1) is not one MediaGuard checks');
    // A video whose manifest has no BMFF hash: said so.
    expect((await metadataOf(Buffer.concat([mp4, c2paUuidBox(c2paStore('x', actions, CAMERA))]), 'nohash.mp4')).groups.generator!.c2paDataHash).toBe('not checked: the active manifest has no BMFF hash assertion (c2pa.hash.bmff)');
  });

  it('a BMFF hash exclusion of part of a box (subset) leaves the rest and the box offset in the hash', async () => {
    const mp4 = fs.readFileSync(fixture('clip.mp4'));
    // Excluding all of mdat's payload but its 8-byte header: the hash computed here by hand, box by box.
    const extra = [{ xpath: '/mdat', subset: [{ offset: 8, length: 0 }] }];
    const draft = withBmffStore(mp4, () => c2paStore('x', [], CAMERA, false, undefined, undefined, [bmffAssertion(Buffer.alloc(32), { extra })]));
    const h = crypto.createHash('sha256');
    for (let pos = 0; pos < draft.length; ) {
      const size = draft.readUInt32BE(pos);
      const type = draft.toString('latin1', pos + 4, pos + 8);
      if (type !== 'ftyp' && type !== 'uuid') {
        const o = Buffer.alloc(8);
        o.writeBigUInt64BE(BigInt(pos));
        h.update(o).update(draft.subarray(pos, pos + (type === 'mdat' ? 8 : size)));
      }
      pos += size;
    }
    const ftypEnd = draft.readUInt32BE(0);
    const final = Buffer.concat([draft.subarray(0, ftypEnd), c2paUuidBox(c2paStore('x', [], CAMERA, false, undefined, undefined, [bmffAssertion(h.digest(), { extra })])), draft.subarray(ftypEnd + draft.readUInt32BE(ftypEnd))]);
    expect(final.length).toBe(draft.length);
    expect((await metadataOf(final, 'subset.mp4')).groups.generator!.c2paDataHash).toMatch(/: matches the file$/);
    // A change inside the excluded part of mdat leaves it matching; one in its header does not.
    const mdatAt = (() => {
      for (let pos = 0; ; pos += final.readUInt32BE(pos)) if (final.toString('latin1', pos + 4, pos + 8) === 'mdat') return pos;
    })();
    const inside = Buffer.from(final);
    inside[mdatAt + 100] = inside[mdatAt + 100]! ^ 0xff;
    expect((await metadataOf(inside, 'subset-inside.mp4')).groups.generator!.c2paDataHash).toMatch(/: matches the file$/);
  });

  it("a signed phone photo's Content Credentials, checked through the metadata report", async () => {
    const sign = CAMERA;
    const jpg = withHashedStore(jpeg, 2, (store) => withJpegJumbf(jpeg, store), (h) => c2paStore('Pixel Camera', [{ action: 'c2pa.created', digitalSourceType: `${IPTC}computationalCapture` }], sign, false, h));
    const m = await metadataOf(jpg, 'pixel.jpg');
    expect(m.groups.generator).toMatchObject({ c2paSignature: expect.stringMatching(/^ES256: matches/), c2paDataHash: `sha256 over the ${jpeg.length} bytes outside the manifest: matches the file` });
    expect(codes(m)).not.toContain('AI_SOURCE_DECLARED');
    expect(m.highlights).toContainEqual({ label: 'Content Credentials', value: `C2PA manifest by Pixel Camera, signed as MediaGuard Test Camera (MediaGuard Tests) (signature matches; assertions match; picture hash matches; ${ROOT_LINK})` });
  });

  it('a file whose metadata declares a generator is never called authentic; the warning names it', () => {
    const v: Verdict = { band: 'authentic', probability: 0.05, thresholds: { authentic: 0.3, manipulated: 0.7 }, explanation: 'Low.', decidedBy: 'generated-image' };
    const md = (flags: MetadataReport['flags'], highlights: MetadataReport['highlights'] = []): MetadataReport => ({ highlights, groups: {}, flags, hasEmbeddedThumbnail: false, thumbnailDiffers: null });
    const declared = md([{ code: 'AI_GENERATOR_SETTINGS', severity: 'warning', message: 'm' }], [{ label: 'Generated by', value: 'ComfyUI — model x' }]);
    const r = withDeclaredGenerator(v, declared);
    expect(r.verdict).toMatchObject({ band: 'inconclusive', probability: 0.05 });
    expect(r.verdict.explanation).toBe("Low. But the file's metadata declares it made by an AI image generator (ComfyUI — model x). So the file is not called authentic: inconclusive.");
    expect(r.warning).toEqual({ code: 'DECLARED_GENERATED', message: expect.stringMatching(/^The file's metadata declares it AI-generated: ComfyUI — model x\./) });
    const manipulated = withDeclaredGenerator({ ...v, band: 'manipulated', probability: 0.9 }, declared);
    expect(manipulated.verdict.band).toBe('manipulated');
    expect(manipulated.verdict.explanation).toMatch(/Besides, the file's metadata declares it/);
    expect(withDeclaredGenerator(v, md([{ code: 'C2PA_MANIFEST', severity: 'info', message: 'm' }]))).toEqual({ verdict: v, warning: null });
    expect(withDeclaredGenerator(v, null)).toEqual({ verdict: v, warning: null });
  });
});
