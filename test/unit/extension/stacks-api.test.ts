import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StackRequest } from '../../../agent/stacks/types';
import { StackApi, type Requester } from '../../../extension/stacks/stack-api';

function recorder(answers: Record<string, unknown>) {
  const calls: Array<{ method: string; path: string; body?: unknown }> = [];
  const request: Requester = <T>(method: string, path: string, body?: unknown) => {
    calls.push({ method, path, ...(body === undefined ? {} : { body }) });
    return Promise.resolve(answers[`${method} ${path}`] as T);
  };
  return { calls, api: new StackApi(request) };
}

const request: StackRequest = {
  files: { compose: { path: '/ws/shop/compose.yaml', content: 'services: {}\n' } },
  env: { HOME: '/root' },
  prune: true,
};

test('plan and deploy post the request to the stack routes, names encoded', async () => {
  const { calls, api } = recorder({
    'POST /shoal/stacks/shop/plan': {
      stack: 'shop',
      services: [{ name: 'shop_web', action: 'create' }],
      networks: [],
      warnings: [
        {
          severity: 'warning',
          message: 'm',
          file: '/f',
          line: 2,
          column: 3,
          endLine: 2,
          endColumn: 4,
          keyPath: 'k',
        },
        7,
      ],
    },
    'POST /shoal/stacks/shop/deploy': { stack: 'shop', services: [], networks: [] },
  });
  const plan = await api.plan('shop', request);
  assert.equal(plan.services.length, 1);
  assert.equal(plan.warnings.length, 1, 'malformed warnings are dropped');
  const deployed = await api.deploy('shop', request);
  assert.deepEqual(deployed.serviceIds, {});
  assert.deepEqual(deployed.warnings, []);
  assert.deepEqual(calls, [
    { method: 'POST', path: '/shoal/stacks/shop/plan', body: request },
    { method: 'POST', path: '/shoal/stacks/shop/deploy', body: request },
  ]);
  await api.plan('a b', request).catch(() => undefined);
  assert.equal(calls.at(-1)?.path, '/shoal/stacks/a%20b/plan');
});

test('list and remove tolerate odd answers', async () => {
  const { api } = recorder({
    'GET /shoal/stacks': [{ name: 'shop', services: 2, orchestrator: 'Swarm' }, { nope: 1 }],
    'DELETE /shoal/stacks/shop': { services: ['shop_web', 3], networks: ['shop_default'] },
  });
  assert.deepEqual(await api.list(), [{ name: 'shop', services: 2, orchestrator: 'Swarm' }]);
  assert.deepEqual(await api.remove('shop'), { services: ['shop_web'], networks: ['shop_default'] });
  const empty = recorder({});
  assert.deepEqual(await empty.api.list(), []);
  assert.deepEqual(await empty.api.remove('x'), { services: [], networks: [] });
  const plan = await empty.api.plan('x', request);
  assert.deepEqual(plan, { stack: 'x', services: [], networks: [], warnings: [] });
});
