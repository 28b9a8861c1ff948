import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ClusterState } from '../../../agent/scheduler/cluster-state';
import { constraintFilter } from '../../../agent/scheduler/filters/constraint';
import { schedule } from '../../../agent/scheduler/scheduler';
import type { PendingTask, SchedulerNode } from '../../../agent/scheduler/types';
import { CPU, GB, context, makeNode, makeRequest } from './fixtures';

const ZONES = ['a', 'b', 'c', undefined] as const;

const nodeArbitrary = (index: number) =>
  fc
    .record({
      state: fc.constantFrom('ready', 'ready', 'ready', 'down', 'unknown', 'disconnected'),
      availability: fc.constantFrom('active', 'active', 'active', 'pause', 'drain'),
      role: fc.constantFrom('worker', 'manager'),
      zone: fc.constantFrom(...ZONES),
      arch: fc.constantFrom('x86_64', 'amd64', 'aarch64'),
      cpus: fc.integer({ min: 0, max: 8 }),
      memoryGb: fc.integer({ min: 0, max: 16 }),
    })
    .map((n): SchedulerNode =>
      makeNode(`n${String(index).padStart(2, '0')}`, {
        state: n.state,
        availability: n.availability,
        role: n.role,
        labels: n.zone === undefined ? {} : { zone: n.zone },
        platform: { os: 'linux', arch: n.arch },
        resources: { nanoCPUs: n.cpus * CPU, memoryBytes: n.memoryGb * GB },
      }),
    );

const nodesArbitrary = fc
  .integer({ min: 0, max: 12 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => nodeArbitrary(i))));

const serviceArbitrary = (index: number) =>
  fc.record({
    count: fc.integer({ min: 1, max: 12 }),
    constraints: fc.subarray([
      'node.role==worker',
      'node.labels.zone!=a',
      'node.labels.zone==~b',
      'node.platform.arch!=aarch64',
    ]),
    cpus: fc.integer({ min: 0, max: 3 }),
    memoryGb: fc.integer({ min: 0, max: 4 }),
    port: fc.option(fc.constantFrom(80, 443), { nil: undefined }),
    maxReplicasPerNode: fc.integer({ min: 0, max: 3 }),
    antiAffinity: fc.boolean(),
    spreadZones: fc.boolean(),
    arm: fc.boolean(),
    index: fc.constant(index),
  });

const servicesArbitrary = fc
  .integer({ min: 1, max: 4 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => serviceArbitrary(i))));

type ServiceShape = typeof serviceArbitrary extends (i: number) => fc.Arbitrary<infer T> ? T : never;

function tasksOf(service: ServiceShape): PendingTask[] {
  const request = makeRequest({
    serviceId: `s${service.index}`,
    serviceName: `svc-${service.index}`,
    constraints: service.constraints,
    reservations: { nanoCPUs: service.cpus * CPU, memoryBytes: service.memoryGb * GB },
    hostPorts: service.port === undefined ? [] : [{ port: service.port, protocol: 'tcp' }],
    maxReplicasPerNode: service.maxReplicasPerNode,
    affinities: service.antiAffinity ? [`service!=svc-${service.index}`] : [],
    preferences: service.spreadZones ? [{ spread: 'node.labels.zone' }] : [],
    platforms: service.arm ? [{ os: 'linux', arch: 'arm64' }] : undefined,
  });
  return Array.from({ length: service.count }, (_, i) => ({ ...request, taskId: `s${service.index}-${i}` }));
}

