import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { SourceCameraPanel } from '../../src-renderer/src/screens/result/source-camera';
import type { SensorNoiseCheck } from '../../src-shared/domain/cameras';
import { imageDetection } from '../helpers/report-fixtures';

vi.mock('../../src-renderer/src/lib/artifacts', () => ({
  useArtifact: (_id: string, key: string | undefined) => (key ? { status: 'ok', url: `blob:${key}` } : { status: 'none' }),
}));

afterEach(cleanup);

const map: SensorNoiseCheck = {
  method: 'local PRNU correlation 1',
  cameraId: 'cam-1',
  cameraName: 'Exhibit 7',
  area: { x: 1504, y: 1000, w: 1024, h: 1024 },
  coverage: 0.086,
  judgedShare: 0.8,
  block: 128,
  threshold: 0.028,
  regions: [{ x: 1800, y: 1300, w: 240, h: 208, areaShare: 0.0476, blocks: 31, correlation: 0.004, predicted: 0.131 }],
  artifact: 'sensor',
};

function detection(integrity: SensorNoiseCheck | null) {
  const d = imageDetection('x.jpg');
  d.sourceCamera = { cameras: 1, otherSizes: 0, problems: [], matches: [{ cameraId: 'cam-1', cameraName: 'Exhibit 7', outcome: 'match', pce: 812.4, rotation: 0, threshold: 60, note: null }], ...(integrity ? { integrity } : {}) };
  if (integrity?.artifact) d.artifacts.push({ key: 'sensor', kind: 'sensor', mime: 'image/png', width: 1280, height: 960, note: 'Sensor-noise map' });
  return d;
}

describe('Source camera panel', () => {
  it('says where the picture lacks the matched camera’s noise, lists the regions and shows the overlay', () => {
    render(<SourceCameraPanel d={detection(map)} />);
    expect(screen.getByTestId('sensor-map-found').textContent).toBe(
      '1 region lacks the sensor noise of “Exhibit 7” that the rest of the picture carries, as content pasted in or painted over does: 240×208 px at (1800, 1300) (map over 9 % of the picture (its central 1024×1024); 80 % of it could be judged).',
    );
    const rows = within(screen.getByTestId('sensor-map-table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([['1', '1800, 1300, 240×208', '4.76 %', '0.004 / 0.131 (≥ 0.028 shows the noise)']]);
    expect(screen.getByAltText('Sensor-noise map overlay').getAttribute('src')).toBe('blob:sensor');
  });

  it('says the noise is present where it could be judged, with no table or overlay; nothing of the map without one', () => {
    const { artifact: _a, ...bare } = map;
    render(<SourceCameraPanel d={detection({ ...bare, regions: [] })} />);
    expect(screen.getByTestId('sensor-map-none').textContent).toMatch(/^The noise of “Exhibit 7” is present wherever it could be judged: no region lacks it/);
    expect(screen.queryByTestId('sensor-map-table')).toBeNull();
    expect(screen.queryByAltText('Sensor-noise map overlay')).toBeNull();
    cleanup();
    render(<SourceCameraPanel d={detection(null)} />);
    expect(screen.getByTestId('source-camera').textContent).toMatch(/Sensor noise matches “Exhibit 7” \(PCE 812\)/);
    expect(screen.queryByTestId('sensor-map')).toBeNull();
  });

  it('shows a resized picture’s scale beside its turn, in the line and the table', () => {
    const d = detection(null);
    d.sourceCamera!.matches = [{ cameraId: 'cam-1', cameraName: 'Exhibit 7', outcome: 'match', pce: 240.2, rotation: 90, scale: 0.5, threshold: 60, note: "Compared as the camera's 4032×3024 frame resized to 2016×1512 (scale 0.5)." }];
    render(<SourceCameraPanel d={d} />);
    expect(screen.getByTestId('source-camera').textContent).toMatch(/Sensor noise matches “Exhibit 7” \(PCE 240, the picture resized ×0\.5\)/);
    const row = screen.getByTestId('camera-match-row');
    expect(within(row).getAllByRole('cell').map((c) => c.textContent)).toEqual(['Exhibit 7', 'Match', '240.2 (≥ 60)', '90°, resized ×0.5', "Compared as the camera's 4032×3024 frame resized to 2016×1512 (scale 0.5)."]);
  });
});
