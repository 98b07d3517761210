import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { SplicePanel } from '../../src-renderer/src/screens/result/forensic-layers';
import { imageDetection } from '../helpers/report-fixtures';

vi.mock('../../src-renderer/src/lib/artifacts', () => ({
  useArtifact: (_id: string, key: string | undefined) => (key ? { status: 'ok', url: `blob:${key}` } : { status: 'none' }),
}));

afterEach(cleanup);

describe('Splice map panel', () => {
  it('says what was found, lists the regions and shows the overlay', () => {
    const d = imageDetection('x.jpg');
    render(<SplicePanel d={d} />);
    expect(screen.getByTestId('splice-found').textContent).toBe(
      'The JPEG was saved twice (earlier at quality ≈60), but 1 region does not carry the earlier compression: content pasted in between the two saves leaves that trace.',
    );
    const rows = within(screen.getByTestId('splice-table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([['1', '1480, 800, 688×736', '4.22 %', '213 / 80']]);
    expect(screen.getByAltText('Splice map overlay').getAttribute('src')).toBe('blob:splice');
    expect(screen.getByTestId('splice').textContent).not.toContain('The map covers the first');
  });

  it('says when nothing was found and how much the map covers; shows nothing without a map', () => {
    const d = imageDetection('x.jpg');
    d.splice = { ...d.splice!, regions: [], earlierQuality: null, coverage: 0.42 };
    render(<SplicePanel d={d} />);
    expect(screen.getByTestId('splice-none').textContent).toBe('The JPEG was saved twice (earlier at a lower quality); no region without that earlier compression was found.');
    expect(screen.queryByTestId('splice-table')).toBeNull();
    expect(screen.getByTestId('splice').textContent).toContain('The map covers the first 42 % of the picture');
    cleanup();
    delete d.splice;
    const { container } = render(<SplicePanel d={d} />);
    expect(container.textContent).toBe('');
  });
});
