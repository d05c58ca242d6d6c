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

/**
 * Connects a pool to PostgreSQL (scaled mode) and applies pending migrations from
 * migrations/pg. The caller closes the pool with `close()`.
 */
export async function openPostgres(url: string, options: { logger?: Logger } = {}): Promise<{ db: PgDb; pool: pg.Pool; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection that breaks (server restart, network) emits 'error' on the pool; with no
  // listener that would crash the process. The next query gets a fresh connection or fails.
  pool.on('error', (error) => options.logger?.warn({ code: (error as { code?: string }).code, err: error.message }, 'idle PostgreSQL connection lost'));
  try {
    // The migrator runs its own transaction on one connection: it gets drizzle on the pool itself.
    await migrateLocked(drizzle({ client: pool, schema }), pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  // The services' drizzle: a query inside writeDurably goes to that transaction's connection.
  const db = drizzle({ client: routedClient(pool) as pg.Pool, schema });
  return { db, pool, close: () => pool.end() };
}

async function migrateLocked(db: PgDb, pool: pg.Pool): Promise<void> {
  const lock = await pool.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    // Closed, not returned to the pool: ending the session releases the lock even if the
    // connection is in a bad state, and no pooled connection keeps holding it.
    lock.release(true);
  }
}
