import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_NODE_CONCURRENCY, Limiter } from '../../../agent/cluster/limiter';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

test('the default per-node limit is 8', () => {
  assert.equal(DEFAULT_NODE_CONCURRENCY, 8);
  assert.equal(new Limiter().capacity, 8);
});

test('never runs more than its capacity at once, and runs waiters in order', async () => {
  const limiter = new Limiter(2);
  let running = 0;
  let peak = 0;
  const order: number[] = [];
  const gates = Array.from({ length: 6 }, () => deferred());
  const all = gates.map((gate, i) =>
    limiter.run(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await gate.promise;
      running--;
    }),
  );
  await Promise.resolve();
  assert.equal(limiter.active, 2);
  assert.equal(limiter.waiting, 4);
  for (const gate of gates) {
    gate.resolve();
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(all);
  assert.equal(peak, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5]);
  assert.equal(limiter.active, 0);
});

test('a failing task releases its slot', async () => {
  const limiter = new Limiter(1);
  await assert.rejects(
    limiter.run(async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  assert.equal(await limiter.run(async () => 'next'), 'next');
  assert.equal(limiter.active, 0);
});

test('aborting a waiter removes it from the queue without running it', async () => {
  const limiter = new Limiter(1);
  const gate = deferred();
  const holder = limiter.run(() => gate.promise);
  const controller = new AbortController();
  let ran = false;
  const waiter = limiter.run(async () => {
    ran = true;
  }, controller.signal);
  assert.equal(limiter.waiting, 1);
  controller.abort(new Error('gave up'));
  await assert.rejects(waiter, /gave up/);
  assert.equal(limiter.waiting, 0);
  gate.resolve();
  await holder;
  assert.equal(ran, false);
  assert.equal(limiter.active, 0);
});

test('an already aborted signal is refused at once', async () => {
  const limiter = new Limiter(1);
  await assert.rejects(
    limiter.run(async () => 1, AbortSignal.abort(new Error('late'))),
    /late/,
  );
  assert.equal(limiter.active, 0);
});

test('capacity must be a whole number ≥ 1', () => {
  assert.throws(() => new Limiter(0), RangeError);
  assert.throws(() => new Limiter(1.5), RangeError);
});
