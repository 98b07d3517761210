/** A visible target for files, with buttons for the file and folder pickers in main. */
import { useQueue } from '../stores/queue-store';
import { pickPaths } from '../lib/pick-paths';

/** Drop zone; the actual drop is handled window-wide by the shell. */
export function DropZone({ compact }: { compact?: boolean }) {
  const enqueuePaths = useQueue((s) => s.enqueuePaths);
  const pick = async (directories: boolean) => {
    const paths = await pickPaths({ directories });
    if (paths.length) await enqueuePaths(paths);
  };
  return (
    <div className={`dropzone${compact ? ' compact' : ''}`} data-testid="dropzone">
      <p className="dropzone-title">Drop images, videos or folders anywhere on this window</p>
      <p className="muted">Files are analysed on this computer; nothing is uploaded.</p>
      <div className="row gap">
        <button type="button" className="btn btn-primary" onClick={() => void pick(false)} data-testid="pick-files">
          Choose files…
        </button>
        <button type="button" className="btn" onClick={() => void pick(true)} data-testid="pick-folder">
          Choose a folder…
        </button>
      </div>
    </div>
  );
}
