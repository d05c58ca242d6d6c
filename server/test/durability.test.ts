import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/errors.js';
import { boothIdsBySlug, startTestServer, TestClient, testDialect, type TestServer } from './harness.js';
import { freePort, killHard, startServerProcess } from './process.js';
import { collect, joinedSocket, nextEvent, request, signedInSocket, sleep } from './sockets.js';

/**
 * Makes every commit that inserted into `table` fail, the way a full disk does: the statement
 * succeeds (INSERT … RETURNING hands back a row) and only COMMIT reports the error. A trigger
 * adds a row that breaks a deferred foreign key, which SQLite checks at COMMIT time.
 */
function failCommitsOf(db: Database.Database, table: 'messages' | 'invites'): () => void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS commit_blocker_parent (id INTEGER PRIMARY KEY);
    CREATE TABLE IF NOT EXISTS commit_blocker (ref INTEGER REFERENCES commit_blocker_parent(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER fail_commit_${table} AFTER INSERT ON ${table} BEGIN INSERT INTO commit_blocker (ref) VALUES (-1); END;
  `);
  return () => db.exec(`DROP TRIGGER fail_commit_${table}`);
}

function storedCopies(db: Database.Database, clientMsgId: string): number {
  return (db.prepare('select count(*) as n from messages where client_msg_id = ?').get(clientMsgId) as { n: number }).n;
}

function expectUnavailable(error: ApiError | undefined): void {
  expect(error?.code).toBe('UNAVAILABLE');
  expect(error?.details?.retryAfterMs).toBeGreaterThan(0);
}

/**
 * SQLite only: these inject a failing COMMIT through SQLite's own failure mode (a trigger that
 * breaks a deferred foreign key, checked at COMMIT) on the better-sqlite3 connection.
 */
describe.skipIf(testDialect === 'postgres')('chat:send when the commit fails', () => {
  let server: TestServer;
  let boothId: number;

  beforeAll(async () => {
    server = await startTestServer();
    boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers UNAVAILABLE, broadcasts nothing, and stores the resend exactly once after recovery', async () => {
    const amina = await joinedSocket(server.baseUrl, 'member@fair.test', boothId);
    const luis = await joinedSocket(server.baseUrl, 'member2@fair.test', boothId);
    const seenByLuis = collect(luis.socket, 'chat:created');
    const clientMsgId = randomUUID();
    const send = () => request(amina.socket, 'chat:send', { boothId, clientMsgId, body: 'kept until stored' });
    const earlier = await request(amina.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'stored before the disk filled' });
    expect(earlier.ok).toBe(true);

    const restore = failCommitsOf(server.db.$client, 'messages');
    const refused = await send();
    expect(refused.ok).toBe(false);
    expectUnavailable(refused.ok ? undefined : refused.error);
    expect(storedCopies(server.db.$client, clientMsgId)).toBe(0);

    // A second failure is no different (slow mode and the rate limit counted nothing).
    const again = await send();
    expectUnavailable(again.ok ? undefined : again.error);

    restore();
    const created = nextEvent(luis.socket, 'chat:created', (m) => m.clientMsgId === clientMsgId);
    const stored = await send();
    expect(stored.ok).toBe(true);
    expect((await created).seq).toBe(stored.ok ? stored.data.seq : -1);
    // The failed commits took their sequence numbers back with them: no gap.
    expect(stored.ok && earlier.ok && stored.data.seq).toBe(earlier.ok ? earlier.data.seq + 1 : -1);
    const resentAgain = await send();
    expect(resentAgain.ok && resentAgain.data.id).toBe(stored.ok && stored.data.id);
    expect(storedCopies(server.db.$client, clientMsgId)).toBe(1);
    // The only chat:created Luis saw for it is the one for the stored message.
    expect(seenByLuis.filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1);

    amina.socket.disconnect();
    luis.socket.disconnect();
  });
});

/** SQLite only, like the test above: a commit failure through a deferred foreign key. */
describe.skipIf(testDialect === 'postgres')('POST /api/admin/invites when the commit fails', () => {
  let server: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    server = await startTestServer();
    admin = new TestClient(server.baseUrl);
    await admin.login('admin@fair.test');
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 503 UNAVAILABLE with Retry-After, never 201 with a dead link', async () => {
    const restore = failCommitsOf(server.db.$client, 'invites');
    const refused = await admin.post('/api/admin/invites', { email: 'rosa@example.org', role: 'member' });
    expect(refused.status).toBe(503);
    expectUnavailable(refused.body.error as ApiError | undefined);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(server.db.$client.prepare("select count(*) as n from invites where email = 'rosa@example.org'").get()).toEqual({ n: 0 });

    restore();
    const created = await admin.post('/api/admin/invites', { email: 'rosa@example.org', role: 'member' });
    expect(created.status).toBe(201);
    const link = (created.body.invite as { link: string }).link;
    expect((await new TestClient(server.baseUrl).get(`/api/invites/${link.split('/invite/')[1]}`)).status).toBe(200);
  });
});

/** A second process that holds the database's write lock until told to let go. */
async function holdWriteLock(dbPath: string): Promise<{ release(): Promise<void>; process: ChildProcess }> {
  const script = `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    process.stdin.once('data', () => { db.exec('ROLLBACK'); db.close(); process.exit(0); });
  `;
  const child = spawn(process.execPath, ['-e', script, dbPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
  });
  return {
    process: child,
    release: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.stdin.write('release\n');
      }),
  };
}

async function health(baseUrl: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
  return { status: response.status, body: await response.json() };
}

/**
 * SQLite only: a second process holding the SQLite file's write lock (BEGIN EXCLUSIVE), and a
 * server process started on that file. PostgreSQL has no file lock to hold.
 */
describe.skipIf(testDialect === 'postgres')('a database locked by another process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fair-lock-'));
  const dbPath = join(dir, 'fair.db');
  let server: ChildProcess | undefined;
  let locker: ChildProcess | undefined;

  afterAll(async () => {
    if (locker) await killHard(locker);
    if (server) await killHard(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers promptly, keeps reads and the process alive, and stores queued messages once after release', async () => {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = await startServerProcess({ PORT: String(port), DATABASE_PATH: dbPath, SEED_DEMO: 'true', PRESENCE_GRACE_MS: '200' });
    const boothId = (await boothIdsBySlug(baseUrl))['peace-direct']!;
    const amina = await joinedSocket(baseUrl, 'member@fair.test', boothId);
    const luis = await joinedSocket(baseUrl, 'member2@fair.test', boothId);
    const kofi = await joinedSocket(baseUrl, 'moderator@fair.test', boothId);
    const claire = await signedInSocket(baseUrl, 'host@fair.test');
    const seenByClaire = collect(claire.socket, 'chat:created');

    const lock = await holdWriteLock(dbPath);
    locker = lock.process;

    // Writes answer UNAVAILABLE quickly instead of freezing the event loop on the lock.
    const queued = [randomUUID(), randomUUID(), randomUUID()];
    for (const clientMsgId of queued) {
      const startedAt = performance.now();
      const ack = await request(amina.socket, 'chat:send', { boothId, clientMsgId, body: `queued ${clientMsgId}` });
      expect(performance.now() - startedAt).toBeLessThan(2_000);
      expectUnavailable(ack.ok ? undefined : ack.error);
    }

    // /healthz answers at once, and says what is wrong.
    expect(await health(baseUrl)).toMatchObject({ status: 503, body: { status: 'degraded', ok: false, checks: { database: { ok: false } } } });

    // Reads still work (WAL readers are not blocked by a writer).
    const history = await request(luis.socket, 'chat:history', { boothId });
    expect(history.ok).toBe(true);

    // A join that cannot record the visit fails and leaves the socket outside the booth.
    const join = await request(claire.socket, 'booth:join', { boothId });
    expect(join.ok).toBe(false);
    expectUnavailable(join.ok ? undefined : join.error);
    const strayed = await request(claire.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'am I in?' });
    expect(!strayed.ok && strayed.error.code).toBe('NOT_IN_BOOTH');

    // A grace period ending while the database is locked: "left" still goes out, the process lives.
    const kofiLeft = nextEvent(luis.socket, 'presence:changed', (left) => left.left.includes(kofi.userId));
    kofi.socket.disconnect();
    await kofiLeft;
    await sleep(300);
    expect(server.exitCode).toBeNull();
    expect((await health(baseUrl)).status).toBe(503);

    await lock.release();
    locker = undefined;
    let recovered = await health(baseUrl);
    for (let i = 0; i < 30 && recovered.status !== 200; i++) {
      await sleep(100);
      recovered = await health(baseUrl);
    }
    expect(recovered).toMatchObject({ status: 200, body: { status: 'ok', ok: true } });

    // The outbox resends; each message is stored once, even when sent twice.
    for (const clientMsgId of [...queued, ...queued]) {
      const ack = await request(amina.socket, 'chat:send', { boothId, clientMsgId, body: `queued ${clientMsgId}` });
      expect(ack.ok).toBe(true);
    }
    expect((await request(claire.socket, 'booth:join', { boothId })).ok).toBe(true);

    const db = new Database(dbPath, { readonly: true });
    try {
      for (const clientMsgId of queued) expect(storedCopies(db, clientMsgId)).toBe(1);
    } finally {
      db.close();
    }
    // Claire was never in the booth while those were broadcast.
    expect(seenByClaire).toHaveLength(0);
    for (const session of [amina, luis, claire]) session.socket.disconnect();
  }, 30_000);
});

describe('sequence numbers', () => {
  let server: TestServer;
  let boothId: number;

  beforeAll(async () => {
    server = await startTestServer();
    boothId = (await boothIdsBySlug(server.baseUrl))['youth-action-team']!;
  });
  afterAll(async () => {
    await server.close();
  });

  it('are never handed out twice, even after the latest messages were deleted (retention)', async () => {
    const amina = await joinedSocket(server.baseUrl, 'member@fair.test', boothId);
    const sent = [];
    for (const body of ['one', 'two', 'three']) {
      const ack = await request(amina.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body });
      if (!ack.ok) throw new Error(ack.error.message);
      sent.push(ack.data.seq);
    }
    expect(sent).toEqual([sent[0]!, sent[0]! + 1, sent[0]! + 2]);
    // Retention deletes rows; a client that held seq 3 must never see another message numbered 3.
    await server.sql('DELETE FROM messages WHERE booth_id = ? AND seq >= ?', [boothId, sent[1]!]);
    const next = await request(amina.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'four' });
    expect(next.ok && next.data.seq).toBe(sent[2]! + 1);
    amina.socket.disconnect();
  });
});
