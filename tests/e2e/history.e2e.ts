/**
 * History over a store that already holds records (written through the store's own
 * repository, as finished analyses would be): search by name and hash, filters, sort,
 * paging, open, annotate with an override, and delete with confirmation (audited).
 */
import { test, expect, snap } from './fixtures';
import { makeDetection } from '../helpers/detections';
import { createFirstAdmin, nav, settled } from './walk-helpers';
import type { Harness } from './harness';
import type { VerdictBand } from '../../src-shared/domain/detection';

const BANDS: VerdictBand[] = ['authentic', 'inconclusive', 'manipulated', 'undetermined'];

async function seed(h: Harness, n: number): Promise<{ hashOf: Map<string, string> }> {
  const hashOf = new Map<string, string>();
  const t0 = Date.parse('2026-10-01T09:00:00Z');
  for (let i = 0; i < n; i++) {
    const band = BANDS[i % 4]!;
    const name = `case-${String(i).padStart(3, '0')}.${i % 3 === 0 ? 'mp4' : 'jpg'}`;
    const d = makeDetection({
      band,
      probability: band === 'undetermined' ? null : ((i * 37) % 100) / 100,
      kind: i % 3 === 0 ? 'video' : 'image',
      ownerId: i % 2 ? 'analyst-a' : 'analyst-b',
      ownerName: i % 2 ? 'Ana Analyst' : 'Bob Analyst',
      createdAt: new Date(t0 + i * 3600_000).toISOString(),
      file: { ...makeDetection().file, name, path: `/evidence/${name}` },
    });
    const saved = await h.core.detections.insert(d);
    hashOf.set(name, saved.file.hashes.sha256);
  }
  return { hashOf };
}

test('history: search, filter, sort, page, open, annotate and delete', async ({ page, harness, pageProblems }) => {
  const { hashOf } = await seed(harness, 120);
  await createFirstAdmin(page, harness.url);
  await settled(page);
  await expect(page.getByTestId('band-counts')).toContainText('120');
  await snap(page, 'dashboard');

  await nav(page, 'history');
  await expect(page.getByTestId('pager-range')).toHaveText('1–50 of 120');
  await expect(page.getByTestId('summary-row').first()).toContainText('case-119');
  await settled(page);
  await snap(page, 'history');

  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByTestId('pager-range')).toHaveText('51–100 of 120');

  await page.getByTestId('history-sort').selectOption('fileName:asc');
  await expect(page.getByTestId('pager-range')).toHaveText('1–50 of 120');
  await expect(page.getByTestId('summary-row').first()).toContainText('case-000');

  await page.getByTestId('history-band').selectOption('manipulated');
  await expect(page.getByTestId('pager-range')).toHaveText('1–30 of 30');
  await page.getByTestId('history-kind').selectOption('video');
  await expect(page.getByTestId('pager-range')).toHaveText('1–10 of 10');
  await page.getByTestId('history-band').selectOption('');
  await page.getByTestId('history-kind').selectOption('');

  // Analysts appear in the owner filter (accounts, plus owners seen in the list).
  await expect(page.getByTestId('history-owner')).toContainText('Ana Analyst');
  await page.getByTestId('history-owner').selectOption({ label: 'Ana Analyst' });
  await expect(page.getByTestId('pager-range')).toHaveText('1–50 of 60');
  await page.getByTestId('history-owner').selectOption('');

  await page.getByTestId('history-search').fill('case-042');
  await expect(page.getByTestId('summary-row')).toHaveCount(1);
  const hash = hashOf.get('case-046.jpg')!;
  await page.getByTestId('history-search').fill(hash);
  await expect(page.getByTestId('summary-row')).toHaveCount(1);
  await expect(page.getByTestId('summary-row')).toContainText('case-046.jpg');
  await page.getByTestId('history-search').fill('no-such-file');
  await expect(page.getByTestId('empty-state')).toContainText('Nothing matches');
  await page.getByTestId('history-search').fill('case-046');

  // Open the record and annotate it with an override.
  await page.getByRole('button', { name: 'case-046.jpg', exact: true }).click();
  await expect(page.getByTestId('screen-result')).toBeVisible();
  await expect(page.getByTestId('verdict-label')).toHaveText('Likely manipulated');
  await page.getByTestId('annotation-note').fill('Matches the agency original byte for byte.');
  await page.getByTestId('override-toggle').check();
  await page.getByTestId('override-band').selectOption('authentic');
  await page.getByTestId('override-reason').fill('Original obtained from the photographer');
  await page.getByTestId('save-annotation').click();
  await expect(page.getByTestId('annotation')).toHaveCount(1);
  await expect(page.getByTestId('verdict-label')).toHaveText('Likely authentic');
  await expect(page.getByTestId('verdict-override')).toContainText('model said Likely manipulated');
  await settled(page);
  await snap(page, 'result-annotated');

  // Back in history the row shows the override; delete it after confirming.
  await nav(page, 'history');
  await page.getByTestId('history-search').fill('case-046');
  const row = page.getByTestId('summary-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('overridden');
  await row.getByTestId('delete-record').click();
  await expect(page.getByTestId('confirm-dialog')).toBeVisible();
  await snap(page, 'history-delete-confirm');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(row).toHaveCount(1);
  await row.getByTestId('delete-record').click();
  await page.getByRole('button', { name: 'Delete record' }).click();
  await expect(page.getByTestId('empty-state')).toBeVisible();

  await nav(page, 'admin');
  await page.getByTestId('admin-tab-audit').click();
  await page.getByTestId('audit-action').selectOption('record.deleted');
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await page.getByTestId('audit-action').selectOption('record.annotated');
  await expect(page.getByTestId('audit-row')).toHaveCount(1);
  await page.getByTestId('admin-tab-stats').click();
  await expect(page.getByTestId('statistics').locator('canvas')).toHaveCount(4);
  await settled(page);
  await snap(page, 'admin-statistics');
  expect(pageProblems.problems).toEqual([]);
});