test('no placement violates a hard filter, whatever the strategy', () => {
  fc.assert(
    fc.property(
      nodesArbitrary,
      servicesArbitrary,
      fc.constantFrom('spread', 'binpack', 'random'),
      fc.integer(),
      (nodes, services, strategy, seed) => {
        const cluster = new ClusterState(nodes);
        const tasks = services.flatMap(tasksOf);
        let state = seed >>> 0;
        const random = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
        const { assignments, unschedulable } = schedule(tasks, cluster, { strategy, random });
        assert.equal(assignments.size + unschedulable.size, tasks.length);

        const byId = new Map(nodes.map((node) => [node.id, node]));
        for (const task of tasks) {
          const nodeId = assignments.get(task.taskId);
          if (nodeId === undefined) continue;
          const node = byId.get(nodeId);
          assert.ok(node);
          assert.equal(node.state, 'ready');
          assert.equal(node.availability, 'active');
          const hard = constraintFilter.prepare(task, context(cluster, false));
          assert.ok(hard === undefined || hard(cluster.nodeInfo(nodeId)!), `${task.taskId} on ${nodeId}`);
          if (task.platforms) assert.equal(node.platform.arch, 'aarch64');
        }
        for (const info of cluster.nodeInfos()) {
          assert.ok(
            info.reserved.nanoCPUs <= info.node.resources.nanoCPUs,
            `${info.node.id} CPU overcommitted`,
          );
          assert.ok(
            info.reserved.memoryBytes <= info.node.resources.memoryBytes,
            `${info.node.id} memory overcommitted`,
          );
          for (const [port, holders] of info.hostPortsInUse)
            assert.equal(holders, 1, `${port} twice on ${info.node.id}`);
          for (const service of services) {
            const count = info.tasksOf(`s${service.index}`);
            if (service.maxReplicasPerNode > 0) assert.ok(count <= service.maxReplicasPerNode);
            if (service.antiAffinity) assert.ok(count <= 1);
          }
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('with enough room, spread keeps every node within one task of the others', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 4 }),
      (nodeCount, batchSizes) => {
        const cluster = new ClusterState(Array.from({ length: nodeCount }, (_, i) => makeNode(`n${i}`)));
        let next = 0;
        for (const [version, size] of batchSizes.entries()) {
          const request = makeRequest({
            specVersion: version,
            reservations: { nanoCPUs: CPU / 100, memoryBytes: 0 },
          });
          const tasks = Array.from({ length: size }, () => ({ ...request, taskId: `t${next++}` }));
          const { unschedulable } = schedule(tasks, cluster);
          assert.equal(unschedulable.size, 0);
          const counts = [...cluster.nodeInfos()].map((info) => info.tasksOf('svc'));
          assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `counts ${counts.join(',')}`);
        }
      },
    ),
    { numRuns: 100 },
  );
});

test('with enough room, a spread preference keeps label values within one task of each other', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(...ZONES), { minLength: 1, maxLength: 12 }),
      fc.integer({ min: 0, max: 60 }),
      (zones, count) => {
        const nodes = zones.map((zone, i) =>
          makeNode(`n${i}`, { labels: zone === undefined ? {} : { zone } }),
        );
        const cluster = new ClusterState(nodes);
        const request = makeRequest({ preferences: [{ spread: 'node.labels.zone' }] });
        const tasks = Array.from({ length: count }, (_, i) => ({ ...request, taskId: `t${i}` }));
        schedule(tasks, cluster);
        const perZone = new Map<string, number>();
        for (const info of cluster.nodeInfos()) {
          const zone = info.node.labels.zone ?? '';
          perZone.set(zone, (perZone.get(zone) ?? 0) + info.tasksOf('svc'));
        }
        const totals = [...perZone.values()];
        assert.ok(Math.max(...totals) - Math.min(...totals) <= 1, `zones ${JSON.stringify([...perZone])}`);
      },
    ),
    { numRuns: 100 },
  );
});

test('binpack never overcommits reservations, and refuses a task only when no node has room', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.record({ cpus: fc.integer({ min: 0, max: 8 }), memoryGb: fc.integer({ min: 0, max: 8 }) }),
        {
          minLength: 1,
          maxLength: 8,
        },
      ),
      fc.array(
        fc.record({
          count: fc.integer({ min: 1, max: 10 }),
          cpus: fc.integer({ min: 0, max: 4 }),
          memoryGb: fc.integer({ min: 0, max: 4 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      (nodeShapes, serviceShapes) => {
        const cluster = new ClusterState(
          nodeShapes.map((shape, i) =>
            makeNode(`n${i}`, {
              resources: { nanoCPUs: shape.cpus * CPU, memoryBytes: shape.memoryGb * GB },
            }),
          ),
        );
        const tasks = serviceShapes.flatMap((shape, s) => {
          const request = makeRequest({
            serviceId: `s${s}`,
            reservations: { nanoCPUs: shape.cpus * CPU, memoryBytes: shape.memoryGb * GB },
          });
          return Array.from({ length: shape.count }, (_, i) => ({ ...request, taskId: `s${s}-${i}` }));
        });
        const { unschedulable } = schedule(tasks, cluster, { strategy: 'binpack' });
        const infos = [...cluster.nodeInfos()];
        for (const info of infos) {
          assert.ok(info.reserved.nanoCPUs <= info.node.resources.nanoCPUs);
          assert.ok(info.reserved.memoryBytes <= info.node.resources.memoryBytes);
        }
        for (const taskId of unschedulable.keys()) {
          const task = tasks.find((t) => t.taskId === taskId)!;
          const { nanoCPUs, memoryBytes } = task.reservations;
          const fitsSomewhere = infos.some(
            (info) =>
              info.reserved.nanoCPUs + nanoCPUs <= info.node.resources.nanoCPUs &&
              info.reserved.memoryBytes + memoryBytes <= info.node.resources.memoryBytes,
          );
          assert.equal(fitsSomewhere, false, `${taskId} was refused although a node had room`);
        }
      },
    ),
    { numRuns: 150 },
  );
});
