import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState } from '../../../agent/scheduler/cluster-state';
import { schedule } from '../../../agent/scheduler/scheduler';
import { CPU, GB, countByNode, makeNode, makeTasks } from './fixtures';

test('spread fills the emptiest nodes up to their neighbours, then goes round-robin', () => {
  const cluster = new ClusterState(['a', 'b', 'c'].map((id) => makeNode(id)));
  for (let i = 0; i < 3; i++) cluster.addTask('a', { ...makeTasks(1)[0]!, taskId: `old${i}` });
  const { assignments } = schedule(makeTasks(6), cluster);
  assert.deepEqual([...assignments.values()], ['b', 'c', 'b', 'c', 'b', 'c']);
  const next = schedule(makeTasks(3, {}, 'u'), cluster);
  assert.deepEqual([...next.assignments.values()], ['a', 'b', 'c']);
});

test('placements are recorded as they are made, so a batch respects its own reservations', () => {
  const cluster = new ClusterState([
    makeNode('a', { resources: { nanoCPUs: 2 * CPU, memoryBytes: 8 * GB } }),
    makeNode('b', { resources: { nanoCPUs: 1 * CPU, memoryBytes: 8 * GB } }),
  ]);
  const tasks = makeTasks(4, { reservations: { nanoCPUs: CPU, memoryBytes: GB } });
  const { assignments, unschedulable } = schedule(tasks, cluster);
  assert.deepEqual(Object.fromEntries(countByNode(assignments)), { a: 2, b: 1 });
  assert.deepEqual([...unschedulable.keys()], ['t3']);
  assert.equal(unschedulable.get('t3'), 'no suitable node (insufficient resources on 2 nodes)');
  assert.equal(cluster.nodeInfo('a')?.reserved.nanoCPUs, 2 * CPU);
  assert.equal(cluster.taskNode('t0'), assignments.get('t0'));
});

test('explanations count each node once, under the first filter that rules it out, most first', () => {
  const cluster = new ClusterState([
    makeNode('down', { state: 'down' }),
    makeNode('drained', { availability: 'drain' }),
    makeNode('paused', { availability: 'pause' }),
    makeNode('small', { resources: { nanoCPUs: CPU / 2, memoryBytes: GB } }),
    makeNode('small2', { resources: { nanoCPUs: CPU / 2, memoryBytes: GB } }),
    makeNode('wrong', { labels: { zone: 'b' } }),
  ]);
  const tasks = makeTasks(2, {
    constraints: ['node.labels.zone==a'],
    reservations: { nanoCPUs: CPU, memoryBytes: 0 },
  });
  const { unschedulable } = schedule(tasks, cluster);
  assert.equal(
    unschedulable.get('t0'),
    'no suitable node (2 nodes not available for new tasks; insufficient resources on 2 nodes; ' +
      '1 node not ready; scheduling constraints not satisfied on 1 node)',
  );
  assert.equal(
    schedule(makeTasks(1, {}, 'z'), new ClusterState()).unschedulable.get('z0'),
    'no suitable node',
  );
});

test('soft constraints are honoured while some node fits, then dropped for the rest', () => {
  const cluster = new ClusterState([
    makeNode('ssd', { labels: { disk: 'ssd' }, resources: { nanoCPUs: 2 * CPU, memoryBytes: GB } }),
    makeNode('hdd', { labels: { disk: 'hdd' } }),
  ]);
  const tasks = makeTasks(4, {
    constraints: ['node.labels.disk==~ssd'],
    reservations: { nanoCPUs: CPU, memoryBytes: 0 },
  });
  const { assignments } = schedule(tasks, cluster);
  assert.deepEqual([...assignments.values()], ['ssd', 'ssd', 'hdd', 'hdd']);
  const none = schedule(makeTasks(2, { constraints: ['node.labels.disk==~nvme'] }, 'n'), cluster);
  assert.equal(none.assignments.size, 2, 'a soft constraint nothing satisfies is dropped');
});

test('hard constraints are never dropped', () => {
  const cluster = new ClusterState([makeNode('a', { role: 'worker' })]);
  const { assignments, unschedulable } = schedule(
    makeTasks(1, { constraints: ['node.role==manager'] }),
    cluster,
  );
  assert.equal(assignments.size, 0);
  assert.equal(unschedulable.get('t0'), 'no suitable node (scheduling constraints not satisfied on 1 node)');
});

