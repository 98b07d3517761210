/** Camera frames as JPEG base64, encoded asynchronously (toBlob + FileReader keep the UI thread free). */

/** Grab the current video frame, scaled so its long side is at most `maxSide`. */
export async function grabJpeg(video: HTMLVideoElement, canvas: HTMLCanvasElement, maxSide = 640, quality = 0.85): Promise<{ base64: string; width: number; height: number } | null> {
  const vw = video.videoWidth;
  const vh = video.videoHeight;
  if (!vw || !vh) return null;
  const scale = Math.min(1, maxSide / Math.max(vw, vh));
  const w = Math.round(vw * scale);
  const h = Math.round(vh * scale);
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.drawImage(video, 0, 0, w, h);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
  if (!blob) return null;
  const dataUrl = await new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
  return { base64: dataUrl.slice(dataUrl.indexOf(',') + 1), width: w, height: h };
}

/** Human explanation of a getUserMedia failure. */
export function cameraError(e: unknown): string {
  const name = e instanceof DOMException ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
      return 'Camera access was refused. Allow MediaGuard to use the camera in the system settings.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No camera or capture device was found. Connect one and try again.';
    case 'NotReadableError':
      return 'The camera is in use by another application. Close it and try again.';
    default:
      return `The camera could not be started${e instanceof Error && e.message ? `: ${e.message}` : '.'}`;
  }
}
