import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkQueue, type WorkOutcome } from '../../../agent/dispatcher/work-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('at most `concurrency` tasks run at once per node, and each node has its own slots', async () => {
  const gates = new Map<string, ReturnType<typeof deferred>>();
  const running = new Map<string, number>();
  let peak = 0;
  const queue = new WorkQueue({
    concurrency: 2,
    run: async (key, lane) => {
      running.set(lane, (running.get(lane) ?? 0) + 1);
      peak = Math.max(peak, running.get(lane) ?? 0);
      const gate = deferred();
      gates.set(key, gate);
      await gate.promise;
      running.set(lane, (running.get(lane) ?? 0) - 1);
      return 'done';
    },
    onError: () => undefined,
  });
  for (let i = 0; i < 5; i++) queue.enqueue(`a${i}`, 'node1');
  queue.enqueue('b0', 'node2');
  await sleep(5);
  assert.equal(running.get('node1'), 2);
  assert.equal(running.get('node2'), 1, 'node2 is not held up by node1 being full');
  // node1 never finishes its first two; node2's work still completes.
  gates.get('b0')?.resolve();
  await sleep(5);
  assert.equal(running.get('node2'), 0);
  for (let round = 0; round < 5; round++) {
    for (const gate of gates.values()) gate.resolve();
    await sleep(2);
  }
  await queue.idle();
  assert.equal(peak, 2);
});

test('a task enqueued while it runs is not run twice at once, but runs once more afterwards', async () => {
  let concurrent = 0;
  let maxConcurrent = 0;
  let runs = 0;
  const queue = new WorkQueue({
    concurrency: 4,
    run: async () => {
      runs++;
      concurrent++;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      await sleep(10);
      concurrent--;
      return 'done';
    },
    onError: () => undefined,
  });
  queue.enqueue('t1', 'node1');
  await sleep(2);
  queue.enqueue('t1', 'node1');
  queue.enqueue('t1', 'node1');
  queue.enqueue('t1', 'node1');
  await queue.idle();
  assert.equal(maxConcurrent, 1);
  assert.equal(runs, 2, 'the three enqueues during the run fold into one rerun');
});

test('retries back off exponentially, and idle() does not wait for retry timers', async () => {
  const times: number[] = [];
  const outcomes: WorkOutcome[] = ['retry', 'retry', 'retry', 'done'];
  const queue = new WorkQueue({
    concurrency: 1,
    minRetryMs: 20,
    maxRetryMs: 1000,
    run: async () => {
      times.push(Date.now());
      return outcomes.shift() ?? 'done';
    },
    onError: () => undefined,
  });
  queue.enqueue('t1', 'node1');
  await queue.idle();
  assert.equal(times.length, 1, 'idle once the run ended, with its retry still on a timer');
  await sleep(250);
  assert.equal(times.length, 4);
  const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
  assert.ok((gaps[0] ?? 0) >= 18 && (gaps[1] ?? 0) >= 38 && (gaps[2] ?? 0) >= 78, `gaps ${gaps.join(', ')}`);
});

test('a run that throws is reported and retried later', async () => {
  const errors: string[] = [];
  let calls = 0;
  const queue = new WorkQueue({
    concurrency: 1,
    minRetryMs: 10,
    run: async () => {
      calls++;
      if (calls === 1) throw new Error('boom');
      return 'done';
    },
    onError: (key, lane, error) => errors.push(`${key}@${lane}: ${(error as Error).message}`),
  });
  queue.enqueue('t1', 'node1');
  await sleep(60);
  await queue.idle();
  assert.deepEqual(errors, ['t1@node1: boom']);
  assert.equal(calls, 2);
});

test('stop() drops queued work, cancels retries and waits for runs in progress', async () => {
  const gate = deferred();
  const ran: string[] = [];
  const queue = new WorkQueue({
    concurrency: 1,
    run: async (key) => {
      ran.push(key);
      await gate.promise;
      return 'retry';
    },
    onError: () => undefined,
  });
  queue.enqueue('t1', 'node1');
  queue.enqueue('t2', 'node1');
  const stopped = queue.stop();
  let done = false;
  void stopped.then(() => (done = true));
  await sleep(5);
  assert.equal(done, false);
  gate.resolve();
  await stopped;
  await sleep(30);
  assert.deepEqual(ran, ['t1']);
  queue.enqueue('t3', 'node1');
  assert.equal(queue.pending, 0);
});
