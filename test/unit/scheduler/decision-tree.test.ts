import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterState } from '../../../agent/scheduler/cluster-state';
import { buildTree, evenShares, placeOnSubtree, type Branch } from '../../../agent/scheduler/decision-tree';
import { labelReader, type LabelReader } from '../../../agent/scheduler/labels';
import { makeNode, makeRequest } from './fixtures';

test('evenShares raises the lowest branches to a common level', () => {
  assert.deepEqual(evenShares([0, 0, 0], 7), [3, 2, 2]);
  assert.deepEqual(evenShares([3, 0, 0], 3), [0, 2, 1]);
  assert.deepEqual(evenShares([10, 0, 0], 4), [0, 2, 2], 'a branch above the level takes nothing');
  assert.deepEqual(evenShares([2, 5, 1], 6), [2, 0, 4], 'totals 4, 5, 5');
  assert.deepEqual(evenShares([4, 4], 0), [0, 0]);
  assert.deepEqual(evenShares([], 3), []);
  for (const [counts, remaining] of [
    [[1, 7, 3, 3], 9],
    [[0, 0, 9], 2],
  ] as Array<[number[], number]>) {
    const shares = evenShares(counts, remaining);
    assert.equal(
      shares.reduce((a, b) => a + b, 0),
      remaining,
    );
    assert.ok(shares.every((share) => share >= 0));
  }
});

function reader(descriptor: string): LabelReader {
  const read = labelReader(descriptor);
  assert.ok(read);
  return read;
}

test('the tree buckets nodes by label value per level, missing labels in the "" branch, counting tasks of all nodes', () => {
  const cluster = new ClusterState([
    makeNode('a1', { labels: { zone: 'a', rack: '1' } }),
    makeNode('a2', { labels: { zone: 'a', rack: '2' }, state: 'down' }),
    makeNode('b1', { labels: { zone: 'b', rack: '1' } }),
    makeNode('none', { labels: {} }),
  ]);
  cluster.addTask('a2', { ...makeRequest(), taskId: 'x' });
  const tree = buildTree(
    cluster.nodeInfos(),
    [reader('node.labels.zone'), reader('node.labels.rack')],
    'svc',
    (info) => info.node.state === 'ready',
  );
  assert.equal(tree.tasks, 1);
  assert.deepEqual([...(tree.children?.keys() ?? [])].sort(), ['', 'a', 'b']);
  const zoneA = tree.children?.get('a') as Branch;
  assert.equal(zoneA.tasks, 1, 'tasks on an ineligible node still count');
  assert.deepEqual(zoneA.children?.get('2')?.candidates, [], 'ineligible nodes are not candidates');
  assert.equal(zoneA.children?.get('1')?.candidates[0]?.node.id, 'a1');
});

test('placeOnSubtree balances totals and hands a full branch’s share to the others', () => {
  const cluster = new ClusterState(['a', 'b', 'c'].map((zone) => makeNode(zone, { labels: { zone } })));
  const tree = buildTree(cluster.nodeInfos(), [reader('node.labels.zone')], 'svc', () => true);
  const capacity = new Map([
    ['a', 100],
    ['b', 1],
    ['c', 100],
  ]);
  const placed = new Map<string, number>();
  const placeOnLeaf = (leaf: Branch, n: number) => {
    const id = leaf.candidates[0]?.node.id ?? '';
    const room = capacity.get(id) ?? 0;
    const got = Math.min(room, n);
    capacity.set(id, room - got);
    placed.set(id, (placed.get(id) ?? 0) + got);
    return got;
  };
  assert.equal(placeOnSubtree(tree, 9, placeOnLeaf), 9);
  assert.deepEqual(Object.fromEntries(placed), { a: 4, b: 1, c: 4 });
});
