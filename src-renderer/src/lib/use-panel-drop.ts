/** A panel that takes files dropped on it for itself, instead of the window-wide "drop to analyse". */
import { useRef, useState, type DragEvent } from 'react';
import { api } from '../api';
import { toast } from '../stores/toast-store';
import { claimedDrops, dragHasFiles, pathsFromDrop } from './dropped-files';

const hasFiles = (e: DragEvent) => dragHasFiles(e.nativeEvent);

/**
 * `over` while files hover over the panel (it lifts itself above the window's veil), and the
 * handlers to spread on it; `onPaths` gets the dropped files' and folders' paths. Files the
 * bridge has no path for are named in a toast.
 */
export function usePanelDrop(onPaths: (paths: string[]) => void) {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const handlers = {
    onDragEnter: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current++;
      setOver(true);
    },
    onDragLeave: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    },
    onDragOver: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    },
    onDrop: (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      claimedDrops.add(e.nativeEvent);
      depth.current = 0;
      setOver(false);
      void pathsFromDrop(e.dataTransfer, (f) => api().pathForFile(f)).then(({ paths, unreadable }) => {
        if (unreadable.length) toast('error', `Could not open ${unreadable.map((n) => `“${n}”`).join(', ')}. Copy ${unreadable.length === 1 ? 'it' : 'them'} to a local folder and add ${unreadable.length === 1 ? 'it' : 'them'} again.`);
        if (paths.length) onPaths(paths);
      });
    },
  };
  return { over, handlers };
}
