import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startNode, stopNode } from '../../../agent/sandbox/sandbox';
import { Harness, SERVICE_LABEL, waitFor } from './helpers';

// A node's engine stops: its tasks are replaced on the other nodes; when it comes back, nothing runs twice.

let h: Harness;
const created = new Map<string, string>();

before(async () => {
  h = await Harness.start();
});

after(async () => {
  await h.cleanup(async () => {
    await startNode('node2').catch(() => undefined);
    await waitFor(
      'node2 Ready again',
      async () =>
        (await h.cli(['node', 'ls', '--format', '{{.Hostname}} {{.Status}}'])).includes('node2 Ready'),
      30_000,
    ).catch(() => undefined);
    await h.removeAndWait(created);
  });
});

test('a stopped engine: its tasks run on node1/node3 within 20 s; back, the count is exact and node2 runs none', async () => {
  const id = await h.create('resilient', ['--replicas', '6']);
  created.set('resilient', id);
  await h.converged('resilient', 6);
  assert.deepEqual(await h.runningPerEngine(id), { node1: 2, node2: 2, node3: 2 });

  await stopNode('node2');
  const stopped = Date.now();
  await waitFor(
    '6 running containers on node1 and node3',
    async () => {
      const counts = await h.runningPerEngine(id, ['node1', 'node3']);
      return counts.node1! + counts.node3! === 6;
    },
    20_000,
    () => h.describe('resilient'),
  );
  const replacedMs = Date.now() - stopped;
  const names = await h.hostnames();
  const running = await h.running('resilient');
  assert.equal(running.length, 6, await h.describe('resilient'));
  assert.ok(running.every((t) => names.get(t.NodeID ?? '') !== 'node2'));
  console.log(`# node2 stopped: its 2 tasks replaced on node1/node3 after ${replacedMs} ms`);

  await startNode('node2');
  const back = Date.now();
  await waitFor(
    'node2 Ready',
    async () =>
      (await h.cli(['node', 'ls', '--format', '{{.Hostname}} {{.Status}}'])).includes('node2 Ready'),
    30_000,
  );
  console.log(`# node2 Ready again ${Date.now() - back} ms after its engine was started`);
  // Its stale containers never run again: node2 may hold stopped ones (task history), not running ones.
  await waitFor(
    'no running container of the service on node2, 6 in all',
    async () => {
      const counts = await h.runningPerEngine(id);
      return counts.node2 === 0 && counts.node1! + counts.node3! === 6;
    },
    20_000,
    async () => JSON.stringify(await h.runningPerEngine(id)),
  );
  const after = await h.converged('resilient', 6);
  assert.deepEqual(
    after.map((t) => t.Slot).sort((a, b) => (a ?? 0) - (b ?? 0)),
    [1, 2, 3, 4, 5, 6],
  );
  assert.deepEqual(await h.doubleSlots(id), []);
  const node2 = (await h.engineContainers('node2')).filter((c) => c.Labels[SERVICE_LABEL] === id);
  assert.ok(
    node2.every((c) => c.State !== 'running'),
    node2.map((c) => `${c.Names[0]} ${c.State}`).join(', '),
  );
  const ls = await h.cli(['service', 'ls', '--filter', 'name=resilient', '--format', '{{.Replicas}}']);
  assert.equal(ls.trim(), '6/6');
});
