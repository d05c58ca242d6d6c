import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAUTH_WINDOW_MS } from '../auth/recent-auth.js';
import { SESSION_LAST_SEEN_RESOLUTION_MS } from '../auth/service.js';
import { hashSecret } from '../auth/tokens.js';
import { sessions as sessionsTable } from '../db/tables.js';
import { createUser, startTestServer, TestClient, type TestServer } from './harness.js';
import { connected, openSocket, sleep, type ClientSocket } from './sockets.js';

const ANDROID_CHROME = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const MAC_FIREFOX = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0';

type Session = { id: string; browser: string | null; createdAt: string; lastSeenAt: string | null; method: string; current: boolean };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

let accounts = 0;
/** One account signed in on two devices (a phone and a laptop). */
async function twoDevices() {
  accounts += 1;
  const email = `devices${accounts}@fair.test`;
  const userId = await createUser(server.db, { email, displayName: `Two Devices ${accounts}`, role: 'member' });
  const phone = new TestClient(server.baseUrl, { 'user-agent': ANDROID_CHROME });
  const laptop = new TestClient(server.baseUrl, { 'user-agent': MAC_FIREFOX });
  await phone.login(email);
  await laptop.login(email);
  return { email, userId, phone, laptop };
}

/** Resolves with how long after the call the socket was disconnected by the server. */
function disconnection(socket: ClientSocket): Promise<number> {
  const start = Date.now();
  return new Promise((resolve) => socket.on('disconnect', () => resolve(Date.now() - start)));
}

async function sessionsOf(client: TestClient): Promise<Session[]> {
  const res = await client.get('/api/sessions');
  expect(res.status).toBe(200);
  return res.body.sessions as Session[];
}

describe('GET /api/sessions', () => {
  it('lists this session and the other device with browser names, first and last seen, and marks the current one', async () => {
    const { phone } = await twoDevices();
    const list = await sessionsOf(phone);
    expect(list).toHaveLength(2);
    expect(list.find((s) => s.current)).toMatchObject({ browser: 'Chrome on Android', method: 'password' });
    expect(list.find((s) => !s.current)).toMatchObject({ browser: 'Firefox on macOS', method: 'password', current: false });
    for (const session of list) {
      expect(session.id).toMatch(/^[\w-]{22}$/);
      expect(Date.parse(session.createdAt)).not.toBeNaN();
      expect(Date.parse(session.lastSeenAt!)).not.toBeNaN();
    }
  });

  it('never reveals a token or its hash', async () => {
    const { phone, laptop } = await twoDevices();
    const text = JSON.stringify(await sessionsOf(phone));
    for (const client of [phone, laptop]) {
      const token = decodeURIComponent(client.cookie!.split('=')[1]!);
      expect(text).not.toContain(token);
      expect(text).not.toContain(hashSecret(token));
    }
  });

  it('updates "last seen" at most every five minutes', async () => {
    const { phone } = await twoDevices();
    const hash = hashSecret(decodeURIComponent(phone.cookie!.split('=')[1]!));
    const lastSeen = async () => (await server.db.select().from(sessionsTable).where(eq(sessionsTable.tokenHash, hash)))[0]!.lastSeenAt!.getTime();
    const first = await lastSeen();
    server.clock.advance(60_000);
    await phone.get('/api/me');
    await sleep(1_500);
    expect(await lastSeen()).toBe(first);
    server.clock.advance(SESSION_LAST_SEEN_RESOLUTION_MS);
    await phone.get('/api/me');
    // Written in a batch about a second later, not on the request's path.
    await expect.poll(lastSeen, { timeout: 3000 }).toBeGreaterThan(first);
  });

  it('needs a signed-in member', async () => {
    expect((await new TestClient(server.baseUrl).get('/api/sessions')).status).toBe(401);
  });
});

