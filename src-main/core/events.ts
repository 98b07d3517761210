/** Events pushed from main to callers (windows, test pages, CLI progress). */
import type { EventName, EventPayload } from '../../src-shared/contract/index';

export type EventSink = (event: EventName, payload: unknown) => void;

export class EventBus {
  private readonly sinks = new Map<string, EventSink>();

  /** Register where events for a caller go; returns an unregister function. */
  attach(senderId: string, sink: EventSink): () => void {
    this.sinks.set(senderId, sink);
    return () => {
      if (this.sinks.get(senderId) === sink) this.sinks.delete(senderId);
    };
  }

  /** Send an event to one caller (silently dropped when it is gone). */
  emit<K extends EventName>(senderId: string, event: K, payload: EventPayload<K>): void {
    const sink = this.sinks.get(senderId);
    if (!sink) return;
    try {
      sink(event, payload);
    } catch {
      // A window that closed mid-send must not break the job that reports to it.
    }
  }

  /** Send an event to every caller. */
  broadcast<K extends EventName>(event: K, payload: EventPayload<K>): void {
    for (const id of [...this.sinks.keys()]) this.emit(id, event, payload);
  }

  clear(): void {
    this.sinks.clear();
  }
}
