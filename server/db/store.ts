import { redactUrl, type Config } from '../config.js';
import type { Logger } from '../logger.js';
import { openDatabase, type Db } from './open.js';
import { openPostgres } from './open-pg.js';
import { registerPool } from './storage-errors.js';
import { useDialect, type Dialect } from './tables.js';

/** The fair's database, whichever mode it runs in. */
export interface Store {
  /** Typed as the SQLite database the services are written against; in the scaled mode, drizzle on PostgreSQL. */
  db: Db;
  dialect: Dialect;
  /** Where it is, for logs (a PostgreSQL password is hidden). */
  where: string;
  close(): Promise<void>;
}

/**
 * Opens the SQLite file (embedded default) or, with DATABASE_URL, PostgreSQL (scaled mode),
 * migrates it, and chooses the dialect the services build their queries in. Call it before
 * creating the application.
 */
export async function openStore(config: Pick<Config, 'databasePath' | 'databaseUrl'>, options: { logger?: Logger } = {}): Promise<Store> {
  if (config.databaseUrl === null) {
    useDialect('sqlite');
    const db = openDatabase(config.databasePath);
    return {
      db,
      dialect: 'sqlite',
      where: config.databasePath,
      close: () => {
        db.$client.close();
        return Promise.resolve();
      },
    };
  }
  useDialect('postgres');
  const opened = await openPostgres(config.databaseUrl, options);
  const db = opened.db as unknown as Db;
  registerPool(db, opened.pool);
  return { db, dialect: 'postgres', where: redactUrl(config.databaseUrl), close: () => opened.close() };
}
