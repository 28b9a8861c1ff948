import type { Collection, Store } from '../store/store';
import type { Task } from '../types/swarm';
import { deleteTaskRecord, writeTaskStatus, type StatusReport, type WriteResult } from './status-writer';
import type { TaskWriter } from './task-runner';

/** Most writes committed in one transaction; the rest go in the next turn. */
export const MAX_WRITES_PER_BATCH = 64;

interface Queued {
  apply(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The dispatcher's writes, committed together: what the task runs write during one turn of the event loop goes
 * to the store as one transaction, so one disk sync instead of one per write (a synchronous store stalls the
 * whole agent while it syncs). Writes are applied in the order asked, so a task's states keep their order, each
 * by the same rules as a write of its own (states only move forward, see {@link writeTaskStatus}), and each in
 * a nested transaction: one that fails undoes only its own changes. Each promise settles once the batch
 * committed; if the commit itself fails (the disk), every write of the batch fails with that error.
 */
export class StatusBatch implements TaskWriter {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(
    private readonly store: Store,
    private readonly tasks: Collection<Task>,
    private readonly maxWrites = MAX_WRITES_PER_BATCH,
  ) {}

  write(taskId: string, report: StatusReport): Promise<WriteResult> {
    return this.enqueue(() => writeTaskStatus(this.tasks, taskId, report));
  }

  delete(taskId: string): Promise<boolean> {
    return this.enqueue(() => deleteTaskRecord(this.tasks, taskId));
  }

  private enqueue<R>(apply: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ apply, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // After the I/O callbacks of this turn, whose writes join the batch.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue.splice(0, this.maxWrites);
    if (this.queue.length > 0) this.schedule();
    const outcomes: Outcome[] = [];
    try {
      this.store.transaction(() => {
        for (const write of batch) {
          try {
            outcomes.push({ ok: true, value: this.store.transaction(() => write.apply()) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) write.resolve(outcome.value);
      else write.reject(outcome?.error);
    });
  }
}
