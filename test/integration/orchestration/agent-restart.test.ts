import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { envOf, Harness, SERVICE_LABEL, waitFor } from './helpers';

// kill -9 of the agent in the middle of a rolling update; a new agent on the same store finishes it.

let h: Harness;
const created = new Map<string, string>();

before(async () => {
  h = await Harness.start();
});

after(async () => {
  await h.cleanup(async () => {
    await h.removeAndWait(created);
  });
});

test('after kill -9 mid-update a new agent resumes and completes it: no duplicates, no orphans', async () => {
  const name = 'survivor';
  const id = await h.create(name, ['--replicas', '12', '--update-parallelism', '1']);
  created.set(name, id);
  await h.converged(name, 12);
  const started = Date.now();
  await h.cli(['service', 'update', '-d', '--env-add', 'GEN=2', name]);
  const updatedAtKill = await waitFor(
    'the update under way (3 slots replaced)',
    async () => {
      const fresh = (await h.running(name)).filter((t) => envOf(t).get('GEN') === '2');
      return fresh.length >= 3 ? fresh.length : undefined;
    },
    30_000,
    () => h.describe(name),
  );
  await h.agent.stop('SIGKILL');
  assert.ok(updatedAtKill < 12, `killed mid-way (${updatedAtKill}/12 replaced)`);

  await h.restartAgent();
  const done = await h.updateState(name, ['completed', 'paused']);
  assert.equal(done.UpdateStatus?.State, 'completed', JSON.stringify(done.UpdateStatus));
  console.log(
    `# 12-task update (parallelism 1) with a kill -9 after ${updatedAtKill} slots: completed in ${Date.now() - started} ms`,
  );
  const running = await h.converged(name, 12);
  assert.ok(running.every((t) => envOf(t).get('GEN') === '2'));
  assert.deepEqual(
    running.map((t) => t.Slot).sort((a, b) => (a ?? 0) - (b ?? 0)),
    Array.from({ length: 12 }, (_, i) => i + 1),
  );
  assert.deepEqual(await h.doubleSlots(id), []);
  // The stock CLI's view agrees: `docker service ps` lists 12 running tasks, one per slot.
  const ps = (
    await h.cli([
      'service',
      'ps',
      name,
      '--filter',
      'desired-state=running',
      '--format',
      '{{.Name}} {{.CurrentState}}',
    ])
  )
    .trim()
    .split('\n');
  assert.equal(ps.length, 12, ps.join('\n'));
  assert.ok(
    ps.every((l) => / Running /.test(l)),
    ps.join('\n'),
  );
  assert.equal(new Set(ps.map((l) => l.split(' ')[0])).size, 12);

  // No orphans: every Shoal container on every engine is the container of a task the agent knows...
  const tasks = await h.tasks(name);
  const known = new Set(tasks.map((t) => t.ID));
  const mine = (await h.allEngineContainers()).filter((c) => c.Labels[SERVICE_LABEL] === id);
  const strays = mine.filter((c) => !known.has(c.Labels['com.docker.swarm.task.id'] ?? ''));
  assert.deepEqual(
    strays.map((c) => `${c.node}:${c.Names[0]} ${c.State}`),
    [],
  );
  const recorded = new Set(tasks.map((t) => t.Status.ContainerStatus?.ContainerID));
  assert.ok(
    mine.every((c) => recorded.has(c.Id)),
    'each container is the one its task recorded',
  );
  // ... and what runs on the engines is exactly what the agent calls running.
  const runningContainers = mine
    .filter((c) => c.State === 'running')
    .map((c) => c.Labels['com.docker.swarm.task.id']);
  assert.deepEqual(runningContainers.sort(), running.map((t) => t.ID).sort());
  // Nothing else with our labels lingers on any engine: every Shoal container belongs to a task in the store.
  const everyTask = new Set((await h.allTasks()).map((t) => t.ID));
  const unowned = (await h.allEngineContainers()).filter(
    (c) => !everyTask.has(c.Labels['com.docker.swarm.task.id'] ?? ''),
  );
  assert.deepEqual(
    unowned.map((c) => `${c.node}:${c.Names[0]} ${c.State}`),
    [],
  );
});
