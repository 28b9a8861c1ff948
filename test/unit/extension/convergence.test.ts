import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeOutcome, evaluate, watchConvergence } from '../../../extension/model/convergence';
import { buildMapData, DENSE_FROM_NODES } from '../../../extension/map/map-data';
import { formatLogLine, resumeSince } from '../../../extension/logs/log-follower';
import { event, loadedModel, node, service, task } from './fixtures';

test('converge: waits for running == desired, from events only', async () => {
  const model = loadedModel({ services: [service('s1', 'web', { index: 5 })] });
  const progress: string[] = [];
  const watching = watchConvergence({
    model,
    service: 's1',
    goal: { kind: 'converge' },
    baselineVersion: 0,
    onProgress: (t) => progress.push(t),
  });
  model.apply(event('task', 'create', task('a', 's1', { slot: 1, state: 'running', index: 6 })), 1);
  model.apply(
    event(
      'task',
      'create',
      task('b', 's1', { slot: 2, state: 'pending', index: 7, message: 'no suitable node' }),
    ),
    1,
  );
  model.apply(event('task', 'update', task('b', 's1', { slot: 2, state: 'running', index: 8 })), 1);
  assert.deepEqual(await watching, { kind: 'converged', running: 2, desired: 2 });
  assert.deepEqual(progress, ['0/2 running', '1/2 running', '1/2 running \u2014 no suitable node']);
});

test('update: an old completed status does not count; a new pause ends the wait with its message', async () => {
  const model = loadedModel({
    services: [service('s1', 'web', { index: 5, update: { State: 'completed', Message: 'old' } })],
    tasks: [task('a', 's1', { slot: 1 }), task('b', 's1', { slot: 2 })],
  });
  assert.deepEqual(evaluate(model, 's1', { kind: 'update' }, 5), { progress: 'waiting for the agent' });
  const watching = watchConvergence({ model, service: 's1', goal: { kind: 'update' }, baselineVersion: 5 });
  model.apply(
    event(
      'service',
      'update',
      service('s1', 'web', { index: 6, update: { State: 'updating', Message: '' } }),
    ),
    1,
  );
  model.apply(
    event(
      'service',
      'update',
      service('s1', 'web', {
        index: 7,
        update: { State: 'paused', Message: 'update paused due to failure' },
      }),
    ),
    1,
  );
  const outcome = await watching;
  assert.deepEqual(outcome, {
    kind: 'update-paused',
    state: 'paused',
    message: 'update paused due to failure',
  });
  assert.equal(describeOutcome('web', outcome), 'web: update paused: update paused due to failure.');
});

test('remove and cancel', async () => {
  const model = loadedModel({
    services: [service('s1', 'web', { index: 5 })],
    tasks: [task('a', 's1', { index: 5 })],
  });
  const removing = watchConvergence({ model, service: 's1', goal: { kind: 'remove' }, baselineVersion: 5 });
  model.apply(event('service', 'delete', service('s1', 'web', { index: 5 }), 9), 1);
  model.apply(
    event('task', 'update', task('a', 's1', { index: 10, state: 'shutdown', desired: 'shutdown' })),
    1,
  );
  assert.deepEqual(await removing, { kind: 'removed' });

  const abort = new AbortController();
  const model2 = loadedModel({ services: [service('s2', 'db', { index: 5 })] });
  const waiting = watchConvergence({
    model: model2,
    service: 's2',
    goal: { kind: 'converge' },
    baselineVersion: 0,
    signal: abort.signal,
  });
  abort.abort();
  const cancelled = await waiting;
  assert.equal(cancelled.kind, 'cancelled');
  assert.match(describeOutcome('db', cancelled), /keeps converging/);
});

test('map data: columns per node with their current tasks, colours by service, dense from 30 nodes', () => {
  const model = loadedModel({
    nodes: [node('n1', 'node1'), node('n2', 'node2', { availability: 'drain' })],
    services: [service('s1', 'web'), service('s2', 'api')],
    tasks: [
      task('a', 's1', { slot: 1, node: 'n1' }),
      task('b', 's2', { slot: 1, node: 'n1' }),
      task('old', 's1', { slot: 1, node: 'n1', state: 'shutdown', desired: 'shutdown' }),
      task('p', 's1', { slot: 2, state: 'pending' }),
    ],
  });
  model.tasks.get('a')!.Spec.Resources = { Reservations: { NanoCPUs: 5e8, MemoryBytes: 1024 } };
  const data = buildMapData(model);
  assert.deepEqual(
    data.services.map((s) => [s.name, s.colour]),
    [
      ['api', 0],
      ['web', 1],
    ],
  );
  assert.deepEqual(
    data.nodes.map((n) => [n.hostname, n.availability, n.tasks.map((t) => t.label)]),
    [
      ['node1', 'active', ['api.1', 'web.1']],
      ['node2', 'drain', []],
    ],
  );
  assert.equal(data.nodes[0]?.reservedCpus, 0.5);
  assert.deepEqual(
    data.unassigned.map((t) => t.label),
    ['web.2'],
  );
  assert.equal(data.dense, false);
  const big = loadedModel({
    nodes: Array.from({ length: DENSE_FROM_NODES }, (_, i) => node(`n${i}`, `node${i}`)),
  });
  assert.equal(buildMapData(big).dense, true);
});

test('log lines read like docker service logs', () => {
  const nodeNameOf = (id: string) => (id === 'n1' ? 'node1' : undefined);
  assert.equal(
    formatLogLine(
      { id: 1, name: 'web.1', taskId: 't', nodeId: 'n1', stream: 'stdout', line: 'hello\n' },
      nodeNameOf,
    ),
    'web.1@node1 | hello',
  );
  assert.equal(
    formatLogLine({ id: 1, name: 'web.2', taskId: 't', stream: 'stderr', line: 'oops' }, nodeNameOf),
    'web.2 (stderr) | oops',
  );
  assert.equal(resumeSince('2025-01-01T00:00:00.000Z'), 1735689600.001);
  assert.equal(resumeSince('nonsense'), undefined);
});