test('max replicas and host ports are re-checked on the node that just got a task', () => {
  const cluster = new ClusterState(['a', 'b'].map((id) => makeNode(id)));
  const limited = schedule(makeTasks(5, { maxReplicasPerNode: 2 }), cluster);
  assert.deepEqual(Object.fromEntries(countByNode(limited.assignments)), { a: 2, b: 2 });
  assert.equal(
    limited.unschedulable.get('t4'),
    'no suitable node (max replicas per node limit exceeded on 2 nodes)',
  );

  const ports = schedule(
    makeTasks(3, { serviceId: 'web', hostPorts: [{ port: 80, protocol: 'tcp' }] }, 'p'),
    cluster,
  );
  assert.equal(new Set(ports.assignments.values()).size, 2);
  assert.equal(ports.unschedulable.get('p2'), 'no suitable node (host-mode port already in use on 2 nodes)');
});

test('tasks are batched by service and spec version, in order of first appearance', () => {
  const cluster = new ClusterState(['a', 'b'].map((id) => makeNode(id)));
  const tasks = [
    ...makeTasks(1, { serviceId: 'x', specVersion: 1 }, 'x1-'),
    ...makeTasks(1, { serviceId: 'y', specVersion: 1, constraints: ['node.id==b'] }, 'y-'),
    ...makeTasks(1, { serviceId: 'x', specVersion: 1 }, 'x2-'),
    ...makeTasks(1, { serviceId: 'x', specVersion: 2, constraints: ['node.id==a'] }, 'x3-'),
  ];
  const { assignments } = schedule(tasks, cluster);
  assert.deepEqual(
    [...assignments.entries()],
    [
      ['x1-0', 'a'],
      ['x2-0', 'b'],
      ['y-0', 'b'],
      ['x3-0', 'a'],
    ],
  );
});

test('global-service tasks only check their preassigned node', () => {
  const cluster = new ClusterState([makeNode('a'), makeNode('b', { availability: 'drain' })]);
  const [onA, onB, nowhere] = makeTasks(3, { serviceId: 'agent' });
  const { assignments, unschedulable } = schedule(
    [
      { ...onA!, nodeId: 'a' },
      { ...onB!, nodeId: 'b' },
      { ...nowhere!, nodeId: 'gone' },
    ],
    cluster,
  );
  assert.deepEqual([...assignments.entries()], [['t0', 'a']]);
  assert.equal(unschedulable.get('t1'), 'no suitable node (1 node not available for new tasks)');
  assert.equal(unschedulable.get('t2'), 'no suitable node (node "gone" not found)');
});

test('placement preferences balance the service across label values, nested', () => {
  const nodes = [
    makeNode('east-1', { labels: { zone: 'east', rack: '1' } }),
    makeNode('east-2', { labels: { zone: 'east', rack: '2' } }),
    makeNode('east-3', { labels: { zone: 'east', rack: '2' } }),
    makeNode('west-1', { labels: { zone: 'west', rack: '1' } }),
    makeNode('nolabel', { labels: {} }),
  ];
  const cluster = new ClusterState(nodes);
  const tasks = makeTasks(12, {
    preferences: [{ spread: 'node.labels.zone' }, { spread: 'node.labels.rack' }],
  });
  const counts = countByNode(schedule(tasks, cluster).assignments);
  // 3 zones (east, west, "") get 4 each; east's racks 1 and 2 get 2 each, rack 2's nodes 1 each.
  assert.deepEqual(Object.fromEntries(counts), {
    'east-1': 2,
    'east-2': 1,
    'east-3': 1,
    'west-1': 4,
    nolabel: 4,
  });
});

test('a branch that cannot take its share hands it to the others', () => {
  const cluster = new ClusterState([
    makeNode('tiny', { labels: { zone: 'a' }, resources: { nanoCPUs: CPU, memoryBytes: GB } }),
    makeNode('big', { labels: { zone: 'b' } }),
  ]);
  const tasks = makeTasks(5, {
    preferences: [{ spread: 'node.labels.zone' }],
    reservations: { nanoCPUs: CPU, memoryBytes: 0 },
  });
  const { assignments, unschedulable } = schedule(tasks, cluster);
  assert.deepEqual(Object.fromEntries(countByNode(assignments)), { tiny: 1, big: 4 });
  assert.equal(unschedulable.size, 0);
});

