import assert from 'node:assert/strict';
import { test } from 'node:test';
import type {
  EngineClient,
  EngineEventListener,
  EngineReconnectedListener,
  NodeManager,
} from '../../../agent/cluster/types';
import { createDispatcher } from '../../../agent/dispatcher';
import type { Store } from '../../../agent/store/store';
import type { SwarmNode, Task } from '../../../agent/types/swarm';
import { node as nodeFixture } from '../executor/fixtures';
import { newStore, taskRecord, withState } from './fixtures';

/** A NodeManager whose engines must not be called: every node in these tests is down or gone. */
function unreachableNodes(store: Store): NodeManager & { engineCalls: string[] } {
  const engineCalls: string[] = [];
  const nodes = store.collection<SwarmNode>('nodes');
  return {
    engineCalls,
    list: () => nodes.list(),
    resolve: () => {
      throw new Error('not used');
    },
    add: () => Promise.reject(new Error('not used')),
    remove: () => Promise.reject(new Error('not used')),
    updateSpec: () => {
      throw new Error('not used');
    },
    engine: (nodeId): EngineClient => {
      engineCalls.push(nodeId);
      throw new Error(`engine of ${nodeId} must not be called`);
    },
    adoptSandbox: () => Promise.resolve([]),
    onEngineEvent: (_listener: EngineEventListener) => () => undefined,
    onEngineReconnected: (_listener: EngineReconnectedListener) => () => undefined,
    start: () => Promise.resolve(),
    stop: () => Promise.resolve(),
  };
}

function downNode(id: string): Omit<SwarmNode, 'Version' | 'CreatedAt' | 'UpdatedAt'> {
  const { Version: _v, CreatedAt: _c, UpdatedAt: _u, ...rest } = nodeFixture(id, id);
  return { ...rest, Status: { State: 'down', Message: 'heartbeat failure', Addr: '10.0.0.2' } };
}

test('tasks on a down node keep their records and get no engine calls; when the node leaves the store, they go', async () => {
  const store = newStore();
  const nodes = unreachableNodes(store);
  store.collection<SwarmNode>('nodes').create(downNode('node2'));
  const tasks = store.collection<Task>('tasks');
  tasks.create(
    taskRecord('removed', { NodeID: 'node2', ...withState('running', 'c1'), DesiredState: 'remove' }),
  );
  tasks.create(taskRecord('running', { NodeID: 'node2', ...withState('running', 'c2') }));
  tasks.create(taskRecord('ended', { NodeID: 'node2', ...withState('complete', 'c3') }));

  const dispatcher = createDispatcher({ store, nodes, relistMs: 0 });
  await dispatcher.start();
  await dispatcher.idle();
  assert.deepEqual(nodes.engineCalls, []);
  assert.ok(tasks.get('removed'), 'its container may still exist on the unreachable node');
  assert.equal(tasks.get('running')?.Status.State, 'running');

  // Desired remove set while the node is down: still kept.
  const running = tasks.get('running');
  assert.ok(running);
  tasks.update({ ...running, DesiredState: 'remove' }, running.Version.Index);
  await dispatcher.idle();
  assert.ok(tasks.get('running'));

  tasks.create(taskRecord('still-wanted', { NodeID: 'node2', ...withState('running', 'c4') }));
  store.collection<SwarmNode>('nodes').delete('node2');
  await dispatcher.idle();
  assert.equal(tasks.get('removed'), undefined);
  assert.equal(tasks.get('running'), undefined);
  const orphan = tasks.get('still-wanted');
  assert.equal(orphan?.Status.State, 'orphaned');
  assert.equal(orphan?.Status.Err, 'node node2 was removed from the cluster');
  assert.equal(tasks.get('ended')?.Status.State, 'complete', 'a terminal task stays as it ended');
  assert.deepEqual(nodes.engineCalls, []);
  await dispatcher.stop();
});

test('at start, tasks of nodes no longer in the store are settled without any engine call', async () => {
  const store = newStore();
  const nodes = unreachableNodes(store);
  const tasks = store.collection<Task>('tasks');
  tasks.create(taskRecord('t1', { NodeID: 'vanished', ...withState('starting'), DesiredState: 'remove' }));
  const dispatcher = createDispatcher({ store, nodes, relistMs: 0 });
  await dispatcher.start();
  await dispatcher.idle();
  assert.equal(tasks.get('t1'), undefined);
  assert.deepEqual(nodes.engineCalls, []);
  await dispatcher.stop();
});
