import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterModel, type ModelChange } from '../../../extension/model/cluster-model';
import { event, loadedModel, node, service, snapshot, storedNetwork, task } from './fixtures';

test('a snapshot fills the model and indexes tasks by service and node', () => {
  const model = loadedModel({
    nodes: [node('n1', 'node1'), node('n2', 'node2')],
    services: [service('s1', 'web')],
    tasks: [task('t1', 's1', { slot: 1, node: 'n1' }), task('t2', 's1', { slot: 2, node: 'n2' })],
    networks: [
      {
        Id: 'net1',
        Name: 'backend',
        Driver: 'overlay',
        Scope: 'swarm',
        IPAM: { Config: [{ Subnet: '10.1.0.0/24' }] },
      },
    ],
    index: 10,
  });
  assert.equal(model.isLoaded, true);
  assert.equal(model.nodes.size, 2);
  assert.deepEqual([...model.tasksOfService('s1')].map((t) => t.ID).sort(), ['t1', 't2']);
  assert.deepEqual(
    [...model.tasksOfNode('n2')].map((t) => t.ID),
    ['t2'],
  );
  assert.equal(model.networks.get('net1')?.Name, 'backend');
  assert.deepEqual(model.networks.get('net1')?.Subnets, ['10.1.0.0/24']);
  assert.equal(model.index, 10);
  assert.equal(model.findService('web')?.ID, 's1');
  assert.equal(model.findNode('node2')?.ID, 'n2');
});

test('events create, update and delete objects and fire changes', () => {
  const model = loadedModel({ services: [service('s1', 'web')] });
  const changes: ModelChange[] = [];
  model.onDidChange((c) => changes.push(c));
  assert.notEqual(
    typeof model.apply(event('task', 'create', task('t1', 's1', { node: 'n1', index: 5 })), 1),
    'string',
  );
  assert.equal(model.taskCountOfService('s1'), 1);
  // The task moves to another node: the node index follows.
  model.apply(event('task', 'update', task('t1', 's1', { node: 'n2', index: 6, state: 'failed' })), 1);
  assert.equal([...model.tasksOfNode('n1')].length, 0);
  assert.equal([...model.tasksOfNode('n2')].length, 1);
  assert.equal(model.tasks.get('t1')?.Status.State, 'failed');
  model.apply(event('task', 'delete', task('t1', 's1', { node: 'n2', index: 6 }), 7), 1);
  assert.equal(model.tasks.size, 0);
  assert.equal(model.taskCountOfService('s1'), 0);
  assert.deepEqual(
    changes.map((c) => `${c.action} ${c.id} ${(c.nodeIds ?? []).join(',')}`),
    ['create t1 n1', 'update t1 n1,n2', 'delete t1 n2'],
  );
  assert.equal(model.index, 7);
});

test('events at or below the version the model holds are stale and ignored', () => {
  const model = loadedModel({ services: [service('s1', 'web', { index: 10 })] });
  const changes: ModelChange[] = [];
  model.onDidChange((c) => changes.push(c));
  assert.equal(model.apply(event('service', 'update', service('s1', 'old', { index: 9 })), 1), 'stale');
  assert.equal(model.apply(event('service', 'update', service('s1', 'same', { index: 10 })), 1), 'stale');
  assert.equal(model.services.get('s1')?.Spec.Name, 'web');
  assert.equal(changes.length, 0);
  model.apply(event('service', 'update', service('s1', 'new', { index: 11 })), 1);
  assert.equal(model.services.get('s1')?.Spec.Name, 'new');
});

test('a late update for a deleted object does not bring it back', () => {
  const model = loadedModel({ tasks: [task('t1', 's1', { index: 3 })] });
  model.apply(event('task', 'delete', task('t1', 's1', { index: 3 }), 8), 1);
  assert.equal(model.apply(event('task', 'update', task('t1', 's1', { index: 5 })), 1), 'stale');
  assert.equal(model.tasks.has('t1'), false);
  // A delete of something the model never had changes nothing.
  assert.equal(model.apply(event('task', 'delete', task('zz', 's1', { index: 9 })), 1), 'stale');
});

test('events of another connection generation are ignored', () => {
  const model = loadedModel({}, 4);
  assert.equal(model.apply(event('node', 'create', node('n1', 'node1', { index: 5 })), 3), 'generation');
  assert.equal(model.nodes.size, 0);
  model.clear(5);
  assert.equal(model.isLoaded, false);
  // Not loaded: nothing applies, even of the current generation.
  assert.equal(model.apply(event('node', 'create', node('n1', 'node1', { index: 5 })), 5), 'generation');
  model.reset(snapshot({ nodes: [node('n2', 'node2')] }), 5);
  assert.notEqual(
    typeof model.apply(event('node', 'create', node('n1', 'node1', { index: 5 })), 5),
    'string',
  );
  assert.equal(model.nodes.size, 2);
});

test('network events carry the stored shape, lists the Docker shape: both normalise', () => {
  const model = loadedModel({
    networks: [{ Id: 'a', Name: 'front', Driver: 'overlay', Scope: 'swarm' }],
    index: 4,
  });
  assert.equal(model.networks.get('a')?.Version.Index, 4);
  model.apply(event('network', 'create', storedNetwork('b', 'back', 6, '10.9.0.0/24')), 1);
  assert.deepEqual(model.networks.get('b')?.Subnets, ['10.9.0.0/24']);
  assert.equal(model.networks.get('b')?.Scope, 'swarm');
  model.apply(event('network', 'delete', storedNetwork('a', 'front', 4), 7), 1);
  assert.equal(model.networks.has('a'), false);
});

test('malformed event objects are refused', () => {
  const model = new ClusterModel();
  model.reset(snapshot(), 1);
  assert.equal(
    model.apply({ type: 'task', action: 'create', id: 'x', object: { ID: 'x' }, index: 3 }, 1),
    'malformed',
  );
  assert.equal(
    model.apply({ type: 'network', action: 'create', id: 'y', object: { nope: 1 }, index: 3 }, 1),
    'malformed',
  );
});
