/** A visible target for files, with buttons for the file and folder pickers in main. */
import { call } from '../api';
import { useQueue } from '../stores/queue-store';
import { toast } from '../stores/toast-store';

/** Drop zone; the actual drop is handled window-wide by the shell. */
export function DropZone({ compact }: { compact?: boolean }) {
  const enqueuePaths = useQueue((s) => s.enqueuePaths);
  const pick = async (directories: boolean) => {
    const res = await call('files:pick', { directories });
    if (!res.ok) return toast('error', res.error.message);
    await enqueuePaths(res.value);
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
