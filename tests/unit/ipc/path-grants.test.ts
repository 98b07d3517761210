/** PathGrants: a window may analyse what its user dropped or picked, and what lies inside a granted folder. */
import { describe, expect, it } from 'vitest';
import { PathGrants } from '../../../src-main/core/path-grants';

describe('path grants', () => {
  it('covers a granted file, and everything under a granted folder, for that window only', () => {
    const g = new PathGrants();
    g.grant('w1', '/cases/17');
    g.grant('w1', '/tmp/one.jpg');
    expect(g.covers('w1', '/cases/17')).toBe(true);
    expect(g.covers('w1', '/cases/17/sub/a.jpg')).toBe(true);
    expect(g.covers('w1', '/cases/17/../18/a.jpg')).toBe(false); // normalised before the check
    expect(g.covers('w1', '/cases/170/a.jpg')).toBe(false); // a sibling with the same prefix
    expect(g.covers('w1', '/tmp/one.jpg')).toBe(true);
    expect(g.covers('w1', '/tmp/two.jpg')).toBe(false);
    expect(g.covers('w2', '/tmp/one.jpg')).toBe(false);
    expect(g.covers('w1', 'relative/one.jpg')).toBe(false);
    g.clear('w1');
    expect(g.covers('w1', '/tmp/one.jpg')).toBe(false);
  });

  it('ignores what is not an absolute path (the preload passes on what the page cannot control, but main checks anyway)', () => {
    const g = new PathGrants();
    for (const bad of ['', 'a.jpg', '/x\0y', 42, null, { path: '/' }]) g.grant('w', bad);
    expect(g.covers('w', '/')).toBe(false);
    expect(g.covers('w', '/x')).toBe(false);
    g.grant('w', '/');
    expect(g.covers('w', '/etc/hostname')).toBe(true); // a whole disk dropped is still the user's choice
  });
});
