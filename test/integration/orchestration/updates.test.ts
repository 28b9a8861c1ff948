import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CRASH, envOf, Harness, SERVICE_LABEL, WEB, waitFor } from './helpers';

// Rolling updates, failure actions and rollback on real engines, driven by the stock docker CLI.

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

/** After an update: every slot has exactly one running task, on the new spec, and the engines agree. */
async function assertAllOnNewSpec(name: string, replicas: number, env: string): Promise<void> {
  const id = created.get(name)!;
  const running = await h.converged(name, replicas);
  assert.deepEqual(
    running.map((t) => t.Slot).sort((a, b) => (a ?? 0) - (b ?? 0)),
    Array.from({ length: replicas }, (_, i) => i + 1),
    'one running task per slot',
  );
  const [key, value] = env.split('=');
  assert.ok(
    running.every((t) => envOf(t).get(key!) === value),
    'every running task is on the new spec',
  );
  assert.deepEqual(await h.doubleSlots(id), []);
  const containers = (await h.allEngineContainers(false)).filter((c) => c.Labels[SERVICE_LABEL] === id);
  assert.equal(containers.length, replicas, 'running containers on the engines');
  for (const c of containers)
    assert.ok((await h.containerEnv(c.node, c.Id)).includes(env), `${c.Names[0]} env`);
}

for (const order of ['start-first', 'stop-first'] as const) {
  test(`rolling update ${order}, parallelism 2: every task ends on the new spec and the update completes`, async () => {
    const name = `roll-${order}`;
    created.set(name, await h.create(name, ['--replicas', '6']));
    await h.converged(name, 6);
    const started = Date.now();
    // Without -d: the CLI follows the update with its own progress display until it converged.
    const out = await h.cli([
      'service',
      'update',
      '--update-order',
      order,
      '--update-parallelism',
      '2',
      '--env-add',
      'VERSION=2',
      name,
    ]);
    const took = Date.now() - started;
    assert.match(out, /converged/);
    const service = await h.service(name);
    assert.equal(service.UpdateStatus?.State, 'completed');
    assert.equal(service.UpdateStatus?.Message, 'update completed');
    await assertAllOnNewSpec(name, 6, 'VERSION=2');
    console.log(`# ${order} update of 6 tasks, parallelism 2, monitor 1 s: ${took} ms (CLI until converged)`);
  });
}

test("an update to a crashing image pauses with Docker's message", async () => {
  const name = 'pauses';
  created.set(name, await h.create(name, ['--replicas', '3']));
  await h.converged(name, 3);
  await h.cli(['service', 'update', '-d', '--image', CRASH, name]);
  const paused = await h.updateState(name, ['paused']);
  assert.match(
    paused.UpdateStatus?.Message ?? '',
    /^update paused due to failure or early termination of task [0-9a-z]{25}$/,
  );
  const failed = (await h.tasks(name)).filter((t) => t.Spec.ContainerSpec?.Image === CRASH);
  assert.ok(failed.some((t) => t.Status.State === 'failed'));
  // Paused means paused: no further slot is handed to the updater, the untouched ones keep running.
  const running = await h.running(name);
  assert.ok(running.length >= 1 && running.every((t) => t.Spec.ContainerSpec?.Image === WEB));
});

test('a slot handed over just before the pause still gets its new task started (stop-first)', async () => {
  // Old tasks ignore their stop signal, so each takes the full 3 s grace to stop; the new task runs ~1 s and
  // then exits 1. With parallelism 1 the updater hands slot 2 over once slot 1's new task runs, and slot 1's
  // failure pauses the update while slot 2's old task is still stopping. Slot 2's replacement must still start
  // once the old task stopped (swarmkit's DelayStart does not depend on the updater), never stay `ready`.
  const name = 'pause-mid-slot';
  const id = await h.create(name, [
    '--replicas',
    '3',
    '--stop-signal',
    'SIGUSR2',
    '--stop-grace-period',
    '3s',
    '--update-monitor',
    '5s',
  ]);
  created.set(name, id);
  await h.converged(name, 3);
  await h.cli(['service', 'update', '-d', '--args', "sh -c 'sleep 1; exit 1'", name]);
  await h.updateState(name, ['paused'], 30_000);
  await waitFor(
    'every slot runs a task or has tried the new spec',
    async () => {
      const tasks = await h.tasks(name);
      return [1, 2, 3].every((slot) =>
        tasks.some(
          (t) =>
            t.Slot === slot &&
            ((t.Status.State === 'running' && t.DesiredState === 'running') || t.Status.State === 'failed'),
        ),
      );
    },
    15_000,
    () => h.describe(name),
  );

  // Updating the paused service again resumes it, here back to a good spec, all slots at once.
  await h.cli([
    'service',
    'update',
    '-d',
    '--args',
    'httpd -f -p 80 -h /www',
    '--env-add',
    'FIXED=1',
    '--update-parallelism',
    '0',
    '--update-monitor',
    '1s',
    name,
  ]);
  await h.updateState(name, ['completed']);
  await assertAllOnNewSpec(name, 3, 'FIXED=1');
});

test('with --update-failure-action rollback, a crashing update rolls back to the old image', async () => {
  const name = 'rolls-back';
  const id = await h.create(name, ['--replicas', '3', '--update-failure-action', 'rollback']);
  created.set(name, id);
  await h.converged(name, 3);
  await h.cli(['service', 'update', '-d', '--image', CRASH, name]);
  const done = await h.updateState(name, ['rollback_completed', 'rollback_paused', 'paused']);
  assert.equal(done.UpdateStatus?.State, 'rollback_completed', JSON.stringify(done.UpdateStatus));
  assert.equal(done.Spec.TaskTemplate.ContainerSpec.Image, WEB);
  const running = await h.converged(name, 3);
  assert.ok(running.every((t) => t.Spec.ContainerSpec?.Image === WEB));
  const containers = (await h.allEngineContainers(false)).filter((c) => c.Labels[SERVICE_LABEL] === id);
  assert.deepEqual(
    containers.map((c) => c.Image),
    [WEB, WEB, WEB],
  );
  assert.deepEqual(await h.doubleSlots(id), []);
});

test('docker service rollback returns to the previous spec', async () => {
  const name = 'manual-rollback';
  const id = await h.create(name, ['--replicas', '2', '--env', 'STAGE=one']);
  created.set(name, id);
  await h.converged(name, 2);
  await h.cli(['service', 'update', '--env-add', 'STAGE=two', name]);
  await assertAllOnNewSpec(name, 2, 'STAGE=two');
  const out = await h.cli(['service', 'rollback', name]);
  assert.match(out, /converged/);
  const back = await h.updateState(name, ['rollback_completed']);
  assert.deepEqual(back.Spec.TaskTemplate.ContainerSpec.Env, ['STAGE=one']);
  await assertAllOnNewSpec(name, 2, 'STAGE=one');
});
