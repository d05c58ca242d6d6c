import { AsyncLocalStorage } from 'node:async_hooks';
import Database from 'better-sqlite3';
import type pg from 'pg';
import type { Db } from './open.js';

/**
 * How long a connection waits for another holder of the write lock before giving up. Short on
 * purpose: better-sqlite3 is synchronous, so every millisecond spent waiting freezes the whole
 * event loop (every socket, /healthz). A locked database should answer UNAVAILABLE quickly.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 300;

/** What clients are told to wait before retrying after a storage failure. */
export const STORAGE_RETRY_AFTER_MS = 1_000;

/**
 * SQLite result codes (and their extended `_…` variants) that mean the storage could not do its
 * job just now (locked, full, failing disk, read-only file), as opposed to a bug in our SQL.
 */
const TRANSIENT_SQLITE_CODES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
] as const;

/** Storage cannot take writes just now; nothing was stored. The edge answers UNAVAILABLE. */
export class StorageUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageUnavailableError';
  }
}

/**
 * A write whose commit failed, or whose row was not there when we looked for it afterwards.
 * Nothing was stored; the caller must not report success.
 */
export class UnconfirmedWriteError extends StorageUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnconfirmedWriteError';
  }
}

function sqliteCodeOf(err: unknown): string | undefined {
  // drizzle wraps driver errors (DrizzleQueryError) with the SqliteError as `cause`.
  for (let current = err, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof Database.SqliteError) return current.code;
  }
  return undefined;
}

/**
 * PostgreSQL (scaled mode): SQLSTATE classes and socket errors that mean the database cannot
 * answer just now (down, restarting, out of connections or disk, a failover, a serialization
 * or deadlock victim), as opposed to a bug in our SQL. Class 08: connection exception; 53:
 * insufficient resources; 57P0x: shutting down; 40001/40P01: retry the transaction.
 */
const TRANSIENT_PG_STATES = /^(08|53|57P0|40001|40P01|58)/;
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

function postgresTransient(err: unknown): string | undefined {
  for (let current = err, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (TRANSIENT_SOCKET_CODES.has(code) || ((current as { severity?: unknown }).severity !== undefined && TRANSIENT_PG_STATES.test(code)))) return code;
    // node-postgres: a pool that cannot connect in time, or a connection that ended under a query.
    if (/timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i.test(current.message)) return 'PG_CONNECTION';
  }
  return undefined;
}

/** True when an error means "storage unavailable right now; try again later" (UNAVAILABLE). */
export function isStorageError(err: unknown): boolean {
  if (err instanceof StorageUnavailableError) return true;
  if (postgresTransient(err) !== undefined) return true;
  const code = sqliteCodeOf(err);
  return code !== undefined && TRANSIENT_SQLITE_CODES.some((transient) => code === transient || code.startsWith(`${transient}_`));
}

/**
 * True when a write failed because another writer stored the same key first: PostgreSQL's
 * unique_violation (23505, a primary key too), SQLite's SQLITE_CONSTRAINT_UNIQUE or
 * _PRIMARYKEY. With writers on several nodes a look-then-insert can meet this; the service
 * turns it into its own answer (CONFLICT, or a retry), never INTERNAL.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = sqliteCodeOf(err);
  if (code !== undefined) return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
  for (let current = err, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if ((current as { code?: unknown }).code === '23505' && (current as { severity?: unknown }).severity !== undefined) return true;
  }
  return false;
}

/** The SQLite code behind an error, for logs (never shown to clients). */
export function storageErrorCode(err: unknown): string | undefined {
  if (err instanceof StorageUnavailableError) return sqliteCodeOf(err.cause) ?? postgresTransient(err.cause) ?? err.name;
  return sqliteCodeOf(err) ?? postgresTransient(err);
}

/**
 * After a write found the database locked, further writes fail at once for this long instead
 * of each waiting the busy timeout again: a dozen members retrying into a held lock would
 * otherwise keep the event loop frozen. The first write after it tries for real.
 */
const lockedUntil = new WeakMap<Database.Database, number>();

