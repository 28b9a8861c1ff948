import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState, FAILURE_WINDOW_MS } from '../../../agent/scheduler/cluster-state';
import { schedule } from '../../../agent/scheduler/scheduler';
import { CPU, GB, infoOf, makeNode, makeRequest, makeTasks } from './fixtures';

const web = makeRequest({
  serviceId: 'web',
  reservations: { nanoCPUs: CPU, memoryBytes: GB },
  hostPorts: [{ port: 80, protocol: 'tcp' }],
});

test('adding and removing tasks keeps reservations, counts and ports', () => {
  const cluster = new ClusterState([makeNode('a'), makeNode('b')]);
  cluster.addTask('a', { ...web, taskId: 'w1' });
  cluster.addTask('a', { ...web, taskId: 'w2', hostPorts: [] });
  const a = infoOf(cluster, 'a');
  assert.deepEqual(a.reserved, { nanoCPUs: 2 * CPU, memoryBytes: 2 * GB });
  assert.equal(a.activeTasks, 2);
  assert.equal(a.tasksOf('web'), 2);
  assert.equal(a.hostPortsInUse.get('80/tcp'), 1);
  cluster.removeTask('w1');
  assert.deepEqual(a.reserved, { nanoCPUs: CPU, memoryBytes: GB });
  assert.equal(a.tasksOf('web'), 1);
  assert.equal(a.hostPortsInUse.has('80/tcp'), false);
  cluster.removeTask('w1');
  assert.equal(a.activeTasks, 1, 'removing twice is harmless');
});

test('adding a recorded task again moves it', () => {
  const cluster = new ClusterState([makeNode('a'), makeNode('b')]);
  cluster.addTask('a', { ...web, taskId: 'w1' });
  cluster.addTask('b', { ...web, taskId: 'w1' });
  assert.equal(infoOf(cluster, 'a').activeTasks, 0);
  assert.equal(infoOf(cluster, 'b').activeTasks, 1);
  assert.equal(cluster.taskNode('w1'), 'b');
});

test('the books copy what a task holds', () => {
  const cluster = new ClusterState([makeNode('a')]);
  const task = { ...web, taskId: 'w1', reservations: { nanoCPUs: CPU, memoryBytes: GB } };
  cluster.addTask('a', task);
  task.reservations.nanoCPUs = 100 * CPU;
  const ports = [{ port: 80, protocol: 'tcp' as const }];
  cluster.addTask('a', { ...web, taskId: 'w2', hostPorts: ports });
  ports[0] = { port: 81, protocol: 'tcp' };
  cluster.removeTask('w1');
  cluster.removeTask('w2');
  assert.deepEqual(infoOf(cluster, 'a').reserved, { nanoCPUs: 0, memoryBytes: 0 });
  assert.equal(infoOf(cluster, 'a').hostPortsInUse.size, 0);
});

test('nodes can be updated without losing their tasks, and removed with them', () => {
  const cluster = new ClusterState([makeNode('a')]);
  cluster.addTask('a', { ...web, taskId: 'w1' });
  cluster.upsertNode(makeNode('a', { availability: 'drain' }));
  assert.equal(infoOf(cluster, 'a').node.availability, 'drain');
  assert.equal(infoOf(cluster, 'a').activeTasks, 1);
  cluster.removeNode('a');
  assert.equal(cluster.nodeInfo('a'), undefined);
  assert.equal(cluster.taskNode('w1'), undefined);
  assert.throws(() => cluster.addTask('a', { ...web, taskId: 'w2' }), /node "a" is not known/);
});

test('recent failures are per service and spec version, within the window', () => {
  const cluster = new ClusterState([makeNode('a')]);
  const now = 100 * FAILURE_WINDOW_MS;
  cluster.recordFailure('a', 'web', 1, now - FAILURE_WINDOW_MS - 1);
  cluster.recordFailure('a', 'web', 1, now - 10);
  cluster.recordFailure('a', 'web', 1, now - 5);
  cluster.recordFailure('a', 'web', 2, now - 5);
  cluster.recordFailure('a', 'web', undefined, now - 5);
  const a = infoOf(cluster, 'a');
  assert.equal(a.recentFailures('web', 1, now), 2);
  assert.equal(a.recentFailures('web', 2, now), 1);
  assert.equal(a.recentFailures('web', undefined, now), 1);
  assert.equal(a.recentFailures('db', 1, now), 0);
  assert.equal(a.recentFailures('web', 1, now + FAILURE_WINDOW_MS), 0);
});

