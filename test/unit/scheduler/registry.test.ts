import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClusterState } from '../../../agent/scheduler/cluster-state';
import { loadPlugins } from '../../../agent/scheduler/plugins';
import { createDefaultRegistry, SchedulerRegistry } from '../../../agent/scheduler/registry';
import { schedule } from '../../../agent/scheduler/scheduler';
import { CPU, makeNode, makeTasks } from './fixtures';

const FIXTURES = join(__dirname, 'plugin-fixtures');

test('the default pipeline follows swarm mode’s order', () => {
  assert.deepEqual(createDefaultRegistry().filterNames(), [
    'ready',
    'availability',
    'resources',
    'constraint',
    'platform',
    'host-port',
    'max-replicas',
    'affinity',
  ]);
  assert.deepEqual(createDefaultRegistry().strategyNames(), ['spread', 'binpack', 'random']);
});

test('names are unique', () => {
  const registry = createDefaultRegistry();
  const ready = registry.filter('ready');
  assert.ok(ready);
  assert.throws(() => registry.registerFilter(ready), /scheduler filter "ready" is already registered/);
  const spread = registry.strategy('spread');
  assert.ok(spread);
  assert.throws(() => registry.registerStrategy(spread), /already registered/);
});

test('plugins add filters to the end of the pipeline and strategies by name', () => {
  const registry = createDefaultRegistry();
  const loaded = loadPlugins(['./extra.cjs'], { registry, baseDir: FIXTURES });
  assert.deepEqual(loaded, { filters: ['odd-cpus'], strategies: ['reverse-id'] });
  assert.equal(registry.filterNames().at(-1), 'odd-cpus');

  const cluster = new ClusterState([
    makeNode('a', { resources: { nanoCPUs: 4 * CPU, memoryBytes: 1 } }),
    makeNode('b', { resources: { nanoCPUs: 3 * CPU, memoryBytes: 1 } }),
    makeNode('c', { resources: { nanoCPUs: 5 * CPU, memoryBytes: 1 } }),
  ]);
  const odd = schedule(makeTasks(2, { serviceId: 'odd-1' }), cluster, { registry, strategy: 'binpack' });
  assert.deepEqual([...new Set(odd.assignments.values())].sort(), ['b']);
  const reversed = schedule(makeTasks(1, { serviceId: 'other' }, 'r'), cluster, {
    registry,
    strategy: 'reverse-id',
  });
  assert.deepEqual([...reversed.assignments.values()], ['c']);
  const explained = schedule(makeTasks(1, { serviceId: 'odd-2' }, 'e'), cluster, {
    registry,
    filters: ['odd-cpus'],
  });
  assert.equal(explained.assignments.size, 1);
});

test('bad plugin modules are refused whole, with the module named', () => {
  const registry = createDefaultRegistry();
  assert.throws(
    () => loadPlugins(['./missing.cjs'], { registry, baseDir: FIXTURES }),
    /cannot load scheduler plugin "\.\/missing\.cjs"/,
  );
  assert.throws(
    () => loadPlugins(['./empty.cjs'], { registry, baseDir: FIXTURES }),
    /"\.\/empty\.cjs" exports no filters or strategies/,
  );
  loadPlugins(['./extra.cjs'], { registry, baseDir: FIXTURES });
  assert.throws(
    () => loadPlugins(['./extra.cjs'], { registry, baseDir: FIXTURES }),
    /"odd-cpus" is already registered/,
  );
  assert.equal(registry.strategyNames().filter((name) => name === 'reverse-id').length, 1);
});

test('binpacking is classic Swarm’s name for binpack', () => {
  const registry = createDefaultRegistry();
  assert.equal(registry.requireStrategy('binpacking'), registry.requireStrategy('binpack'));
  assert.deepEqual(registry.strategyNames(), ['spread', 'binpack', 'random'], 'aliases are not listed');
  const cluster = () =>
    new ClusterState(
      ['a', 'b', 'c'].map((id) => makeNode(id, { resources: { nanoCPUs: 2 * CPU, memoryBytes: 1 } })),
    );
  const tasks = makeTasks(5, { reservations: { nanoCPUs: CPU, memoryBytes: 0 } });
  assert.deepEqual(
    [...schedule(tasks, cluster(), { strategy: 'binpacking' }).assignments],
    [...schedule(tasks, cluster(), { strategy: 'binpack' }).assignments],
  );
  const clash = { ...registry.requireStrategy('random'), name: 'binpacking' };
  assert.throws(
    () => registry.registerStrategy(clash),
    /scheduler strategy "binpacking" is already registered/,
  );
  assert.throws(() => registry.registerStrategyAlias('spread', 'random'), /"spread" is already registered/);
});

test('an empty registry can be filled by hand', () => {
  const registry = new SchedulerRegistry();
  assert.throws(() => registry.requireStrategy('spread'), /unknown scheduler strategy "spread" \(known: \)/);
});
