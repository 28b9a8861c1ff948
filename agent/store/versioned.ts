import type { Meta } from '../types/swarm';
import { ChangeFeed, type ChangeListener, type CommittedChange } from './events';
import {
  ConflictError,
  NotFoundError,
  OutOfSequenceError,
  type ChangeOptions,
  type Collection,
  type NewObject,
  type Store,
} from './store';

/**
 * One stored object as the cache holds it. Kept serialized so that every read hands out a fresh copy,
 * and so that what a reader sees is exactly what a restart would load from disk.
 */
export interface Entry {
  /** The version index the object was created at: orders a collection by creation. */
  seq: number;
  version: number;
  createdAt: string;
  updatedAt: string;
  json: string;
}

export interface StoredRow extends Entry {
  collection: string;
  id: string;
}

/**
 * Where writes land before the cache takes them. Each write method either succeeds or throws having
 * written nothing; the store then refuses to commit the transaction it was part of.
 */
export interface Persistence {
  /** Runs `fn` as one transaction (a savepoint when nested), undone when `fn` or the commit throws. */
  atomically<R>(fn: () => R): R;
  insert(collection: string, id: string, entry: Entry): void;
  replace(collection: string, id: string, entry: Entry): void;
  remove(collection: string, id: string): void;
  saveIndex(index: number): void;
}

/** No persistence: the cache is the whole store. */
export const volatile: Persistence = {
  atomically<R>(fn: () => R): R {
    return fn();
  },
  insert() {},
  replace() {},
  remove() {},
  saveIndex() {},
};

interface Undo {
  entries: Map<string, Entry>;
  id: string;
  /** The entry before the write; undefined when the write created the object. */
  previous: Entry | undefined;
}

interface Mark {
  undo: number;
  pending: number;
  index: number;
}

/**
 * The {@link Store} semantics over an in-memory cache, with an optional {@link Persistence} written
 * through before the cache changes. Transactions nest: an inner one that throws undoes only its own
 * writes; events go out when the outermost one commits.
 */
export class VersionedStore implements Store {
  private index: number;
  private readonly collections = new Map<string, Map<string, Entry>>();
  private readonly feed = new ChangeFeed();
  private depth = 0;
  private undo: Undo[] = [];
  private pending: CommittedChange[] = [];
  /** Set when persistence failed inside the running transaction: it can only roll back now. */
  private failure: { error: unknown } | undefined;

  constructor(
    readonly clusterID: string,
    index: number,
    /** Objects to start with, in creation order. */
    rows: Iterable<StoredRow>,
    private readonly persistence: Persistence = volatile,
  ) {
    this.index = index;
    for (const { collection, id, ...entry } of rows) this.entries(collection).set(id, entry);
  }

  get currentIndex(): number {
    return this.index;
  }

  collection<T extends Meta>(name: string): Collection<T> {
    const entries = this.entries(name);
    return {
      get: (id) => {
        const entry = entries.get(id);
        return entry === undefined ? undefined : parse<T>(entry.json);
      },
      list: () => Array.from(entries.values(), (entry) => parse<T>(entry.json)),
      create: (object) => this.write(() => this.create(name, entries, object)),
      update: (next, expectedVersion) => this.write(() => this.update(name, entries, next, expectedVersion)),
      delete: (id, expectedVersion) => this.write(() => this.delete(name, entries, id, expectedVersion)),
    };
  }

  transaction<R>(fn: () => R): R {
    const outer = this.depth === 0;
    const mark: Mark = { undo: this.undo.length, pending: this.pending.length, index: this.index };
    this.depth++;
    let result: R;
    try {
      result = this.persistence.atomically(() => {
        const r = fn();
        if (r instanceof Promise) throw new TypeError('a store transaction must not return a promise');
        if (this.failure) throw this.failure.error;
        if (outer && this.index !== mark.index) this.persistence.saveIndex(this.index);
        return r;
      });
    } catch (error) {
      this.rollback(mark);
      if (outer) this.failure = undefined;
      throw error;
    } finally {
      this.depth--;
    }
    if (outer) {
      const committed = this.pending;
      this.undo = [];
      this.pending = [];
      this.feed.publish(committed);
    }
    return result;
  }

