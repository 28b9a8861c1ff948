import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState } from '../../../agent/scheduler/cluster-state';
import { affinityFilter, validateAffinities } from '../../../agent/scheduler/filters/affinity';
import { keeps, makeNode, makeRequest } from './fixtures';

function clusterWithServices(): ClusterState {
  const cluster = new ClusterState([makeNode('a'), makeNode('b')]);
  cluster.addTask('a', { ...makeRequest({ serviceId: 'id-web', serviceName: 'web' }), taskId: 'w1' });
  cluster.addTask('b', { ...makeRequest({ serviceId: 'id-db' }), taskId: 'd1' });
  cluster.setServiceName('id-db', 'db');
  return cluster;
}

function nodesKept(cluster: ClusterState, affinities: string[], soft = true, serviceId = 'me'): string[] {
  const request = makeRequest({ serviceId, affinities });
  return ['a', 'b'].filter((id) => keeps(affinityFilter, request, cluster, id, soft));
}

test('service==x needs a task of x on the node; x is a name or an ID', () => {
  const cluster = clusterWithServices();
  assert.deepEqual(nodesKept(cluster, ['service==web']), ['a']);
  assert.deepEqual(nodesKept(cluster, ['service==id-web']), ['a']);
  assert.deepEqual(nodesKept(cluster, ['service==db']), ['b'], 'names given with setServiceName count');
  assert.deepEqual(nodesKept(cluster, ['service==nothing']), []);
});

test('service!=x keeps nodes without tasks of x; globs and regexes match names too', () => {
  const cluster = clusterWithServices();
  assert.deepEqual(nodesKept(cluster, ['service!=db']), ['a']);
  assert.deepEqual(nodesKept(cluster, ['service!=*']), []);
  assert.deepEqual(nodesKept(cluster, ['service==/^w/']), ['a']);
  assert.deepEqual(nodesKept(cluster, ['service!=web', 'service!=db']), []);
});

test('pending and removed tasks are reflected', () => {
  const cluster = clusterWithServices();
  cluster.removeTask('w1');
  assert.deepEqual(nodesKept(cluster, ['service==web']), []);
  cluster.addTask('b', { ...makeRequest({ serviceId: 'id-web' }), taskId: 'w2' });
  assert.deepEqual(nodesKept(cluster, ['service==web']), ['b']);
});

test("a service's own tasks count: service!=itself spreads one per node", () => {
  const cluster = clusterWithServices();
  const request = makeRequest({ serviceId: 'id-api', serviceName: 'api', affinities: ['service!=api'] });
  assert.equal(keeps(affinityFilter, request, cluster, 'a'), true);
  cluster.addTask('a', { ...request, taskId: 'api1' });
  assert.equal(keeps(affinityFilter, request, cluster, 'a'), false);
  assert.equal(affinityFilter.stateful, true);
});

test('soft affinities count in the first pass only', () => {
  const cluster = clusterWithServices();
  assert.deepEqual(nodesKept(cluster, ['service==~db'], true), ['b']);
  assert.deepEqual(nodesKept(cluster, ['service==~db'], false), ['a', 'b']);
  assert.equal(affinityFilter.hasSoftRules?.(makeRequest({ affinities: ['service!=~db'] })), true);
});

test('validateAffinities names bad expressions and unknown keys', () => {
  validateAffinities(['service==web', 'service!=~db']);
  assert.throws(
    () => validateAffinities(['service=web']),
    /^InvalidArgumentError: invalid affinity expression "service=web": expected/,
  );
  assert.throws(
    () => validateAffinities(['image==redis']),
    /invalid affinity expression "image==redis": unknown key "image", expected service/,
  );
  assert.equal(affinityFilter.explain(2), 'affinities not satisfied on 2 nodes');
});
