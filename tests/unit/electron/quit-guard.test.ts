import { describe, expect, it } from 'vitest';
import { quitGuard, type QuitQuestion } from '../../../src-main/electron/quit-guard';

describe('quitting with analyses pending', () => {
  const setup = (answers: number[]) => {
    let pending = 0;
    const asked: QuitQuestion[] = [];
    const check = quitGuard(
      () => pending,
      (q) => {
        asked.push(q);
        return answers.shift() ?? 0;
      },
    );
    return { check, asked, setPending: (n: number) => (pending = n) };
  };

  it('lets the app quit without a question when nothing is queued or running', () => {
    const g = setup([]);
    expect(g.check()).toBe(true);
    expect(g.asked).toEqual([]);
  });

  it('asks when analyses are pending; "Keep working" (and closing the box) stops the quit, and the next try asks again', () => {
    const g = setup([0, 0]);
    g.setPending(1);
    expect(g.check()).toBe(false);
    expect(g.asked).toEqual([
      {
        type: 'warning',
        buttons: ['Keep working', 'Quit and cancel them'],
        defaultId: 0,
        cancelId: 0,
        title: 'Analyses are still running',
        message: '1 analysis is queued or running.',
        detail: 'Quitting cancels them (the audit log names the files). Analyses that have finished are kept in History.',
      },
    ]);
    g.setPending(3);
    expect(g.check()).toBe(false);
    expect(g.asked[1]!.message).toBe('3 analyses are queued or running.');
    // Once they finished, quitting needs no question.
    g.setPending(0);
    expect(g.check()).toBe(true);
    expect(g.asked).toHaveLength(2);
  });

  it('"Quit and cancel them" lets the quit go on, and the window close then the app quit ask only once', () => {
    const g = setup([1]);
    g.setPending(2);
    expect(g.check()).toBe(true); // the window's close
    expect(g.check()).toBe(true); // the app's before-quit
    expect(g.asked).toHaveLength(1);
  });
});
