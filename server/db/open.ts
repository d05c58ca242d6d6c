import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';
import { dialect } from './tables.js';
import { SQLITE_BUSY_TIMEOUT_MS } from './storage-errors.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * Opens (creating if needed) the SQLite file in WAL mode and applies pending migrations.
 * `:memory:` works too, for unit tests.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL is durable across process crashes in WAL mode (only an OS crash can lose the last commits).
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Short: a locked database must answer UNAVAILABLE quickly, not freeze the event loop.
  sqlite.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  const db = drizzle({ client: sqlite, schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return db;
}

/**
 * A point in time as a bound parameter of a prepared statement (`sql.placeholder`): drizzle binds
 * placeholders raw, without the column's mapping. SQLite stores these columns as epoch
 * milliseconds; the PostgreSQL mode binds a Date here. Every placeholder that stands for a
 * timestamp column goes through this.
 */
export function timeParam(ms: number): number {
  // Typed as the SQLite number the services are written against; PostgreSQL compares a
  // timestamptz column with it, so it gets the Date node-postgres sends as a timestamp.
  return (dialect() === 'postgres' ? new Date(ms) : ms) as number;
}