test('existing tasks count toward the balance across branches', () => {
  const cluster = new ClusterState(['a', 'b'].map((zone) => makeNode(zone, { labels: { zone } })));
  for (let i = 0; i < 4; i++) cluster.addTask('a', { ...makeTasks(1)[0]!, taskId: `old${i}` });
  const tasks = makeTasks(6, { preferences: [{ spread: 'node.labels.zone' }] });
  assert.deepEqual(Object.fromEntries(countByNode(schedule(tasks, cluster).assignments)), { b: 5, a: 1 });
});

test('binpack stacks tasks on the fullest node until it is full', () => {
  const cluster = new ClusterState(
    ['a', 'b', 'c'].map((id) => makeNode(id, { resources: { nanoCPUs: 2 * CPU, memoryBytes: 8 * GB } })),
  );
  const tasks = makeTasks(5, { reservations: { nanoCPUs: CPU, memoryBytes: 0 } });
  const { assignments } = schedule(tasks, cluster, { strategy: 'binpack' });
  assert.deepEqual([...assignments.values()], ['a', 'a', 'b', 'b', 'c']);
});

test('random placement is reproducible with an injected RNG', () => {
  const run = () => {
    const cluster = new ClusterState(['a', 'b', 'c', 'd'].map((id) => makeNode(id)));
    let state = 1;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    return [...schedule(makeTasks(20), cluster, { strategy: 'random', random }).assignments.values()];
  };
  assert.deepEqual(run(), run());
  assert.ok(new Set(run()).size > 1);
});

test('a spec with a bad expression fails its own tasks, not the tick', () => {
  const cluster = new ClusterState([makeNode('a')]);
  const tasks = [
    ...makeTasks(1, { serviceId: 'bad', constraints: ['node.role=manager'] }, 'bad'),
    ...makeTasks(1, {}, 'ok'),
  ];
  const { assignments, unschedulable } = schedule(tasks, cluster);
  assert.deepEqual([...assignments.keys()], ['ok0']);
  assert.match(unschedulable.get('bad0') ?? '', /^invalid constraint expression "node.role=manager"/);
});

test('unknown strategy or filter names are InvalidArgumentErrors', () => {
  const cluster = new ClusterState([makeNode('a')]);
  assert.throws(
    () => schedule([], cluster, { strategy: 'nope' }),
    /unknown scheduler strategy "nope" \(known: spread, binpack, random\)/,
  );
  assert.throws(
    () => schedule([], cluster, { filters: ['ready', 'nope'] }),
    /unknown scheduler filter "nope"/,
  );
});

test('assignments is a read-only map in placement order', () => {
  const cluster = new ClusterState(['a', 'b'].map((id) => makeNode(id)));
  const tasks = [
    ...makeTasks(2, { serviceId: 'x' }, 'x'),
    { ...makeTasks(1, { serviceId: 'g' }, 'g')[0]!, nodeId: 'b' },
    ...makeTasks(1, { serviceId: 'y' }, 'y'),
  ];
  const { assignments } = schedule(tasks, cluster);
  const expected = [
    ['x0', 'a'],
    ['x1', 'b'],
    ['g0', 'b'],
    ['y0', 'a'],
  ];
  assert.deepEqual([...assignments], expected);
  assert.deepEqual([...assignments.entries()], expected);
  assert.deepEqual([...assignments.keys()], ['x0', 'x1', 'g0', 'y0']);
  assert.deepEqual([...assignments.values()], ['a', 'b', 'b', 'a']);
  assert.equal(assignments.size, 4);
  assert.equal(assignments.get('g0'), 'b');
  assert.equal(assignments.has('y0'), true);
  assert.equal(assignments.get('nope'), undefined);
  const seen: string[] = [];
  assignments.forEach((nodeId, taskId) => seen.push(`${taskId}@${nodeId}`));
  assert.deepEqual(seen, ['x0@a', 'x1@b', 'g0@b', 'y0@a']);
  assert.deepEqual(new Map(assignments), new Map(expected as Array<[string, string]>));
});
