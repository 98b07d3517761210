import { describe, expect, it } from 'vitest';
import { decodeImage, identify, probe } from '../../../src-main/core/media';
import { DEFAULT_SETTINGS } from '../../../src-shared/domain/settings';
import { fixture, rejectsWith, testTools } from './helpers';

describe('identify (by content, never by name)', () => {
  it.each([
    ['clip.mp4', 'video', 'mp4'],
    ['clip.mkv', 'video', 'matroska'],
    ['clip.webm', 'video', 'webm'],
    ['clip.avi', 'video', 'avi'],
    ['camera.jpg', 'image', 'jpeg'],
    ['plain.png', 'image', 'png'],
    ['anim.gif', 'image', 'gif'],
    ['plain.webp', 'image', 'webp'],
    ['plain.tiff', 'image', 'tiff'],
    ['plain.bmp', 'image', 'bmp'],
    ['plain.avif', 'image', 'avif'],
  ])('%s is %s/%s', async (name, kind, format) => {
    const id = await identify(fixture(name), { tools: await testTools() });
    expect(id).toMatchObject({ kind, format, extensionMismatch: false });
  });

  it('analyses a file whose extension lies as what it is, with a warning', async () => {
    const tools = await testTools();
    const id = await identify(fixture('jpeg-named.png'), { tools });
    expect(id).toMatchObject({ kind: 'image', format: 'jpeg', claimedExtension: 'png', extensionMismatch: true });
    const info = await probe(fixture('mp4-named.jpg'), tools);
    expect(info).toMatchObject({ kind: 'video', format: 'avi' });
    expect(info.warnings?.map((w) => w.code)).toContain('EXTENSION_MISMATCH');
  });

  it('refuses random bytes named .mp4, text, and empty files with a reason', async () => {
    const tools = await testTools();
    expect((await rejectsWith(identify(fixture('random.mp4'), { tools }), 'UNSUPPORTED_MEDIA')).message).toMatch(/not .*recogni[sz]e|not a recognised/);
    await rejectsWith(identify(fixture('notes.txt'), { tools }), 'UNSUPPORTED_MEDIA');
    expect((await rejectsWith(identify(fixture('empty.mp4'), { tools }), 'UNSUPPORTED_MEDIA')).message).toMatch(/empty/);
  });
});

describe('probe', () => {
  it('reads container, streams, codecs, duration, rate, resolution and tags of a video', async () => {
    const info = await probe(fixture('clip.mp4'), await testTools());
    expect(info).toMatchObject({ kind: 'video', format: 'mp4', width: 320, height: 240, rotation: 0, fps: 25, frameCount: 100, videoCodec: 'h264', audioCodec: 'aac' });
    expect(info.durationSec).toBeCloseTo(4, 1);
    expect(info.streams.map((s) => s.type)).toEqual(['video', 'audio']);
    expect(info.bitRate).toBeGreaterThan(0);
  });

  it('reports a rotated video with its displayed size', async () => {
    const info = await probe(fixture('rotated.mp4'), await testTools());
    expect(info).toMatchObject({ rotation: 90, width: 120, height: 160 });
  });

  it('reads image headers without decoding, with EXIF orientation applied to the size', async () => {
    const tools = await testTools();
    expect(await probe(fixture('rotated.jpg'), tools)).toMatchObject({ kind: 'image', format: 'jpeg', width: 100, height: 200, rotation: 90 });
    const gif = await probe(fixture('anim.gif'), tools);
    expect(gif.frameCount).toBe(3);
    expect(gif.warnings?.map((w) => w.code)).toContain('MULTI_FRAME_IMAGE');
    expect(await probe(fixture('plain.bmp'), tools)).toMatchObject({ format: 'bmp', width: 64, height: 48 });
  });

  it('refuses a PNG claiming 100000×100000 pixels before decoding it', async () => {
    const tools = await testTools();
    const e = await rejectsWith(probe(fixture('bomb.png'), tools), 'LIMIT_EXCEEDED');
    expect(e.message).toMatch(/100000×100000/);
    // And the decoder refuses it too if a caller skips probe.
    await rejectsWith(decodeImage(fixture('bomb.png'), { format: 'png', width: 100000, height: 100000 }), 'LIMIT_EXCEEDED');
    // A lower limit refuses an ordinary image the same way.
    await rejectsWith(probe(fixture('camera.jpg'), tools, { limits: { ...DEFAULT_SETTINGS.limits, maxImagePixels: 1000 } }), 'LIMIT_EXCEEDED');
  });

  it('refuses a video with no video stream', async () => {
    const e = await rejectsWith(probe(fixture('audio-only.mp4'), await testTools()), 'UNSUPPORTED_MEDIA');
    expect(e.message).toMatch(/no video stream/);
  });

  it('refuses a truncated MP4 whose index is lost, saying why', async () => {
    const e = await rejectsWith(probe(fixture('truncated.mp4'), await testTools()), 'UNSUPPORTED_MEDIA');
    expect(e.message).toMatch(/moov atom not found/);
    expect(e.message).not.toMatch(/file:/);
  });

  it('enforces the video duration limit', async () => {
    const e = await rejectsWith(probe(fixture('clip.mp4'), await testTools(), { limits: { ...DEFAULT_SETTINGS.limits, maxVideoSeconds: 2 } }), 'LIMIT_EXCEEDED');
    expect(e.message).toMatch(/2 s video limit/);
  });

  it('refuses a truncated JPEG at decode time with a clear error', async () => {
    const tools = await testTools();
    const info = await probe(fixture('truncated.jpg'), tools);
    const e = await rejectsWith(decodeImage(fixture('truncated.jpg'), info), 'UNSUPPORTED_MEDIA');
    expect(e.message).toMatch(/damaged or truncated/);
  });
});
