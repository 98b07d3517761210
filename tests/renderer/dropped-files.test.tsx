/**
 * What a drop hands to the queue: a folder whose path the bridge knows goes to main as a path
 * (main walks it by content and lists what it left out); without a path (a plain browser) it
 * is walked here into its files, hidden ones skipped.
 */
import { describe, expect, it } from 'vitest';
import { filesFromDrop, pathsFromDrop } from '../../src-renderer/src/lib/dropped-files';

type FakeEntry = { isFile: boolean; isDirectory: boolean; name: string; file?: (ok: (f: File) => void) => void; createReader?: () => { readEntries: (ok: (b: FakeEntry[]) => void) => void } };

const fileEntry = (name: string): FakeEntry => ({ isFile: true, isDirectory: false, name, file: (ok) => ok(new File(['x'], name)) });
const dirEntry = (name: string, children: FakeEntry[]): FakeEntry => {
  return {
    isFile: false,
    isDirectory: true,
    name,
    createReader: () => {
      let done = false;
      return { readEntries: (ok) => ok(done ? [] : ((done = true), children)) };
    },
  };
};
const transfer = (items: { entry: FakeEntry; file: File }[]) =>
  ({ items: items.map((i) => ({ kind: 'file', webkitGetAsEntry: () => i.entry, getAsFile: () => i.file })), files: items.map((i) => i.file) }) as unknown as DataTransfer;

describe('filesFromDrop', () => {
  const folder = dirEntry('case-17', [fileEntry('a.jpg'), fileEntry('.DS_Store'), dirEntry('sub', [fileEntry('b.mp4')])]);
  const drop = () => transfer([{ entry: folder, file: new File([], 'case-17') }, { entry: fileEntry('loose.png'), file: new File(['x'], 'loose.png') }]);

  it('sends a folder with a known path to main as a path, and files as files', async () => {
    const asked: string[] = [];
    const r = await filesFromDrop(drop(), async (f) => (asked.push(f.name), f.name === 'case-17' ? '/evidence/case-17' : null));
    expect(r.folders).toEqual(['/evidence/case-17']);
    expect(r.files.map((f) => f.name)).toEqual(['loose.png']);
    expect(asked).toEqual(['case-17']);
  });

  it('walks a folder without a path here, skipping hidden files', async () => {
    const r = await filesFromDrop(drop());
    expect(r.folders).toEqual([]);
    expect(r.files.map((f) => f.name)).toEqual(['a.jpg', 'b.mp4', 'loose.png']);
  });
});

describe('pathsFromDrop (a panel that takes a drop for itself)', () => {
  it('gives the folders’ and the files’ paths, and names the files the bridge has no path for', async () => {
    const folder = dirEntry('refs', [fileEntry('a.jpg')]);
    const dt = transfer([
      { entry: folder, file: new File([], 'refs') },
      { entry: fileEntry('IMG_1.jpg'), file: new File(['x'], 'IMG_1.jpg') },
      { entry: fileEntry('cloud.jpg'), file: new File(['x'], 'cloud.jpg') },
    ]);
    const paths: Record<string, string> = { refs: '/cases/refs', 'IMG_1.jpg': '/cases/IMG_1.jpg' };
    const r = await pathsFromDrop(dt, async (f) => paths[f.name] ?? null);
    expect(r).toEqual({ paths: ['/cases/refs', '/cases/IMG_1.jpg'], unreadable: ['cloud.jpg'] });
  });
});
