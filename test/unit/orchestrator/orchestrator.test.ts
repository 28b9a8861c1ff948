import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { Simulation, webSpec } from './harness';

let sim: Simulation | undefined;
afterEach(() => sim?.stop());

test('12 replicas spread 4/4/4 with one task per slot', async () => {
  sim = new Simulation(3);
  const svc = sim.createService(webSpec('web', { Mode: { Replicated: { Replicas: 12 } } }));
  await sim.until('12 running', () => sim!.running(svc.ID).length === 12);
  assert.deepEqual(Object.values(sim.perNode(svc.ID)).sort(), [4, 4, 4]);
  assert.deepEqual(
    sim
      .running(svc.ID)
      .map((t) => t.Slot)
      .sort((a, b) => (a ?? 0) - (b ?? 0)),
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
  );
});

test('scale down removes the newest slots and scale up refills the lowest free slots', async () => {
  sim = new Simulation(3);
  const svc = sim.createService(webSpec('web', { Mode: { Replicated: { Replicas: 5 } } }));
  await sim.until('5 running', () => sim!.running(svc.ID).length === 5);
  sim.updateService(svc.ID, (s) => (s.Mode = { Replicated: { Replicas: 2 } }));
  await sim.until('2 tasks left', () => sim!.tasks(svc.ID).length === 2);
  const kept = sim.running(svc.ID).map((t) => t.Slot);
  assert.equal(kept.length, 2);
  sim.updateService(svc.ID, (s) => (s.Mode = { Replicated: { Replicas: 4 } }));
  await sim.until('4 running', () => sim!.running(svc.ID).length === 4);
  assert.deepEqual(
    sim
      .running(svc.ID)
      .map((t) => t.Slot)
      .sort(),
    [1, 2, 3, 4],
  );
  // Scaling is not an update: no task was replaced.
  assert.equal(sim.service(svc.ID).UpdateStatus, undefined);
});

test('a global service runs one task per node and follows a node added later', async () => {
  sim = new Simulation(2);
  const svc = sim.createService(webSpec('agent', { Mode: { Global: {} } }));
  await sim.until('2 running', () => sim!.running(svc.ID).length === 2);
  sim.addNode('node3');
  await sim.until('3 running', () => sim!.running(svc.ID).length === 3);
  assert.deepEqual(Object.values(sim.perNode(svc.ID)), [1, 1, 1]);
  sim.setNode('node2', (n) => (n.Spec.Availability = 'drain'));
  await sim.until('2 running after drain', () => sim!.running(svc.ID).length === 2);
  assert.equal(sim.perNode(svc.ID)['id-node2'], undefined);
});

test('a down node: replicated tasks move, and come back to exactly the desired count', async () => {
  sim = new Simulation(3);
  const svc = sim.createService(
    webSpec('web', {
      Mode: { Replicated: { Replicas: 6 } },
      TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' }, RestartPolicy: { Delay: 0 } },
    }),
  );
  await sim.until('6 running', () => sim!.running(svc.ID).length === 6);
  sim.setNode('node2', (n) => (n.Status.State = 'down'));
  await sim.until('6 running on node1 and node3', () => {
    const per = sim!.perNode(svc.ID);
    return (
      sim!.running(svc.ID).filter((t) => t.NodeID !== 'id-node2').length === 6 &&
      (per['id-node1'] ?? 0) + (per['id-node3'] ?? 0) === 6
    );
  });
  sim.setNode('node2', (n) => (n.Status.State = 'ready'));
  await sim.until('stale copies on node2 stopped', () =>
    sim!.tasks(svc.ID).every((t) => t.NodeID !== 'id-node2' || t.Status.State !== 'running'),
  );
  assert.equal(sim.running(svc.ID).length, 6);
  const slots = sim.running(svc.ID).map((t) => t.Slot);
  assert.equal(new Set(slots).size, 6, 'one running task per slot');
});

