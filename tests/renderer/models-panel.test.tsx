import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { ModelsPanel } from '../../src-renderer/src/screens/result/metadata-panel';
import { imageDetection } from '../helpers/report-fixtures';

afterEach(cleanup);

const rows = () =>
  screen.getAllByTestId('model-row').map((r) => {
    const cells = within(r).getAllByRole('cell');
    return { id: cells[0]!.textContent, said: cells[2]!.textContent };
  });

describe('Models panel: which models said what', () => {
  it('shows each model\'s finding and marks those the verdict rests on', () => {
    const d = imageDetection('x.jpg'); // one face at 87.3 %, the whole-image model at 21.2 %, decided 'combined'
    render(<ModelsPanel d={d} />);
    expect(rows()).toEqual([
      { id: 'mg-face-forgery-effnet', said: 'most suspicious face 87.3 % (likely manipulated) decided the verdict' },
      { id: 'mg-face-detector', said: '1 face located' },
      { id: 'mg-generated-image-vit', said: '21.2 % (likely authentic) decided the verdict' },
    ]);
  });

  it('says when a model did not judge the file, and why', () => {
    const d = imageDetection('tiny.png');
    d.faceTracks = [];
    d.imageScores = [{ modelId: 'mg-generated-image-vit', probability: null, rawLogit: null, band: 'undetermined', notJudged: 'the picture is under 64 px on its shorter side, too small for this model' }];
    d.verdict = { ...d.verdict, band: 'undetermined', probability: null, decidedBy: 'none' };
    render(<ModelsPanel d={d} />);
    expect(rows()).toEqual([
      { id: 'mg-face-forgery-effnet', said: 'no face to judge' },
      { id: 'mg-face-detector', said: 'no face found' },
      { id: 'mg-generated-image-vit', said: 'not judged: the picture is under 64 px on its shorter side, too small for this model' },
    ]);
    expect(screen.queryByText('decided the verdict')).toBeNull();
  });

  it('says when a HEIC was scored with the model\'s HEVC calibration', () => {
    const d = imageDetection('photo.heic');
    d.imageScores[0]!.calibratedFor = 'HEVC-coded picture (HEIC/HEIF): scored with this model\'s HEVC calibration and thresholds';
    render(<ModelsPanel d={d} />);
    expect(rows()[2]).toEqual({
      id: 'mg-generated-image-vit',
      said: "21.2 % (likely authentic) — HEVC-coded picture (HEIC/HEIF): scored with this model's HEVC calibration and thresholds decided the verdict",
    });
  });
});
