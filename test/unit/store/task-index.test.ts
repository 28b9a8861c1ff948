'use strict';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { MemoryStore } from '../../../agent/store/memory';
import { SqliteStore } from '../../../agent/store/sqlite';
import type { Store, StoreChange } from '../../../agent/store/store';
import { TaskIndex } from '../../../agent/store/task-index';
import type { Task, TaskState } from '../../../agent/types/swarm';

function taskRecord(
  id: string,
  serviceId: string,
  nodeId?: string,
): Omit<Task, 'Version' | 'CreatedAt' | 'UpdatedAt'> {
  return {
    ID: id,
    Spec: { ContainerSpec: { Image: 'shoal/web:latest' } },
    ServiceID: serviceId,
    Slot: 1,
    ...(nodeId !== undefined ? { NodeID: nodeId } : {}),
    Status: { Timestamp: '2026-01-01T00:00:00.000Z', State: 'new', Message: 'created' },
    DesiredState: 'running',
  };
}

const ids = (tasks: readonly Task[]): string[] => tasks.map((t) => t.ID);

/** The index says exactly what the store says: every task, in the same order, grouped the same way. */
function assertConsistent(index: TaskIndex, store: Store): void {
  const listed = store.collection<Task>('tasks').list();
  assert.deepEqual(index.all(), listed, 'all() is list()');
  assert.equal(index.size, listed.length);
  for (const task of listed) assert.deepEqual(index.get(task.ID), task);
  for (const serviceId of new Set(listed.map((t) => t.ServiceID))) {
    assert.deepEqual(
      index.byService(serviceId),
      listed.filter((t) => t.ServiceID === serviceId),
      `tasks of service ${serviceId}`,
    );
  }
  for (const nodeId of new Set(listed.flatMap((t) => (t.NodeID === undefined ? [] : [t.NodeID])))) {
    assert.deepEqual(
      ids(index.byNode(nodeId)).sort(),
      ids(listed.filter((t) => t.NodeID === nodeId)).sort(),
      `tasks of node ${nodeId}`,
    );
  }
}

function stores(t: TestContext): Array<[string, () => Store]> {
  return [
    ['MemoryStore', () => new MemoryStore()],
    [
      'SqliteStore',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'shoal-index-'));
        const store = SqliteStore.open(join(dir, 'state.db'), { synchronous: 'NORMAL' });
        t.after(() => {
          store.close();
          rmSync(dir, { recursive: true, force: true });
        });
        return store;
      },
    ],
  ];
}

