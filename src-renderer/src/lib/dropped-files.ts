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

/** What a drop carried: folders main will walk (by path), and files. */
export interface Dropped {
  /** Paths of dropped folders: main walks them by content and says what it left out. */
  folders: string[];
  files: File[];
}

/**
 * Files and folders a drop carried. A folder whose path the bridge knows (`folderPath`, the
 * preload's getPathForFile in the app) goes to main as a path; otherwise (a browser without
 * paths) it is walked here into its files (at most 1000, hidden entries skipped).
 */
export async function filesFromDrop(dt: DataTransfer, folderPath: (f: File) => Promise<string | null> = async () => null): Promise<Dropped> {
  const items: { entry: Entry | null; file: File | null }[] = [];
  // Entries and files must be taken synchronously, before the event handler yields.
  for (const item of Array.from(dt.items ?? [])) {
    if (item.kind !== 'file') continue;
    items.push({ entry: typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null, file: item.getAsFile() });
  }
  if (items.length === 0) return { folders: [], files: Array.from(dt.files ?? []) };
  const folders: string[] = [];
  const out: File[] = [];
  for (const { entry, file } of items) {
    if (entry?.isDirectory) {
      const p = file ? await folderPath(file).catch(() => null) : null;
      if (p) folders.push(p);
      else await walk(entry, out);
    } else if (entry) await walk(entry, out);
    else if (file) out.push(file);
  }
  return { folders, files: out.slice(0, MAX_FILES) };
}

/** True when a drag carries files (not text or a link). */
export function dragHasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Drops a panel took for itself (the Cameras screen's panels): the window-wide listener still
 * clears its veil for them, but does not queue their files for analysis.
 */
export const claimedDrops = new WeakSet<Event>();

/**
 * The paths of what a drop carried, through the bridge (which grants main each one the user
 * dropped): folders as they are, files one by one; files it has no path for are named apart.
 */
export async function pathsFromDrop(dt: DataTransfer, pathForFile: (f: File) => Promise<string | null>): Promise<{ paths: string[]; unreadable: string[] }> {
  const { folders, files } = await filesFromDrop(dt, pathForFile);
  const { paths, unreadable } = await pathsOfFiles(files, pathForFile);
  return { paths: [...folders, ...paths], unreadable: unreadable.map((f) => f.name) };
}

/** Each file's path through the bridge (which grants it to main), in order; the files it has none for apart. */
export async function pathsOfFiles(files: File[], pathForFile: (f: File) => Promise<string | null>): Promise<{ paths: string[]; unreadable: File[] }> {
  const paths: string[] = [];
  const unreadable: File[] = [];
  for (const f of files) {
    let p: string | null = null;
    try {
      p = await pathForFile(f);
    } catch {
      p = null;
    }
    if (p) paths.push(p);
    else unreadable.push(f);
  }
  return { paths, unreadable };
}
