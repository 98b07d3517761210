import { afterEach, describe, expect, it, vi } from 'vitest';
import { pickPaths } from '../../src-renderer/src/lib/pick-paths';
import { useToasts } from '../../src-renderer/src/stores/toast-store';

const call = vi.hoisted(() => vi.fn());
vi.mock('../../src-renderer/src/api', () => ({ call }));

afterEach(() => {
  call.mockReset();
  useToasts.setState({ toasts: [] });
});

describe('pickPaths', () => {
  it('asks main for the dialog (folders when asked) and returns what was chosen', async () => {
    call.mockResolvedValueOnce({ ok: true, value: ['/cases/a.jpg', '/cases/b.mp4'] });
    expect(await pickPaths()).toEqual(['/cases/a.jpg', '/cases/b.mp4']);
    expect(call).toHaveBeenLastCalledWith('files:pick', {});
    call.mockResolvedValueOnce({ ok: true, value: [] });
    expect(await pickPaths({ directories: true })).toEqual([]);
    expect(call).toHaveBeenLastCalledWith('files:pick', { directories: true });
    expect(useToasts.getState().toasts).toEqual([]);
  });

  it('says why in a toast when the dialog fails, and reads as nothing chosen', async () => {
    call.mockResolvedValueOnce({ ok: false, error: { code: 'INTERNAL', message: 'The dialog could not be shown.' } });
    expect(await pickPaths()).toEqual([]);
    expect(useToasts.getState().toasts.map((t) => [t.kind, t.text])).toEqual([['error', 'The dialog could not be shown.']]);
  });
});
