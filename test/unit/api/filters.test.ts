import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchesAllLabels, parseFilters } from '../../../agent/api/filters';
import { nodeFilter } from '../../../agent/api/routes/nodes';
import { MemoryStore } from '../../../agent/store/memory';
import { InvalidArgumentError } from '../../../agent/util/errors';
import { FakeNodeManager } from './fake-node-manager';

const NODE_FILTERS = ['id', 'name', 'role', 'membership', 'label', 'node.label'];

test('both JSON encodings of filters parse to the same values', () => {
  const current = parseFilters('{"name":{"web":true,"db":true},"role":{"worker":true}}', NODE_FILTERS);
  const legacy = parseFilters('{"name":["web","db"],"role":["worker"]}', NODE_FILTERS);
  assert.deepEqual([...current], [...legacy]);
  assert.deepEqual(current.get('name'), ['web', 'db']);
});

test('absent or empty filters mean no filtering', () => {
  assert.equal(parseFilters(null, NODE_FILTERS).size, 0);
  assert.equal(parseFilters('', NODE_FILTERS).size, 0);
  assert.equal(parseFilters('{}', NODE_FILTERS).size, 0);
});

test('an unknown filter is refused with Docker wording', () => {
  assert.throws(
    () => parseFilters('{"colour":{"red":true}}', NODE_FILTERS),
    (e: unknown) => e instanceof InvalidArgumentError && e.message === "invalid filter 'colour'",
  );
});

test('malformed filters are a 400, not a crash', () => {
  for (const raw of ['{', '[]', '"name"', '{"name":"web"}', '{"name":[1]}', '{"name":null}']) {
    assert.throws(() => parseFilters(raw, NODE_FILTERS), InvalidArgumentError, raw);
  }
});

test('label expressions: key present, key=value equal, all must hold', () => {
  const labels = { zone: 'a', ssd: '' };
  assert.ok(matchesAllLabels(labels, ['zone']));
  assert.ok(matchesAllLabels(labels, ['zone=a', 'ssd']));
  assert.ok(matchesAllLabels(labels, ['ssd=']));
  assert.ok(!matchesAllLabels(labels, ['zone=b']));
  assert.ok(!matchesAllLabels(labels, ['zone=a', 'gpu']));
  assert.ok(matchesAllLabels(labels, []));
});

test('node filters: id and name are prefixes, role exact, label vs node.label', () => {
  const nodes = new FakeNodeManager(new MemoryStore());
  nodes.seed({ id: 'abc111', hostname: 'web-1', engineLabels: { zone: 'a' } });
  nodes.seed({ id: 'abc222', hostname: 'web-2', labels: { zone: 'b' } });
  nodes.seed({ id: 'def333', hostname: 'db-1', role: 'manager' });
  const ids = (raw: string) =>
    nodes
      .list()
      .filter(nodeFilter(parseFilters(raw, NODE_FILTERS)))
      .map((n) => n.ID);
  assert.deepEqual(ids('{"id":{"abc":true}}'), ['abc111', 'abc222']);
  assert.deepEqual(ids('{"id":["abc2","def"]}'), ['abc222', 'def333']);
  assert.deepEqual(ids('{"name":{"web":true}}'), ['abc111', 'abc222']);
  assert.deepEqual(ids('{"name":{"db-1":true},"id":{"abc":true}}'), []);
  assert.deepEqual(ids('{"role":{"manager":true}}'), ['def333']);
  assert.deepEqual(ids('{"label":{"zone=a":true}}'), ['abc111']);
  assert.deepEqual(ids('{"node.label":{"zone":true}}'), ['abc222']);
  assert.deepEqual(ids('{"membership":{"accepted":true}}'), ['abc111', 'abc222', 'def333']);
  assert.deepEqual(ids('{"membership":{"pending":true}}'), []);
  assert.throws(() => ids('{"role":{"boss":true}}'), /Invalid role filter: 'boss'/);
  assert.throws(() => ids('{"membership":{"x":true}}'), /Invalid membership filter: 'x'/);
});
