import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/open.js';
import { dialect } from '../db/tables.js';
import { noteLockFailure, storageErrorCode, writesPaused, StorageUnavailableError } from '../db/storage-errors.js';
import type { Logger } from '../logger.js';
import type { DependencyProbe } from './probes.js';

/**
 * Whether the database can be read and written now. A read alone (or `select 1`, which does
 * not even touch the file) misses a write lock held by another process (WAL readers go on);
 * `BEGIN IMMEDIATE; ROLLBACK` takes and drops the write lock, bounded by the short busy
 * timeout. While writes fail fast after a lock, the probe answers from that without waiting
 * again, so a locked database costs the event loop one busy timeout a second at most.
 */
export function databaseProbe(db: Db, logger: Logger): DependencyProbe {
  // PostgreSQL (scaled mode): a round trip through the pool, bounded by the probe's timeout.
  if (dialect() === 'postgres') {
    return {
      name: 'database',
      async check() {
        try {
          // drizzle's PostgreSQL database runs raw SQL with execute(); Db is typed as the SQLite one.
          await (db as unknown as { execute(query: SQL): Promise<unknown> }).execute(sql`select 1`);
        } catch (err) {
          logger.warn({ err, pg: storageErrorCode(err) }, 'health check: database unavailable');
          throw err;
        }
      },
    };
  }
  const client = db.$client;
  const read = client.prepare('SELECT count(*) FROM sqlite_schema');
  return {
    name: 'database',
    check() {
      if (writesPaused(db)) throw new StorageUnavailableError('writes are paused after a lock');
      // A transaction of ours left open (none crosses a tick today) must not be rolled back here.
      const ownTransaction = client.inTransaction;
      try {
        read.get();
        if (!ownTransaction) client.exec('BEGIN IMMEDIATE; ROLLBACK');
      } catch (err) {
        noteLockFailure(db, err);
        if (!ownTransaction && client.open && client.inTransaction) client.exec('ROLLBACK');
        logger.warn({ err, sqlite: storageErrorCode(err) }, 'health check: database unavailable');
        throw err;
      }
    },
  };
}