describe('TaskIndex', () => {
  test('follows creates, updates and deletes, keeping creation order and the groups', (t) => {
    for (const [name, open] of stores(t)) {
      const store = open();
      const tasks = store.collection<Task>('tasks');
      const index = new TaskIndex(store);
      tasks.create(taskRecord('a', 'web'));
      tasks.create(taskRecord('b', 'db'));
      tasks.create(taskRecord('c', 'web'));
      assertConsistent(index, store);
      assert.deepEqual(ids(index.byService('web')), ['a', 'c'], name);

      // Assigned, then moved to another node: only the node groups change, and the order stays.
      const a = tasks.get('a')!;
      tasks.update({ ...a, NodeID: 'n1' }, a.Version.Index);
      const c = tasks.get('c')!;
      tasks.update({ ...c, NodeID: 'n1' }, c.Version.Index);
      assert.deepEqual(ids(index.byNode('n1')), ['a', 'c'], name);
      const moved = tasks.get('a')!;
      tasks.update({ ...moved, NodeID: 'n2' }, moved.Version.Index);
      assert.deepEqual(ids(index.byNode('n1')), ['c'], name);
      assert.deepEqual(ids(index.byNode('n2')), ['a'], name);
      assert.deepEqual(ids(index.all()), ['a', 'b', 'c'], `${name}: updates keep creation order`);
      assertConsistent(index, store);

      tasks.delete('a');
      assert.equal(index.get('a'), undefined, name);
      assert.deepEqual(index.byNode('n2'), [], name);
      assert.deepEqual(ids(index.byService('web')), ['c'], name);
      assertConsistent(index, store);
      index.close();
    }
  });

  test('is built from the tasks already stored, as after a restart', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-index-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'state.db');
    let store = SqliteStore.open(file, { synchronous: 'NORMAL' });
    const tasks = store.collection<Task>('tasks');
    for (const id of ['t1', 't2', 't3', 't4']) tasks.create(taskRecord(id, id < 't3' ? 'web' : 'db', 'n1'));
    const t2 = tasks.get('t2')!;
    tasks.update({ ...t2, NodeID: 'n2' }, t2.Version.Index);
    tasks.delete('t3');
    store.close();

    store = SqliteStore.open(file, { synchronous: 'NORMAL' });
    try {
      const index = TaskIndex.of(store);
      assertConsistent(index, store);
      assert.deepEqual(ids(index.all()), ['t1', 't2', 't4']);
      assert.deepEqual(ids(index.byNode('n1')), ['t1', 't4']);
      store.collection<Task>('tasks').create(taskRecord('t5', 'web'));
      assertConsistent(index, store);
    } finally {
      store.close();
    }
  });

  test('shows a transaction when it commits, all of it, and a rolled back one never', (t) => {
    for (const [name, open] of stores(t)) {
      const store = open();
      const tasks = store.collection<Task>('tasks');
      const index = new TaskIndex(store);
      tasks.create(taskRecord('kept', 'web'));

      store.transaction(() => {
        tasks.create(taskRecord('x', 'web'));
        const kept = tasks.get('kept')!;
        tasks.update({ ...kept, NodeID: 'n1' }, kept.Version.Index);
        assert.equal(index.get('x'), undefined, `${name}: not before the commit`);
        assert.equal(index.get('kept')?.NodeID, undefined, `${name}: not before the commit`);
      });
      assert.deepEqual(ids(index.byService('web')), ['kept', 'x'], name);
      assertConsistent(index, store);

      assert.throws(() =>
        store.transaction(() => {
          tasks.create(taskRecord('y', 'web'));
          tasks.delete('x');
          const kept = tasks.get('kept')!;
          tasks.update({ ...kept, NodeID: 'n2' }, kept.Version.Index);
          throw new Error('changed my mind');
        }),
      );
      assert.equal(index.get('y'), undefined, `${name}: a rolled back create never shows`);
      assert.ok(index.get('x'), `${name}: a rolled back delete never shows`);
      assert.equal(index.get('kept')?.NodeID, 'n1', `${name}: a rolled back update never shows`);
      assertConsistent(index, store);

      // A failed inner transaction undoes only its own writes; the outer one commits the rest.
      store.transaction(() => {
        tasks.create(taskRecord('z', 'db'));
        assert.throws(() =>
          store.transaction(() => {
            tasks.delete('kept');
            tasks.create(taskRecord('w', 'db'));
            throw new Error('inner failure');
          }),
        );
      });
      assert.ok(index.get('kept'), name);
      assert.equal(index.get('w'), undefined, name);
      assert.deepEqual(ids(index.byService('db')), ['z'], name);
      assertConsistent(index, store);

      // A write refused by the store (out of sequence) changes nothing either.
      const x = tasks.get('x')!;
      assert.throws(() => tasks.update({ ...x, NodeID: 'n9' }, x.Version.Index - 1));
      assertConsistent(index, store);
      index.close();
    }
  });

  test('stays consistent through random writes, transactions and rollbacks', (t) => {
    for (const [name, open] of stores(t)) {
      const store = open();
      const tasks = store.collection<Task>('tasks');
      const index = TaskIndex.of(store);
      let seed = 42;
      const random = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      const states: TaskState[] = ['new', 'assigned', 'running', 'shutdown'];
      let next = 0;
      const step = (): void => {
        const existing = tasks.list();
        const pick = existing[random(Math.max(1, existing.length))];
        const op = random(4);
        if (op === 0 || !pick) {
          tasks.create(taskRecord(`t${next++}`, `s${random(3)}`, random(2) ? `n${random(3)}` : undefined));
        } else if (op === 1) {
          tasks.delete(pick.ID);
        } else {
          tasks.update(
            {
              ...pick,
              NodeID: `n${random(3)}`,
              Status: { ...pick.Status, State: states[random(states.length)]! },
            },
            pick.Version.Index,
          );
        }
      };
      for (let i = 0; i < 300; i++) {
        const kind = random(3);
        if (kind === 0) step();
        else if (kind === 1) store.transaction(() => Array.from({ length: 1 + random(4) }, step));
        else {
          assert.throws(() =>
            store.transaction(() => {
              for (let j = random(4); j >= 0; j--) step();
              throw new Error('rolled back');
            }),
          );
        }
        assertConsistent(index, store);
      }
      assert.ok(index.size > 0, name);
    }
  });

  test('hands out deep-frozen tasks, shared between readers', () => {
    const store = new MemoryStore();
    const index = TaskIndex.of(store);
    assert.equal(TaskIndex.of(store), index, 'one shared index per store');
    assert.notEqual(TaskIndex.of(new MemoryStore()), index);
    store.collection<Task>('tasks').create(taskRecord('a', 'web', 'n1'));
    const task = index.get('a')!;
    assert.ok(
      Object.isFrozen(task) && Object.isFrozen(task.Status) && Object.isFrozen(task.Spec.ContainerSpec),
    );
    assert.throws(() => {
      (task.Status as { State: string }).State = 'running';
    }, TypeError);
    assert.equal(store.collection<Task>('tasks').get('a')?.Status.State, 'new');
    assert.equal(index.byService('web')[0], task);
  });

  test('made while changes are being delivered, it ends up consistent', () => {
    const store = new MemoryStore();
    const tasks = store.collection<Task>('tasks');
    let index: TaskIndex | undefined;
    // A listener that writes queues changes behind the one being delivered; the index is made in between.
    store.onChange((change) => {
      if (change.object.ID !== 'a' || change.action !== 'create') return;
      tasks.create(taskRecord('b', 'web'));
      const a = tasks.get('a')!;
      const moved = tasks.update({ ...a, NodeID: 'n0' }, a.Version.Index);
      tasks.update({ ...moved, NodeID: 'n1' }, moved.Version.Index);
      tasks.delete('b');
      index = new TaskIndex(store);
    });
    tasks.create(taskRecord('a', 'web'));
    assert.ok(index);
    assertConsistent(index, store);
    assert.equal(index.get('a')?.NodeID, 'n1');
    assert.equal(index.get('b'), undefined);
  });
});

describe('read-only change listeners', () => {
  test('share one frozen copy of each change; the others get their own', () => {
    const store = new MemoryStore();
    const seen: Array<[string, StoreChange]> = [];
    store.onChange((c) => seen.push(['ro1', c]), { readonly: true });
    store.onChange((c) => {
      (c.object as Task).DesiredState = 'shutdown';
      seen.push(['own', c]);
    });
    store.onChange((c) => seen.push(['ro2', c]), { readonly: true });
    store.collection<Task>('tasks').create(taskRecord('a', 'web'));
    const [ro1, own, ro2] = seen.map(([, c]) => c);
    assert.equal(ro1, ro2, 'the same object for both read-only listeners');
    assert.notEqual(own, ro1);
    assert.ok(Object.isFrozen(ro1) && Object.isFrozen(ro1!.object));
    assert.equal(
      (ro2!.object as Task).DesiredState,
      'running',
      'untouched by the listener that changed its copy',
    );
    assert.equal((own!.object as Task).DesiredState, 'shutdown');
  });
});
