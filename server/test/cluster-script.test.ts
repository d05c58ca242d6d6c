import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booths } from '../db/tables.js';
import { openStore, type Store } from '../db/store.js';
import { DEMO_BOOTHS, SEED_LOCK_KEY, seedDemoIfEmpty } from '../seed/demo.js';
import { installed, portIsFree, stopChild } from '../scripts/local-cluster.js';
import { boothIdsBySlug, createSharedState, testDialect, TestClient, type SharedState } from './harness.js';
import { freePort } from './process.js';
import { connected, openSocket, request } from './sockets.js';

const hasNginx = installed('nginx');
if (!hasNginx && testDialect === 'postgres') {
  if (process.env.REQUIRE_CLUSTER === '1') throw new Error("REQUIRE_CLUSTER=1 but no nginx on PATH: install Debian's nginx package.");
  console.warn("Skipping the `npm run cluster` test: no nginx on PATH (install Debian's nginx package).");
}

/** Two free ports in a row (node-1 and node-2 take consecutive ports). */
async function consecutivePorts(): Promise<number> {
  for (;;) {
    const first = await freePort();
    if (first < 65535 && (await portIsFree(first + 1))) return first;
  }
}

const stillRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.skipIf(testDialect !== 'postgres')('demo seeding with several nodes starting at once', () => {
  let shared: SharedState & { drop(): Promise<void> };
  const stores: Store[] = [];
  beforeAll(async () => {
    shared = await createSharedState();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    await shared?.drop();
  });

  it('seeds the demo fair exactly once, the others waiting for the first', async () => {
    // Three pools, as three nodes would have; they migrate one after the other (advisory lock).
    for (let i = 0; i < 3; i++) stores.push(await openStore({ databaseUrl: shared.databaseUrl, databasePath: '' }));
    // Hold the seeding lock, as a node in the middle of seeding would.
    const holder = new pg.Client({ connectionString: shared.databaseUrl });
    const watcher = new pg.Client({ connectionString: shared.databaseUrl });
    await holder.connect();
    await watcher.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
      const seeding = Promise.all(stores.map((store) => seedDemoIfEmpty(store.db)));
      // Read on the holder's connection, pg_stat_activity would stay as it was when the transaction first read it.
      const waiting = async () =>
        (await watcher.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'")).rows[0]!.n;
      await expect.poll(waiting, { timeout: 20_000 }).toBe(3);
      // Nothing seeded while they wait.
      expect((await holder.query('SELECT id FROM booths')).rowCount).toBe(0);
      await holder.query('COMMIT');
      expect((await seeding).filter(Boolean)).toHaveLength(1);
    } finally {
      await holder.end();
      await watcher.end();
    }
    expect(await stores[0]!.db.select().from(booths)).toHaveLength(DEMO_BOOTHS.length);
  });
});

/**
 * `npm run cluster -- --nodes 2` as a person runs it: the script on a database it must create,
 * then signing in and chatting through its nginx, then Ctrl-C, after which nothing is left.
 */
describe.skipIf(testDialect !== 'postgres' || !hasNginx)('npm run cluster', () => {
  let shared: SharedState & { drop(): Promise<void> };
  let databaseUrl: string;
  let script: ChildProcess;
  let output = '';

  beforeAll(async () => {
    shared = await createSharedState();
    // A database that does not exist yet: the script creates it.
    const url = new URL(shared.databaseUrl);
    url.pathname = `/fair_test_cluster_${randomBytes(4).toString('hex')}`;
    databaseUrl = url.toString();
  });
  afterAll(async () => {
    if (script) await stopChild(script, 15_000, 'SIGINT');
    const admin = new URL(databaseUrl);
    const name = admin.pathname.slice(1);
    admin.pathname = '/postgres';
    const client = new pg.Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
    await shared?.drop();
  });

  it('starts two nodes behind nginx, serves a signed-in member through it, and stops everything on Ctrl-C', async () => {
    const port = await freePort();
    const firstNodePort = await consecutivePorts();
    script = spawn(process.execPath, ['--import', 'tsx', resolve('server/scripts/cluster.ts'), '--nodes', '2', '--port', String(port), '--first-node-port', String(firstNodePort)], {
      env: { ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: shared.redisUrl, REDIS_KEY_PREFIX: shared.redisKeyPrefix, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    script.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    script.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await expect.poll(() => output, { timeout: 120_000, interval: 200 }).toMatch(/^Digital Fair \(2 nodes behind nginx\) is running at http:\/\/localhost:\d+$/m);
    expect(script.exitCode).toBe(null);
    const pids = [...output.matchAll(/^\[cluster\] (?:node-\d|nginx): pid (\d+)/gm)].map((match) => Number(match[1]));
    expect(pids).toHaveLength(3);

    // Through nginx, as a browser would: sign in, connect, chat.
    const baseUrl = `http://127.0.0.1:${port}`;
    const client = new TestClient(baseUrl, { origin: baseUrl });
    await client.login('member@fair.test');
    const socket = openSocket(baseUrl, client.cookie, { origin: baseUrl });
    try {
      await connected(socket);
      const boothId = (await boothIdsBySlug(baseUrl))['peace-direct']!;
      expect((await request(socket, 'booth:join', { boothId })).ok).toBe(true);
      expect((await request(socket, 'chat:send', { boothId, clientMsgId: crypto.randomUUID(), body: 'hello from behind nginx' })).ok).toBe(true);
    } finally {
      socket.disconnect();
    }

    const stopped = new Promise<number | null>((done) => script.once('exit', (code) => done(code)));
    script.kill('SIGINT');
    expect(await stopped).toBe(0);
    expect(output).toContain('[cluster] stopped');
    expect(pids.filter(stillRunning)).toEqual([]);
    for (const free of [port, firstNodePort, firstNodePort + 1]) expect(await portIsFree(free)).toBe(true);
  }, 180_000);
});
