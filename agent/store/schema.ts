import type Database from 'better-sqlite3';
import { UnavailableError } from '../util/errors';
import type { StoredRow } from './versioned';

/** The schema this code writes. Migration `i` takes a store from version `i` to `i + 1`. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (
     key TEXT PRIMARY KEY,
     value ANY NOT NULL
   ) STRICT;
   CREATE TABLE objects (
     collection TEXT NOT NULL,
     id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     version INTEGER NOT NULL,
     created_at TEXT NOT NULL,
     updated_at TEXT NOT NULL,
     data TEXT NOT NULL,
     PRIMARY KEY (collection, id)
   ) STRICT;`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export interface StoreState {
  clusterID: string;
  index: number;
  rows: StoredRow[];
}

/**
 * Creates or migrates the schema, records who opened the store, and loads everything, in one write
 * transaction: the write is also what takes the exclusive lock for good.
 */
export function openSchema(db: Database.Database, file: string, newClusterID: () => string): StoreState {
  return db
    .transaction((): StoreState => {
      const version = schemaVersion(db);
      if (version > SCHEMA_VERSION) {
        throw new UnavailableError(
          `the store ${file} has schema version ${version}; this agent only knows up to ${SCHEMA_VERSION}`,
        );
      }
      for (const migration of MIGRATIONS.slice(version)) db.exec(migration);
      const set = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      set.run('schema_version', SCHEMA_VERSION);
      if (readMeta(db, 'cluster_id') === undefined) {
        set.run('cluster_id', newClusterID());
        set.run('current_index', 0);
      }
      set.run('owner_pid', process.pid);
      set.run('opened_at', new Date().toISOString());

      const rows = db
        .prepare<[], StoredRow>(
          `SELECT collection, id, seq, version, created_at AS createdAt, updated_at AS updatedAt, data AS json
           FROM objects ORDER BY seq`,
        )
        .all();
      const clusterID = String(readMeta(db, 'cluster_id'));
      // The index is saved in the same transaction as the objects, so this max is belt and braces.
      const index = rows.reduce(
        (max, row) => Math.max(max, row.version),
        Number(readMeta(db, 'current_index')),
      );
      return { clusterID, index, rows };
    })
    .immediate();
}

function schemaVersion(db: Database.Database): number {
  const meta = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'").get();
  return meta === undefined ? 0 : Number(readMeta(db, 'schema_version') ?? 0);
}

function readMeta(db: Database.Database, key: string): unknown {
  const row = db.prepare<[string], { value: unknown }>('SELECT value FROM meta WHERE key = ?').get(key);
  return row?.value;
}
