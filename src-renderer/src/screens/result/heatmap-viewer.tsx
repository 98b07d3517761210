/**
 * The evidence image with its heatmap overlaid: opacity slider, on/off toggle, zoom and
 * pan (mouse drag, wheel, or arrow keys and +/- when the image has focus). The stage has a
 * fixed height so nothing below it moves while images stream in.
 */
import { useCallback, useRef, useState, type KeyboardEvent, type PointerEvent, type WheelEvent } from 'react';
import { useArtifact } from '../../lib/artifacts';
import { pct } from '../../lib/format';
import { ErrorState, Loading } from '../../components/states';

const MIN_ZOOM = 1;
const MAX_ZOOM = 8;

/** Viewer props: the base image and its heatmap overlay (same framing), by artifact key. */
export function HeatmapViewer(props: { id: string; baseKey?: string; heatmapKey?: string; heatmapNote?: string; width: number; height: number; caption: string; note?: string }) {
  const base = useArtifact(props.id, props.baseKey);
  const heat = useArtifact(props.id, props.heatmapKey);
  const [show, setShow] = useState(true);
  const [opacity, setOpacity] = useState(55);
  const [zoom, setZoom] = useState(1);
  const [pan, setPan] = useState({ x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; px: number; py: number } | null>(null);

  const setZoomClamped = useCallback((z: number) => {
    const nz = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, z));
    setZoom(nz);
    if (nz === 1) setPan({ x: 0, y: 0 });
  }, []);
  const reset = () => {
    setZoom(1);
    setPan({ x: 0, y: 0 });
  };
  const onWheel = (e: WheelEvent) => setZoomClamped(zoom * (e.deltaY < 0 ? 1.15 : 1 / 1.15));
  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    if (zoom === 1) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, y: e.clientY, px: pan.x, py: pan.y };
  };
  const onMove = (e: PointerEvent) => {
    const d = drag.current;
    if (!d) return;
    setPan({ x: d.px + (e.clientX - d.x), y: d.py + (e.clientY - d.y) });
  };
  const onUp = () => {
    drag.current = null;
  };
  const onKey = (e: KeyboardEvent) => {
    const step = 40;
    const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const m = moves[e.key];
    if (m && zoom > 1) {
      e.preventDefault();
      setPan((p) => ({ x: p.x + m[0], y: p.y + m[1] }));
    } else if (e.key === '+' || e.key === '=') setZoomClamped(zoom * 1.25);
    else if (e.key === '-') setZoomClamped(zoom / 1.25);
    else if (e.key === '0') reset();
  };

  const transform = `translate(${pan.x}px, ${pan.y}px) scale(${zoom})`;
  const hasHeat = Boolean(props.heatmapKey);
  return (
    <figure className="viewer" data-testid="heatmap-viewer">
      <div className="viewer-tools" role="toolbar" aria-label="Image tools">
        <label className="check">
          <input type="checkbox" checked={show && hasHeat} disabled={!hasHeat} onChange={(e) => setShow(e.target.checked)} data-testid="heatmap-toggle" />
          Heatmap
        </label>
        <label className="slider">
          <span>Opacity</span>
          <input type="range" min={0} max={100} value={opacity} disabled={!hasHeat || !show} onChange={(e) => setOpacity(Number(e.target.value))} aria-valuetext={`${opacity} %`} data-testid="heatmap-opacity" />
          <output className="mono">{opacity} %</output>
        </label>
        <span className="spacer" />
        <button type="button" className="btn btn-small" onClick={() => setZoomClamped(zoom / 1.25)} disabled={zoom <= MIN_ZOOM} aria-label="Zoom out">
          −
        </button>
        <output className="mono zoom" data-testid="zoom-level">{Math.round(zoom * 100)} %</output>
        <button type="button" className="btn btn-small" onClick={() => setZoomClamped(zoom * 1.25)} disabled={zoom >= MAX_ZOOM} aria-label="Zoom in" data-testid="zoom-in">
          +
        </button>
        <button type="button" className="btn btn-small" onClick={reset} disabled={zoom === 1}>
          Fit
        </button>
      </div>
      <div
        className={`viewer-stage${zoom > 1 ? ' pannable' : ''}`}
        tabIndex={0}
        role="img"
        aria-label={`${props.caption}. Use + and − to zoom, arrow keys to pan, 0 to fit.`}
        onWheel={onWheel}
        onPointerDown={onDown}
        onPointerMove={onMove}
        onPointerUp={onUp}
        onPointerCancel={onUp}
        onKeyDown={onKey}
        data-testid="viewer-stage"
      >
        {base.status === 'loading' && <Loading label="Loading image…" />}
        {base.status === 'error' && <ErrorState error={base.error} compact />}
        {base.status === 'none' && <p className="muted">No image stored for this frame.</p>}
        {base.status === 'ok' && (
          <div className="viewer-layer" style={{ transform, aspectRatio: `${props.width} / ${props.height}` }}>
            <img src={base.url} alt="" draggable={false} data-testid="viewer-base" />
            {heat.status === 'ok' && show && <img className="heat" src={heat.url} alt="" draggable={false} style={{ opacity: opacity / 100 }} data-testid="viewer-heat" />}
          </div>
        )}
      </div>
      <figcaption className="muted small" data-testid="viewer-caption">
        {props.caption}
        {heat.status === 'error' && ' · heatmap unavailable'}
        {hasHeat && heat.status === 'ok' && ` · heatmap at ${pct(opacity / 100, 0)}`}
        {hasHeat && props.heatmapNote && (
          <span className="heatmap-note" data-testid="heatmap-note">
            <br />
            Heatmap — {props.heatmapNote}
          </span>
        )}
      </figcaption>
      {/* Always rendered, so a note appearing does not push the page down. */}
      <p className="viewer-note small" data-testid="viewer-note">
        {props.note ?? ''}
      </p>
    </figure>
  );
}
