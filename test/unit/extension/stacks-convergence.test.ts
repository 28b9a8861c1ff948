import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StackDeployResult } from '../../../agent/stacks/types';
import {
  describeStackOutcome,
  serviceVersions,
  watchStack,
  watchTargets,
} from '../../../extension/stacks/stack-convergence';
import { event, loadedModel, service, task } from './fixtures';

const result: StackDeployResult = {
  stack: 'shop',
  networks: [],
  warnings: [],
  services: [
    { name: 'shop_web', key: 'web', action: 'create' },
    {
      name: 'shop_db',
      key: 'db',
      action: 'update',
      id: 'db1',
      changes: [{ path: 'TaskTemplate.ContainerSpec.Image', before: 'a', after: 'b' }],
    },
    {
      name: 'shop_api',
      key: 'api',
      action: 'update',
      id: 'api1',
      changes: [{ path: 'Mode.Replicated.Replicas', before: 1, after: 2 }],
    },
    { name: 'shop_old', action: 'remove', id: 'old1' },
    { name: 'shop_same', key: 'same', action: 'unchanged', id: 'same1' },
  ],
  serviceIds: { shop_web: 'web1', shop_db: 'db1', shop_api: 'api1' },
};

test('created, updated and removed services are followed, each to its goal, from the version before', () => {
  const targets = watchTargets(
    result,
    new Map([
      ['db1', 7],
      ['api1', 3],
      ['old1', 4],
    ]),
  );
  assert.deepEqual(targets, [
    { name: 'shop_web', service: 'web1', goal: { kind: 'converge' }, baselineVersion: 0 },
    { name: 'shop_db', service: 'db1', goal: { kind: 'update' }, baselineVersion: 7 },
    { name: 'shop_api', service: 'api1', goal: { kind: 'converge' }, baselineVersion: 3 },
    { name: 'shop_old', service: 'old1', goal: { kind: 'remove' }, baselineVersion: 4 },
  ]);
});

test('the stack converges when every followed service did, by model events alone', async () => {
  const old = service('old1', 'shop_old', { index: 4 });
  const model = loadedModel({ services: [old], tasks: [task('to', 'old1', { slot: 1 })], index: 4 });
  const versions = serviceVersions(model);
  assert.equal(versions.get('old1'), 4);
  const progress: string[] = [];
  const targets = watchTargets(
    { ...result, services: [result.services[0]!, result.services[3]!], serviceIds: { shop_web: 'web1' } },
    versions,
  );
  const done = watchStack(model, targets, { onProgress: (p) => progress.push(p) });
  model.apply(
    event(
      'service',
      'create',
      service('web1', 'shop_web', { index: 5, mode: { Replicated: { Replicas: 1 } } }),
    ),
    1,
  );
  model.apply(event('task', 'create', task('tw', 'web1', { slot: 1, state: 'starting', index: 6 })), 1);
  model.apply(event('task', 'update', task('tw', 'web1', { slot: 1, index: 7 })), 1);
  model.apply(event('service', 'delete', { ID: 'old1', Version: { Index: 8 } }), 1);
  model.apply(
    event(
      'task',
      'update',
      task('to', 'old1', { slot: 1, state: 'shutdown', desired: 'shutdown', index: 9 }),
    ),
    1,
  );
  const outcomes = await done;
  assert.deepEqual(
    outcomes.map((o) => [o.target.name, o.outcome.kind]),
    [
      ['shop_web', 'converged'],
      ['shop_old', 'removed'],
    ],
  );
  assert.ok(
    progress.some((p) => p.startsWith('0/2 done \u00b7 shop_web')),
    progress.join('\n'),
  );
  assert.deepEqual(describeStackOutcome('shop', outcomes), {
    text: 'Stack shop deployed: 1 service converged, 1 removed.',
    warning: false,
  });
});

test('cancelling stops waiting and says the agent goes on', async () => {
  const model = loadedModel();
  const abort = new AbortController();
  const done = watchStack(model, watchTargets(result, new Map()).slice(0, 1), { signal: abort.signal });
  abort.abort();
  const outcomes = await done;
  assert.equal(outcomes[0]?.outcome.kind, 'cancelled');
  assert.match(
    describeStackOutcome('shop', outcomes).text,
    /^Stopped watching stack shop \(still converging: shop_web\); the agent keeps/,
  );
});

test('a paused update makes the result a warning naming the service', () => {
  const target = { name: 'shop_db', service: 'db1', goal: { kind: 'update' as const }, baselineVersion: 1 };
  const outcome = describeStackOutcome('shop', [
    { target, outcome: { kind: 'update-paused', state: 'paused', message: 'task failed' } },
  ]);
  assert.equal(outcome.warning, true);
  assert.match(outcome.text, /^Stack shop deployed, but shop_db: update paused: task failed\.$/);
  assert.deepEqual(describeStackOutcome('shop', []), { text: 'Stack shop deployed.', warning: false });
});
