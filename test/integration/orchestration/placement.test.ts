import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { docker, shoal } from '../../helpers/sandbox';
import { Harness, waitFor } from './helpers';

// Placement on real engines: spread, scaling, images present on one node only, global services and nodes.

let h: Harness;
/** Services this file created: name → ID. */
const created = new Map<string, string>();
const LOCAL_IMAGE = 'shoal-test/only-on-node1:1';

before(async () => {
  h = await Harness.start();
});

after(async () => {
  await h.cleanup(async () => {
    await h.removeAndWait(created);
    // The global test re-adds node3; make sure it is there whatever happened.
    const names = [...(await h.hostnames()).values()];
    if (!names.includes('node3')) await shoal(['node', 'add', h.engine('node3').endpoint]);
    for (const e of h.engines) await docker(e.endpoint, ['image', 'rm', LOCAL_IMAGE]).catch(() => undefined);
  });
});

function perHost(tasks: Array<{ NodeID?: string }>, names: Map<string, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of tasks) {
    const name = names.get(t.NodeID ?? '') ?? '?';
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

test('12 replicas spread 4/4/4, as each engine itself reports', async () => {
  created.set('spread', await h.create('spread', ['--replicas', '12']));
  const running = await h.converged('spread', 12);
  assert.deepEqual(perHost(running, await h.hostnames()), { node1: 4, node2: 4, node3: 4 });
  assert.deepEqual(await h.runningPerEngine(created.get('spread')!), { node1: 4, node2: 4, node3: 4 });
  assert.deepEqual(
    running.map((t) => t.Slot).sort((a, b) => (a ?? 0) - (b ?? 0)),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
  await h.removeAndWait(new Map([['spread', created.get('spread')!]]));
  created.delete('spread');
});

test('scale up and down with docker service scale: exact counts on the engines; removal takes the newest', async () => {
  const id = await h.create('scale', ['--replicas', '3']);
  created.set('scale', id);
  const first = new Set((await h.converged('scale', 3)).map((t) => t.ID));

  // Up to 9 and straight back to 3: the six new tasks (not running yet, or newest) go, the first three stay.
  await h.cli(['service', 'scale', '-d', 'scale=9']);
  await h.cli(['service', 'scale', '-d', 'scale=3']);
  const kept = await h.converged('scale', 3);
  assert.deepEqual(new Set(kept.map((t) => t.ID)), first);
  await waitFor(
    'only the 3 kept containers exist on the engines',
    async () => {
      const all = (await h.allEngineContainers()).filter(
        (c) => c.Labels['com.docker.swarm.service.id'] === id,
      );
      return all.length === 3 && all.every((c) => c.State === 'running');
    },
    20_000,
  );

  // With the CLI's own progress display (no -d): it waits for convergence itself.
  const up = await h.cli(['service', 'scale', 'scale=7']);
  assert.match(up, /scale scaled to 7/);
  await h.converged('scale', 7);
  const counts = await h.runningPerEngine(id);
  assert.equal(
    Object.values(counts).reduce((a, b) => a + b, 0),
    7,
    JSON.stringify(counts),
  );
  assert.deepEqual(Object.values(counts).sort(), [2, 2, 3]);

  await h.cli(['service', 'scale', 'scale=2']);
  const left = await h.converged('scale', 2);
  // The oldest tasks stay: both survivors are from the first three.
  assert.ok(
    left.every((t) => first.has(t.ID)),
    `kept ${left.map((t) => t.ID).join(', ')}`,
  );
  await waitFor(
    'exactly 2 containers of the service on the engines',
    async () => {
      const all = (await h.allEngineContainers()).filter(
        (c) => c.Labels['com.docker.swarm.service.id'] === id,
      );
      return all.length === 2;
    },
    20_000,
  );
  const finalCounts = await h.runningPerEngine(id);
  assert.equal(
    Object.values(finalCounts).reduce((a, b) => a + b, 0),
    2,
  );
});

test('an image present on node1 only runs on every node', async () => {
  const node1 = h.engine('node1').endpoint;
  await docker(node1, ['tag', 'shoal/web:latest', LOCAL_IMAGE]);
  for (const other of ['node2', 'node3']) {
    await assert.rejects(docker(h.engine(other).endpoint, ['image', 'inspect', LOCAL_IMAGE]));
  }
  const id = await h.create('local-image', ['--replicas', '3'], LOCAL_IMAGE);
  created.set('local-image', id);
  const running = await h.converged('local-image', 3, 60_000);
  assert.deepEqual(perHost(running, await h.hostnames()), { node1: 1, node2: 1, node3: 1 });
  assert.deepEqual(await h.runningPerEngine(id), { node1: 1, node2: 1, node3: 1 });
  for (const other of ['node2', 'node3']) {
    await docker(h.engine(other).endpoint, ['image', 'inspect', LOCAL_IMAGE]);
  }
});

test('a global service runs one task per node and follows a node added later', async () => {
  const id = await h.create('everywhere', ['--mode', 'global']);
  created.set('everywhere', id);
  await h.converged('everywhere', 3);
  assert.deepEqual(await h.runningPerEngine(id), { node1: 1, node2: 1, node3: 1 });

  await h.cli(['node', 'rm', '--force', 'node3']);
  const two = await h.converged('everywhere', 2);
  assert.deepEqual(perHost(two, await h.hostnames()), { node1: 1, node2: 1 });
  const ls = await h.cli(['service', 'ls', '--filter', 'name=everywhere', '--format', '{{.Replicas}}']);
  assert.equal(ls.trim(), '2/2');

  const added = await shoal(['node', 'add', h.engine('node3').endpoint]);
  assert.equal(added.code, 0, added.stderr);
  const three = await h.converged('everywhere', 3);
  assert.deepEqual(perHost(three, await h.hostnames()), { node1: 1, node2: 1, node3: 1 });
  // node3's engine runs exactly one task of the service: the container of the task orphaned by the removal
  // (the same engine under its old node ID) does not keep running beside the new one.
  await waitFor(
    'one running container of the service per engine',
    async () => {
      const counts = await h.runningPerEngine(id);
      return counts.node1 === 1 && counts.node2 === 1 && counts.node3 === 1;
    },
    20_000,
    async () => JSON.stringify(await h.runningPerEngine(id)),
  );
});
