import { deepFreeze } from '../util/freeze';
import type { ChangeOptions, StoreChange } from './store';

/** A committed write as the store keeps it until delivery: objects stay serialized until a listener needs them. */
export interface CommittedChange {
  collection: string;
  action: StoreChange['action'];
  object: string;
  previous?: string;
}

export type ChangeListener = (change: StoreChange) => void;

/**
 * Delivers committed changes to listeners, one change to every listener before the next, in commit order.
 * A listener that writes to the store while being called gets its own change queued behind the ones
 * already committed, so no listener ever sees changes out of order.
 */
export class ChangeFeed {
  /** Each listener, and whether it takes the shared read-only copy. */
  private readonly listeners = new Map<ChangeListener, boolean>();
  private readonly queue: CommittedChange[] = [];
  private delivering = false;

  subscribe(listener: ChangeListener, options: ChangeOptions = {}): () => void {
    this.listeners.set(listener, options.readonly === true);
    return () => this.listeners.delete(listener);
  }

  publish(changes: readonly CommittedChange[]): void {
    this.queue.push(...changes);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.deliver(next);
    } finally {
      this.delivering = false;
    }
  }

  clear(): void {
    this.listeners.clear();
    this.queue.length = 0;
  }

  private deliver(change: CommittedChange): void {
    // Parsed once for all read-only listeners, and only if there is one.
    let shared: StoreChange | undefined;
    for (const [listener, readonly] of [...this.listeners]) {
      if (!this.listeners.has(listener)) continue;
      try {
        // Each listener gets its own copy, or a frozen one, so one cannot change what the next one sees.
        listener(readonly ? (shared ??= deepFreeze(toStoreChange(change))) : toStoreChange(change));
      } catch {
        // A failing listener must not break the writer or other listeners.
      }
    }
  }
}

function toStoreChange(change: CommittedChange): StoreChange {
  const out: StoreChange = {
    collection: change.collection,
    action: change.action,
    object: JSON.parse(change.object) as StoreChange['object'],
  };
  if (change.previous !== undefined) out.previous = JSON.parse(change.previous) as StoreChange['object'];
  return out;
}