test('service names are remembered for affinities', () => {
  const cluster = new ClusterState([makeNode('a')]);
  cluster.addTask('a', { ...web, serviceName: 'frontend', taskId: 'w1' });
  cluster.setServiceName('db-id', 'db');
  assert.deepEqual(Object.fromEntries(cluster.knownServices()), { web: 'frontend', 'db-id': 'db' });
});

test('placements made by schedule() are found, moved and released like those of addTask', () => {
  const cluster = new ClusterState([makeNode('a'), makeNode('b')]);
  const request = { reservations: { nanoCPUs: CPU, memoryBytes: GB } };
  const { assignments } = schedule(makeTasks(4, request), cluster);
  assert.deepEqual([...assignments.values()], ['a', 'b', 'a', 'b']);
  assert.equal(cluster.taskNode('t0'), 'a');
  assert.equal(infoOf(cluster, 'a').tasksOf('svc'), 2);
  assert.deepEqual(infoOf(cluster, 'a').reserved, { nanoCPUs: 2 * CPU, memoryBytes: 2 * GB });

  cluster.removeTask('t0');
  assert.equal(cluster.taskNode('t0'), undefined);
  assert.equal(infoOf(cluster, 'a').tasksByService.get('svc'), 1);
  cluster.addTask('a', { ...makeRequest(request), taskId: 't1' });
  assert.equal(cluster.taskNode('t1'), 'a', 'addTask moves a scheduled task');
  assert.equal(infoOf(cluster, 'b').activeTasks, 1);

  // Scheduling a recorded task again moves it rather than counting it twice.
  const again = schedule(makeTasks(1, request, 't'), cluster);
  assert.equal(again.assignments.get('t0'), 'b');
  const t3 = schedule([{ ...makeTasks(1, request, 't3')[0]!, taskId: 't3' }], cluster);
  // Ranked while still on b (a tie broken by node ID), then moved from b.
  assert.equal(t3.assignments.get('t3'), 'a');
  assert.equal(infoOf(cluster, 'a').tasksOf('svc'), 3);
  assert.equal(infoOf(cluster, 'b').tasksOf('svc'), 1);

  cluster.removeNode('b');
  assert.equal(cluster.taskNode('t0'), undefined);
  assert.equal(cluster.taskNode('t2'), 'a');
  cluster.upsertNode(makeNode('b'));
  assert.equal(infoOf(cluster, 'b').tasksOf('svc'), 0, 'a node that comes back starts empty');
});

test('tasksByService is a read-only map, services in the order they arrived on the node', () => {
  const cluster = new ClusterState([makeNode('a')]);
  const add = (serviceId: string, taskId: string) =>
    cluster.addTask('a', { ...makeRequest({ serviceId }), taskId });
  add('x', 'x1');
  add('y', 'y1');
  add('x', 'x2');
  schedule(makeTasks(2, { serviceId: 'z' }, 'z'), cluster);
  add('w', 'w1');
  const byService = infoOf(cluster, 'a').tasksByService;
  assert.deepEqual(
    [...byService],
    [
      ['x', 2],
      ['y', 1],
      ['z', 2],
      ['w', 1],
    ],
  );
  cluster.removeTask('x1');
  cluster.removeTask('x2');
  add('x', 'x3');
  assert.deepEqual([...byService.keys()], ['y', 'z', 'w', 'x'], 'a service that left and came back is last');
  assert.equal(byService.size, 4);
  assert.equal(byService.get('x'), 1);
  assert.equal(byService.has('gone'), false);
  const seen: string[] = [];
  byService.forEach((count, serviceId) => seen.push(`${serviceId}=${count}`));
  assert.deepEqual(seen, ['y=1', 'z=2', 'w=1', 'x=1']);
  assert.deepEqual(new Map(byService), new Map([...byService.entries()]));
});

test('a removed node keeps the counts it had', () => {
  const cluster = new ClusterState([makeNode('a'), makeNode('b')]);
  schedule(makeTasks(4, { serviceId: 'x' }), cluster);
  const a = infoOf(cluster, 'a');
  cluster.removeNode('a');
  assert.deepEqual([...a.tasksByService], [['x', 2]]);
  assert.equal(a.tasksOf('x'), 2);
  assert.equal(a.activeTasks, 2);
  // Its tasks no longer count for the service: a new batch does not see them.
  cluster.upsertNode(makeNode('c'));
  const { assignments } = schedule(makeTasks(2, { serviceId: 'x' }, 'n'), cluster);
  assert.deepEqual([...assignments.values()], ['c', 'c']);
});
