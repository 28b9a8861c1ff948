import { newClusterID } from './ids';
import { VersionedStore } from './versioned';

/**
 * An in-memory Store: the reference semantics, used by unit tests and benchmarks.
 * Nothing survives the process.
 */
export class MemoryStore extends VersionedStore {
  constructor() {
    super(newClusterID(), 0, []);
  }
}