function isLockError(err: unknown): boolean {
  const code = sqliteCodeOf(err);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** True while writes fail fast because the database was found locked a moment ago. */
export function writesPaused(db: Db): boolean {
  return performance.now() < (lockedUntil.get(db.$client) ?? 0);
}

/** Notes a lock failure seen outside writeDurably (the health probe), so writes fail fast too. */
export function noteLockFailure(db: Db, err: unknown): void {
  if (isLockError(err)) lockedUntil.set(db.$client, performance.now() + STORAGE_RETRY_AFTER_MS);
}

const statements = new WeakMap<Database.Database, { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement }>();

function transactionStatements(client: Database.Database) {
  let prepared = statements.get(client);
  if (!prepared) {
    prepared = { begin: client.prepare('BEGIN IMMEDIATE'), commit: client.prepare('COMMIT'), rollback: client.prepare('ROLLBACK') };
    statements.set(client, prepared);
  }
  return prepared;
}

/**
 * The connection whose write transaction the current async flow is inside, if any: the SQLite
 * connection, or the PostgreSQL client checked out of the pool for the transaction (every query
 * of the flow goes to it: see `routedClient`).
 */
const insideWrite = new AsyncLocalStorage<Database.Database | pg.PoolClient>();

/**
 * The client drizzle is given in the PostgreSQL mode: a query from inside `writeDurably` goes
 * to that transaction's connection, any other to the pool. Services need not pass a
 * transaction around, and their prepared queries (built once, on the pool) join it too.
 */
export function routedClient(pool: pg.Pool): Pick<pg.Pool, 'query'> {
  return {
    query: ((...args: Parameters<pg.Pool['query']>) => {
      const store = insideWrite.getStore();
      const target = store && !(store instanceof Database) ? store : pool;
      return (target.query as (...a: unknown[]) => unknown)(...args);
    }) as pg.Pool['query'],
  };
}

/**
 * Inside writeDurably: holds a lock on `scope` (and a number within it, a booth id say) until the
 * write transaction ends, so writes that read, decide and then write under the same key run one
 * after another on every node (PostgreSQL: a transaction-scoped advisory lock). SQLite needs none:
 * its writes already run one at a time. For rules no unique index can hold (the next free number,
 * a name that must not look like another); where one can, let it answer (isUniqueViolation).
 */
export async function lockUntilCommit(scope: string, key = 0): Promise<void> {
  const connection = insideWrite.getStore();
  if (!connection) throw new Error(`lockUntilCommit(${scope}) called outside a write transaction`);
  if (connection instanceof Database) return;
  await connection.query('SELECT pg_advisory_xact_lock(hashtext($1), $2)', [scope, key]);
}

/** Per open write transaction, by its connection: what to run once it has ended (afterTransaction). */
const whenEnded = new WeakMap<Database.Database | pg.PoolClient, (() => void)[]>();

/**
 * Runs `forgetRows` once the write transaction the caller is inside has ended, committed or
 * rolled back; at once outside one. For caches of rows the transaction changes: cleared before
 * the COMMIT, they could be refilled meanwhile with the row as it was (PostgreSQL: a read on
 * another connection) or with a row the transaction then rolled back (SQLite: a read on the same
 * connection sees it). It must not throw.
 */
export function afterTransaction(forgetRows: () => void): void {
  const connection = insideWrite.getStore();
  const hooks = connection && whenEnded.get(connection);
  if (hooks) hooks.push(forgetRows);
  else forgetRows();
}

/** Runs a whole write transaction, then the afterTransaction hooks it collected, however it ended. */
async function endingWith<T>(connection: Database.Database | pg.PoolClient, transaction: () => Promise<T>): Promise<T> {
  const hooks: (() => void)[] = [];
  whenEnded.set(connection, hooks);
  try {
    return await transaction();
  } finally {
    whenEnded.delete(connection);
    for (const hook of hooks) hook();
  }
}

/** The pool behind a PostgreSQL Db (openStore sets it); SQLite Dbs have none. */
const pools = new WeakMap<object, pg.Pool>();
export function registerPool(db: object, pool: pg.Pool): void {
  pools.set(db, pool);
}
/** Per connection: the last write queued, so write transactions run one at a time. */
const lastWrite = new WeakMap<Database.Database, Promise<unknown>>();

/**
 * Runs `write` in an explicit IMMEDIATE transaction and resolves with its result only once
 * COMMIT has succeeded. better-sqlite3's `.get()` on `INSERT … RETURNING` in autocommit mode
 * hands back the row even when the implicit commit fails (disk full, deferred foreign key); an
 * explicit COMMIT reports the failure. IMMEDIATE takes the write lock up front, so a lock held
 * elsewhere fails fast (SQLITE_BUSY after the busy timeout) before any work is done.
 *
 * The data layer is asynchronous (the same services run on PostgreSQL), so `write` may await
 * its queries. One connection serves the whole process: write transactions on it queue one
 * behind the other, and every write goes through here, so no other flow's write can land
 * inside an open transaction. (A read from another flow may run meanwhile and see the
 * transaction's rows before COMMIT: the window is a few microtasks, and only a failing disk
 * rolls a commit back.)
 *
 * A failed COMMIT rejects with UnconfirmedWriteError; any other error is passed on as it is.
 * Either way the transaction is rolled back. Called from inside a write (an audit line written
 * as part of a larger change), it simply runs `write`: the outer transaction's commit is the
 * one that counts, and its owner checks it.
 */
export async function writeDurably<T>(db: Db, write: () => T | Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (pool) return writePostgres(pool, write);
  const client = db.$client;
  if (insideWrite.getStore() === client) return write();
  const before = lastWrite.get(client);
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  lastWrite.set(client, mine);
  try {
    if (before) await before;
    return await endingWith(client, () => insideWrite.run(client, () => transact(db, write)));
  } finally {
    done();
    if (lastWrite.get(client) === mine) lastWrite.delete(client);
  }
}

async function transact<T>(db: Db, write: () => T | Promise<T>): Promise<T> {
  const client = db.$client;
  if (writesPaused(db)) throw new StorageUnavailableError('the database was locked a moment ago; not waiting on it again yet');
  const { begin, commit, rollback } = transactionStatements(client);
  try {
    begin.run();
  } catch (err) {
    noteLockFailure(db, err);
    throw err;
  }
  let result: T;
  try {
    result = await write();
  } catch (err) {
    if (client.inTransaction) rollback.run();
    noteLockFailure(db, err);
    throw err;
  }
  try {
    commit.run();
  } catch (err) {
    // A failed COMMIT (deferred foreign key, I/O error) can leave the transaction open.
    if (client.inTransaction) rollback.run();
    throw new UnconfirmedWriteError('the commit failed; nothing was stored', { cause: err });
  }
  return result;
}

/**
 * The PostgreSQL mode: the transaction gets its own pooled connection (writers on every node
 * run side by side; row locks order them), `write`'s queries go to it, and the result comes
 * back only once COMMIT has succeeded. A write inside a write joins the outer transaction.
 */
async function writePostgres<T>(pool: pg.Pool, write: () => T | Promise<T>): Promise<T> {
  const outer = insideWrite.getStore();
  if (outer && !(outer instanceof Database)) return write();
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new StorageUnavailableError('the database cannot be reached just now', { cause: err });
  }
  let broken: Error | undefined;
  // The pool stops listening for a checked-out client's 'error' (a connection that ends under
  // a query emits one): without a listener of ours, a PostgreSQL restart would end the process.
  const onError = (err: Error) => (broken ??= err);
  client.on('error', onError);
  try {
    return await endingWith(client, async () => {
      await client.query('BEGIN');
      let result: T;
      try {
        // Awaited inside the context: a query builder returned un-awaited would otherwise start
        // after `run` returns, outside it, and go to the pool instead of this transaction.
        result = await insideWrite.run(client, async () => await write());
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
        throw err;
      }
      let committed;
      try {
        committed = await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackErr: Error) => (broken = rollbackErr));
        throw new UnconfirmedWriteError('the commit was not confirmed', { cause: err });
      }
      // A transaction in which a statement failed (and the write went on regardless) answers
      // COMMIT with ROLLBACK, and no error: nothing was stored.
      if (committed.command !== 'COMMIT') throw new UnconfirmedWriteError(`the commit was answered ${committed.command}; nothing was stored`);
      return result;
    });
  } catch (err) {
    if (postgresTransient(err) !== undefined) broken ??= err as Error;
    throw err;
  } finally {
    // A connection that failed mid-transaction is closed, not handed to the next writer.
    client.off('error', onError);
    client.release(broken);
  }
}
