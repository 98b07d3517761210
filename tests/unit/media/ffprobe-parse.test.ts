import { describe, expect, it } from 'vitest';
import { mainVideoStream, mediaInfoFromFfprobe, num, parseRate, streamRotation } from '../../../src-main/core/media/ffprobe-parse';

const base = { format: 'mp4', mime: 'video/mp4', sizeBytes: 1000 };

describe('ffprobe JSON parsing', () => {
  it('parses rates and numbers defensively', () => {
    expect(parseRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseRate('0/0')).toBeNull();
    expect(parseRate('N/A')).toBeNull();
    expect(parseRate(undefined)).toBeNull();
    expect(num('N/A')).toBeNull();
    expect(num('12.5')).toBe(12.5);
    expect(num('abc')).toBeNull();
  });

  it('reads rotation from old tags and from display-matrix side data (counter-clockwise)', () => {
    expect(streamRotation({ tags: { rotate: '90' } })).toBe(90);
    expect(streamRotation({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] })).toBe(90);
    expect(streamRotation({ side_data_list: [{ rotation: 90 }] })).toBe(270);
    expect(streamRotation({ side_data_list: [{ rotation: 180 }] })).toBe(180);
    expect(streamRotation({})).toBe(0);
  });

  it('ignores cover art and reports displayed dimensions', () => {
    const j = {
      format: { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '12.5', bit_rate: '800000', tags: { encoder: 'Lavf59', major_brand: 'isom' } },
      streams: [
        { index: 0, codec_type: 'video', codec_name: 'mjpeg', width: 300, height: 300, disposition: { attached_pic: 1 } },
        { index: 1, codec_type: 'video', codec_name: 'h264', width: 1920, height: 1080, avg_frame_rate: '30/1', nb_frames: '375', side_data_list: [{ rotation: -90 }] },
        { index: 2, codec_type: 'audio', codec_name: 'aac', sample_rate: '48000', channels: 2 },
      ],
    };
    expect(mainVideoStream(j)?.index).toBe(1);
    const info = mediaInfoFromFfprobe(j, base);
    expect(info).toMatchObject({ width: 1080, height: 1920, rotation: 90, fps: 30, frameCount: 375, durationSec: 12.5, videoCodec: 'h264', audioCodec: 'aac', videoStreamIndex: 1, bitRate: 800000 });
    expect(info.streams.map((s) => s.type)).toEqual(['video', 'video', 'audio']);
    expect(info.tags.encoder).toBe('Lavf59');
  });

  it('applies non-square pixels to the displayed width', () => {
    const info = mediaInfoFromFfprobe({ streams: [{ index: 0, codec_type: 'video', codec_name: 'dvvideo', width: 720, height: 576, sample_aspect_ratio: '16:15' }] }, base);
    expect(info.width).toBe(768);
    expect(info.height).toBe(576);
  });

  it('survives an answer with nothing in it', () => {
    const info = mediaInfoFromFfprobe({}, base);
    expect(info).toMatchObject({ width: 0, height: 0, durationSec: null, fps: null, streams: [] });
  });
});
