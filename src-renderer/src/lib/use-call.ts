/** Load a channel's answer into component state: loading, error or value, with reload. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppErrorShape } from '../../../src-shared/result';
import { call, type AnyChannel, type In, type Out } from '../api';

export type Loaded<T> =
  | { status: 'loading'; value: T | null; error: null }
  | { status: 'ok'; value: T; error: null }
  | { status: 'error'; value: T | null; error: AppErrorShape };

/** Call `channel` with `input` whenever `key` changes; keeps the previous value while reloading (no layout jump). */
export function useCall<K extends AnyChannel>(channel: K, input: In<K> | null, key: string): Loaded<Out<K>> & { reload: () => void } {
  const [state, setState] = useState<Loaded<Out<K>>>({ status: 'loading', value: null, error: null });
  const [tick, setTick] = useState(0);
  const inputRef = useRef(input);
  inputRef.current = input;
  useEffect(() => {
    if (inputRef.current === null) return;
    let live = true;
    setState((s) => ({ status: 'loading', value: s.value, error: null }));
    void call(channel, inputRef.current).then((res) => {
      if (!live) return;
      if (res.ok) setState({ status: 'ok', value: res.value, error: null });
      else setState((s) => ({ status: 'error', value: s.value, error: res.error }));
    });
    return () => {
      live = false;
    };
  }, [channel, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
