/**
 * Evidence images come from main as base64 (history:artifact) and are shown through blob:
 * object URLs, which the CSP allows. URLs are cached per record and revoked when the
 * record's screen closes.
 */
import { useEffect, useState } from 'react';
import type { AppErrorShape } from '../../../src-shared/result';
import { call } from '../api';

const cache = new Map<string, Promise<{ url: string } | { error: AppErrorShape }>>();

function decode(base64: string, mime: string): Blob {
  // fetch(data:) would be refused by the CSP (connect-src 'self'), so decode by hand.
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Blob([bytes], { type: mime });
}

async function load(id: string, key: string): Promise<{ url: string } | { error: AppErrorShape }> {
  const res = await call('history:artifact', { id, key });
  if (!res.ok) return { error: res.error };
  try {
    return { url: URL.createObjectURL(decode(res.value.base64, res.value.mime)) };
  } catch {
    return { error: { code: 'INTERNAL', message: `Evidence image ${key} is damaged.` } };
  }
}

/** Object URL of an artifact (cached), or its error. */
export function artifactUrl(id: string, key: string) {
  const k = `${id}/${key}`;
  let p = cache.get(k);
  if (!p) {
    p = load(id, key);
    cache.set(k, p);
  }
  return p;
}

/** Revoke every cached URL of a record (when its screen closes). */
export function releaseArtifacts(id: string): void {
  for (const [k, p] of cache) {
    if (!k.startsWith(`${id}/`)) continue;
    cache.delete(k);
    void p.then((r) => {
      if ('url' in r) URL.revokeObjectURL(r.url);
    });
  }
}

export type ArtifactState = { status: 'none' } | { status: 'loading' } | { status: 'ok'; url: string } | { status: 'error'; error: AppErrorShape };

/** Hook form: the URL of artifact `key` of record `id` (key undefined → 'none'). */
export function useArtifact(id: string, key: string | undefined): ArtifactState {
  const [state, setState] = useState<ArtifactState>(key ? { status: 'loading' } : { status: 'none' });
  useEffect(() => {
    if (!key) {
      setState({ status: 'none' });
      return;
    }
    let live = true;
    setState((s) => (s.status === 'ok' ? s : { status: 'loading' }));
    void artifactUrl(id, key).then((r) => {
      if (!live) return;
      setState('url' in r ? { status: 'ok', url: r.url } : { status: 'error', error: r.error });
    });
    return () => {
      live = false;
    };
  }, [id, key]);
  return state;
}
