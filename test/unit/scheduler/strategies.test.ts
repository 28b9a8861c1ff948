import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState, FAILURE_WINDOW_MS, type NodeInfo } from '../../../agent/scheduler/cluster-state';
import type { Strategy } from '../../../agent/scheduler/strategy';
import { binpackStrategy } from '../../../agent/scheduler/strategies/binpack';
import { randomStrategy } from '../../../agent/scheduler/strategies/random';
import { spreadStrategy } from '../../../agent/scheduler/strategies/spread';
import type { TaskRequest } from '../../../agent/scheduler/types';
import { CPU, GB, makeNode, makeRequest } from './fixtures';

const NOW = 10 * FAILURE_WINDOW_MS;

function ranked(
  strategy: Strategy,
  cluster: ClusterState,
  request: TaskRequest,
  random = Math.random,
): string[] {
  const ranking = strategy.prepare(request, { cluster, now: NOW, random });
  return [...cluster.nodeInfos()].sort((a, b) => ranking.compare(a, b)).map((info) => info.node.id);
}

function addTasks(cluster: ClusterState, nodeId: string, count: number, serviceId: string, extra = {}): void {
  for (let i = 0; i < count; i++) {
    cluster.addTask(nodeId, {
      ...makeRequest({ serviceId, ...extra }),
      taskId: `${nodeId}-${serviceId}-${i}-${Math.random()}`,
    });
  }
}

test('spread: fewest tasks of the service, then fewest tasks, then node ID', () => {
  const cluster = new ClusterState(['d', 'c', 'b', 'a'].map((id) => makeNode(id)));
  addTasks(cluster, 'a', 2, 'svc');
  addTasks(cluster, 'b', 1, 'svc');
  addTasks(cluster, 'b', 3, 'other');
  addTasks(cluster, 'c', 1, 'svc');
  addTasks(cluster, 'c', 1, 'other');
  assert.deepEqual(ranked(spreadStrategy, cluster, makeRequest()), ['d', 'c', 'b', 'a']);
  addTasks(cluster, 'd', 1, 'svc');
  addTasks(cluster, 'd', 1, 'other');
  // c and d are now equal: the node ID decides.
  assert.deepEqual(ranked(spreadStrategy, cluster, makeRequest()), ['c', 'd', 'b', 'a']);
});

test('spread: 5+ recent failures of this service version send a node last, fewer failures first', () => {
  const cluster = new ClusterState(['a', 'b', 'c', 'd'].map((id) => makeNode(id)));
  addTasks(cluster, 'd', 3, 'svc');
  const fail = (nodeId: string, times: number, at = NOW - 1000, specVersion = 1) => {
    for (let i = 0; i < times; i++) cluster.recordFailure(nodeId, 'svc', specVersion, at);
  };
  fail('a', 6);
  fail('b', 5);
  fail('c', 4); // below the threshold: not a penalty
  assert.deepEqual(ranked(spreadStrategy, cluster, makeRequest()), ['c', 'd', 'b', 'a']);
  // Failures outside the window, or of another spec version, do not count.
  const fresh = new ClusterState(['a', 'b'].map((id) => makeNode(id)));
  for (let i = 0; i < 9; i++) fresh.recordFailure('a', 'svc', 1, NOW - FAILURE_WINDOW_MS - 1);
  for (let i = 0; i < 9; i++) fresh.recordFailure('a', 'svc', 2, NOW - 1);
  addTasks(fresh, 'b', 1, 'svc');
  assert.deepEqual(ranked(spreadStrategy, fresh, makeRequest({ specVersion: 1 })), ['a', 'b']);
  assert.deepEqual(ranked(spreadStrategy, fresh, makeRequest({ specVersion: 2 })), ['b', 'a']);
});

test('binpack: fullest after placement first, then most tasks, then node ID', () => {
  const cluster = new ClusterState([
    makeNode('small', { resources: { nanoCPUs: 2 * CPU, memoryBytes: 4 * GB } }),
    makeNode('big', { resources: { nanoCPUs: 8 * CPU, memoryBytes: 16 * GB } }),
    makeNode('big2', { resources: { nanoCPUs: 8 * CPU, memoryBytes: 16 * GB } }),
    makeNode('big3', { resources: { nanoCPUs: 8 * CPU, memoryBytes: 16 * GB } }),
  ]);
  const request = makeRequest({ reservations: { nanoCPUs: CPU, memoryBytes: GB } });
  // Equal empty nodes: the small one is fuller once the task is added.
  assert.deepEqual(ranked(binpackStrategy, cluster, request), ['small', 'big', 'big2', 'big3']);
  addTasks(cluster, 'big2', 1, 'other', { reservations: { nanoCPUs: 6 * CPU, memoryBytes: 8 * GB } });
  addTasks(cluster, 'big3', 2, 'other');
  assert.deepEqual(ranked(binpackStrategy, cluster, request), ['big2', 'small', 'big3', 'big']);
});

test('binpack: without reservations, the busiest node wins', () => {
  const cluster = new ClusterState(['a', 'b', 'c'].map((id) => makeNode(id)));
  addTasks(cluster, 'b', 2, 'x');
  addTasks(cluster, 'c', 1, 'x');
  assert.deepEqual(ranked(binpackStrategy, cluster, makeRequest()), ['b', 'c', 'a']);
});

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

test('random: reproducible with an injected RNG, uniform over nodes as tasks are placed', () => {
  const cluster = new ClusterState(['a', 'b', 'c', 'd'].map((id) => makeNode(id)));
  const request = makeRequest();
  assert.deepEqual(
    ranked(randomStrategy, cluster, request, seeded(7)),
    ranked(randomStrategy, cluster, request, seeded(7)),
  );
  // Simulate the scheduler: always take the best, tell the ranking, repeat.
  const ranking = randomStrategy.prepare(request, { cluster, now: NOW, random: seeded(42) });
  const infos = [...cluster.nodeInfos()];
  const picks = new Map<string, number>();
  for (let i = 0; i < 8000; i++) {
    const best = infos.reduce((a: NodeInfo, b: NodeInfo) => (ranking.compare(a, b) <= 0 ? a : b));
    picks.set(best.node.id, (picks.get(best.node.id) ?? 0) + 1);
    ranking.placed?.(best);
  }
  for (const id of ['a', 'b', 'c', 'd']) {
    const share = (picks.get(id) ?? 0) / 8000;
    assert.ok(Math.abs(share - 0.25) < 0.03, `${id} got ${share}`);
  }
});
