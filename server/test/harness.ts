import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApplication, type Application, type AppDeps } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Db } from '../db/open.js';
import { openStore } from '../db/store.js';
import { connectRedis } from '../realtime/redis.js';
import { createTestDatabase } from './pg-database.js';
import { dropRedisKeys, TEST_REDIS_URL, testRedisPrefix } from './redis-test.js';
import { createLogger } from '../logger.js';
import { seedDemo, DEMO_PASSWORD } from '../seed/demo.js';
import { hashPassword } from '../auth/passwords.js';
import { eq, sql, type SQL } from 'drizzle-orm';
import { boothHosts, users } from '../db/tables.js';
import { currentConductVersion } from '../conduct/version.js';
import type { Role } from '../../shared/roles.js';

/** A clock tests can move forward (invite expiry, throttle windows, bans). */
export function createTestClock() {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}

/**
 * Which database the integration suite runs on: SQLite by default, PostgreSQL in the vitest
 * project `postgres` (FAIR_TEST_DATABASE=postgres), which runs the same files a second time.
 */
export const testDialect: 'sqlite' | 'postgres' = process.env.FAIR_TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestServer {
  baseUrl: string;
  db: Db;
  /** Raw SQL on the test database, `?` placeholders in both modes; rows back. */
  sql<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  dbPath: string;
  config: Config;
  app: Application;
  clock: ReturnType<typeof createTestClock>;
  close(): Promise<void>;
}

/** Where the scaled mode's test servers keep their state: one PostgreSQL database and one Redis key prefix. */
export interface SharedState {
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
}

/**
 * A fresh PostgreSQL database and Redis prefix for a scaled-mode test (several nodes share
 * them). `drop()` removes both.
 */
export async function createSharedState(): Promise<SharedState & { drop(): Promise<void> }> {
  const database = await createTestDatabase();
  if (!database) throw new Error('the scaled-mode tests need PostgreSQL, and it does not answer');
  const redisKeyPrefix = testRedisPrefix();
  return {
    databaseUrl: database.url,
    redisUrl: TEST_REDIS_URL,
    redisKeyPrefix,
    async drop() {
      await database.drop();
      await dropRedisKeys(redisKeyPrefix);
    },
  };
}

/**
 * Boots the real fair on port 0, seeded with the demo fair: on a fresh SQLite file, or in the
 * `postgres` project on a fresh PostgreSQL database with Redis. With `shared`, on that
 * database and Redis prefix (another node of the same fair: not seeded again, not dropped on close).
 */
export async function startTestServer(
  options: {
    seed?: boolean;
    /**
     * The seeded accounts have accepted the demo's code of conduct (default), so tests about
     * something else enter booths at once; false leaves it pending, as on a fresh fair.
     */
    conductAccepted?: boolean;
    env?: Record<string, string>;
    deps?: Partial<AppDeps>;
    shared?: SharedState;
  } = {},
): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fair-test-'));
  const dbPath = join(dir, 'fair.db');
  const own = !options.shared && testDialect === 'postgres' ? await createSharedState() : null;
  const shared = options.shared ?? own;
  const loaded = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_PATH: dbPath,
    ...(shared ? { DATABASE_URL: shared.databaseUrl, REDIS_URL: shared.redisUrl, REDIS_KEY_PREFIX: shared.redisKeyPrefix, NODE_ID: 'test-node' } : {}),
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  if (!loaded.ok) throw new Error(loaded.problems.join('; '));
  const config = loaded.config;
  const store = await openStore(config);
  const { db } = store;
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, createLogger('silent')) : undefined;
  if (options.seed ?? !options.shared) {
    await seedDemo(db);
    if (options.conductAccepted ?? true) await acceptConduct(db);
  }
  const clock = createTestClock();
  const app = createApplication({ config, db, logger: createLogger(process.env.TEST_LOG_LEVEL === 'error' ? 'error' : 'silent'), clock, redis, ...options.deps });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    sql: (text, params) => rawSql(db, text, params),
    dbPath,
    config,
    app,
    clock,
    async close() {
      await app.close();
      await store.close();
      redis?.destroy();
      await own?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tiny HTTP client that keeps its own session cookie, like one browser. */
export class TestClient {
  cookie: string | undefined;
  lastSetCookie: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  async request(method: string, path: string, body?: unknown, contentType = 'application/json') {
    const headers: Record<string, string> = { ...this.headers };
    if (this.cookie) headers.cookie = this.cookie;
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = contentType;
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(this.baseUrl + path, { method, headers, body: payload });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      this.lastSetCookie = setCookie;
      const pair = setCookie.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? undefined : pair;
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, headers: response.headers, body: json as Record<string, unknown> & { error?: { code: string; message: string; details?: Record<string, unknown> } } };
  }

  get(path: string) {
    return this.request('GET', path);
  }

  post(path: string, body?: unknown, contentType?: string) {
    return this.request('POST', path, body, contentType);
  }

  /**
   * Signs in. A code of conduct still to accept is then accepted (a person who has read it),
   * unless `conduct: 'pending'`; the answer returned is the sign-in's.
   */
  async login(email: string, password = 'fair-demo', options: { conduct?: 'accept' | 'pending' } = {}) {
    const response = await this.post('/api/auth/login', { email, password });
    if (response.status !== 200) throw new Error(`login ${email} failed: ${response.status} ${JSON.stringify(response.body)}`);
    const pending = (response.body.user as { conductPending?: number | null } | undefined)?.conductPending;
    if (pending && options.conduct !== 'pending') {
      const accepted = await this.post('/api/conduct/accept', { version: pending });
      if (accepted.status !== 200) throw new Error(`accepting the code of conduct failed: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    }
    return response;
  }
}

/** Adds an account (password `fair-demo`) straight to the database; hosts get their booth. */
export async function createUser(db: Db, account: { email: string; displayName: string; role: Role; hostsBoothId?: number }): Promise<string> {
  const id = crypto.randomUUID();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.insert(users).values({ id, email: account.email, displayName: account.displayName, role: account.role, passwordHash });
  await acceptConduct(db, id);
  if (account.hostsBoothId !== undefined) await db.insert(boothHosts).values({ boothId: account.hostsBoothId, userId: id });
  return id;
}

/** Marks the code of conduct's current version accepted: by one account, or by every account. */
export async function acceptConduct(db: Db, userId?: string): Promise<void> {
  await db
    .update(users)
    .set({ conductVersion: sql`${currentConductVersion()}`, conductAcceptedAt: new Date() })
    .where(userId === undefined ? undefined : eq(users.id, userId));
}

/** Booth ids by slug, read through the API as any member would. */
export async function boothIdsBySlug(baseUrl: string): Promise<Record<string, number>> {
  const client = new TestClient(baseUrl);
  await client.login('admin@fair.test');
  const booths = (await client.get('/api/booths')).body as unknown as { id: number; slug: string }[];
  return Object.fromEntries(booths.map((b) => [b.slug, b.id]));
}

/** Raw SQL for tests, on either database, with `?` placeholders (bound as parameters in both). */
export async function rawSql<Row = Record<string, unknown>>(db: Db, text: string, params: unknown[] = []): Promise<Row[]> {
  if (testDialect === 'sqlite') {
    const statement = db.$client.prepare(text);
    return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as Row[];
  }
  const pieces = text.split('?');
  let query: SQL = sql.raw(pieces[0]!);
  pieces.slice(1).forEach((piece, i) => (query = sql`${query}${params[i]}${sql.raw(piece)}`));
  const result = await (db as unknown as { execute(query: SQL): Promise<{ rows: Row[] }> }).execute(query);
  return result.rows;
}
