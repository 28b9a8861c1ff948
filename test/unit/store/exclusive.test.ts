import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { SqliteStore, StoreInUseError } from '../../../agent/store/sqlite';
import { exited, onLines, spawnFixture } from './fixtures/bundle';

function tempFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'shoal-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'state.db');
}

/** Runs the holder fixture and resolves with its first line of output, parsed. */
function holder(mode: 'hold' | 'try', file: string) {
  const child = spawnFixture('holder', [mode, file]);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const first = new Promise<Record<string, unknown>>((resolve, reject) => {
    onLines(child, (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    child.once('exit', () => reject(new Error(`holder exited without output: ${stderr}`)));
  });
  return { child, first };
}

test('another process cannot open a held store, and gets it once the holder is killed -9', async (t) => {
  const file = tempFile(t);
  const { child, first } = holder('hold', file);
  t.after(() => child.kill('SIGKILL'));
  assert.deepEqual(await first, { ready: true, pid: child.pid });

  const started = Date.now();
  assert.throws(
    () => SqliteStore.open(file),
    (error: unknown) => {
      assert.ok(error instanceof StoreInUseError);
      assert.equal(error.message, `the store ${file} is in use by another Shoal agent (pid ${child.pid})`);
      return true;
    },
  );
  assert.ok(Date.now() - started < 1000, 'fails fast instead of waiting for the lock');

  child.kill('SIGKILL');
  assert.equal((await exited(child)).signal, 'SIGKILL');
  const store = SqliteStore.open(file);
  try {
    assert.deepEqual(
      store
        .collection('things')
        .list()
        .map((o) => o.ID),
      [`held-by-${child.pid}`],
    );
  } finally {
    store.close();
  }
});

test('a store held by this process is refused to another process, even after a failed local open', async (t) => {
  const file = tempFile(t);
  const store = SqliteStore.open(file);
  try {
    // A failed second open in this process closes its own descriptors: the lock must survive that.
    assert.throws(() => SqliteStore.open(file), StoreInUseError);
    const { child, first } = holder('try', file);
    const outcome = await first;
    assert.equal(outcome.opened, false);
    assert.equal(outcome.name, 'StoreInUseError');
    assert.equal(outcome.message, `the store ${file} is in use by another Shoal agent (pid ${process.pid})`);
    assert.equal((await exited(child)).code, 1);
  } finally {
    store.close();
  }
  const { child, first } = holder('try', file);
  assert.deepEqual(await first, { opened: true });
  assert.equal((await exited(child)).code, 0);
});
