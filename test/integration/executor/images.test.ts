import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { engineJson, engineStatusOf } from '../../../agent/executor/engine-request';
import { ensureImage, hasImage } from '../../../agent/executor/images';
import { createAndStart } from '../../../agent/executor/runtime';
import {
  configFor,
  removeClusterContainers,
  testNodes,
  uniqueId,
  waitForStatus,
  type TestNode,
} from './helpers';

const CLUSTER = uniqueId('it-images-');
const ONLY_ON_NODE1 = `shoal/only-one:${uniqueId('t')}`;
let nodes: TestNode[];

before(async () => {
  nodes = testNodes();
  const [repo, tag] = ONLY_ON_NODE1.split(':') as [string, string];
  await nodes[0]!.engine.call('tag image', (docker, signal) =>
    engineJson(docker, signal, {
      method: 'POST',
      path: '/images/shoal/web:latest/tag',
      query: { repo, tag },
    }),
  );
});

after(async () => {
  await removeClusterContainers(nodes, [CLUSTER]);
  await Promise.all(
    nodes.map((n) =>
      n.engine
        .call('remove image', (docker, signal) =>
          engineJson(docker, signal, { method: 'DELETE', path: `/images/${ONLY_ON_NODE1}` }),
        )
        .catch((error: unknown) => {
          if (engineStatusOf(error) !== 404) throw error;
        }),
    ),
  );
});

test('an image already on the node is used as it is', async () => {
  assert.deepEqual(await ensureImage(nodes[1]!.engine, 'shoal/web:latest'), { source: 'present' });
});

test('an image only on node1 is copied to node2 engine-to-engine and then runs there', async () => {
  const [node1, node2, node3] = nodes as [TestNode, TestNode, TestNode];
  assert.equal(await hasImage(node2.engine, ONLY_ON_NODE1), false);
  const peers = [node1.engine, node2.engine, node3.engine];
  const [result, concurrent] = await Promise.all([
    ensureImage(node2.engine, ONLY_ON_NODE1, { peers }),
    ensureImage(node2.engine, ONLY_ON_NODE1, { peers }),
  ]);
  assert.equal(result.source, 'copied');
  assert.equal(result.source === 'copied' && result.fromNodeId, node1.node.ID);
  assert.deepEqual(concurrent, result, 'concurrent calls share one copy');
  assert.equal(await hasImage(node2.engine, ONLY_ON_NODE1), true);
  assert.equal(await hasImage(node3.engine, ONLY_ON_NODE1), false, 'only the asking node got it');

  const config = configFor(node2, CLUSTER, {
    Name: 'copied',
    TaskTemplate: { ContainerSpec: { Image: ONLY_ON_NODE1 } },
  });
  const { containerId } = await createAndStart(node2.engine, config);
  await waitForStatus(node2, containerId, (s) => s.state === 'running');
  assert.deepEqual(await ensureImage(node2.engine, ONLY_ON_NODE1, { peers }), { source: 'present' });
});

test('an image no node has fails with a clear message', async () => {
  const peers = nodes.map((n) => n.engine);
  await assert.rejects(
    ensureImage(nodes[1]!.engine, 'shoal/x:latest', { peers, nodeName: 'node2' }),
    (e: Error & { status?: number }) => {
      assert.equal(e.status, 404);
      assert.match(
        e.message,
        /^image shoal\/x:latest not found on node node2 and no registry or other node has it/,
      );
      return true;
    },
  );
});
