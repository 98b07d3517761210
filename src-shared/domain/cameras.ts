/**
 * Camera fingerprints: a camera's sensor noise (PRNU, photo-response non-uniformity) estimated
 * from pictures known to come from it, and the comparison of a questioned picture with it —
 * "was this photo taken with this camera?" (Lukáš, Fridrich & Goljan 2006; Goljan, Fridrich &
 * Filler 2009).
 */

/** One camera fingerprint in the library (the data directory's cameras/ folder). */
export interface CameraSummary {
  id: string;
  /** The name the investigator gave it ("Suspect's phone, exhibit 12"). */
  name: string;
  /** Make and model the reference pictures' EXIF stated (most common value), when any did. */
  make: string | null;
  model: string | null;
  /** The pictures' full size as stored (sensor orientation): pictures of this size (or turned), or of the whole frame resized smaller, compare. */
  width: number;
  height: number;
  /** The central region the fingerprint covers. */
  crop: { x: number; y: number; w: number; h: number };
  /** Reference pictures it was estimated from. */
  images: number;
  /** Each reference picture's name and SHA-256, so the estimate can be reproduced and audited. */
  sources: { name: string; sha256: string }[];
  createdAt: string;
  createdBy: string;
  /** SHA-256 of the fingerprint file itself (as the audit log recorded it when it was added). */
  sha256: string;
  sizeBytes: number;
}

/** How a questioned picture compares with one fingerprint. */
export interface CameraMatch {
  cameraId: string;
  cameraName: string;
  /**
   * 'match': the picture's sensor noise correlates with the fingerprint (PCE at or above the
   * threshold, and nowhere else nearly as strongly); 'inconclusive': at or above the threshold,
   * but as strongly at other shifts too — a periodic trace many cameras share (JPEG's 8×8
   * blocks) rather than this sensor's noise; 'no-match': compared, below the threshold;
   * 'not-comparable': the sizes differ other than by a resize of the whole frame (a cropped,
   * enlarged or stretched picture cannot be compared without a search MediaGuard does not make).
   */
  outcome: 'match' | 'inconclusive' | 'no-match' | 'not-comparable';
  /** Peak-to-correlation energy at the aligned position (best of the turns tried); null when not compared. */
  pce: number | null;
  /** The turn of the picture (clockwise degrees) that gave that PCE. */
  rotation: 0 | 90 | 180 | 270 | null;
  /**
   * The scale the picture was compared at when it is the camera's whole frame resized smaller
   * (scaled-compare.ts), e.g. 0.5; absent when compared at the camera's own size (or not at all).
   */
  scale?: number;
  /**
   * For a picture found as a part cut out of the camera's frame (crop-search.ts; the Cameras
   * screen's check only): where its top-left lay in the frame, in the turned picture's orientation.
   */
  offset?: { x: number; y: number };
  threshold: number;
  /** Why not comparable, or what else to know. */
  note: string | null;
}

/** A region of a picture that lacks the sensor noise of the camera the rest of it matches (upright picture pixels). */
export interface SensorGapRegion {
  x: number;
  y: number;
  w: number;
  h: number;
  /** Share of the mapped area its box covers (0..1). */
  areaShare: number;
  /** Block positions in it whose correlation fell below the threshold. */
  blocks: number;
  /** Their mean correlation with the camera's noise, and what an authentic block there was predicted to show. */
  correlation: number;
  predicted: number;
}

/**
 * Where a picture that matches a camera lacks that camera's sensor noise (prnu-map.ts; Chen,
 * Fridrich, Goljan & Lukáš 2008): the correlation with the fingerprint measured block by block
 * against what the block's content predicts. A region found is content the camera did not record
 * where it stands: pasted in, cloned from elsewhere in the frame, or painted over. Like the splice
 * map it does not vote in the probability; a region found keeps the picture out of the authentic band.
 */
export interface SensorNoiseCheck {
  /** Method and version, e.g. 'local PRNU correlation 1'. */
  method: string;
  /** The camera whose noise was mapped (the best match). */
  cameraId: string;
  cameraName: string;
  /** The area the map covers (the fingerprint's central region), upright picture pixels. */
  area: { x: number; y: number; w: number; h: number };
  /** Share of the picture the area covers (0..1). */
  coverage: number;
  /** Share of the area's blocks that could be judged (dark, saturated, strongly compressed or busy content cannot). */
  judgedShare: number;
  /** Side of a block, pixels: the map's resolution (smaller regions are not found). */
  block: number;
  /** The correlation a block needs to show the camera's noise. */
  threshold: number;
  /** Regions lacking the noise, largest first (empty: none). */
  regions: SensorGapRegion[];
  /** Key of the map overlay (analyses only). */
  artifact?: string;
}

/** The result of checking one picture against the library. */
export interface CameraCheck {
  file: { name: string; path: string; sha256: string; width: number; height: number };
  matches: CameraMatch[];
  /** Fingerprints in the library at the time. */
  cameras: number;
  /** For the best match: where the picture lacks that camera's noise (absent when nothing matched). */
  integrity?: SensorNoiseCheck | null;
}

/**
 * The source-camera check in the analysis of a still picture (present when the library held
 * fingerprints): the comparison with each fingerprint of the picture's size.
 */
