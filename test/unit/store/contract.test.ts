import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MemoryStore } from '../../../agent/store/memory';
import { SqliteStore } from '../../../agent/store/sqlite';
import {
  ConflictError,
  NotFoundError,
  OutOfSequenceError,
  type Store,
  type StoreChange,
} from '../../../agent/store/store';
import type { Meta } from '../../../agent/types/swarm';

interface Thing extends Meta {
  Name: string;
  Labels?: Record<string, string>;
}

export interface StoreHarness {
  store: Store;
  /** Closes the store and opens it again over the same data (persistent stores only). */
  reopen?: () => Store;
  dispose(): void;
}

/** The Store contract: every implementation must pass the same cases. */
export function describeStoreContract(
  name: string,
  open: () => StoreHarness,
  { persistent }: { persistent: boolean },
): void {
  function withStore(fn: (store: Store, harness: StoreHarness) => void): () => void {
    return () => {
      const harness = open();
      try {
        fn(harness.store, harness);
      } finally {
        harness.dispose();
      }
    };
  }

  const ids = (store: Store, collection = 'things'): string[] =>
    store
      .collection<Thing>(collection)
      .list()
      .map((t) => t.ID);

  function record(store: Store): Array<[string, string, number]> {
    const seen: Array<[string, string, number]> = [];
    store.onChange((c) => seen.push([c.action, c.object.ID, c.object.Version.Index]));
    return seen;
  }

  describe(`Store contract: ${name}`, () => {
    test(
      'create stamps version and times; get returns it',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        assert.equal(store.currentIndex, 0);
        const created = things.create({ ID: 'a', Name: 'alpha' });
        assert.equal(created.Version.Index, 1);
        assert.equal(store.currentIndex, 1);
        assert.equal(created.CreatedAt, created.UpdatedAt);
        assert.equal(new Date(created.CreatedAt).toISOString(), created.CreatedAt);
        assert.deepEqual(things.get('a'), created);
        assert.equal(things.get('missing'), undefined);
      }),
    );

    test(
      'list returns creation order, unchanged by updates, re-created objects last',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        for (const id of ['c', 'a', 'b', 'd']) things.create({ ID: id, Name: id });
        const a = things.get('a');
        assert.ok(a);
        things.update({ ...a, Name: 'A' }, a.Version.Index);
        assert.deepEqual(ids(store), ['c', 'a', 'b', 'd']);
        things.delete('a');
        things.create({ ID: 'a', Name: 'again' });
        assert.deepEqual(ids(store), ['c', 'b', 'd', 'a']);
      }),
    );

    test(
      'returned objects are copies, not aliases',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        const input = { ID: 'a', Name: 'alpha', Labels: { k: 'v' } };
        const created = things.create(input);
        input.Labels.k = 'changed by input';
        created.Labels!.k = 'changed by create result';
        things.get('a')!.Labels!.k = 'changed by get result';
        things.list()[0]!.Labels!.k = 'changed by list result';
        const seen: StoreChange[] = [];
        store.onChange((c) => {
          (c.object as Thing).Name = 'changed by listener';
          seen.push(c);
        });
        store.onChange((c) => seen.push(c));
        things.update({ ...things.get('a')!, Name: 'beta' }, 1);
        assert.equal(things.get('a')?.Labels?.k, 'v');
        assert.equal(things.get('a')?.Name, 'beta');
        assert.equal((seen[1]?.object as Thing).Name, 'beta', 'each listener gets its own copy');
      }),
    );

    test(
      'update with the current version bumps the index and keeps CreatedAt',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        const a = things.create({ ID: 'a', Name: 'alpha' });
        things.create({ ID: 'b', Name: 'beta' });
        const updated = things.update(
          { ...a, Name: 'ALPHA', CreatedAt: 'forged', Version: { Index: 99 } },
          1,
        );
        assert.equal(updated.Version.Index, 3);
        assert.equal(store.currentIndex, 3);
        assert.equal(updated.CreatedAt, a.CreatedAt);
        assert.ok(updated.UpdatedAt >= a.UpdatedAt);
        assert.deepEqual(things.get('a'), updated);
        // A NewObject (no Version/CreatedAt/UpdatedAt) is accepted too.
        const again = things.update({ ID: 'a', Name: 'new' }, 3);
        assert.equal(again.Version.Index, 4);
        assert.equal(again.CreatedAt, a.CreatedAt);
      }),
    );

    test(
      'a stale version is refused with "update out of sequence" and changes nothing',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        const a = things.create({ ID: 'a', Name: 'alpha' });
        things.update({ ...a, Name: 'beta' }, 1);
        const events = record(store);
        assert.throws(
          () => things.update({ ...a, Name: 'gamma' }, a.Version.Index),
          (error: unknown) => {
            assert.ok(error instanceof OutOfSequenceError);
            assert.ok(error instanceof ConflictError);
            assert.equal(error.message, 'update out of sequence');
            assert.equal(error.status, 409);
            return true;
          },
        );
        assert.equal(things.get('a')?.Name, 'beta');
        assert.equal(store.currentIndex, 2);
        assert.deepEqual(events, []);
      }),
    );

    test(
      'update or delete of a missing object is NotFoundError',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        assert.throws(() => things.update({ ID: 'x', Name: 'x' }, 1), NotFoundError);
        assert.throws(() => things.delete('x'), NotFoundError);
        assert.throws(() => things.delete('x', 1), NotFoundError);
        assert.equal(store.currentIndex, 0);
      }),
    );

    test(
      'delete with or without a version',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        things.create({ ID: 'a', Name: 'a' });
        things.create({ ID: 'b', Name: 'b' });
        things.delete('a');
        assert.equal(things.get('a'), undefined);
        assert.equal(store.currentIndex, 3, 'a delete takes an index too');
        assert.throws(() => things.delete('b', 1), OutOfSequenceError);
        assert.ok(things.get('b'));
        things.delete('b', 2);
        assert.deepEqual(things.list(), []);
        assert.equal(store.currentIndex, 4);
      }),
    );

    test(
      'a duplicate ID is ConflictError and takes no index; collections are separate',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        things.create({ ID: 'a', Name: 'a' });
        assert.throws(
          () => things.create({ ID: 'a', Name: 'again' }),
          (e: unknown) => e instanceof ConflictError && !(e instanceof OutOfSequenceError),
        );
        assert.equal(store.currentIndex, 1);
        assert.equal(things.get('a')?.Name, 'a');
        const other = store.collection<Thing>('others').create({ ID: 'a', Name: 'other a' });
        assert.equal(other.Version.Index, 2, 'one index for the whole store');
        assert.deepEqual(ids(store, 'others'), ['a']);
        assert.equal(store.collection<Thing>('things').get('a')?.Name, 'a');
      }),
    );

    test(
      'a transaction commits all its writes, then emits their events in order',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        things.create({ ID: 'gone', Name: 'x' });
        const events = record(store);
        const result = store.transaction(() => {
          const a = things.create({ ID: 'a', Name: 'a' });
          things.create({ ID: 'b', Name: 'b' });
          assert.equal(things.get('a')?.Name, 'a', 'reads inside see the transaction');
          things.update({ ...a, Name: 'A' }, a.Version.Index);
          things.delete('gone');
          assert.deepEqual(events, [], 'nothing is emitted before commit');
          return 'done';
        });
        assert.equal(result, 'done');
        assert.deepEqual(events, [
          ['create', 'a', 2],
          ['create', 'b', 3],
          ['update', 'a', 4],
          ['delete', 'gone', 1],
        ]);
        assert.equal(store.currentIndex, 5);
      }),
    );

    test(
      'a transaction that throws leaves nothing behind: objects, order, index, events',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        for (const id of ['a', 'b', 'c']) things.create({ ID: id, Name: id });
        const before = things.list();
        const events = record(store);
        const boom = new Error('boom');
        assert.throws(
          () =>
            store.transaction(() => {
              things.create({ ID: 'd', Name: 'd' });
              things.update({ ID: 'b', Name: 'B' }, 2);
              things.delete('a');
              things.delete('b');
              things.create({ ID: 'a', Name: 'new a' });
              throw boom;
            }),
          (e: unknown) => e === boom,
        );
        assert.deepEqual(things.list(), before);
        assert.equal(store.currentIndex, 3);
        assert.deepEqual(events, []);
        // The next write continues from the restored index.
        assert.equal(things.create({ ID: 'e', Name: 'e' }).Version.Index, 4);
      }),
    );

    test(
      'nested transactions join the outer one; an inner failure undoes only its own writes',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        const events = record(store);
        store.transaction(() => {
          things.create({ ID: 'outer', Name: 'o' });
          store.transaction(() => things.create({ ID: 'inner', Name: 'i' }));
          assert.deepEqual(events, [], 'an inner commit emits nothing yet');
          assert.throws(() =>
            store.transaction(() => {
              things.create({ ID: 'failed', Name: 'f' });
              throw new Error('inner');
            }),
          );
          assert.equal(things.get('failed'), undefined);
          assert.equal(store.currentIndex, 2);
          things.create({ ID: 'after', Name: 'a' });
        });
        assert.deepEqual(ids(store), ['outer', 'inner', 'after']);
        assert.deepEqual(events, [
          ['create', 'outer', 1],
          ['create', 'inner', 2],
          ['create', 'after', 3],
        ]);

        assert.throws(() =>
          store.transaction(() => {
            store.transaction(() => things.create({ ID: 'x', Name: 'x' }));
            throw new Error('outer');
          }),
        );
        assert.equal(things.get('x'), undefined, 'the outer rollback takes the committed inner writes too');
        assert.equal(store.currentIndex, 3);
      }),
    );

    test(
      'a transaction function must not return a promise',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        assert.throws(
          () =>
            store.transaction(() => {
              things.create({ ID: 'a', Name: 'a' });
              return Promise.resolve();
            }),
          TypeError,
        );
        assert.equal(things.get('a'), undefined);
      }),
    );

    test(
      'single writes emit right away, in order; failing listeners break nothing',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        store.onChange(() => {
          throw new Error('bad listener');
        });
        const events = record(store);
        things.create({ ID: 'a', Name: 'a' });
        assert.deepEqual(events, [['create', 'a', 1]]);
        things.update({ ID: 'a', Name: 'b' }, 1);
        things.delete('a');
        assert.deepEqual(events, [
          ['create', 'a', 1],
          ['update', 'a', 2],
          ['delete', 'a', 2],
        ]);
      }),
    );

    test(
      'events carry the previous object on update and the deleted object on delete',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        const seen: StoreChange[] = [];
        store.onChange((c) => seen.push(c));
        const a = things.create({ ID: 'a', Name: 'a' });
        const b = things.update({ ...a, Name: 'b' }, 1);
        things.delete('a');
        assert.deepEqual(seen, [
          { collection: 'things', action: 'create', object: a },
          { collection: 'things', action: 'update', object: b, previous: a },
          { collection: 'things', action: 'delete', object: b },
        ]);
      }),
    );

    test(
      'a listener that writes does not reorder events for the others',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        store.onChange((c) => {
          if (c.object.ID === 'a') things.create({ ID: 'from-listener', Name: 'l' });
        });
        const events = record(store);
        store.transaction(() => {
          things.create({ ID: 'a', Name: 'a' });
          things.create({ ID: 'b', Name: 'b' });
        });
        assert.deepEqual(
          events.map(([, id]) => id),
          ['a', 'b', 'from-listener'],
        );
      }),
    );

    test(
      'unsubscribe stops events',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        const seen: string[] = [];
        const off = store.onChange((c) => seen.push(c.object.ID));
        things.create({ ID: 'a', Name: 'a' });
        off();
        things.create({ ID: 'b', Name: 'b' });
        assert.deepEqual(seen, ['a']);
      }),
    );

    test(
      'objects are plain JSON: undefined fields are dropped',
      withStore((store) => {
        const things = store.collection<Thing>('things');
        const created = things.create({ ID: 'a', Name: 'a', Labels: undefined });
        assert.equal('Labels' in created, false);
        assert.equal('Labels' in things.get('a')!, false);
      }),
    );

    test(
      'the cluster ID is a 25-character ID',
      withStore((store) => {
        assert.match(store.clusterID, /^[0-9a-z]{25}$/);
      }),
    );

    test(
      'data, order, versions and the cluster ID survive a reopen',
      { skip: !persistent },
      withStore((store, harness) => {
        const things = store.collection<Thing>('things');
        for (const id of ['c', 'a', 'b']) things.create({ ID: id, Name: id, Labels: { id } });
        things.update({ ID: 'a', Name: 'A' }, 2);
        store.collection<Thing>('others').create({ ID: 'o', Name: 'o' });
        const before = { things: things.list(), others: store.collection<Thing>('others').list() };
        const { clusterID } = store;
        const reopened = harness.reopen!();
        assert.equal(reopened.clusterID, clusterID);
        assert.deepEqual(reopened.collection<Thing>('things').list(), before.things);
        assert.deepEqual(reopened.collection<Thing>('others').list(), before.others);
        assert.equal(reopened.currentIndex, 5);
      }),
    );

    test(
      'the index never goes back across reopens, even after deletes and rollbacks',
      { skip: !persistent },
      withStore((store, harness) => {
        let current = store;
        current.collection<Thing>('things').create({ ID: 'a', Name: 'a' });
        current.collection<Thing>('things').delete('a');
        assert.equal(current.currentIndex, 2);
        current = harness.reopen!();
        assert.equal(current.currentIndex, 2);
        assert.deepEqual(current.collection<Thing>('things').list(), []);
        assert.throws(() =>
          current.transaction(() => {
            current.collection<Thing>('things').create({ ID: 'b', Name: 'b' });
            throw new Error('rolled back');
          }),
        );
        current = harness.reopen!();
        assert.equal(current.currentIndex, 2);
        assert.equal(current.collection<Thing>('things').get('b'), undefined);
        assert.equal(current.collection<Thing>('things').create({ ID: 'c', Name: 'c' }).Version.Index, 3);
        current = harness.reopen!();
        assert.equal(current.currentIndex, 3);
      }),
    );
  });
}

describeStoreContract('MemoryStore', () => ({ store: new MemoryStore(), dispose() {} }), {
  persistent: false,
});

describeStoreContract(
  'SqliteStore',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'shoal-store-'));
    const file = join(dir, 'state.db');
    const harness: StoreHarness = {
      store: SqliteStore.open(file),
      reopen() {
        harness.store.close();
        return (harness.store = SqliteStore.open(file));
      },
      dispose() {
        harness.store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return harness;
  },
  { persistent: true },
);
