import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveNode } from '../../../agent/cluster/resolve';
import type { SwarmNode } from '../../../agent/types/swarm';
import { InvalidArgumentError, NotFoundError } from '../../../agent/util/errors';

function node(ID: string, Hostname: string, Name?: string): SwarmNode {
  return {
    ID,
    Version: { Index: 1 },
    CreatedAt: '',
    UpdatedAt: '',
    Spec: { Labels: {}, Role: 'worker', Availability: 'active', ...(Name ? { Name } : {}) },
    Description: {
      Hostname,
      Platform: { Architecture: 'x86_64', OS: 'linux' },
      Resources: { NanoCPUs: 0, MemoryBytes: 0 },
      Engine: { EngineVersion: '', Labels: {}, Plugins: [] },
    },
    Status: { State: 'ready', Addr: '127.0.0.1' },
    ShoalEndpoint: { URL: `unix:///${ID}.sock` },
  };
}

const nodes = [
  node('abc111aaaaaaaaaaaaaaaaaaa', 'node1'),
  node('abc222bbbbbbbbbbbbbbbbbbb', 'node2', 'db'),
  // A node whose hostname is another node's full ID prefix, and one named like a full ID.
  node('xyz333ccccccccccccccccccc', 'abc1'),
  node('def444ddddddddddddddddddd', 'node4', 'abc222bbbbbbbbbbbbbbbbbbb'),
];

test('a full ID wins over everything', () => {
  assert.equal(resolveNode(nodes, 'abc222bbbbbbbbbbbbbbbbbbb').ID, 'abc222bbbbbbbbbbbbbbbbbbb');
});

test('then an exact name: Spec.Name or hostname, before any ID prefix', () => {
  assert.equal(resolveNode(nodes, 'db').ID, 'abc222bbbbbbbbbbbbbbbbbbb');
  assert.equal(resolveNode(nodes, 'node1').ID, 'abc111aaaaaaaaaaaaaaaaaaa');
  assert.equal(resolveNode(nodes, 'abc1').ID, 'xyz333ccccccccccccccccccc');
});

test('then a unique ID prefix', () => {
  assert.equal(resolveNode(nodes, 'abc2').ID, 'abc222bbbbbbbbbbbbbbbbbbb');
  assert.equal(resolveNode(nodes, 'x').ID, 'xyz333ccccccccccccccccccc');
});

test('an ambiguous prefix is an error listing the candidates', () => {
  assert.throws(
    () => resolveNode(nodes, 'abc'),
    (e: unknown) =>
      e instanceof InvalidArgumentError &&
      e.message.startsWith('node abc is ambiguous (2 matches found') &&
      e.message.includes('abc111aaaaaaaaaaaaaaaaaaa (node1)') &&
      e.message.includes('abc222bbbbbbbbbbbbbbbbbbb (node2)'),
  );
});

test('two nodes with the same name are ambiguous too', () => {
  const twins = [node('aaa', 'same'), node('bbb', 'same')];
  assert.throws(() => resolveNode(twins, 'same'), /ambiguous \(2 matches found/);
});

test('no match is NotFoundError in Docker’s words', () => {
  assert.throws(
    () => resolveNode(nodes, 'zzz'),
    (e: unknown) => e instanceof NotFoundError && e.message === 'node zzz not found',
  );
  assert.throws(() => resolveNode(nodes, ''), NotFoundError);
});
