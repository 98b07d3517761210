import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { CopyMovePanel } from '../../src-renderer/src/screens/result/forensic-layers';
import { imageDetection } from '../helpers/report-fixtures';

vi.mock('../../src-renderer/src/lib/artifacts', () => ({
  useArtifact: (_id: string, key: string | undefined) => (key ? { status: 'ok', url: `blob:${key}` } : { status: 'none' }),
}));

afterEach(cleanup);

describe('Copy-move panel', () => {
  it('says what was found, lists the pairs and shows the overlay', () => {
    const d = imageDetection('x.jpg');
    render(<CopyMovePanel d={d} />);
    expect(screen.getByTestId('copy-move-found').textContent).toBe('1 region of the picture is a copy of another part of it.');
    const rows = within(screen.getByTestId('copy-move-table')).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent))).toEqual([['1', '212, 1804, 410×388', '2950, 1760, 410×388', '1.26 %', 'mirrored']]);
    expect(screen.getByAltText('Copy-move overlay').getAttribute('src')).toBe('blob:clone');
    expect(screen.getByTestId('copy-move').textContent).toContain('analysed at 768 px on the long side; 81 % of it has texture');
  });

  it('says when nothing was found, and shows nothing for records without the check (videos, older records)', () => {
    const d = imageDetection('x.jpg');
    d.copyMove = { ...d.copyMove!, regions: [], artifact: undefined };
    render(<CopyMovePanel d={d} />);
    expect(screen.getByTestId('copy-move-none').textContent).toBe('No copied region was found.');
    expect(screen.queryByAltText('Copy-move overlay')).toBeNull();
    cleanup();
    d.copyMove = { ...d.copyMove!, patternSteps: 7 };
    render(<CopyMovePanel d={d} />);
    expect(screen.getByTestId('copy-move-pattern').textContent).toMatch(/^No copied region is reported: the picture repeats a pattern at 7 different steps/);
    expect(screen.queryByTestId('copy-move-none')).toBeNull();
    cleanup();
    delete d.copyMove;
    const { container } = render(<CopyMovePanel d={d} />);
    expect(container.textContent).toBe('');
  });
});
