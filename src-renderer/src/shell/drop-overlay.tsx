/** Files dropped anywhere on the window are queued for analysis (unless a panel took them for itself: usePanelDrop). */
import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { claimedDrops, dragHasFiles, filesFromDrop } from '../lib/dropped-files';
import { useNav } from '../stores/nav-store';
import { useQueue } from '../stores/queue-store';

/** Listens on the whole window and shows a veil while files hover over it. */
export function DropOverlay() {
  const [over, setOver] = useState(false);
  const depth = useRef(0);
  const enqueueFiles = useQueue((s) => s.enqueueFiles);
  const enqueuePaths = useQueue((s) => s.enqueuePaths);
  const go = useNav((s) => s.go);

  useEffect(() => {
    const enter = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    };
    const overFn = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!dragHasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!e.dataTransfer || !dragHasFiles(e)) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      // A panel took it for itself (the Cameras screen's reference pictures or picture to check).
      if (claimedDrops.has(e)) return;
      void filesFromDrop(e.dataTransfer, (f) => api().pathForFile(f)).then(({ folders, files }) => {
        if (folders.length === 0 && files.length === 0) return;
        go({ name: 'analyse' });
        void enqueuePaths(folders).then(() => enqueueFiles(files));
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overFn);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overFn);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [enqueueFiles, go]);

  return (
    <div className={`drop-veil${over ? ' visible' : ''}`} aria-hidden={!over} data-testid="drop-veil">
      <div className="drop-veil-box">
        <p className="drop-veil-title">Drop to analyse</p>
        <p>Images, videos or whole folders</p>
      </div>
    </div>
  );
}