  onChange(listener: ChangeListener, options?: ChangeOptions): () => void {
    return this.feed.subscribe(listener, options);
  }

  close(): void {
    this.feed.clear();
  }

  private entries(name: string): Map<string, Entry> {
    let entries = this.collections.get(name);
    if (!entries) this.collections.set(name, (entries = new Map()));
    return entries;
  }

  /** A single write joins the running transaction, or runs as its own. */
  private write<R>(op: () => R): R {
    if (this.depth === 0) return this.transaction(op);
    if (this.failure) throw this.failure.error;
    return op();
  }

  private persist(write: () => void): void {
    try {
      write();
    } catch (error) {
      this.failure = { error };
      throw error;
    }
  }

  private create<T extends Meta>(name: string, entries: Map<string, Entry>, object: NewObject<T>): T {
    if (entries.has(object.ID)) throw new ConflictError(`${name} ${object.ID} already exists`);
    const index = this.index + 1;
    const now = new Date().toISOString();
    const json = JSON.stringify({ ...object, Version: { Index: index }, CreatedAt: now, UpdatedAt: now });
    const entry: Entry = { seq: index, version: index, createdAt: now, updatedAt: now, json };
    this.persist(() => this.persistence.insert(name, object.ID, entry));
    this.index = index;
    entries.set(object.ID, entry);
    this.undo.push({ entries, id: object.ID, previous: undefined });
    this.pending.push({ collection: name, action: 'create', object: json });
    return parse<T>(json);
  }

  private update<T extends Meta>(
    name: string,
    entries: Map<string, Entry>,
    next: NewObject<T> | T,
    expectedVersion: number,
  ): T {
    const current = entries.get(next.ID);
    if (!current) throw new NotFoundError(`${name} ${next.ID} not found`);
    if (current.version !== expectedVersion) throw new OutOfSequenceError();
    const index = this.index + 1;
    const now = new Date().toISOString();
    const json = JSON.stringify({
      ...next,
      Version: { Index: index },
      CreatedAt: current.createdAt,
      UpdatedAt: now,
    });
    const entry: Entry = { ...current, version: index, updatedAt: now, json };
    this.persist(() => this.persistence.replace(name, next.ID, entry));
    this.index = index;
    entries.set(next.ID, entry);
    this.undo.push({ entries, id: next.ID, previous: current });
    this.pending.push({ collection: name, action: 'update', object: json, previous: current.json });
    return parse<T>(json);
  }

  private delete(name: string, entries: Map<string, Entry>, id: string, expectedVersion?: number): void {
    const current = entries.get(id);
    if (!current) throw new NotFoundError(`${name} ${id} not found`);
    if (expectedVersion !== undefined && current.version !== expectedVersion) throw new OutOfSequenceError();
    this.persist(() => this.persistence.remove(name, id));
    this.index++;
    entries.delete(id);
    this.undo.push({ entries, id, previous: current });
    this.pending.push({ collection: name, action: 'delete', object: current.json });
  }

  private rollback(mark: Mark): void {
    const reinserted = new Set<Map<string, Entry>>();
    for (const { entries, id, previous } of this.undo.splice(mark.undo).reverse()) {
      if (previous === undefined) {
        entries.delete(id);
      } else {
        if (!entries.has(id)) reinserted.add(entries);
        entries.set(id, previous);
      }
    }
    this.pending.length = mark.pending;
    this.index = mark.index;
    // A Map appends what is set again after a delete; put restored objects back in creation order.
    for (const entries of reinserted) {
      const ordered = [...entries].sort(([, a], [, b]) => a.seq - b.seq);
      entries.clear();
      for (const [id, entry] of ordered) entries.set(id, entry);
    }
  }
}

function parse<T>(json: string): T {
  return JSON.parse(json) as T;
}
