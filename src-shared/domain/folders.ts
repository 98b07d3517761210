/** Dropped folders: the walk's limits and what it tells the user it left out (no zod: the renderer imports it). */

/** The most files one request queues from folders; the walk stops there and says so. */
export const MAX_FOLDER_FILES = 5000;
/** How deep the folder walk goes below a dropped folder. */
export const MAX_FOLDER_DEPTH = 8;

/**
 * What a dropped folder held that was not queued, so the user knows what was not examined.
 * Files are queued by their content, not their name: only those whose first bytes are not an
 * image or a video count as `notMedia`.
 */
export interface FolderLeftOut {
  folder: string;
  /** Regular files whose content is not an image or a video. */
  notMedia: number;
  /** Up to five of their names. */
  examples: string[];
  /** Entries whose name starts with a dot (not examined). */
  hidden: number;
  /** Symbolic links (not followed). */
  links: number;
  /** Entries that could not be read (folders without permission, vanished files). */
  unreadable: number;
  /** Folders deeper than MAX_FOLDER_DEPTH levels (not entered). */
  tooDeep: number;
  /** The walk stopped at MAX_FOLDER_FILES files; the rest was not examined. */
  limitReached: boolean;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** One sentence on what a folder walk left out (for the queue and the command line). */
export function describeLeftOut(l: FolderLeftOut): string {
  const parts: string[] = [];
  if (l.notMedia) parts.push(`${plural(l.notMedia, 'file')} that ${l.notMedia === 1 ? 'is' : 'are'} not an image or a video${l.examples.length ? ` (${l.examples.join(', ')}${l.notMedia > l.examples.length ? ', …' : ''})` : ''}`);
  if (l.hidden) parts.push(`${plural(l.hidden, 'hidden entry', 'hidden entries')} (names starting with a dot)`);
  if (l.links) parts.push(`${plural(l.links, 'symbolic link')} (not followed)`);
  if (l.unreadable) parts.push(`${plural(l.unreadable, 'entry', 'entries')} that could not be read`);
  if (l.tooDeep) parts.push(`${plural(l.tooDeep, 'folder')} more than ${MAX_FOLDER_DEPTH} levels down`);
  let text = parts.length ? `Not analysed in “${l.folder}”: ${parts.join('; ')}.` : '';
  if (l.limitReached) text += `${text ? ' ' : ''}“${l.folder}”: the limit of ${MAX_FOLDER_FILES.toLocaleString('en-US')} files per request was reached; the rest of the folder was not examined — add it in parts.`;
  return text;
}
