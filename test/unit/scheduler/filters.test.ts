import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState } from '../../../agent/scheduler/cluster-state';
import { hostPortFilter } from '../../../agent/scheduler/filters/host-port';
import { maxReplicasFilter } from '../../../agent/scheduler/filters/max-replicas';
import { normalizeArch, platformFilter } from '../../../agent/scheduler/filters/platform';
import { availabilityFilter, readyFilter } from '../../../agent/scheduler/filters/ready';
import { resourcesFilter } from '../../../agent/scheduler/filters/resources';
import { CPU, GB, keeps, makeNode, makeRequest } from './fixtures';

test('ready: only READY nodes', () => {
  const cluster = new ClusterState(
    (['ready', 'down', 'unknown', 'disconnected'] as const).map((state) => makeNode(state, { state })),
  );
  const request = makeRequest();
  assert.deepEqual(
    ['ready', 'down', 'unknown', 'disconnected'].map((id) => keeps(readyFilter, request, cluster, id)),
    [true, false, false, false],
  );
  assert.equal(readyFilter.explain(2), '2 nodes not ready');
});

test('availability: only ACTIVE nodes take new tasks', () => {
  const cluster = new ClusterState(
    (['active', 'pause', 'drain'] as const).map((availability) => makeNode(availability, { availability })),
  );
  assert.deepEqual(
    ['active', 'pause', 'drain'].map((id) => keeps(availabilityFilter, makeRequest(), cluster, id)),
    [true, false, false],
  );
  assert.equal(availabilityFilter.explain(1), '1 node not available for new tasks');
});

test('resources: reservations must fit what is left, pending tasks included', () => {
  const cluster = new ClusterState([
    makeNode('n', { resources: { nanoCPUs: 2 * CPU, memoryBytes: 4 * GB } }),
  ]);
  const request = makeRequest({ reservations: { nanoCPUs: CPU, memoryBytes: GB } });
  assert.equal(keeps(resourcesFilter, request, cluster, 'n'), true);
  cluster.addTask('n', { ...request, taskId: 'pending-1' });
  assert.equal(keeps(resourcesFilter, request, cluster, 'n'), true, 'exactly full is allowed');
  cluster.addTask('n', { ...request, taskId: 'pending-2' });
  assert.equal(keeps(resourcesFilter, request, cluster, 'n'), false);
  cluster.removeTask('pending-2');
  assert.equal(keeps(resourcesFilter, request, cluster, 'n'), true);

  const memoryOnly = makeRequest({ reservations: { nanoCPUs: 0, memoryBytes: 3 * GB } });
  assert.equal(keeps(resourcesFilter, memoryOnly, cluster, 'n'), true);
  const tooMuchMemory = makeRequest({ reservations: { nanoCPUs: 0, memoryBytes: 4 * GB } });
  assert.equal(keeps(resourcesFilter, tooMuchMemory, cluster, 'n'), false);
  assert.equal(resourcesFilter.prepare(makeRequest(), { soft: true, cluster, now: 0 }), undefined);
  assert.equal(resourcesFilter.explain(2), 'insufficient resources on 2 nodes');
});

test('host-port: one task per node per port and protocol', () => {
  const cluster = new ClusterState([makeNode('n')]);
  const tcp80 = makeRequest({ hostPorts: [{ port: 80, protocol: 'tcp' }] });
  const udp80 = makeRequest({ hostPorts: [{ port: 80, protocol: 'udp' }] });
  assert.equal(keeps(hostPortFilter, tcp80, cluster, 'n'), true);
  cluster.addTask('n', { ...tcp80, serviceId: 'other', taskId: 'x' });
  assert.equal(keeps(hostPortFilter, tcp80, cluster, 'n'), false);
  assert.equal(keeps(hostPortFilter, udp80, cluster, 'n'), true);
  cluster.removeTask('x');
  assert.equal(keeps(hostPortFilter, tcp80, cluster, 'n'), true);
  assert.equal(hostPortFilter.explain(1), 'host-mode port already in use on 1 node');
});

test('max-replicas: fewer than the limit of this service; 0 is unlimited', () => {
  const cluster = new ClusterState([makeNode('n')]);
  const limited = makeRequest({ maxReplicasPerNode: 2 });
  cluster.addTask('n', { ...limited, taskId: 'a' });
  cluster.addTask('n', { ...limited, serviceId: 'other', taskId: 'b' });
  assert.equal(keeps(maxReplicasFilter, limited, cluster, 'n'), true, "other services' tasks do not count");
  cluster.addTask('n', { ...limited, taskId: 'c' });
  assert.equal(keeps(maxReplicasFilter, limited, cluster, 'n'), false);
  assert.equal(keeps(maxReplicasFilter, makeRequest({ maxReplicasPerNode: 0 }), cluster, 'n'), true);
  assert.equal(maxReplicasFilter.explain(2), 'max replicas per node limit exceeded on 2 nodes');
});

test('platform: any listed os/arch, with x86_64 and aarch64 normalized', () => {
  const cluster = new ClusterState([
    makeNode('amd', { platform: { os: 'linux', arch: 'x86_64' } }),
    makeNode('arm', { platform: { os: 'linux', arch: 'arm64' } }),
    makeNode('win', { platform: { os: 'windows', arch: 'amd64' } }),
  ]);
  const fits = (platforms: Array<{ os?: string; arch?: string }>) =>
    ['amd', 'arm', 'win'].filter((id) => keeps(platformFilter, makeRequest({ platforms }), cluster, id));
  assert.deepEqual(fits([{ os: 'linux', arch: 'amd64' }]), ['amd']);
  assert.deepEqual(fits([{ os: 'linux', arch: 'aarch64' }]), ['arm']);
  assert.deepEqual(fits([{ arch: 'x86_64' }]), ['amd', 'win']);
  assert.deepEqual(fits([{ os: 'Linux' }]), ['amd', 'arm']);
  assert.deepEqual(fits([{ os: 'linux', arch: 'arm64' }, { os: 'windows' }]), ['arm', 'win']);
  assert.deepEqual(fits([]), ['amd', 'arm', 'win']);
  assert.equal(normalizeArch('X86_64'), 'amd64');
  assert.equal(platformFilter.explain(1), 'unsupported platform on 1 node');
});
