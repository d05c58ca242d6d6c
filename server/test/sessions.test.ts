import { describe, expect, it } from 'vitest';
import { createAuthService } from '../auth/service.js';
import { disconnectEndedSessions } from '../auth/session-sockets.js';
import { eq } from 'drizzle-orm';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { sessions, users } from '../db/tables.js';
import { readCookie, SESSION_COOKIE } from '../auth/cookies.js';
import { useSocketFair } from './fair.js';
import { startTestServer } from './harness.js';
import { connected, cut, openSocket, request, sleep, signedInSocket, type ClientSocket } from './sockets.js';

const fair = useSocketFair();

/** Still connected, and still answered: a round trip through the server. */
async function stillServed(socket: ClientSocket): Promise<void> {
  expect(socket.connected).toBe(true);
  const ack = await request(socket, 'booth:leave', { boothId: fair.boothIds['peace-direct']! });
  expect(ack).toHaveProperty('ok');
}

describe('signing out', () => {
  it('cuts the sockets of that session within a second, and leaves the same member’s other sign-in alone', async () => {
    const laptop = await fair.connect('member@fair.test');
    const phone = await fair.connect('member@fair.test');

    const laptopCut = cut(laptop.socket);
    expect((await laptop.client.post('/api/auth/logout')).status).toBe(204);
    // A server-side disconnect: Socket.IO does not retry it; the client asks /api/me instead.
    expect(await laptopCut).toBe('io server disconnect');

    await sleep(200);
    await stillServed(phone.socket);
    expect((await phone.client.get('/api/me')).status).toBe(200);
  });

  it('cuts a stolen cookie’s socket when the victim signs out, and the cookie cannot reconnect', async () => {
    const victim = await fair.connect('member2@fair.test');
    const thief = openSocket(fair.server.baseUrl, victim.client.cookie);
    fair.track(thief);
    await connected(thief);

    const victimCut = cut(victim.socket);
    const thiefCut = cut(thief);
    expect((await victim.client.post('/api/auth/logout')).status).toBe(204);
    expect(await thiefCut).toBe('io server disconnect');
    expect(await victimCut).toBe('io server disconnect');

    const again = openSocket(fair.server.baseUrl, victim.client.cookie ?? `${SESSION_COOKIE}=x`);
    fair.track(again);
    await expect(connected(again)).rejects.toThrow('UNAUTHENTICATED');
  });
});

describe('ending a member’s sessions (password change, deactivation)', () => {
  // No route changes passwords or deactivates accounts yet: this drives the service they
  // will call, wired to the running server's sockets as the app wires it.
  function authOf() {
    const { server } = fair;
    return createAuthService({
      db: server.db,
      clock: server.clock,
      sessionTtlMs: server.config.sessionTtlMs,
      onSessionsEnded: (ended) => disconnectEndedSessions(server.app.io, ended),
    });
  }

  it('keeps the device that changed the password and cuts every other', async () => {
    const current = await fair.connect('host@fair.test');
    const other = await fair.connect('host@fair.test');
    const otherCut = cut(other.socket);
    const currentSession = hashSecret(readCookie(current.client.cookie, SESSION_COOKIE)!);

    await authOf().endSessionsOf(current.userId, currentSession);

    expect(await otherCut).toBe('io server disconnect');
    expect((await other.client.get('/api/me')).status).toBe(401);
    await sleep(200);
    await stillServed(current.socket);
    expect((await current.client.get('/api/me')).status).toBe(200);
  });

  it('cuts every socket of every session when all end (deactivation)', async () => {
    const one = await fair.connect('moderator@fair.test');
    const two = await fair.connect('moderator@fair.test');
    const cuts = [cut(one.socket), cut(two.socket)];

    await authOf().endSessionsOf(one.userId);

    expect(await Promise.all(cuts)).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await one.client.get('/api/me')).status).toBe(401);
    expect((await two.client.get('/api/me')).status).toBe(401);
  });
});

describe('session expiry', () => {
  it('cuts the socket when the session runs out, and it cannot reconnect', async () => {
    const server = await startTestServer({ deps: { sessionSweepIntervalMs: 50 } });
    const open: ClientSocket[] = [];
    try {
      const { socket, client } = await signedInSocket(server.baseUrl, 'member@fair.test');
      open.push(socket);
      await sleep(200);
      expect(socket.connected).toBe(true);

      const expired = cut(socket);
      server.clock.advance(server.config.sessionTtlMs + 1000);
      expect(await expired).toBe('io server disconnect');

      const again = openSocket(server.baseUrl, client.cookie);
      open.push(again);
      await expect(connected(again)).rejects.toThrow('UNAUTHENTICATED');
      expect((await client.get('/api/me')).status).toBe(401);
    } finally {
      for (const socket of open) socket.disconnect();
      await server.close();
    }
  });

  it('cuts at the expiry instant when that comes before the next regular look', async () => {
    const server = await startTestServer({ deps: { sessionSweepIntervalMs: 2000 } });
    const open: ClientSocket[] = [];
    try {
      // The sweep ran at start; its next regular look is 2 s later, the one after at 4 s.
      const token = newSecret();
      const startedAt = Date.now();
      const [member] = await server.db.select({ id: users.id }).from(users).where(eq(users.email, 'member@fair.test')).limit(1);
      await server.db.insert(sessions).values({ tokenHash: hashSecret(token), userId: member!.id, expiresAt: new Date(server.clock.now() + 2500) });
      const socket = openSocket(server.baseUrl, `${SESSION_COOKIE}=${token}`);
      open.push(socket);
      await connected(socket);

      // The 2 s look sees this session is next to end and wakes at 2.5 s, not at 4 s.
      expect(await cut(socket, 5000)).toBe('io server disconnect');
      const afterMs = Date.now() - startedAt;
      expect(afterMs).toBeGreaterThanOrEqual(2400);
      expect(afterMs).toBeLessThan(3400);
    } finally {
      for (const socket of open) socket.disconnect();
      await server.close();
    }
  });
});
