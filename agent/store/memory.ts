import { randomBytes } from 'node:crypto';
import type { Meta } from '../types/swarm';
import {
  ConflictError,
  NotFoundError,
  OutOfSequenceError,
  type Collection,
  type NewObject,
  type Store,
  type StoreChange,
} from './store';

/**
 * An in-memory {@link Store}: the reference semantics, used by unit tests and benchmarks.
 * Nothing survives the process.
 */
export class MemoryStore implements Store {
  readonly clusterID = randomBytes(13).toString('hex').slice(0, 25);
  private index = 0;
  private readonly collections = new Map<string, Map<string, Meta>>();
  private readonly listeners = new Set<(change: StoreChange) => void>();
  /** Writes of the running transaction: undo log and pending events. */
  private tx: { undo: Array<() => void>; events: StoreChange[] } | undefined;

  get currentIndex(): number {
    return this.index;
  }

  collection<T extends Meta>(name: string): Collection<T> {
    let objects = this.collections.get(name);
    if (!objects) this.collections.set(name, (objects = new Map()));
    return new MemoryCollection<T>(this, name, objects as Map<string, T>);
  }

  transaction<R>(fn: () => R): R {
    if (this.tx) return fn();
    const tx: { undo: Array<() => void>; events: StoreChange[] } = { undo: [], events: [] };
    this.tx = tx;
    const savedIndex = this.index;
    try {
      const result = fn();
      this.tx = undefined;
      for (const e of tx.events) this.emit(e);
      return result;
    } catch (error) {
      for (const undo of tx.undo.reverse()) undo();
      this.index = savedIndex;
      this.tx = undefined;
      throw error;
    }
  }

  onChange(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.listeners.clear();
  }

  /** @internal */
  nextIndex(): number {
    return ++this.index;
  }

  /** @internal Applies a write now and records how to undo it if a transaction rolls back. */
  write(undo: () => void, change: StoreChange): void {
    if (this.tx) {
      this.tx.undo.push(undo);
      this.tx.events.push(change);
    } else {
      this.emit(change);
    }
  }

  private emit(change: StoreChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch {
        // A failing listener must not break the writer or other listeners.
      }
    }
  }
}

class MemoryCollection<T extends Meta> implements Collection<T> {
  constructor(
    private readonly store: MemoryStore,
    private readonly name: string,
    private readonly objects: Map<string, T>,
  ) {}

  get(id: string): T | undefined {
    const o = this.objects.get(id);
    return o === undefined ? undefined : structuredClone(o);
  }

  list(): T[] {
    return [...this.objects.values()].map((o) => structuredClone(o));
  }

  create(object: NewObject<T>): T {
    if (this.objects.has(object.ID)) throw new ConflictError(`${this.name} ${object.ID} already exists`);
    const now = new Date().toISOString();
    const stored = {
      ...structuredClone(object),
      Version: { Index: this.store.nextIndex() },
      CreatedAt: now,
      UpdatedAt: now,
    } as T;
    this.objects.set(stored.ID, stored);
    this.store.write(() => this.objects.delete(stored.ID), {
      collection: this.name,
      action: 'create',
      object: structuredClone(stored),
    });
    return structuredClone(stored);
  }

  update(next: NewObject<T> | T, expectedVersion: number): T {
    const current = this.objects.get(next.ID);
    if (!current) throw new NotFoundError(`${this.name} ${next.ID} not found`);
    if (current.Version.Index !== expectedVersion) throw new OutOfSequenceError();
    const stored = {
      ...structuredClone(next),
      Version: { Index: this.store.nextIndex() },
      CreatedAt: current.CreatedAt,
      UpdatedAt: new Date().toISOString(),
    } as T;
    this.objects.set(stored.ID, stored);
    this.store.write(() => this.objects.set(current.ID, current), {
      collection: this.name,
      action: 'update',
      object: structuredClone(stored),
      previous: structuredClone(current),
    });
    return structuredClone(stored);
  }

  delete(id: string, expectedVersion?: number): void {
    const current = this.objects.get(id);
    if (!current) throw new NotFoundError(`${this.name} ${id} not found`);
    if (expectedVersion !== undefined && current.Version.Index !== expectedVersion)
      throw new OutOfSequenceError();
    this.objects.delete(id);
    this.store.nextIndex();
    this.store.write(() => this.objects.set(id, current), {
      collection: this.name,
      action: 'delete',
      object: structuredClone(current),
    });
  }
}
