import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BoothJoinData } from '../../shared/protocol.js';
import { LOGIN_THROTTLE_POLICY } from '../auth/login-throttle.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';
import { connected, openSocket, request, signedInSocket, type ClientSocket } from './sockets.js';

let server: TestServer;
const open: ClientSocket[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(() => {
  for (const socket of open.splice(0)) socket.disconnect();
});
afterAll(async () => {
  await server.close();
});

describe('chat bodies full of HTML and script', () => {
  it('are stored and returned verbatim as JSON text, never rewritten or run', async () => {
    const body = '<script>alert("x")</script><img src=x onerror="alert(1)"> & <b>bold</b> \u003c/script\u003e';
    const { socket } = await signedInSocket(server.baseUrl, 'member@fair.test');
    open.push(socket);
    const booth = (await request(socket, 'booth:join', { boothId: 1 })) as { ok: true; data: BoothJoinData };
    expect(booth.ok).toBe(true);
    const ack = await request(socket, 'chat:send', { boothId: 1, clientMsgId: randomUUID(), body });
    expect(ack.ok && ack.data.body).toBe(body);

    const [stored] = await server.sql<{ body: string }>('select body from messages where body like ?', ['<script>%']);
    expect(stored!.body).toBe(body);
    const history = await request(socket, 'chat:history', { boothId: 1 });
    expect(history.ok && history.data.messages.at(-1)?.body).toBe(body);
  });

  it('cannot be sniffed into HTML: JSON answers say nosniff and are application/json', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member@fair.test');
    const res = await client.get('/api/booths');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('security headers', () => {
  it('send a Content-Security-Policy that allows only our own scripts, no plugins and no framing', async () => {
    for (const path of ['/healthz', '/api/booths', '/api/nope']) {
      const res = await new TestClient(server.baseUrl).get(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
      expect(directives.get('default-src')).toEqual(["'self'"]);
      expect(directives.get('script-src')).toEqual(["'self'"]);
      expect(directives.get('object-src')).toEqual(["'none'"]);
      expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });
});

describe('requests from another origin', () => {
  it('cannot sign a member out or invite people, even with the member’s cookie', async () => {
    const admin = new TestClient(server.baseUrl);
    await admin.login('admin@fair.test');
    for (const origin of ['https://evil.example', 'null', `http://fair.test.evil.example`]) {
      const forged = new TestClient(server.baseUrl, { origin });
      forged.cookie = admin.cookie;
      expect((await forged.post('/api/auth/logout')).status).toBe(403);
      const invite = await forged.post('/api/admin/invites', { email: 'mallory@example.org', role: 'admin' });
      expect(invite.status).toBe(403);
      expect(invite.body.error?.code).toBe('FORBIDDEN');
    }
    expect((await admin.get('/api/me')).status).toBe(200);
    expect(await server.sql('select cast(count(*) as integer) as n from invites')).toEqual([{ n: 0 }]);
  });

  it('cannot open a realtime connection with the member’s cookie', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member@fair.test');
    const hijack = openSocket(server.baseUrl, client.cookie, { origin: 'https://evil.example' });
    open.push(hijack);
    await expect(connected(hijack)).rejects.toThrow();
    const sameSite = openSocket(server.baseUrl, client.cookie, { origin: server.baseUrl });
    open.push(sameSite);
    await connected(sameSite);
  });
});

describe('session cookies', () => {
  it('are HttpOnly, SameSite=Lax, host-only and site-wide when an invite is accepted too', async () => {
    const admin = new TestClient(server.baseUrl);
    await admin.login('admin@fair.test');
    const invite = (await admin.post('/api/admin/invites', { email: 'cookie@example.org', role: 'member' })).body.invite as { link: string };
    const guest = new TestClient(server.baseUrl);
    const accepted = await guest.post('/api/auth/accept-invite', { code: invite.link.split('/invite/')[1], displayName: 'Cookie', password: 'a long enough password' });
    expect(accepted.status).toBe(201);
    for (const cookie of [guest.lastSetCookie!, admin.lastSetCookie!]) {
      const attributes = cookie.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=lax');
      expect(attributes).toContain('path=/');
      expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    }
  });

  it('stop working once the session expires', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member2@fair.test');
    expect((await client.get('/api/me')).status).toBe(200);
    server.clock.advance(server.config.sessionTtlMs + 1000);
    try {
      expect((await client.get('/api/me')).status).toBe(401);
      const socket = openSocket(server.baseUrl, client.cookie);
      open.push(socket);
      await expect(connected(socket)).rejects.toThrow('UNAUTHENTICATED');
    } finally {
      server.clock.advance(-(server.config.sessionTtlMs + 1000));
    }
  });
});

describe('login brute force', () => {
  it('is throttled even when the guesses arrive all at once', async () => {
    const attacker = new TestClient(server.baseUrl, { 'x-forwarded-for': '198.51.100.9' });
    const guesses = Array.from({ length: 20 }, (_, i) => attacker.post('/api/auth/login', { email: 'moderator@fair.test', password: `guess-${i}` }));
    const statuses = (await Promise.all(guesses)).map((res) => res.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(LOGIN_THROTTLE_POLICY.attemptsBeforeDelay);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(20 - LOGIN_THROTTLE_POLICY.attemptsBeforeDelay);
  });
});
