/**
 * Live monitor: a capture device analysed continuously. Frames are sent a few per second,
 * never more than one in flight, so a slow model lowers the rate instead of piling up work.
 */
import { useEffect, useRef, useState } from 'react';
import type { LiveFrameResult } from '../../../src-shared/contract/live';
import type { AppErrorShape } from '../../../src-shared/result';
import { call } from '../api';
import { ErrorState } from '../components/states';
import { cameraError, grabJpeg } from '../lib/live-capture';
import { pct } from '../lib/format';
import { useNav } from '../stores/nav-store';
import { LiveChart, type LivePoint } from './live-chart';

const INTERVAL_MS = 333;
const WINDOW = 90;

type Phase = 'idle' | 'starting' | 'running' | 'stopping';

/** The live monitor screen. */
export function Live() {
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement | null>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const liveIdRef = useRef<string | null>(null);
  const t0 = useRef(0);
  const [phase, setPhase] = useState<Phase>('idle');
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [deviceId, setDeviceId] = useState('');
  const [error, setError] = useState<AppErrorShape | null>(null);
  const [camError, setCamError] = useState<string | null>(null);
  const [last, setLast] = useState<(LiveFrameResult & { width: number; height: number }) | null>(null);
  const [points, setPoints] = useState<LivePoint[]>([]);
  const [frames, setFrames] = useState(0);
  const [savedId, setSavedId] = useState<string | null>(null);
  const go = useNav((s) => s.go);

  useEffect(() => {
    void navigator.mediaDevices?.enumerateDevices?.().then((all) => setDevices(all.filter((d) => d.kind === 'videoinput')));
  }, [phase]);

  const release = () => {
    streamRef.current?.getTracks().forEach((t) => t.stop());
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
  };
  useEffect(
    () => () => {
      const id = liveIdRef.current;
      liveIdRef.current = null;
      release();
      if (id) void call('live:stop', { liveId: id });
    },
    [],
  );

  // The frame loop: one request at a time, paced to INTERVAL_MS.
  useEffect(() => {
    if (phase !== 'running') return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      const started = performance.now();
      const video = videoRef.current;
      const liveId = liveIdRef.current;
      if (!video || !liveId || cancelled) return;
      canvasRef.current ??= document.createElement('canvas');
      const jpeg = await grabJpeg(video, canvasRef.current);
      if (jpeg && !cancelled) {
        const timeSec = (performance.now() - t0.current) / 1000;
        const res = await call('live:frame', { liveId, timeSec, jpegBase64: jpeg.base64 });
        if (cancelled) return;
        if (!res.ok) {
          setError(res.error);
          setPhase('idle');
          release();
          return;
        }
        setLast({ ...res.value, width: jpeg.width, height: jpeg.height });
        setFrames((n) => n + 1);
        setPoints((p) => [...p.slice(-(WINDOW - 1)), { t: timeSec, p: res.value.probability, faces: res.value.faces.length }]);
      }
      timer = setTimeout(() => void tick(), Math.max(0, INTERVAL_MS - (performance.now() - started)));
    };
    void tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [phase]);

  const start = async () => {
    setError(null);
    setCamError(null);
    setSavedId(null);
    setPhase('starting');
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: deviceId ? { deviceId: { exact: deviceId } } : { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
      streamRef.current = stream;
      const video = videoRef.current!;
      video.srcObject = stream;
      await video.play();
    } catch (e) {
      release();
      setCamError(cameraError(e));
      setPhase('idle');
      return;
    }
    const label = streamRef.current?.getVideoTracks()[0]?.label;
    const res = await call('live:start', label ? { deviceLabel: label.slice(0, 200) } : {});
    if (!res.ok) {
      release();
      setError(res.error);
      setPhase('idle');
      return;
    }
    liveIdRef.current = res.value.liveId;
    t0.current = performance.now();
    setPoints([]);
    setFrames(0);
    setLast(null);
    setPhase('running');
  };

  const stop = async () => {
    const id = liveIdRef.current;
    setPhase('stopping');
    liveIdRef.current = null;
    release();
    if (id) {
      const res = await call('live:stop', { liveId: id });
      if (res.ok) setSavedId(res.value.detectionId);
      else setError(res.error);
    }
    setPhase('idle');
  };

  const running = phase === 'running';
  return (
    <section className="screen" data-testid="screen-live" aria-labelledby="h-live">
      <header className="screen-head">
        <h1 id="h-live">Live monitor</h1>
        <label className="filter">
          <span>Device</span>
          <select value={deviceId} onChange={(e) => setDeviceId(e.target.value)} disabled={phase !== 'idle'}>
            <option value="">Default camera</option>
            {devices.map((d, i) => (
              <option key={d.deviceId || i} value={d.deviceId}>
                {d.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        {running || phase === 'stopping' ? (
          <button type="button" className="btn btn-danger" onClick={() => void stop()} disabled={phase === 'stopping'} data-testid="live-stop">
            Stop and save
          </button>
        ) : (
          <button type="button" className="btn btn-primary" onClick={() => void start()} disabled={phase === 'starting'} data-testid="live-start">
            {phase === 'starting' ? 'Starting…' : 'Start'}
          </button>
        )}
      </header>
      {camError && (
        <p className="state state-error" role="alert">
          {camError}
        </p>
      )}
      {error && <ErrorState error={error} />}
      {savedId !== null && (
        <p className="notice" role="status" data-testid="live-saved">
          Session saved.{' '}
          {savedId && (
            <button type="button" className="link" onClick={() => go({ name: 'result', id: savedId })}>
              Open the summary
            </button>
          )}
        </p>
      )}
      <div className="result-grid">
        <div className="panel">
          <div className="live-stage">
            {/* Boxes are placed over the video's own picture, not the letterboxed stage. */}
            <div className="live-frame" style={{ aspectRatio: last ? `${last.width} / ${last.height}` : '16 / 9' }}>
              <video ref={videoRef} muted playsInline className={running ? '' : 'dim'} data-testid="live-video" />
              {running && last && (
                <div className="live-boxes">
                  {last.faces.map((f, i) => (
                    <div key={i} className="face-box" style={{ left: `${(f.box.x / last.width) * 100}%`, top: `${(f.box.y / last.height) * 100}%`, width: `${(f.box.w / last.width) * 100}%`, height: `${(f.box.h / last.height) * 100}%` }}>
                      <span>{pct(f.probability, 0)}</span>
                    </div>
                  ))}
                </div>
              )}
            </div>
            {!running && <p className="live-hint muted">{phase === 'idle' ? 'Press Start to analyse the camera continuously.' : '…'}</p>}
          </div>
        </div>
        <div className="panel">
          <h2>Now</h2>
          <dl className="facts" data-testid="live-stats">
            <dt>Probability</dt>
            <dd data-testid="live-probability">{pct(last?.probability)}</dd>
            <dt>Faces</dt>
            <dd data-testid="live-faces">{last ? last.faces.length : '—'}</dd>
            <dt>Frames analysed</dt>
            <dd data-testid="live-frames">{frames}</dd>
            <dt>Model time</dt>
            <dd>{last ? `${Math.round(last.elapsedMs)} ms` : '—'}</dd>
          </dl>
        </div>
      </div>
      <div className="panel">
        <h2>Last {Math.round((WINDOW * INTERVAL_MS) / 1000)} seconds</h2>
        <LiveChart points={points} windowSec={Math.round((WINDOW * INTERVAL_MS) / 1000)} />
      </div>
    </section>
  );
}
