import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { testDialect, type TestServer } from './harness.js';

/**
 * Faults and pauses injected into a test's PostgreSQL database with triggers, so races and
 * failing commits happen for real, inside the server's own transactions. Table names and
 * conditions are the tests' own text, never input.
 */

/** A trigger and its function, made under one random name; `drop` removes both. */
async function installTrigger(server: TestServer, body: string, definition: (name: string) => string): Promise<() => Promise<void>> {
  const name = `test_fault_${randomBytes(4).toString('hex')}`;
  const table = /\bON (\w+)/.exec(definition(name))![1]!;
  await server.sql(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $fault$ BEGIN ${body} RETURN NEW; END $fault$`);
  await server.sql(definition(name));
  return async () => {
    await server.sql(`DROP TRIGGER IF EXISTS ${name} ON ${table}`);
    await server.sql(`DROP FUNCTION IF EXISTS ${name}()`);
  };
}

/**
 * PostgreSQL: every `event` on `table` whose row matches `when` (plpgsql over NEW and OLD) sleeps
 * `seconds` inside its transaction, before the row is written: two writers that would otherwise
 * take turns by luck now overlap. SQLite (one writer at a time): nothing to do.
 */
export async function pauseWrites(
  server: TestServer,
  options: { table: string; event: 'INSERT' | 'UPDATE'; when?: string; seconds?: number },
): Promise<() => Promise<void>> {
  if (testDialect !== 'postgres') return async () => {};
  const { table, event, when = 'true', seconds = 0.4 } = options;
  return installTrigger(server, `IF ${when} THEN PERFORM pg_sleep(${seconds}); END IF;`, (name) => `CREATE TRIGGER ${name} BEFORE ${event} ON ${table} FOR EACH ROW EXECUTE FUNCTION ${name}()`);
}

/** How many of this database's connections are asleep in a paused write. */
async function pausedWrites(server: TestServer): Promise<number> {
  const [row] = await server.sql<{ n: number }>("SELECT cast(count(*) as integer) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'");
  return row?.n ?? 0;
}

/** Waits until `count` writes are asleep in a pause (PostgreSQL); at once on SQLite. */
export async function untilPaused(server: TestServer, count = 1): Promise<void> {
  if (testDialect !== 'postgres') return;
  await expect.poll(() => pausedWrites(server)).toBeGreaterThanOrEqual(count);
}

/**
 * PostgreSQL: a deferred constraint trigger on `table` that does `action` (raise an error, sleep)
 * at the COMMIT of every transaction that inserted into it, until the returned function drops it.
 */
export function atCommitOf(server: TestServer, table: string, action: string): Promise<() => Promise<void>> {
  return installTrigger(
    server,
    action,
    (name) => `CREATE CONSTRAINT TRIGGER ${name} AFTER INSERT ON ${table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
}

/** Ends (pg_terminate_backend) every connection of this database asleep in a paused write; how many. */
export async function terminatePaused(server: TestServer): Promise<number> {
  const rows = await server.sql<{ ended: boolean }>(
    "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep' AND pid <> pg_backend_pid()",
  );
  return rows.filter((row) => row.ended).length;
}