describe('DELETE /api/sessions/:id', () => {
  it('ends the other device’s session: its cookie is refused and its socket is dropped within a second', async () => {
    const { phone, laptop } = await twoDevices();
    const socket = openSocket(server.baseUrl, laptop.cookie);
    await connected(socket);
    const dropped = disconnection(socket);
    const other = (await sessionsOf(phone)).find((s) => !s.current)!;
    const res = await phone.request('DELETE', `/api/sessions/${other.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ended: 1, current: false });
    expect(await dropped).toBeLessThan(1000);
    expect((await laptop.get('/api/me')).status).toBe(401);
    expect((await phone.get('/api/me')).status).toBe(200);
    expect(await sessionsOf(phone)).toHaveLength(1);
  });

  it('answers 404 for another member’s session, which stays signed in', async () => {
    const alice = await twoDevices();
    const bob = await twoDevices();
    const bobs = (await sessionsOf(bob.phone)).find((s) => s.current)!;
    const res = await alice.phone.request('DELETE', `/api/sessions/${bobs.id}`);
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('NOT_FOUND');
    expect((await bob.phone.get('/api/me')).status).toBe(200);
  });
});

describe('POST /api/sessions/revoke-all', () => {
  it('signs out every other session and keeps the current one', async () => {
    const { email, phone, laptop } = await twoDevices();
    const tablet = new TestClient(server.baseUrl);
    await tablet.login(email);
    const sockets = [openSocket(server.baseUrl, laptop.cookie), openSocket(server.baseUrl, tablet.cookie)];
    await Promise.all(sockets.map(connected));
    const dropped = Promise.all(sockets.map(disconnection));
    const mine = openSocket(server.baseUrl, phone.cookie);
    await connected(mine);
    const res = await phone.post('/api/sessions/revoke-all');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 2, keptCurrent: true });
    expect(Math.max(...(await dropped))).toBeLessThan(1000);
    expect((await laptop.get('/api/me')).status).toBe(401);
    expect((await tablet.get('/api/me')).status).toBe(401);
    expect((await phone.get('/api/me')).status).toBe(200);
    expect(mine.connected).toBe(true);
    mine.disconnect();
  });
});

describe('POST /api/me/password', () => {
  it('refuses a wrong current password and changes nothing', async () => {
    const { email, phone, laptop } = await twoDevices();
    const res = await phone.post('/api/me/password', { currentPassword: 'not-my-password', newPassword: 'a-new-long-password' });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('INVALID_CREDENTIALS');
    expect((await laptop.get('/api/me')).status).toBe(200);
    await new TestClient(server.baseUrl).login(email);
  });

  it('refuses a new password that is too short', async () => {
    const { phone } = await twoDevices();
    const res = await phone.post('/api/me/password', { currentPassword: 'fair-demo', newPassword: 'short' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'newPassword' } });
  });

  it('changes the password with the current one and ends the other sessions', async () => {
    const { email, phone, laptop } = await twoDevices();
    const socket = openSocket(server.baseUrl, laptop.cookie);
    await connected(socket);
    const dropped = disconnection(socket);
    const res = await phone.post('/api/me/password', { currentPassword: 'fair-demo', newPassword: 'a-new-long-password' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ endedSessions: 1 });
    expect(await dropped).toBeLessThan(1000);
    expect((await laptop.get('/api/me')).status).toBe(401);
    expect((await phone.get('/api/me')).status).toBe(200);
    const old = await new TestClient(server.baseUrl).post('/api/auth/login', { email, password: 'fair-demo' });
    expect(old.status).toBe(401);
    await new TestClient(server.baseUrl).login(email, 'a-new-long-password');
  });
});

describe('re-authentication', () => {
  it('is required for sensitive changes once the window has passed, and a password renews it', async () => {
    const { phone } = await twoDevices();
    expect((await phone.post('/api/passkeys/registration/options')).status).toBe(200);
    server.clock.advance(REAUTH_WINDOW_MS + 1_000);
    const stale = await phone.post('/api/passkeys/registration/options');
    expect(stale.status).toBe(403);
    expect(stale.body.error?.code).toBe('REAUTH_REQUIRED');
    const wrong = await phone.post('/api/auth/reauth', { password: 'not-my-password' });
    expect(wrong.status).toBe(401);
    expect((await phone.post('/api/auth/reauth', { password: 'fair-demo' })).status).toBe(204);
    expect((await phone.post('/api/passkeys/registration/options')).status).toBe(200);
  });

  it('pauses after repeated wrong passwords', async () => {
    const { phone } = await twoDevices();
    for (let i = 0; i < 5; i++) expect((await phone.post('/api/auth/reauth', { password: `wrong-${i}` })).status).toBe(401);
    const paused = await phone.post('/api/auth/reauth', { password: 'fair-demo' });
    expect(paused.status).toBe(429);
    expect(paused.body.error?.code).toBe('RATE_LIMITED');
  });
});

describe('session cookie in production', () => {
  let production: TestServer;
  beforeAll(async () => {
    production = await startTestServer({ seed: false, env: { NODE_ENV: 'production' } });
    await createUser(production.db, { email: 'staff@fair.test', displayName: 'Staff Person', role: 'moderator' });
  });
  afterAll(async () => {
    await production.close();
  });

  it('is named __Host-fair_session, Secure, HttpOnly, SameSite=Lax, Path=/ and has no Domain', async () => {
    const client = new TestClient(production.baseUrl);
    await client.login('staff@fair.test');
    const cookie = client.lastSetCookie!;
    expect(cookie).toMatch(/^__Host-fair_session=[\w-]{40,};/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  it('is read under that name by HTTP and the socket handshake, and not under the development name', async () => {
    const client = new TestClient(production.baseUrl);
    await client.login('staff@fair.test');
    expect((await client.get('/api/me')).status).toBe(200);
    const socket = openSocket(production.baseUrl, client.cookie);
    await connected(socket);
    socket.disconnect();
    const value = client.cookie!.split('=')[1]!;
    const plain = new TestClient(production.baseUrl);
    plain.cookie = `fair_session=${value}`;
    expect((await plain.get('/api/me')).status).toBe(401);
    await expect(connected(openSocket(production.baseUrl, plain.cookie))).rejects.toThrow('UNAUTHENTICATED');
  });

  it('is cleared under that name on sign-out', async () => {
    const client = new TestClient(production.baseUrl);
    await client.login('staff@fair.test');
    await client.post('/api/auth/logout');
    expect(client.lastSetCookie).toMatch(/^__Host-fair_session=;/);
    expect(client.lastSetCookie).toMatch(/;\s*Secure/i);
  });
});
