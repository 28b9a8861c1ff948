import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createServiceSpec,
  networkCreateBody,
  nodeSpecWithAvailability,
  nodeSpecWithLabel,
  nodeSpecWithoutLabel,
  nodeUpdatePath,
  serviceUpdatePath,
  updatedServiceSpec,
} from '../../../extension/commands/specs';
import { validateServiceSpec } from '../../../agent/orchestrator/spec/validate';
import { node, service } from './fixtures';

test('a created spec passes the agent validation', () => {
  const spec = createServiceSpec({
    image: 'shoal/web:latest',
    name: 'web',
    mode: { kind: 'replicated', replicas: 3 },
    ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 8080, PublishMode: 'host' }],
    env: ['A=1'],
    constraints: ['node.labels.zone==west'],
  });
  assert.deepEqual(spec.Mode, { Replicated: { Replicas: 3 } });
  assert.deepEqual(spec.TaskTemplate.Placement, { Constraints: ['node.labels.zone==west'] });
  validateServiceSpec(structuredClone(spec));
  const global = createServiceSpec({
    image: 'x',
    name: 'g',
    mode: { kind: 'global' },
    ports: [],
    env: [],
    constraints: [],
  });
  assert.deepEqual(global.Mode, { Global: {} });
  assert.equal(global.EndpointSpec, undefined);
  validateServiceSpec(structuredClone(global));
});

test('an update changes only what was answered', () => {
  const s = service('s1', 'web', { index: 7 });
  s.Spec.TaskTemplate.ContainerSpec.Env = ['A=1', 'B=2'];
  const next = updatedServiceSpec(s, {
    image: 'shoal/web:2',
    envAdd: ['A=9', 'C=3'],
    envRemove: ['B'],
    parallelism: 2,
    order: 'start-first',
  });
  assert.equal(next.TaskTemplate.ContainerSpec.Image, 'shoal/web:2');
  assert.deepEqual(next.TaskTemplate.ContainerSpec.Env, ['A=9', 'C=3']);
  assert.deepEqual(next.UpdateConfig, { Parallelism: 2, Order: 'start-first' });
  assert.deepEqual(next.Mode, s.Spec.Mode);
  // The original is untouched.
  assert.deepEqual(s.Spec.TaskTemplate.ContainerSpec.Env, ['A=1', 'B=2']);
  assert.deepEqual(updatedServiceSpec(s, { replicas: 5 }).Mode, { Replicated: { Replicas: 5 } });
  assert.throws(() => updatedServiceSpec(service('g', 'g', { mode: { Global: {} } }), { replicas: 2 }));
  assert.equal(serviceUpdatePath(s), '/services/s1/update?version=7');
  assert.equal(serviceUpdatePath(s, true), '/services/s1/update?version=7&rollback=previous');
});

test('node specs and paths', () => {
  const n = node('n1', 'node1', { labels: { a: '1' }, index: 4 });
  assert.equal(nodeUpdatePath(n), '/nodes/n1/update?version=4');
  assert.equal(nodeSpecWithAvailability(n, 'drain').Availability, 'drain');
  assert.deepEqual(nodeSpecWithLabel(n, 'b', '2').Labels, { a: '1', b: '2' });
  assert.deepEqual(nodeSpecWithoutLabel(n, 'a').Labels, {});
  assert.deepEqual(n.Spec.Labels, { a: '1' });
  assert.deepEqual(networkCreateBody('net', '10.0.0.0/24', true), {
    Name: 'net',
    Driver: 'overlay',
    Attachable: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: '10.0.0.0/24' }] },
  });
  assert.equal('IPAM' in networkCreateBody('net', ' ', false), false);
});
