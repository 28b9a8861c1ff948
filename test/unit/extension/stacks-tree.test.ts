import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../../../agent/types/swarm';
import { groupServices, stackNameOf } from '../../../extension/stacks/stack-grouping';
import {
  buildFullTrees,
  serviceChildren,
  serviceRoots,
  stackChildren,
} from '../../../extension/views/tree-data';
import { event, loadedModel, service, storedNetwork, task } from './fixtures';

function inStack(s: Service, stack: string): Service {
  s.Spec.Labels = { ...s.Spec.Labels, 'com.docker.stack.namespace': stack };
  return s;
}

function stackedModel() {
  const net = storedNetwork('net1', 'shop_default');
  net.Spec.Labels = { 'com.docker.stack.namespace': 'shop' };
  return loadedModel({
    services: [
      inStack(service('s1', 'shop_web'), 'shop'),
      inStack(service('s2', 'shop_api', { mode: { Replicated: { Replicas: 1 } } }), 'shop'),
      inStack(service('s3', 'blog_web'), 'blog'),
      service('s4', 'zeta'),
      service('s5', 'alpha'),
      {
        ...service('s6', 'empty-label'),
        Spec: { ...service('s6', 'empty-label').Spec, Labels: { 'com.docker.stack.namespace': '' } },
      },
    ],
    tasks: [
      task('t1', 's1', { slot: 1 }),
      task('t2', 's1', { slot: 2, state: 'starting' }),
      task('t3', 's2', { slot: 1 }),
    ],
    networks: [net],
  });
}

test('services are grouped by their com.docker.stack.namespace label', () => {
  const model = stackedModel();
  assert.equal(stackNameOf(model.services.get('s1')!), 'shop');
  assert.equal(stackNameOf(model.services.get('s4')!), undefined);
  assert.equal(stackNameOf(model.services.get('s6')!), undefined);
  const grouped = groupServices(model.services.values());
  assert.deepEqual([...grouped.stacks.keys()], ['blog', 'shop']);
  assert.deepEqual(
    grouped.stacks.get('shop')?.map((s) => s.Spec.Name),
    ['shop_api', 'shop_web'],
  );
  assert.deepEqual(
    grouped.loose.map((s) => s.Spec.Name),
    ['alpha', 'empty-label', 'zeta'],
  );
});

test('the Services view shows stacks first, then services of no stack', () => {
  const roots = serviceRoots(stackedModel());
  assert.deepEqual(
    roots.map((e) => [e.id, e.label, e.contextValue]),
    [
      ['stack:blog', 'blog', 'stack'],
      ['stack:shop', 'shop', 'stack'],
      ['service:s5', 'alpha', 'service.replicated'],
      ['service:s6', 'empty-label', 'service.replicated'],
      ['service:s4', 'zeta', 'service.replicated'],
    ],
  );
});

test('a stack item: identity-only ID, "N services", health icon, tooltip with services and networks', () => {
  const shop = serviceRoots(stackedModel()).find((e) => e.id === 'stack:shop')!;
  assert.deepEqual(shop.ref, { type: 'stack', name: 'shop' });
  assert.equal(shop.description, '2 services \u00b7 2/3 running');
  assert.equal(shop.collapsible, true);
  assert.deepEqual(shop.icon, { codicon: 'package', color: 'charts.yellow' });
  assert.match(shop.tooltip ?? '', /\*\*shop\*\* — stack, 2 services, 2\/3 tasks running/);
  assert.match(shop.tooltip ?? '', /- shop\\_api: replicated 1\/1/);
  assert.match(shop.tooltip ?? '', /Networks: `shop_default`/);
  const blog = serviceRoots(stackedModel()).find((e) => e.id === 'stack:blog')!;
  assert.equal(blog.description, '1 service \u00b7 0/2 running');
  assert.deepEqual(blog.icon, { codicon: 'package', color: 'charts.red' });
});

test("a stack's children are its services as at the top level, with their tasks below", () => {
  const model = stackedModel();
  const children = stackChildren(model, 'shop');
  assert.deepEqual(
    children.map((e) => [e.id, e.label, e.contextValue, e.collapsible]),
    [
      ['service:s2', 'shop_api', 'service.replicated', true],
      ['service:s1', 'shop_web', 'service.replicated', true],
    ],
  );
  assert.deepEqual(
    serviceChildren(model, 's1').map((e) => e.label),
    ['shop_web.1', 'shop_web.2'],
  );
  assert.deepEqual(stackChildren(model, 'nope'), []);
});

test('IDs stay the same across updates, so expansion survives; a service can join a stack', () => {
  const model = stackedModel();
  const before = serviceRoots(model).map((e) => e.id);
  const web: Service = {
    ...model.services.get('s1')!,
    Version: { Index: 5 },
    UpdateStatus: { State: 'updating', Message: '' },
  };
  model.apply(event('service', 'update', web), 1);
  assert.deepEqual(
    serviceRoots(model).map((e) => e.id),
    before,
  );
  const zeta = model.services.get('s4')!;
  model.apply(
    event('service', 'update', inStack({ ...zeta, Spec: { ...zeta.Spec }, Version: { Index: 6 } }, 'blog')),
    1,
  );
  assert.deepEqual(
    stackChildren(model, 'blog').map((e) => e.id),
    ['service:s3', 'service:s4'],
  );
  assert.ok(!serviceRoots(model).some((e) => e.id === 'service:s4'));
});

test('a full tree build counts stacks, their services and tasks', () => {
  // 2 stacks + 3 loose services at the top, 3 stacked services, 3 tasks.
  assert.equal(buildFullTrees(stackedModel()).services.length, 5);
  assert.equal(buildFullTrees(stackedModel()).count, 5 + 3 + 3);
});
