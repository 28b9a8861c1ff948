import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTaskLabels, taskLabels, type TaskLabels } from '../../../agent/executor/labels';

const labels: TaskLabels = {
  taskId: 't1',
  taskName: 'web.2.t1',
  serviceId: 's1',
  serviceName: 'web',
  nodeId: 'n1',
  clusterId: 'c1',
  slot: 2,
  specVersion: 12,
};

test('labels round-trip through the container', () => {
  assert.deepEqual(parseTaskLabels({ ...taskLabels(labels), unrelated: 'x' }), labels);
  const global = { ...labels, slot: undefined, specVersion: undefined, jobIteration: 3 };
  delete global.slot;
  delete global.specVersion;
  assert.deepEqual(parseTaskLabels(taskLabels(global)), global);
});

test('containers that are not Shoal tasks parse as undefined', () => {
  assert.equal(parseTaskLabels(undefined), undefined);
  assert.equal(parseTaskLabels(null), undefined);
  assert.equal(parseTaskLabels({}), undefined);
  assert.equal(parseTaskLabels({ maintainer: 'someone' }), undefined);
  // A swarm-mode task: Docker's labels without the Shoal cluster ID.
  const swarmMode = taskLabels(labels);
  delete swarmMode['io.shoal.cluster.id'];
  assert.equal(parseTaskLabels(swarmMode), undefined);
});

test('damaged labels are not trusted', () => {
  assert.equal(parseTaskLabels({ ...taskLabels(labels), 'com.docker.swarm.task.id': '' }), undefined);
  assert.equal(parseTaskLabels({ ...taskLabels(labels), 'io.shoal.task.slot': 'two' }), undefined);
  assert.equal(parseTaskLabels({ ...taskLabels(labels), 'io.shoal.spec.version': '-1' }), undefined);
});
