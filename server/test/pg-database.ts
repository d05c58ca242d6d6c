import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { redactUrl } from '../config.js';
import { describe } from 'vitest';

/** The server the tests make their databases on (any database on it; trust or password in the URL). */
const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECT_TIMEOUT_MS = 3000;

export interface TestDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  /** Drops the database, ending any connection still open to it. */
  drop(): Promise<void>;
}

/** Connects to the admin database; null with the reason when PostgreSQL does not answer. */
async function connectAdmin(): Promise<{ client: pg.Client } | { client: null; reason: string }> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A connection lost between queries errors the client; the query in flight reports it.
  client.on('error', () => {});
  try {
    await client.connect();
    return { client };
  } catch (error) {
    await client.end().catch(() => {});
    return { client: null, reason: error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error) };
  }
}

/** `ADMIN_URL` with its password hidden, for messages. */
function describeServer(): string {
  return redactUrl(ADMIN_URL);
}

/**
 * Creates a uniquely named, empty database (`fair_test_<random>`) on the test server, so each
 * test file or run has its own. Null when PostgreSQL is unreachable.
 */
export async function createTestDatabase(): Promise<TestDatabase | null> {
  const admin = await connectAdmin();
  if (!admin.client) return null;
  const name = `fair_test_${randomBytes(6).toString('hex')}`;
  try {
    await admin.client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.client.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropDatabase(name) };
}

async function dropDatabase(name: string): Promise<void> {
  const admin = await connectAdmin();
  if (!admin.client) throw new Error(`cannot drop test database ${name}: ${admin.reason}`);
  try {
    const { rows } = await admin.client.query<{ server_version_num: string }>('SHOW server_version_num');
    if (Number(rows[0]?.server_version_num) >= 130000) {
      await admin.client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } else {
      await admin.client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await admin.client.query(`DROP DATABASE IF EXISTS "${name}"`);
    }
  } finally {
    await admin.client.end();
  }
}

let availability: Promise<boolean> | undefined;

/**
 * Whether PostgreSQL answers, asked once per test process. When it does not: throws under
 * REQUIRE_CLUSTER=1 (a run that must cover the scaled mode fails), otherwise warns once and
 * the PostgreSQL tests are skipped.
 */
export function postgresAvailable(): Promise<boolean> {
  availability ??= (async () => {
    const admin = await connectAdmin();
    if (admin.client) {
      await admin.client.end();
      return true;
    }
    if (process.env.REQUIRE_CLUSTER === '1') {
      throw new Error(`REQUIRE_CLUSTER=1 but PostgreSQL does not answer at ${describeServer()}: ${admin.reason}`);
    }
    console.warn(`Skipping PostgreSQL tests: no PostgreSQL at ${describeServer()} (${admin.reason}; start it, or set TEST_PG_URL).`);
    return false;
  })();
  return availability;
}

/**
 * `describe` for PostgreSQL tests: skipped, with one line saying so, when PostgreSQL is
 * unreachable; a failure instead under REQUIRE_CLUSTER=1. Use with top-level await:
 * `const describePostgres = await describePostgresTests();`
 */
export async function describePostgresTests(): Promise<typeof describe | typeof describe.skip> {
  return (await postgresAvailable()) ? describe : describe.skip;
}
