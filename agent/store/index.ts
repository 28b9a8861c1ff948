import { join } from 'node:path';
import { SqliteStore } from './sqlite';
import type { Store } from './store';

export type { ChangeOptions, Collection, NewObject, Store, StoreChange } from './store';
export { ConflictError, NotFoundError, OutOfSequenceError } from './store';
export { MemoryStore } from './memory';
export { SqliteStore, StoreInUseError, type SqliteStoreOptions } from './sqlite';

/** The agent's store: `<home>/state.db`, held exclusively until closed. */
export function openStore(home: string): Store {
  return SqliteStore.open(join(home, 'state.db'));
}
