/** The open-file dialog (shown by main), for every screen that takes files or folders by picking. */
import { call } from '../api';
import { toast } from '../stores/toast-store';

/**
 * The paths the user chose (folders too with `directories`): empty when the dialog was cancelled,
 * and when it failed, after saying why in a toast.
 */
export async function pickPaths(opts: { directories?: boolean } = {}): Promise<string[]> {
  const res = await call('files:pick', opts);
  if (!res.ok) {
    toast('error', res.error.message);
    return [];
  }
  return res.value;
}
