import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE_POLICY } from '../auth/login-throttle.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';
import { sleep } from './sockets.js';

const FREE_ATTEMPTS = LOGIN_THROTTLE_POLICY.attemptsBeforeDelay;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('GET /healthz', () => {
  it('answers ok', async () => {
    const res = await new TestClient(server.baseUrl).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', ok: true, checks: { database: { ok: true } } });
  });
});

describe('POST /api/auth/login', () => {
  it('signs in a demo member and sets an HttpOnly, SameSite=Lax session cookie', async () => {
    const client = new TestClient(server.baseUrl);
    const res = await client.login('member@fair.test');
    expect(res.body.user).toMatchObject({ email: 'member@fair.test', role: 'member' });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    const cookie = client.lastSetCookie!;
    expect(cookie).toMatch(/^fair_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email: 'member@fair.test' });
  });

  it('treats the email case-insensitively', async () => {
    const res = await new TestClient(server.baseUrl).post('/api/auth/login', { email: ' Member@Fair.TEST ', password: 'fair-demo' });
    expect(res.status).toBe(200);
  });

  it('answers 401 INVALID_CREDENTIALS for a wrong password and for an unknown account alike', async () => {
    const client = new TestClient(server.baseUrl);
    const wrong = await client.post('/api/auth/login', { email: 'member2@fair.test', password: 'not-the-password' });
    const unknown = await client.post('/api/auth/login', { email: 'nobody@fair.test', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
    expect(wrong.body.error?.code).toBe('INVALID_CREDENTIALS');
    expect(client.cookie).toBeUndefined();
  });

  it('answers 400 INVALID_PAYLOAD naming the field for a malformed body', async () => {
    const client = new TestClient(server.baseUrl);
    const res = await client.post('/api/auth/login', { email: 'not-an-email', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'email' } });
    const broken = await client.post('/api/auth/login', '{"email": ', 'application/json');
    expect(broken.status).toBe(400);
    expect(broken.body.error?.code).toBe('INVALID_PAYLOAD');
    expect(JSON.stringify(broken.body)).not.toMatch(/at .*\.js|SyntaxError/);
  });

  it('sets a Secure cookie behind an https proxy', async () => {
    const proxied = await startTestServer({ env: { TRUST_PROXY: '1' } });
    try {
      const client = new TestClient(proxied.baseUrl, { 'x-forwarded-proto': 'https' });
      await client.login('member@fair.test');
      expect(client.lastSetCookie).toMatch(/; Secure/i);
    } finally {
      await proxied.close();
    }
  });
});

describe('login throttle', () => {
  it('answers 429 RATE_LIMITED after repeated failures on one account from one address, even with the right password, then recovers', async () => {
    const client = new TestClient(server.baseUrl);
    for (let i = 0; i < FREE_ATTEMPTS; i++) {
      const res = await client.post('/api/auth/login', { email: 'host@fair.test', password: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    const blocked = await client.post('/api/auth/login', { email: 'host@fair.test', password: 'fair-demo' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error?.code).toBe('RATE_LIMITED');
    expect(blocked.body.error?.message).toMatch(/Try again in \d+ seconds/);
    const retryAfterSeconds = Number(blocked.headers.get('retry-after'));
    expect(retryAfterSeconds).toBe(Math.ceil(LOGIN_THROTTLE_POLICY.baseDelayMs / 1000));
    expect(blocked.body.error?.details).toEqual({ retryAfterSeconds });

    await sleep(retryAfterSeconds * 1000 + 50);
    const after = await client.post('/api/auth/login', { email: 'host@fair.test', password: 'fair-demo' });
    expect(after.status).toBe(200);
  });

  it('throttles an unknown account exactly like a real one, so it reveals nothing', async () => {
    const client = new TestClient(server.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i <= FREE_ATTEMPTS; i++) {
      statuses.push((await client.post('/api/auth/login', { email: 'ghost@fair.test', password: 'wrong-password' })).status);
    }
    expect(statuses).toEqual([...Array<number>(FREE_ATTEMPTS).fill(401), 429]);
  });
});

describe('sessions', () => {
  it('answers 401 UNAUTHENTICATED on /api/me without a session', async () => {
    const res = await new TestClient(server.baseUrl).get('/api/me');
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('UNAUTHENTICATED');
  });

  it('logout ends the session on the server, so the old cookie no longer works', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member2@fair.test');
    const stolen = new TestClient(server.baseUrl);
    stolen.cookie = client.cookie;
    expect((await client.post('/api/auth/logout')).status).toBe(204);
    expect(client.lastSetCookie).toMatch(/fair_session=;/);
    expect((await stolen.get('/api/me')).status).toBe(401);
  });

  it('refuses a state-changing request from another origin', async () => {
    const client = new TestClient(server.baseUrl, { origin: 'https://evil.example' });
    const res = await client.post('/api/auth/login', { email: 'member@fair.test', password: 'fair-demo' });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('FORBIDDEN');
  });
});

describe('GET /api/booths', () => {
  it('lists the 11 demo booths with their public fields', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member@fair.test');
    const res = await client.get('/api/booths');
    expect(res.status).toBe(200);
    const booths = res.body as unknown as Record<string, unknown>[];
    expect(booths).toHaveLength(11);
    for (const booth of booths) {
      expect(Object.keys(booth).sort()).toEqual(
        ['capacity', 'description', 'id', 'languages', 'links', 'locked', 'name', 'network', 'occupancy', 'pinned', 'sessions', 'slowModeSeconds', 'slug', 'status', 'tags', 'translations', 'video', 'videoParticipants', 'waiting'].sort(),
      );
    }
    const one = await client.get('/api/booths/peace-direct');
    // No LIVEKIT_* settings here: the fair runs text-only and says so.
    expect(one.body).toMatchObject({ slug: 'peace-direct', name: 'Peace Direct', status: 'open', occupancy: 0, video: false, videoParticipants: 0 });
    expect((await client.get('/api/booths/no-such-booth')).body.error?.code).toBe('NOT_FOUND');
  });

  it('needs a session', async () => {
    expect((await new TestClient(server.baseUrl).get('/api/booths')).status).toBe(401);
  });

  it('answers unknown API paths with a JSON NOT_FOUND', async () => {
    const res = await new TestClient(server.baseUrl).get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('NOT_FOUND');
  });
});
