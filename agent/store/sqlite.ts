import Database from 'better-sqlite3';
import { closeSync, fchmodSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UnavailableError } from '../util/errors';
import { newClusterID } from './ids';
import { forgetOwner, readOwner, recordOwner } from './owner';
import { openSchema, type StoreState } from './schema';
import { VersionedStore, type Entry, type Persistence } from './versioned';

export interface SqliteStoreOptions {
  /**
   * `FULL` (the default) syncs the WAL at every commit, so a commit survives power loss too.
   * `NORMAL` survives a killed process but may lose the last commits to a power loss or kernel crash.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** Caps the database size in pages (`PRAGMA max_page_count`): a full disk on demand, for tests. */
  maxPageCount?: number;
}

/** Another process (or another open in this one) holds the store. */
export class StoreInUseError extends UnavailableError {
  constructor(
    readonly file: string,
    readonly pid: number | undefined,
  ) {
    super(
      pid === undefined
        ? `the store ${file} is in use by another process`
        : `the store ${file} is in use by another Shoal agent (pid ${pid})`,
    );
  }
}

/**
 * The embedded Store: every collection cached in memory so reads never touch the disk, every
 * write carried through to SQLite (WAL, synchronous) before the cache changes. One agent at a time:
 * the database is locked exclusively from open to close, and the kernel drops the lock if the agent dies.
 */
export class SqliteStore extends VersionedStore {
  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    state: StoreState,
  ) {
    super(state.clusterID, state.index, state.rows, new SqlitePersistence(db, file));
  }

  static open(file: string, options: SqliteStoreOptions = {}): SqliteStore {
    const path = resolve(file);
    let db: Database.Database;
    try {
      createFile(path);
      db = new Database(path, { timeout: 0 });
    } catch (error) {
      throw unavailable(path, 'cannot be opened', error);
    }
    try {
      // Before WAL mode: the WAL index then lives in heap memory rather than a shared -shm file, and the
      // first write takes a lock on the database that is held until close (or the process's death).
      db.pragma('locking_mode = EXCLUSIVE');
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode !== 'wal')
        throw new UnavailableError(`the store ${path} cannot use WAL mode (got ${String(mode)})`);
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      db.pragma(`journal_size_limit = ${8 * 1024 * 1024}`);
      if (options.maxPageCount !== undefined)
        db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
      const state = openSchema(db, path, newClusterID);
      recordOwner(path);
      return new SqliteStore(path, db, state);
    } catch (error) {
      db.close();
      if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_BUSY')) {
        throw new StoreInUseError(path, readOwner(path));
      }
      throw unavailable(path, 'cannot be opened', error);
    }
  }

  override close(): void {
    super.close();
    if (!this.db.open) return;
    forgetOwner(this.file);
    this.db.close();
  }
}

/** Creates the file 0600 (and its directory 0700) if missing. */
function createFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    // Never open an existing store here: closing any descriptor of a file drops this process's
    // POSIX locks on it, which would unlock a store this process already holds.
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw error;
  }
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}

/** Wraps SQLite and file-system errors (they carry a code) as UnavailableError; anything else passes. */
function unavailable(path: string, what: string, error: unknown): unknown {
  if (error instanceof UnavailableError || !(error instanceof Error) || !('code' in error)) return error;
  const wrapped = new UnavailableError(`the store ${path} ${what}: ${error.message} (${String(error.code)})`);
  wrapped.cause = error;
  return wrapped;
}

const statements = {
  insert: `INSERT INTO objects (collection, id, seq, version, created_at, updated_at, data)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
  replace: 'UPDATE objects SET version = ?, updated_at = ?, data = ? WHERE collection = ? AND id = ?',
  remove: 'DELETE FROM objects WHERE collection = ? AND id = ?',
  saveIndex: "UPDATE meta SET value = ? WHERE key = 'current_index'",
};

/** Writes through to SQLite; every SQLite failure comes out as an {@link UnavailableError}. */
class SqlitePersistence implements Persistence {
  private readonly run: (fn: () => unknown) => unknown;
  private readonly insertStmt: Database.Statement<[string, string, number, number, string, string, string]>;
  private readonly replaceStmt: Database.Statement<[number, string, string, string, string]>;
  private readonly removeStmt: Database.Statement<[string, string]>;
  private readonly saveIndexStmt: Database.Statement<[number]>;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
  ) {
    this.run = db.transaction((fn: () => unknown) => fn());
    this.insertStmt = db.prepare(statements.insert);
    this.replaceStmt = db.prepare(statements.replace);
    this.removeStmt = db.prepare(statements.remove);
    this.saveIndexStmt = db.prepare(statements.saveIndex);
  }

  atomically<R>(fn: () => R): R {
    if (!this.db.open) throw new UnavailableError(`the store ${this.file} is closed`);
    try {
      return this.run(fn) as R;
    } catch (error) {
      throw this.failed(error);
    }
  }

  insert(collection: string, id: string, e: Entry): void {
    this.write(() => this.insertStmt.run(collection, id, e.seq, e.version, e.createdAt, e.updatedAt, e.json));
  }

  replace(collection: string, id: string, e: Entry): void {
    this.write(() => this.replaceStmt.run(e.version, e.updatedAt, e.json, collection, id));
  }

  remove(collection: string, id: string): void {
    this.write(() => this.removeStmt.run(collection, id));
  }

  saveIndex(index: number): void {
    this.write(() => this.saveIndexStmt.run(index));
  }

  private write(statement: () => Database.RunResult): void {
    let result: Database.RunResult;
    try {
      result = statement();
    } catch (error) {
      throw this.failed(error);
    }
    if (result.changes !== 1) {
      throw new UnavailableError(`the store ${this.file} does not match its cache (a row changed behind it)`);
    }
  }

  /** SQLite's own errors (full disk, I/O) become UnavailableError; the caller's pass through. */
  private failed(error: unknown): unknown {
    return error instanceof Database.SqliteError ? unavailable(this.file, 'cannot be written', error) : error;
  }
}
