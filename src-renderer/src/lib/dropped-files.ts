/** Turn a drop into File objects: plain files as they are, folders walked recursively. */

const MAX_FILES = 1000;

type Entry = FileSystemEntry;

function readAll(dir: FileSystemDirectoryEntry): Promise<Entry[]> {
  const reader = dir.createReader();
  const out: Entry[] = [];
  return new Promise((resolve) => {
    // readEntries answers in batches; an empty batch means the folder is exhausted.
    const next = () =>
      reader.readEntries(
        (batch) => {
          if (batch.length === 0 || out.length >= MAX_FILES) return resolve(out);
          out.push(...batch);
          next();
        },
        () => resolve(out),
      );
    next();
  });
}

function fileOf(entry: FileSystemFileEntry): Promise<File | null> {
  return new Promise((resolve) => entry.file(resolve, () => resolve(null)));
}

async function walk(entry: Entry, out: File[]): Promise<void> {
  if (out.length >= MAX_FILES) return;
  if (entry.isFile) {
    const f = await fileOf(entry as FileSystemFileEntry);
    if (f && !f.name.startsWith('.')) out.push(f);
  } else if (entry.isDirectory) {
    for (const child of await readAll(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/** Files a drop carried, with folders expanded (at most 1000). */
export async function filesFromDrop(dt: DataTransfer): Promise<File[]> {
  const entries: Entry[] = [];
  const plain: File[] = [];
  // Entries must be taken synchronously, before the event handler yields.
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) plain.push(f);
    }
  }
  if (entries.length === 0 && plain.length === 0) return Array.from(dt.files ?? []);
  const out: File[] = [...plain];
  for (const e of entries) await walk(e, out);
  return out.slice(0, MAX_FILES);
}

/** True when a drag carries files (not text or a link). */
export function dragHasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}
