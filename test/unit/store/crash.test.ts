import Database from 'better-sqlite3';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../../agent/store/sqlite';
import { exited, onLines, spawnFixture } from './fixtures/bundle';
import type { Counter } from './fixtures/writer';

const RUNS = 8;

interface Committed {
  n: number;
  index: number;
}

/** Starts the writer, kills it -9 `delay` ms after it reports ready, and returns its last reported commit. */
async function runAndKill(file: string, delay: number): Promise<Committed | undefined> {
  const child = spawnFixture('writer', [file]);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let last: Committed | undefined;
  const ready = new Promise<void>((resolve) =>
    onLines(child, (line) => {
      if (line === 'ready') return resolve();
      const [n, index] = line.split(' ').map(Number);
      last = { n: n ?? NaN, index: index ?? NaN };
    }),
  );
  await Promise.race([ready, exited(child)]);
  await new Promise((resolve) => setTimeout(resolve, delay));
  child.kill('SIGKILL');
  const { signal } = await exited(child);
  assert.equal(signal, 'SIGKILL', `the writer died on its own: ${stderr}`);
  return last;
}

test('kill -9 at random moments loses no committed transaction and leaves none half done', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-store-crash-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'state.db');
  let lastIndex = 0;
  let commits = 0;

  for (let run = 0; run < RUNS; run++) {
    // The first run dies right after opening; the others somewhere in the write loop.
    const committed = await runAndKill(file, run === 0 ? 0 : 20 + Math.random() * 180);

    const db = new Database(file);
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();

    const store = SqliteStore.open(file);
    try {
      const a = store.collection<Counter>('pairs').get('a');
      const b = store.collection<Counter>('pairs').get('b');
      const n = a?.N ?? 0;
      assert.equal(b?.N ?? 0, n, 'both halves of a transaction, or neither');
      const items = store
        .collection<Counter>('items')
        .list()
        .map((i) => i.N);
      const expected = Array.from({ length: Math.min(n, 5) }, (_, i) => n - Math.min(n, 5) + 1 + i);
      assert.deepEqual(items, expected, 'the items of exactly the committed transactions');
      if (committed) {
        assert.ok(n >= committed.n, `commit ${committed.n} was reported but lost (found ${n})`);
        assert.ok(n <= committed.n + 1, 'at most the one unreported commit more');
        assert.ok(store.currentIndex >= committed.index);
      }
      assert.ok(store.currentIndex >= lastIndex, 'the index went backwards');
      assert.ok(store.currentIndex >= (a?.Version.Index ?? 0));
      lastIndex = store.currentIndex;
      commits = n;
    } finally {
      store.close();
    }
  }
  t.diagnostic(`${RUNS} kills, ${commits} transactions committed, index ${lastIndex}`);
  assert.ok(commits > RUNS, `the writer should commit in most runs (it committed ${commits})`);
});
