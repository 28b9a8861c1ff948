import assert from 'node:assert/strict';
import { test } from 'node:test';
import { layoutFor } from '../../../agent/sandbox/layout';

test('names and addresses differ between sandbox directories', () => {
  const a = layoutFor('/root/.shoal/sandbox', 3);
  const b = layoutFor('/tmp/shoal-it-x/sandbox', 3);
  assert.notEqual(a.instance, b.instance);
  assert.notEqual(a.bridge, b.bridge);
  assert.notDeepEqual(
    a.nodes.map((n) => n.netns),
    b.nodes.map((n) => n.netns),
  );
});

test('kernel object names fit in 15 characters', () => {
  const layout = layoutFor('/any/where', 200);
  for (const name of [layout.bridge, ...layout.nodes.map((n) => n.veth)]) {
    assert.ok(name.length <= 15, `${name} is longer than IFNAMSIZ-1`);
  }
});

test('node addresses are consecutive on the sandbox subnet', () => {
  const layout = layoutFor('/x', 3, 42);
  assert.deepEqual(
    layout.nodes.map((n) => n.address),
    ['10.231.42.11', '10.231.42.12', '10.231.42.13'],
  );
  assert.equal(layout.bridgeAddress, '10.231.42.1');
});