export interface SourceCameraCheck {
  /** Fingerprints in the library at the time. */
  cameras: number;
  /** Of those, how many were of another picture size (not compared). */
  otherSizes: number;
  /** The comparisons made ('match' or 'no-match'). */
  matches: CameraMatch[];
  /** Fingerprint files that could not be read, or why the picture could not be compared. */
  problems: string[];
  /** For the best match: where the picture lacks that camera's noise (absent when nothing matched). */
  integrity?: SensorNoiseCheck | null;
}

/** Fewest reference pictures a fingerprint is estimated from. */
export const CAMERA_MIN_IMAGES = 5;
/** Reference pictures below which a fingerprint is noted as weak (Goljan et al. use 50+; 20–30 give usable PCEs). */
export const CAMERA_GOOD_IMAGES = 20;
/** Most reference pictures read for one fingerprint. */
export const CAMERA_MAX_IMAGES = 500;

/** How an outcome reads in the result screen, the report and the command line. */
export const CAMERA_OUTCOME_LABEL: Record<CameraMatch['outcome'], string> = { match: 'Match', inconclusive: 'Inconclusive', 'no-match': 'No match', 'not-comparable': 'Not comparable' };

/**
 * Largest correlation away from the zero shift, relative to the one at it, that a match allows:
 * a sensor's noise correlates in one place (≈ 0.3–0.45 for a PCE of a few hundred in the tests),
 * a periodic trace at a lattice of shifts (≈ 1).
 */
export const CAMERA_RUNNER_UP_MAX = 0.7;

/** One line saying what the source-camera check found (CLI, report, result screen). */
/** How the picture was set against a camera: its turn and, for a resized picture, the scale ("90°, resized ×0.75"), for a crop where it was cut out; '—' when not compared. */
export function matchGeometry(m: Pick<CameraMatch, 'rotation' | 'scale' | 'offset'>): string {
  if (m.rotation === null) return '—';
  return `${m.rotation}°${m.scale !== undefined ? `, resized ×${m.scale}` : ''}${m.offset ? `, cut out at (${m.offset.x}, ${m.offset.y})` : ''}`;
}

export function sourceCameraLine(c: SourceCameraCheck): string {
  const matched = c.matches.filter((m) => m.outcome === 'match');
  const compared = c.matches.length;
  const others = c.otherSizes ? `; ${c.otherSizes} of another picture size not compared` : '';
  const scaled = c.matches.some((m) => m.scale !== undefined);
  if (matched.length) return `Sensor noise matches ${matched.map((m) => `“${m.cameraName}” (PCE ${Math.round(m.pce ?? 0)}${m.scale !== undefined ? `, the picture resized ×${m.scale}` : ''}${m.offset ? `, the picture cut out of its frame at (${m.offset.x}, ${m.offset.y})` : ''})`).join(', ')}${compared > matched.length ? `; no match with ${compared - matched.length} other camera${compared - matched.length === 1 ? '' : 's'}` : ''}${others}`;
  const unsure = c.matches.filter((m) => m.outcome === 'inconclusive');
  if (unsure.length) return `Inconclusive against ${unsure.map((m) => `“${m.cameraName}”`).join(', ')}: the correlation repeats at other shifts (a periodic trace such as JPEG blocks, not clearly this sensor’s noise)${compared > unsure.length ? `; no match with ${compared - unsure.length} other camera${compared - unsure.length === 1 ? '' : 's'}` : ''}${others}`;
  if (compared) return `No match with ${compared} camera${compared === 1 ? '' : 's'} of this picture size${scaled ? ' or resized to it' : ''} (best PCE ${Math.round(Math.max(...c.matches.map((m) => m.pce ?? 0)))}, threshold ${c.matches[0]!.threshold})${others}`;
  const none = c.cameras === 1 ? 'The camera in the library has another picture size' : c.cameras ? `None of the ${c.cameras} cameras in the library has this picture size` : 'No camera fingerprint could be read';
  return `${none}: not compared${c.problems.length ? ` (${c.problems[0]})` : ''}`;
}

/** One line saying what the sensor-noise map found (CLI, report, result screen, Cameras screen). */
export function sensorNoiseLine(m: SensorNoiseCheck): string {
  const where = `${Math.round(m.coverage * 100)} % of the picture (its central ${m.area.w}×${m.area.h})`;
  const judged = `${Math.round(m.judgedShare * 100)} % of it could be judged`;
  if (m.regions.length) {
    const list = m.regions
      .slice(0, 3)
      .map((r) => `${r.w}×${r.h} px at (${r.x}, ${r.y})`)
      .join('; ');
    const more = m.regions.length > 3 ? `; and ${m.regions.length - 3} more` : '';
    return `${m.regions.length} region${m.regions.length > 1 ? 's lack' : ' lacks'} the sensor noise of “${m.cameraName}” that the rest of the picture carries, as content pasted in or painted over does: ${list}${more} (map over ${where}; ${judged})`;
  }
  if (m.judgedShare < 0.05) return `Where the noise of “${m.cameraName}” is missing could not be mapped: its noise is too weak block by block in this picture (dark, saturated, busy or strongly compressed content; map over ${where})`;
  return `The noise of “${m.cameraName}” is present wherever it could be judged: no region lacks it (map over ${where}; ${judged}; regions under ${m.block} px cannot be found)`;
}
