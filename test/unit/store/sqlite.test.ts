import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { openStore } from '../../../agent/store';
import { SqliteStore, StoreInUseError } from '../../../agent/store/sqlite';
import { UnavailableError } from '../../../agent/util/errors';
import type { Meta } from '../../../agent/types/swarm';

interface Thing extends Meta {
  Blob: string;
}

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const mode = (path: string): number => statSync(path).mode & 0o777;

test('openStore creates <home>/state.db 0600 in a 0700 directory, with a 0600 WAL', (t) => {
  const home = join(tempDir(t), 'new', 'home');
  const store = openStore(home);
  try {
    store.collection<Thing>('things').create({ ID: 'a', Blob: 'x' });
    assert.equal(mode(home), 0o700);
    assert.equal(mode(join(home, 'state.db')), 0o600);
    assert.equal(mode(join(home, 'state.db-wal')), 0o600);
    assert.equal(
      existsSync(join(home, 'state.db-shm')),
      false,
      'exclusive mode keeps the WAL index in memory',
    );
    assert.ok(store instanceof SqliteStore);
  } finally {
    store.close();
  }
  assert.equal(existsSync(join(home, 'state.db.pid')), false, 'a clean close removes the pid file');
});

test('the meta table holds the schema version, cluster ID and index', (t) => {
  const file = join(tempDir(t), 'state.db');
  const store = SqliteStore.open(file);
  store.collection<Thing>('things').create({ ID: 'a', Blob: 'x' });
  store.collection<Thing>('things').create({ ID: 'b', Blob: 'y' });
  const { clusterID } = store;
  store.close();
  const db = new Database(file, { readonly: true });
  try {
    const meta = Object.fromEntries(
      db
        .prepare<[], { key: string; value: unknown }>('SELECT key, value FROM meta')
        .all()
        .map((r) => [r.key, r.value]),
    );
    assert.equal(meta.schema_version, 1);
    assert.equal(meta.cluster_id, clusterID);
    assert.equal(meta.current_index, 2);
    assert.equal(meta.owner_pid, process.pid);
    const rows = db.prepare('SELECT collection, id, seq, version FROM objects ORDER BY seq').all();
    assert.deepEqual(rows, [
      { collection: 'things', id: 'a', seq: 1, version: 1 },
      { collection: 'things', id: 'b', seq: 2, version: 2 },
    ]);
  } finally {
    db.close();
  }
});

test('a second open of a held store fails fast, naming the holder; close releases it', (t) => {
  const file = join(tempDir(t), 'state.db');
  const first = SqliteStore.open(file);
  const started = Date.now();
  assert.throws(
    () => SqliteStore.open(file),
    (error: unknown) => {
      assert.ok(error instanceof StoreInUseError);
      assert.ok(error instanceof UnavailableError);
      assert.equal(error.message, `the store ${file} is in use by another Shoal agent (pid ${process.pid})`);
      return true;
    },
  );
  assert.ok(Date.now() - started < 1000);
  // The failed attempt must not have disturbed the holder.
  first.collection<Thing>('things').create({ ID: 'a', Blob: 'x' });
  first.close();
  const second = SqliteStore.open(file);
  assert.equal(second.collection<Thing>('things').get('a')?.Blob, 'x');
  second.close();
});

test('a full disk fails the write with UnavailableError and leaves cache and file consistent', (t) => {
  const file = join(tempDir(t), 'state.db');
  // 4 KiB pages: room for the schema and a few small objects, not for a 64 KiB blob.
  const store = SqliteStore.open(file, { maxPageCount: 12 });
  const things = store.collection<Thing>('things');
  things.create({ ID: 'a', Blob: 'small' });
  things.create({ ID: 'b', Blob: 'small' });
  const before = things.list();
  const events: string[] = [];
  store.onChange((c) => events.push(c.object.ID));
  const big = 'x'.repeat(64 * 1024);

  const isFull = (error: unknown): boolean => {
    assert.ok(error instanceof UnavailableError, String(error));
    assert.match(error.message, /^the store .* cannot be written: database or disk is full \(SQLITE_FULL\)$/);
    return true;
  };
  assert.throws(() => things.create({ ID: 'c', Blob: big }), isFull);
  assert.throws(() => things.update({ ID: 'a', Blob: big }, 1), isFull);
  assert.throws(
    () =>
      store.transaction(() => {
        things.update({ ID: 'a', Blob: 'changed' }, 1);
        things.delete('b');
        things.create({ ID: 'c', Blob: big });
      }),
    isFull,
  );
  // Swallowing the error inside the transaction does not let it commit half.
  assert.throws(
    () =>
      store.transaction(() => {
        things.update({ ID: 'a', Blob: 'changed' }, 1);
        try {
          store.transaction(() => things.create({ ID: 'c', Blob: big }));
        } catch {
          // ignored on purpose
        }
      }),
    isFull,
  );
  assert.deepEqual(things.list(), before);
  assert.equal(store.currentIndex, 2);
  assert.deepEqual(events, []);
  // Small writes still go through after the failures.
  things.update({ ID: 'a', Blob: 'after' }, 1);
  assert.equal(store.currentIndex, 3);
  const cached = things.list();
  store.close();

  const reopened = SqliteStore.open(file);
  assert.deepEqual(reopened.collection<Thing>('things').list(), cached);
  assert.equal(reopened.currentIndex, 3);
  reopened.close();
  const db = new Database(file, { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();
});

test('writes to a closed store fail clearly; close is idempotent', (t) => {
  const store = SqliteStore.open(join(tempDir(t), 'state.db'));
  store.collection<Thing>('things').create({ ID: 'a', Blob: 'x' });
  store.close();
  store.close();
  assert.throws(() => store.collection<Thing>('things').create({ ID: 'b', Blob: 'y' }), {
    name: 'UnavailableError',
    message: /is closed$/,
  });
});

test('a store written by a newer schema is refused', (t) => {
  const file = join(tempDir(t), 'state.db');
  SqliteStore.open(file).close();
  const db = new Database(file);
  db.prepare("UPDATE meta SET value = 99 WHERE key = 'schema_version'").run();
  db.close();
  assert.throws(() => SqliteStore.open(file), {
    name: 'UnavailableError',
    message: `the store ${file} has schema version 99; this agent only knows up to 1`,
  });
});

test('a file that is not a database is refused with UnavailableError', (t) => {
  const file = join(tempDir(t), 'state.db');
  writeFileSync(file, 'not a database, just text that is long enough to have a header'.repeat(100));
  assert.throws(() => SqliteStore.open(file), {
    name: 'UnavailableError',
    message: /cannot be opened: file is not a database \(SQLITE_NOTADB\)$/,
  });
});
