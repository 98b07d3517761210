/** Copy a value (hash, path) to the clipboard, with feedback. */
import { useState } from 'react';

/** A small button that copies `value` and says so. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('done');
    } catch {
      setState('failed');
    }
    setTimeout(() => setState('idle'), 1500);
  };
  return (
    <button type="button" className="btn btn-small btn-ghost copy" onClick={() => void copy()} aria-label={`Copy ${label}`}>
      {state === 'done' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
    </button>
  );
}

/** A table cell with a shortened hash (full value on hover) and a button copying all of it. */
export function HashCell({ value, label, chars = 16 }: { value: string; label: string; chars?: number }) {
  return (
    <td className="mono with-copy">
      <span title={value}>{value.slice(0, chars)}…</span>
      <CopyButton value={value} label={label} />
    </td>
  );
}
