/** A tiny async mutex: read-modify-write sequences run one at a time. */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  /** Run fn after every previously queued fn has settled. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

/** One mutex per key (e.g. per record id), dropped when idle. */
export class KeyedMutex {
  private readonly locks = new Map<string, { m: Mutex; n: number }>();

  /** Run fn exclusively for key. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let e = this.locks.get(key);
    if (!e) {
      e = { m: new Mutex(), n: 0 };
      this.locks.set(key, e);
    }
    e.n++;
    try {
      return await e.m.run(fn);
    } finally {
      e.n--;
      if (e.n === 0) this.locks.delete(key);
    }
  }
}