for (const order of ['stop-first', 'start-first'] as const) {
  test(`rolling update ${order} replaces every task and completes`, async () => {
    sim = new Simulation(3);
    const svc = sim.createService(
      webSpec('web', {
        Mode: { Replicated: { Replicas: 6 } },
        UpdateConfig: { Parallelism: 2, Order: order, Monitor: 20e6 },
      }),
    );
    await sim.until('6 running', () => sim!.running(svc.ID).length === 6);
    sim.updateService(svc.ID, (s) => (s.TaskTemplate.ContainerSpec.Env = ['VERSION=2']));
    await sim.until('update completed', () => sim!.service(svc.ID).UpdateStatus?.State === 'completed');
    const running = sim.running(svc.ID);
    assert.equal(running.length, 6);
    assert.ok(running.every((t) => t.Spec.ContainerSpec.Env?.[0] === 'VERSION=2'));
    assert.equal(sim.service(svc.ID).UpdateStatus?.Message, 'update completed');
  });
}

test('an update to a failing image pauses; with failure_action rollback it rolls back', async () => {
  sim = new Simulation(3);
  sim.failingImages.add('bad:1');
  const paused = sim.createService(
    webSpec('pauses', { Mode: { Replicated: { Replicas: 3 } }, UpdateConfig: { Monitor: 20e6 } }),
  );
  const rolls = sim.createService(
    webSpec('rolls', {
      Mode: { Replicated: { Replicas: 3 } },
      UpdateConfig: { Monitor: 20e6, FailureAction: 'rollback' },
      RollbackConfig: { Monitor: 20e6 },
    }),
  );
  await sim.until(
    '6 running',
    () => sim!.running(paused.ID).length === 3 && sim!.running(rolls.ID).length === 3,
  );
  sim.updateService(paused.ID, (s) => (s.TaskTemplate.ContainerSpec.Image = 'bad:1'));
  sim.updateService(rolls.ID, (s) => (s.TaskTemplate.ContainerSpec.Image = 'bad:1'));
  await sim.until('paused', () => sim!.service(paused.ID).UpdateStatus?.State === 'paused');
  assert.match(
    sim.service(paused.ID).UpdateStatus?.Message ?? '',
    /^update paused due to failure or early termination of task \w+$/,
  );
  await sim.until(
    'rollback completed',
    () => sim!.service(rolls.ID).UpdateStatus?.State === 'rollback_completed',
  );
  const back = sim.service(rolls.ID);
  assert.equal(back.Spec.TaskTemplate.ContainerSpec.Image, 'shoal/web:latest');
  await sim.until('3 running old image', () => sim!.running(rolls.ID).length === 3);
  assert.ok(sim.running(rolls.ID).every((t) => t.Spec.ContainerSpec.Image === 'shoal/web:latest'));
});

test('a crash-looping task is restarted with growing delays, never in a tight loop', async () => {
  sim = new Simulation(1);
  sim.failingImages.add('crash:1');
  const svc = sim.createService({
    Name: 'crash',
    TaskTemplate: { ContainerSpec: { Image: 'crash:1' }, RestartPolicy: { Condition: 'any', Delay: 0 } },
  });
  await new Promise((r) => setTimeout(r, 1500));
  const attempts = sim.tasks(svc.ID).length;
  // 100 ms doubling: about 6-7 attempts in 1.5 s, not hundreds.
  assert.ok(attempts >= 4 && attempts <= 9, `${attempts} attempts`);
});

test('restart policy none: a failed task stays failed and is not replaced', async () => {
  sim = new Simulation(1);
  sim.failingImages.add('once:1');
  const svc = sim.createService({
    Name: 'once',
    TaskTemplate: { ContainerSpec: { Image: 'once:1' }, RestartPolicy: { Condition: 'none' } },
  });
  await sim.until('failed', () => sim!.tasks(svc.ID).some((t) => t.Status.State === 'failed'));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(sim.tasks(svc.ID).length, 1);
});
