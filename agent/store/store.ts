import type { Meta } from '../types/swarm';
import { ConflictError, NotFoundError } from '../util/errors';

export { ConflictError, NotFoundError };

/**
 * The agent's state store. One small interface so that a distributed backend (etcd, raft) can replace
 * the embedded one later: collections of versioned objects, atomic transactions, and change events.
 *
 * Versioning follows swarmkit: one monotonically increasing index for the whole store; every write
 * stamps the object with the next index. An update names the version it read, and is refused with
 * {@link OutOfSequenceError} when the object has moved on since ("update out of sequence").
 */
export interface Store {
  /** A named collection; created on first use. Names are fixed identifiers like "nodes", "services". */
  collection<T extends Meta>(name: string): Collection<T>;
  /** Runs `fn` atomically: all its writes land, or (if it throws) none do and no event is emitted. */
  transaction<R>(fn: () => R): R;
  /** Called after each committed write, in commit order. Returns a function that unsubscribes. */
  onChange(listener: (change: StoreChange) => void, options?: ChangeOptions): () => void;
  /** The cluster's ID, generated when the store was first created and never changed. */
  readonly clusterID: string;
  /** The highest version index handed out so far. */
  readonly currentIndex: number;
  close(): void;
}

/** An object before the store stamps it: `ID` is the caller's, the rest is filled in on create. */
export type NewObject<T extends Meta> = Omit<T, 'Version' | 'CreatedAt' | 'UpdatedAt'>;

export interface Collection<T extends Meta> {
  get(id: string): T | undefined;
  /** All objects, in creation order. Returned objects are copies: mutating them changes nothing stored. */
  list(): T[];
  /** Fails with {@link ConflictError} when the ID exists. */
  create(object: NewObject<T>): T;
  /**
   * Replaces the object with `next` (its ID must match). `expectedVersion` is the `Version.Index` the caller
   * read; a different current version fails with {@link OutOfSequenceError}. `CreatedAt` is kept.
   */
  update(next: NewObject<T> | T, expectedVersion: number): T;
  /** Fails with {@link NotFoundError} when missing; with `expectedVersion`, like update. */
  delete(id: string, expectedVersion?: number): void;
}

export interface ChangeOptions {
  /**
   * The listener only reads what it is given: it gets one deep-frozen copy of each change, shared with the other
   * read-only listeners (parsed once for all of them), instead of a copy of its own that it may change.
   */
  readonly?: boolean;
}

export interface StoreChange {
  collection: string;
  action: 'create' | 'update' | 'delete';
  /** The object after the change (for delete: as it was when deleted). */
  object: Meta;
  previous?: Meta;
}

/** Docker's own wording, which clients such as the docker CLI show as is. */
export class OutOfSequenceError extends ConflictError {
  constructor() {
    super('update out of sequence');
  }
}
