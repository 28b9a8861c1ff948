import type { PlacementLog } from './cluster-state';

/**
 * schedule()'s task ID → node ID result, in placement order: a read-only Map over the call's
 * PlacementLog (task IDs and nodes in parallel arrays, so a placement costs two appends and no
 * hashing). Iterating reads the arrays; the first `get`/`has` builds an index by task ID.
 */
export class Assignments implements ReadonlyMap<string, string> {
  /** Task ID → position in the log, built on the first lookup and extended as the log grows. */
  private index: Map<string, number> | undefined;
  private indexed = 0;

  constructor(private readonly log: PlacementLog) {}

  get size(): number {
    return this.log.size;
  }

  get(taskId: string): string | undefined {
    const position = this.lookup().get(taskId);
    return position === undefined ? undefined : this.log.nodeAt(position).node.id;
  }

  has(taskId: string): boolean {
    return this.lookup().has(taskId);
  }

  *entries(): MapIterator<[string, string]> {
    const { log } = this;
    for (let position = 0; position < log.size; position++) {
      yield [log.taskIdAt(position), log.nodeAt(position).node.id];
    }
  }

  *keys(): MapIterator<string> {
    const { log } = this;
    for (let position = 0; position < log.size; position++) yield log.taskIdAt(position);
  }

  *values(): MapIterator<string> {
    const { log } = this;
    for (let position = 0; position < log.size; position++) yield log.nodeAt(position).node.id;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  forEach(
    callback: (nodeId: string, taskId: string, map: ReadonlyMap<string, string>) => void,
    thisArg?: unknown,
  ): void {
    for (const [taskId, nodeId] of this.entries()) callback.call(thisArg, nodeId, taskId, this);
  }

  get [Symbol.toStringTag](): string {
    return 'Assignments';
  }

  private lookup(): Map<string, number> {
    const index = (this.index ??= new Map());
    const { log } = this;
    for (; this.indexed < log.size; this.indexed++) index.set(log.taskIdAt(this.indexed), this.indexed);
    return index;
  }
}
