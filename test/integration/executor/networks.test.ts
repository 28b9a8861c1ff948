import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { engineJson } from '../../../agent/executor/engine-request';
import { ensureNodeNetwork, removeNodeNetworkIfUnused } from '../../../agent/executor/node-networks';
import { createAndStart, remove } from '../../../agent/executor/runtime';
import { docker } from '../../helpers/sandbox';
import { clusterNetwork } from '../../unit/executor/fixtures';
import {
  configFor,
  engineClient,
  removeClusterContainers,
  testNodes,
  uniqueId,
  waitForStatus,
  type TestNode,
} from './helpers';

const CLUSTER = uniqueId('it-net-');
const NETWORK = clusterNetwork(uniqueId('itnet'), uniqueId('netid'));
let nodes: TestNode[];
let node1: TestNode;

before(() => {
  nodes = testNodes();
  node1 = nodes[0]!;
});

after(async () => {
  await removeClusterContainers(nodes, [CLUSTER]);
  await Promise.all(nodes.map((n) => removeNodeNetworkIfUnused(n.engine, NETWORK)));
});

async function networksNamed(on: TestNode, name: string): Promise<Array<{ Id: string; Name: string }>> {
  const listed = await on.engine.call('list networks', (d, signal) =>
    engineJson<Array<{ Id: string; Name: string }>>(d, signal, {
      method: 'GET',
      path: '/networks',
      query: { filters: { name: [name] } },
    }),
  );
  return listed.filter((n) => n.Name === name);
}

test('ensureNodeNetwork twice in parallel, even from two clients of one engine, leaves one network', async () => {
  // A second client with another node ID does not share the in-process single flight: the engine race is real.
  const otherClient = engineClient('same-engine-other-client', node1.docker);
  const results = await Promise.all([
    ensureNodeNetwork(node1.engine, NETWORK),
    ensureNodeNetwork(node1.engine, NETWORK),
    ensureNodeNetwork(otherClient, NETWORK),
  ]);
  assert.equal(new Set(results.map((r) => r.id)).size, 1);
  const onEngine = await networksNamed(node1, NETWORK.Spec.Name);
  assert.deepEqual(
    onEngine.map((n) => n.Id),
    [results[0]!.id],
  );
  const again = await ensureNodeNetwork(node1.engine, NETWORK);
  assert.deepEqual(again, { ...results[0]!, created: false });
});

test('a network of the same name not made by Shoal is refused, not taken over', async () => {
  const squatted = clusterNetwork(uniqueId('squat'), uniqueId('netid'));
  await docker(node1.endpoint, ['network', 'create', squatted.Spec.Name]);
  try {
    await assert.rejects(ensureNodeNetwork(node1.engine, squatted), (e: Error & { status?: number }) => {
      assert.equal(e.status, 409);
      assert.match(e.message, /not made by Shoal/);
      return true;
    });
    assert.equal(await removeNodeNetworkIfUnused(node1.engine, squatted), true, 'nothing of ours to remove');
    assert.equal((await networksNamed(node1, squatted.Spec.Name)).length, 1, 'theirs is untouched');
  } finally {
    await docker(node1.endpoint, ['network', 'rm', squatted.Spec.Name]);
  }
});

test('two tasks on the network reach each other by service name; the network goes when unused', async () => {
  await ensureNodeNetwork(node1.engine, NETWORK);
  const withNetwork = {
    TaskTemplate: { ContainerSpec: { Image: 'shoal/web:latest' }, Networks: [{ Target: NETWORK.ID }] },
  };
  const alpha = await createAndStart(
    node1.engine,
    configFor(node1, CLUSTER, { Name: 'alpha', ...withNetwork }, { networks: [NETWORK] }),
  );
  const beta = await createAndStart(
    node1.engine,
    configFor(node1, CLUSTER, { Name: 'beta', ...withNetwork }, { networks: [NETWORK] }),
  );
  await waitForStatus(node1, alpha.containerId, (s) => s.state === 'running');
  await waitForStatus(node1, beta.containerId, (s) => s.state === 'running');

  const fromBeta = await docker(node1.endpoint, [
    'exec',
    beta.containerId,
    'timeout',
    '5',
    'wget',
    '-qO-',
    'http://alpha/',
  ]);
  assert.equal(fromBeta.trim().split('\n')[0], alpha.containerId.slice(0, 12));
  const fromAlpha = await docker(node1.endpoint, [
    'exec',
    alpha.containerId,
    'timeout',
    '5',
    'wget',
    '-qO-',
    'http://beta/',
  ]);
  assert.equal(fromAlpha.trim().split('\n')[0], beta.containerId.slice(0, 12));

  assert.equal(await removeNodeNetworkIfUnused(node1.engine, NETWORK), false, 'in use');
  assert.equal((await networksNamed(node1, NETWORK.Spec.Name)).length, 1);
  await remove(node1.engine, alpha.containerId);
  await remove(node1.engine, beta.containerId);
  assert.equal(await removeNodeNetworkIfUnused(node1.engine, NETWORK), true);
  assert.equal((await networksNamed(node1, NETWORK.Spec.Name)).length, 0);
});
