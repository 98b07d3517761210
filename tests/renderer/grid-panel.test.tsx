import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { GridPanel } from '../../src-renderer/src/screens/result/forensic-layers';
import { imageDetection } from '../helpers/report-fixtures';

vi.mock('../../src-renderer/src/lib/artifacts', () => ({
  useArtifact: (_id: string, key: string | undefined) => (key ? { status: 'ok', url: `blob:${key}` } : { status: 'none' }),
}));

afterEach(cleanup);

describe('Shifted-grid map panel', () => {
  it('says what was found, lists the regions with their grid and quality, and shows the overlay', () => {
    const d = imageDetection('x.jpg');
    render(<GridPanel d={d} />);
    expect(screen.getByTestId('grid-found').textContent).toBe('1 region carries an earlier JPEG compression on another 8×8 grid than the rest of the picture: content pasted in from another JPEG leaves that trace.');
    expect(screen.queryByTestId('grid-picture')).toBeNull();
    const rows = within(screen.getByTestId('grid-table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([['1', '2560, 240, 512×448', '6, 1', '≈59', '1.83 %', '42 / 24']]);
    expect(screen.getByAltText('Shifted-grid map overlay').getAttribute('src')).toBe('blob:grid');
    expect(screen.getByTestId('grid').textContent).not.toContain('The map covers the first');
  });

  it('names the picture’s own earlier grid, says when no region was found and how much the map covers; a step without a libjpeg quality is shown as the step', () => {
    const d = imageDetection('x.jpg');
    d.grid = { ...d.grid!, regions: [], pictureGrid: { dx: 5, dy: 3, earlierStep: 8, earlierQuality: 75, share: 0.93 }, coverage: 0.42 };
    render(<GridPanel d={d} />);
    expect(screen.getByTestId('grid-picture').textContent).toBe(
      'The picture, over 93 % of it, carries an earlier JPEG compression on a grid shifted by (5, 3) px (quality ≈75): it was cropped after an earlier save, or is mostly made of a picture that was. That alone is no manipulation; regions are content on yet another grid.',
    );
    expect(screen.getByTestId('grid-none').textContent).toBe('No region compressed earlier on another grid than the rest of the picture was found.');
    expect(screen.queryByTestId('grid-table')).toBeNull();
    expect(screen.getByTestId('grid').textContent).toContain('The map covers the first 42 % of the picture');
    cleanup();
    d.grid = { ...d.grid, pictureGrid: null, regions: [{ x: 0, y: 0, w: 64, h: 64, areaShare: 0.01, peak: 30, dx: 1, dy: 2, earlierStep: 1, earlierQuality: null }, { x: 64, y: 0, w: 64, h: 64, areaShare: 0.01, peak: 25, dx: 3, dy: 2, earlierStep: 9, earlierQuality: 72 }], artifact: undefined };
    render(<GridPanel d={d} />);
    expect(screen.getByTestId('grid-found').textContent).toMatch(/^2 regions carry an earlier JPEG compression/);
    const cells = within(screen.getByTestId('grid-table')).getAllByRole('row').slice(1).map((r) => within(r).getAllByRole('cell')[3]!.textContent);
    expect(cells).toEqual(['DC step 1', '≈72']);
    expect(screen.queryByAltText('Shifted-grid map overlay')).toBeNull();
  });

  it('shows nothing without a map (other formats, older records)', () => {
    const d = imageDetection('x.jpg');
    delete d.grid;
    const { container } = render(<GridPanel d={d} />);
    expect(container.textContent).toBe('');
  });
});
