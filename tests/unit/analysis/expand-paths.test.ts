/**
 * Dropped folders: images and videos are found by content (a media extension, or first
 * bytes that sniff as media — phone extractions and carved files often have no extension
 * or the wrong one), and what is left out is counted and named, so nothing is skipped
 * without the analyst being told.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeLeftOut, MAX_FOLDER_DEPTH, type FolderLeftOut } from '../../../src-shared/domain/folders';
import { expandPaths } from '../../../src-main/core/analysis/engine';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n');

describe('expandPaths', () => {
  let root: string;
  const put = (rel: string, data: Buffer | string) => {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, data);
    return p;
  };
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mg-expand-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds media by content, and counts and names what it leaves out', async () => {
    const dir = path.join(root, 'case-17');
    put('case-17/a.jpg', JPEG);
    put('case-17/IMG_0001', JPEG); // no extension (phone extraction)
    put('case-17/carved.dat', PNG); // wrong extension (carved)
    put('case-17/sub/clip.mp4', 'not even a video, but named like one: intake refuses it with its own error');
    put('case-17/notes.txt', 'case notes');
    put('case-17/report.pdf', PDF);
    put('case-17/.hidden/b.jpg', JPEG);
    put('case-17/.DS_Store', 'x');
    fs.symlinkSync(path.join(dir, 'a.jpg'), path.join(dir, 'link.jpg'));
    let deep = 'case-17';
    for (let i = 0; i <= MAX_FOLDER_DEPTH; i++) deep = path.join(deep, `d${i}`);
    put(path.join(deep, 'too-deep.jpg'), JPEG);

    const { files, leftOut } = await expandPaths([dir]);
    expect(files.map((f) => path.relative(dir, f)).sort()).toEqual(['IMG_0001', 'a.jpg', 'carved.dat', 'sub/clip.mp4']);
    expect(leftOut).toEqual([
      { folder: 'case-17', notMedia: 2, examples: ['notes.txt', 'report.pdf'], hidden: 2, links: 1, unreadable: 0, tooDeep: 1, limitReached: false } satisfies FolderLeftOut,
    ]);
    expect(describeLeftOut(leftOut[0]!)).toBe(
      'Not analysed in “case-17”: 2 files that are not an image or a video (notes.txt, report.pdf); 2 hidden entries (names starting with a dot); 1 symbolic link (not followed); 1 folder more than 8 levels down.',
    );
  });

  it('passes files through as given and reports nothing for a folder of media only', async () => {
    const img = put('only/a.png', PNG);
    const loose = put('loose.txt', 'x');
    const { files, leftOut } = await expandPaths([path.dirname(img), loose, path.join(root, 'missing.jpg')]);
    expect(files).toEqual([img, loose, path.join(root, 'missing.jpg')]);
    expect(leftOut).toEqual([]);
  });

  it('names at most five examples and says when there are more', () => {
    const l: FolderLeftOut = { folder: 'x', notMedia: 7, examples: ['1', '2', '3', '4', '5'], hidden: 0, links: 0, unreadable: 1, tooDeep: 0, limitReached: true };
    expect(describeLeftOut(l)).toBe(
      'Not analysed in “x”: 7 files that are not an image or a video (1, 2, 3, 4, 5, …); 1 entry that could not be read. “x”: the limit of 5,000 files per request was reached; the rest of the folder was not examined — add it in parts.',
    );
  });
});
