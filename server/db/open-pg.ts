import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type { Logger } from '../logger.js';
import * as schema from './schema-pg.js';
import { routedClient } from './storage-errors.js';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const MIGRATIONS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../migrations/pg');

/**
 * Advisory lock key held while migrating: nodes that start together migrate one after the
 * other (drizzle's migrator takes no lock, and two nodes running it at once would both try
 * to create the same tables). Any fixed bigint works; this one is "fair" in ASCII.
 */
const MIGRATION_LOCK_KEY = 0x66616972;

/** Waiting for a pooled connection; a statement; a transaction left idle (a bug of ours, or a stalled node). */
const PG_CONNECT_TIMEOUT_MS = 2_000;
const PG_STATEMENT_TIMEOUT_MS = 10_000;
const PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;

/**
 * Connects a pool to PostgreSQL (scaled mode) and applies pending migrations from
 * migrations/pg. The caller closes the pool with `close()`.
 */
export async function openPostgres(url: string, options: { logger?: Logger } = {}): Promise<{ db: PgDb; pool: pg.Pool; close(): Promise<void> }> {
  const pool = new pg.Pool({
    connectionString: url,
    // A full pool or a PostgreSQL that does not answer fails fast (UNAVAILABLE, retried by the
    // client) instead of leaving requests waiting for ever.
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    statement_timeout: PG_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: PG_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  // An idle connection that breaks (server restart, network) emits 'error' on the pool; with no
  // listener that would crash the process. The next query gets a fresh connection or fails.
  pool.on('error', (error) => options.logger?.warn({ code: (error as { code?: string }).code, err: error.message }, 'idle PostgreSQL connection lost'));
  try {
    await migrateLocked(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  // The services' drizzle: a query inside writeDurably goes to that transaction's connection.
  const db = drizzle({ client: routedClient(pool) as pg.Pool, schema });
  return { db, pool, close: () => pool.end() };
}

/** Migrates on one connection, which holds the advisory lock and runs the migrator's transaction. */
async function migrateLocked(pool: pg.Pool): Promise<void> {
  const lock = await pool.connect();
  // A connection lost while migrating fails the query in flight; without a listener it would also end the process.
  lock.on('error', () => {});
  try {
    // Waiting for another node's migration, and a long migration, are not stalls.
    await lock.query('SET statement_timeout = 0');
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrate(drizzle({ client: lock, schema }), { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    // Closed, not returned to the pool: ending the session releases the lock even if the
    // connection is in a bad state, and no pooled connection keeps holding it.
    lock.release(true);
  }
}
