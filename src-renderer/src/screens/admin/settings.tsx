/** Settings: thresholds, sampling defaults, tool paths, limits, sign-in policy, data dir, models. */
import { useEffect, useState, type FormEvent } from 'react';
import type { AppSettings } from '../../../../src-shared/domain/settings';
import { call } from '../../api';
import { ErrorState, FormError, Loading } from '../../components/states';
import { useCall } from '../../lib/use-call';
import { useAppStore } from '../../store';
import { toast } from '../../stores/toast-store';
import { ModelsAdmin } from './models-panel';

function Num({ label, value, onChange, step = 1, min, max, hint }: { label: string; value: number; onChange: (n: number) => void; step?: number; min?: number; max?: number; hint?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" value={Number.isFinite(value) ? value : ''} step={step} min={min} max={max} onChange={(e) => onChange(e.target.valueAsNumber)} />
      {hint && <small className="muted">{hint}</small>}
    </label>
  );
}

function SettingsForm({ initial, onSaved }: { initial: AppSettings; onSaved: (s: AppSettings) => void }) {
  const [s, setS] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const info = useAppStore((st) => st.info);
  useEffect(() => setS(initial), [initial]);
  const patch = <K extends keyof AppSettings>(k: K, v: AppSettings[K]) => setS((p) => ({ ...p, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (s.thresholds && s.thresholds.authentic > s.thresholds.manipulated) return setError('The authentic threshold must not exceed the manipulated threshold.');
    setBusy(true);
    const res = await call('admin:settings:set', {
      thresholds: s.thresholds,
      sampling: s.sampling,
      ffmpegPath: s.ffmpegPath?.trim() || null,
      ffprobePath: s.ffprobePath?.trim() || null,
      c2paTrustAnchors: s.c2paTrustAnchors?.trim() || null,
      limits: s.limits,
      lockout: s.lockout,
      sessionIdleMinutes: s.sessionIdleMinutes,
    });
    setBusy(false);
    if (!res.ok) return setError(res.error.message);
    setError(null);
    toast('info', 'Settings saved.');
    onSaved(res.value);
  };

  return (
    <form className="panel settings" onSubmit={(e) => void submit(e)} noValidate data-testid="settings-form">
      <h2>Verdict thresholds</h2>
      <label className="check">
        <input type="checkbox" checked={s.thresholds === null} onChange={(e) => patch('thresholds', e.target.checked ? null : { authentic: 0.3, manipulated: 0.7 })} />
        Use each model’s calibrated thresholds
      </label>
      {s.thresholds && (
        <div className="row gap wrap">
          <Num label="Authentic below" value={s.thresholds.authentic} step={0.01} min={0} max={1} onChange={(n) => patch('thresholds', { ...s.thresholds!, authentic: n })} />
          <Num label="Manipulated from" value={s.thresholds.manipulated} step={0.01} min={0} max={1} onChange={(n) => patch('thresholds', { ...s.thresholds!, manipulated: n })} />
        </div>
      )}
      <h2>Video sampling defaults</h2>
      <div className="row gap wrap">
        <label className="field">
          <span>Strategy</span>
          <select value={s.sampling.strategy} onChange={(e) => patch('sampling', { ...s.sampling, strategy: e.target.value as AppSettings['sampling']['strategy'] })}>
            <option value="even">Evenly spaced</option>
            <option value="rate">Fixed rate</option>
            <option value="scene">Scene changes</option>
          </select>
        </label>
        <Num label="Frames (even)" value={s.sampling.count} min={1} max={1024} onChange={(n) => patch('sampling', { ...s.sampling, count: n })} />
        <Num label="Frames per second (rate)" value={s.sampling.fps} step={0.1} min={0.1} max={60} onChange={(n) => patch('sampling', { ...s.sampling, fps: n })} />
        <Num label="At most" value={s.sampling.max} min={1} max={4096} onChange={(n) => patch('sampling', { ...s.sampling, max: n })} />
      </div>
      <h2>Tools</h2>
      <div className="row gap wrap">
        <label className="field grow">
          <span>ffmpeg path</span>
          <input value={s.ffmpegPath ?? ''} placeholder="Bundled or from PATH" onChange={(e) => patch('ffmpegPath', e.target.value || null)} />
        </label>
        <label className="field grow">
          <span>ffprobe path</span>
          <input value={s.ffprobePath ?? ''} placeholder="Bundled or from PATH" onChange={(e) => patch('ffprobePath', e.target.value || null)} />
        </label>
      </div>
      <h2>Content Credentials</h2>
      <div className="row gap wrap">
        <label className="field grow">
          <span>C2PA trust anchors (a PEM file or a folder of certificates)</span>
          <input value={s.c2paTrustAnchors ?? ''} placeholder="None: certificate chains are checked, not trusted" onChange={(e) => patch('c2paTrustAnchors', e.target.value || null)} data-testid="c2pa-trust" />
        </label>
      </div>
      <p className="muted small">A manifest whose certificate chain reaches one of these certificates is reported as trusted. MediaGuard fetches no trust list: copy one (the C2PA trust list, or your own roots) onto this computer.</p>
      <h2>Limits</h2>
      <div className="row gap wrap">
        <Num label="Largest file (MB)" value={Math.round(s.limits.maxFileBytes / 1024 ** 2)} min={1} onChange={(n) => patch('limits', { ...s.limits, maxFileBytes: Math.round(n * 1024 ** 2) })} />
        <Num label="Largest image (megapixels)" value={Math.round(s.limits.maxImagePixels / 1e6)} min={1} onChange={(n) => patch('limits', { ...s.limits, maxImagePixels: Math.round(n * 1e6) })} />
        <Num label="Longest video (minutes)" value={Math.round(s.limits.maxVideoSeconds / 60)} min={1} onChange={(n) => patch('limits', { ...s.limits, maxVideoSeconds: n * 60 })} />
        <Num label="Most frames" value={s.limits.maxFrames} min={1} max={4096} onChange={(n) => patch('limits', { ...s.limits, maxFrames: n })} />
      </div>
      <h2>Sign-in</h2>
      <div className="row gap wrap">
        <Num label="Failed attempts before lockout" value={s.lockout.maxAttempts} min={1} max={100} onChange={(n) => patch('lockout', { ...s.lockout, maxAttempts: n })} />
        <Num label="Lockout (minutes)" value={s.lockout.minutes} min={1} onChange={(n) => patch('lockout', { ...s.lockout, minutes: n })} />
        <Num label="Idle sign-out (minutes)" value={s.sessionIdleMinutes} min={1} onChange={(n) => patch('sessionIdleMinutes', n)} />
      </div>
      <h2>Data directory</h2>
      <p className="mono breakable" data-testid="data-dir">{info?.dataDir ?? '—'}</p>
      <p className="muted small">Start MediaGuard with --data-dir or set MEDIAGUARD_DATA_DIR to use another folder.</p>
      <FormError error={error} />
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="save-settings">
        {busy ? 'Saving…' : 'Save settings'}
      </button>
    </form>
  );
}

/** The settings tab. */
export function Settings() {
  const settings = useCall('admin:settings:get', {}, 'settings');
  const [saved, setSaved] = useState<AppSettings | null>(null);
  const current = saved ?? settings.value;
  return (
    <div data-testid="settings">
      {settings.status === 'error' && <ErrorState error={settings.error} onRetry={settings.reload} />}
      {settings.status === 'loading' && !current && <Loading minHeight={300} />}
      {current && <SettingsForm initial={current} onSaved={setSaved} />}
      <ModelsAdmin />
    </div>
  );
}
