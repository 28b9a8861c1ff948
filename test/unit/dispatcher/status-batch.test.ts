import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { StatusBatch } from '../../../agent/dispatcher/status-batch';
import { SqliteStore } from '../../../agent/store/sqlite';
import type { Store } from '../../../agent/store/store';
import type { Task, TaskState } from '../../../agent/types/swarm';
import { UnavailableError } from '../../../agent/util/errors';
import { newStore, taskRecord } from './fixtures';

/** Counts the store's outermost transactions (single writes run as their own). */
function countCommits(store: Store): { readonly count: number } {
  const counter = { count: 0 };
  const transaction = store.transaction.bind(store);
  let depth = 0;
  store.transaction = <R>(fn: () => R): R => {
    if (depth === 0) counter.count++;
    depth++;
    try {
      return transaction(fn);
    } finally {
      depth--;
    }
  };
  return counter;
}

const report = (state: TaskState) => ({ state, message: state });

test("writes asked in one turn commit as one transaction, each task's states in order", async () => {
  const store = newStore();
  const tasks = store.collection<Task>('tasks');
  for (const id of ['t1', 't2', 't3']) tasks.create(taskRecord(id));
  const commits = countCommits(store);
  const seen: string[] = [];
  store.onChange((c) => seen.push(`${c.object.ID}:${(c.object as Task).Status.State}`));
  const batch = new StatusBatch(store, tasks);

  const results = await Promise.all([
    batch.write('t1', report('accepted')),
    batch.write('t2', report('accepted')),
    batch.write('t1', report('preparing')),
    batch.write('t3', report('accepted')),
    batch.write('t1', report('ready')),
  ]);
  assert.equal(commits.count, 1, 'one transaction for the five writes');
  assert.deepEqual(seen, ['t1:accepted', 't2:accepted', 't1:preparing', 't3:accepted', 't1:ready']);
  assert.ok(results.every((r) => r.written));
  const last = results[4];
  assert.equal(last?.task?.Status.State, 'ready');
  assert.equal(last?.task?.Version.Index, tasks.get('t1')?.Version.Index, 'the task as written');
  assert.equal(tasks.get('t1')?.Status.State, 'ready');

  // Awaited one after the other, a task's writes go out in turns of their own.
  await batch.write('t2', report('preparing'));
  await batch.write('t2', report('ready'));
  assert.equal(commits.count, 3);
});

test('the rules of a single write hold: states only move forward, a final state stays, a gone task is gone', async () => {
  const store = newStore();
  const tasks = store.collection<Task>('tasks');
  tasks.create(taskRecord('t1'));
  tasks.create(taskRecord('t2'));
  const batch = new StatusBatch(store, tasks);
  const [forward, backwards, failed, final, gone] = await Promise.all([
    batch.write('t1', report('preparing')),
    batch.write('t1', report('accepted')),
    batch.write('t2', { state: 'failed', message: 'started', err: 'task: non-zero exit (1)' }),
    batch.write('t2', report('running')),
    batch.write('nope', report('running')),
  ]);
  assert.equal(forward.written, true);
  assert.deepEqual([backwards.written, !backwards.written && backwards.reason], [false, 'backwards']);
  assert.equal(failed.written, true);
  assert.deepEqual([final.written, !final.written && final.reason], [false, 'final']);
  assert.deepEqual([gone.written, !gone.written && gone.reason], [false, 'gone']);
  assert.equal(tasks.get('t1')?.Status.State, 'preparing');
  assert.equal(tasks.get('t2')?.Status.State, 'failed');
});

test('a write that throws fails alone; the others in its batch commit', async () => {
  const store = newStore();
  const tasks = store.collection<Task>('tasks');
  tasks.create(taskRecord('t1'));
  tasks.create(taskRecord('t2'));
  const batch = new StatusBatch(store, tasks);
  // t2's write fails after the store took it: its nested transaction must undo it.
  const update = tasks.update.bind(tasks);
  tasks.update = (next, version) => {
    const written = update(next, version);
    if (next.ID === 't2') throw new Error('boom');
    return written;
  };
  const seen: string[] = [];
  store.onChange((c) => seen.push(`${c.object.ID}:${(c.object as Task).Status.State}`));
  const [ok, broken, after] = await Promise.allSettled([
    batch.write('t1', report('accepted')),
    batch.write('t2', report('preparing')),
    batch.write('t1', report('preparing')),
  ]);
  assert.equal(ok.status, 'fulfilled');
  assert.equal(after.status, 'fulfilled');
  assert.equal(broken.status === 'rejected' && (broken.reason as Error).message, 'boom');
  assert.deepEqual(seen, ['t1:accepted', 't1:preparing']);
  assert.equal(tasks.get('t1')?.Status.State, 'preparing');
  assert.equal(tasks.get('t2')?.Status.State, 'assigned', 'nothing of the failed write is left');
});

test('deletions join the batch; a deleted task takes no more writes', async () => {
  const store = newStore();
  const tasks = store.collection<Task>('tasks');
  tasks.create(taskRecord('t1'));
  tasks.create(taskRecord('t2'));
  const batch = new StatusBatch(store, tasks);
  const commits = countCommits(store);
  const [shutdown, deleted, late] = await Promise.all([
    batch.write('t1', report('shutdown')),
    batch.delete('t1'),
    batch.write('t1', report('shutdown')),
    batch.delete('t2'),
  ]);
  assert.equal(commits.count, 1);
  assert.equal(shutdown.written, true);
  assert.equal(deleted, true);
  assert.deepEqual([late.written, !late.written && late.reason], [false, 'gone']);
  assert.deepEqual(tasks.list(), []);
});

test('a batch larger than the bound is split over several transactions, in order', async () => {
  const store = newStore();
  const tasks = store.collection<Task>('tasks');
  for (let i = 0; i < 10; i++) tasks.create(taskRecord(`t${i}`));
  const commits = countCommits(store);
  const seen: string[] = [];
  store.onChange((c) => seen.push(c.object.ID));
  const batch = new StatusBatch(store, tasks, 4);
  await Promise.all(Array.from({ length: 10 }, (_, i) => batch.write(`t${i}`, report('accepted'))));
  assert.equal(commits.count, 3);
  assert.deepEqual(
    seen,
    Array.from({ length: 10 }, (_, i) => `t${i}`),
  );
});

test('when the commit fails (full disk), every write of the batch fails and nothing is stored', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-batch-'));
  const store = SqliteStore.open(join(dir, 'state.db'), { maxPageCount: 12 });
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const tasks = store.collection<Task>('tasks');
  tasks.create(taskRecord('t1'));
  tasks.create(taskRecord('t2'));
  const events: string[] = [];
  store.onChange((c) => events.push(c.object.ID));
  const batch = new StatusBatch(store, tasks);
  const outcomes = await Promise.allSettled([
    batch.write('t1', report('accepted')),
    batch.write('t2', { state: 'accepted', message: 'accepted', err: 'x'.repeat(64 * 1024) }),
    batch.write('t1', report('preparing')),
  ]);
  for (const outcome of outcomes) {
    assert.equal(outcome.status, 'rejected');
    assert.ok(outcome.reason instanceof UnavailableError, String(outcome.reason));
  }
  assert.deepEqual(events, []);
  assert.deepEqual(
    tasks.list().map((task) => task.Status.State),
    ['assigned', 'assigned'],
  );
  // The store works on once the disk has room again.
  assert.equal((await batch.write('t1', report('accepted'))).written, true);
});
