import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REAUTH_WINDOW_MS } from '../auth/recent-auth.js';
import { authChallenges, passkeys } from '../db/tables.js';
import { PASSKEY_CHALLENGE_TTL_MS } from '../passkeys/service.js';
import { createUser, startTestServer, TestClient, type TestServer } from './harness.js';
import { createSoftAuthenticator } from './soft-authenticator.js';
import { connected, openSocket } from './sockets.js';

type Options = { challengeId: string; options: { challenge: string; user: { id: string }; allowCredentials?: unknown[]; rp?: { id: string } } };

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { PUBLIC_URL: 'http://localhost:4321', PASSKEYS_REQUIRED_FOR_STAFF: 'true' } });
});
afterAll(async () => {
  await server.close();
});

let accounts = 0;
/** A fresh account, signed in with its password, so tests do not share passkeys or sessions. */
async function freshAccount(role: 'member' | 'host' = 'member') {
  accounts += 1;
  const email = `passkey${accounts}@fair.test`;
  const userId = await createUser(server.db, { email, displayName: `Passkey Tester ${accounts}`, role, ...(role === 'host' ? { hostsBoothId: 1 } : {}) });
  const client = new TestClient(server.baseUrl, { 'user-agent': 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36' });
  await client.login(email);
  return { email, userId, client };
}

/** Adds a passkey through the API with a software authenticator. */
async function addPasskey(client: TestClient, authenticator = createSoftAuthenticator(server.config.publicUrl), name?: string) {
  const options = (await client.post('/api/passkeys/registration/options')).body as unknown as Options;
  const response = authenticator.register(options.options);
  const registered = await client.post('/api/passkeys/registration', { challengeId: options.challengeId, response, ...(name ? { name } : {}) });
  return { authenticator, registered };
}

async function signInWithPasskey(authenticator: ReturnType<typeof createSoftAuthenticator>, client = new TestClient(server.baseUrl)) {
  const options = (await client.post('/api/auth/passkey/options')).body as unknown as Options;
  const response = authenticator.assert(options.options);
  return { client, options, response, result: await client.post('/api/auth/passkey', { challengeId: options.challengeId, response }) };
}

describe('passkey registration options', () => {
  it('answers a challenge for the PUBLIC_URL relying party and stores it, one-time, for five minutes', async () => {
    const { client, userId } = await freshAccount();
    const res = await client.post('/api/passkeys/registration/options');
    expect(res.status).toBe(200);
    const body = res.body as unknown as Options & { options: { authenticatorSelection: { residentKey: string } } };
    expect(body.options.rp).toMatchObject({ id: 'localhost' });
    expect(body.options.authenticatorSelection.residentKey).toBe('required');
    const stored = (await server.db.select().from(authChallenges).where(eq(authChallenges.id, body.challengeId)))[0];
    expect(stored).toMatchObject({ challenge: body.options.challenge, purpose: 'register', userId });
    const ttl = stored!.expiresAt.getTime() - server.clock.now();
    expect(ttl).toBeGreaterThan(PASSKEY_CHALLENGE_TTL_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(PASSKEY_CHALLENGE_TTL_MS);
  });

  it('refuses people who are not signed in', async () => {
    const res = await new TestClient(server.baseUrl).post('/api/passkeys/registration/options');
    expect(res.status).toBe(401);
  });
});

describe('adding, listing and removing passkeys', () => {
  it('registers a passkey named after the browser, lists it without its key, and ends the other sessions', async () => {
    const { client, email } = await freshAccount();
    const otherDevice = new TestClient(server.baseUrl);
    await otherDevice.login(email);
    const socket = openSocket(server.baseUrl, otherDevice.cookie);
    await connected(socket);
    const disconnected = new Promise<number>((resolve) => {
      const start = Date.now();
      socket.on('disconnect', () => resolve(Date.now() - start));
    });
    const { registered } = await addPasskey(client);
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ passkey: { name: 'Chrome on Android', backedUp: false }, endedSessions: 1 });
    expect(await disconnected).toBeLessThan(1000);
    expect((await otherDevice.get('/api/me')).status).toBe(401);
    expect((await client.get('/api/me')).status).toBe(200);
    const list = await client.get('/api/passkeys');
    expect(list.body).toMatchObject({ passkeys: [{ name: 'Chrome on Android' }], requiredForStaff: false });
    expect(JSON.stringify(list.body)).not.toMatch(/publicKey/);
  });

  it('keeps a name the member typed', async () => {
    const { client } = await freshAccount();
    const { registered } = await addPasskey(client, undefined, 'Work laptop');
    expect(registered.body).toMatchObject({ passkey: { name: 'Work laptop' } });
  });

  it('removes one of your own passkeys, and answers 404 for anyone else’s', async () => {
    const owner = await freshAccount();
    const stranger = await freshAccount();
    const { registered } = await addPasskey(owner.client);
    const id = (registered.body.passkey as { id: string }).id;
    expect((await stranger.client.request('DELETE', `/api/passkeys/${encodeURIComponent(id)}`)).status).toBe(404);
    expect((await owner.client.request('DELETE', `/api/passkeys/${encodeURIComponent(id)}`)).status).toBe(204);
    expect((await owner.client.get('/api/passkeys')).body).toMatchObject({ passkeys: [] });
  });

  it('refuses a registration answered to a challenge that was already used', async () => {
    const { client } = await freshAccount();
    const authenticator = createSoftAuthenticator(server.config.publicUrl);
    const options = (await client.post('/api/passkeys/registration/options')).body as unknown as Options;
    const first = await client.post('/api/passkeys/registration', { challengeId: options.challengeId, response: authenticator.register(options.options) });
    expect(first.status).toBe(201);
    const replay = await client.post('/api/passkeys/registration', { challengeId: options.challengeId, response: authenticator.register(options.options) });
    expect(replay.status).toBe(401);
    expect(replay.body.error?.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses an answer signed for another site', async () => {
    const { client } = await freshAccount();
    const options = (await client.post('/api/passkeys/registration/options')).body as unknown as Options;
    const phished = createSoftAuthenticator('http://localhost.evil.test').register(options.options);
    const res = await client.post('/api/passkeys/registration', { challengeId: options.challengeId, response: phished });
    expect(res.status).toBe(400);
    expect((await server.db.select().from(authChallenges).where(eq(authChallenges.id, options.challengeId)))[0]).toBeUndefined();
  });
});

describe('signing in with a passkey', () => {
  it('asks for no account (empty allowCredentials) and stores the challenge without a user', async () => {
    const res = await new TestClient(server.baseUrl).post('/api/auth/passkey/options');
    expect(res.status).toBe(200);
    const body = res.body as unknown as Options;
    expect(body.options.allowCredentials ?? []).toEqual([]);
    expect((await server.db.select().from(authChallenges).where(eq(authChallenges.id, body.challengeId)))[0]).toMatchObject({ purpose: 'login', userId: null });
  });

  it('signs in, sets the session cookie, and records the counter and last use', async () => {
    const { client, userId } = await freshAccount();
    const { authenticator, registered } = await addPasskey(client);
    const id = (registered.body.passkey as { id: string }).id;
    const { client: browser, result } = await signInWithPasskey(authenticator);
    expect(result.status).toBe(200);
    expect(result.body.user).toMatchObject({ id: userId });
    expect(browser.cookie).toMatch(/^fair_session=/);
    expect((await browser.get('/api/me')).status).toBe(200);
    const stored = (await server.db.select().from(passkeys).where(eq(passkeys.id, id)))[0];
    expect(stored?.counter).toBe(1);
    expect(stored?.lastUsedAt).toBeInstanceOf(Date);
    const sessions = (await browser.get('/api/sessions')).body.sessions as { current: boolean; method: string }[];
    expect(sessions.find((s) => s.current)?.method).toBe('passkey');
  });

  it('refuses a replayed answer: the challenge is gone after one use', async () => {
    const { client } = await freshAccount();
    const { authenticator } = await addPasskey(client);
    const { options, response, result } = await signInWithPasskey(authenticator);
    expect(result.status).toBe(200);
    const replay = await new TestClient(server.baseUrl).post('/api/auth/passkey', { challengeId: options.challengeId, response });
    expect(replay.status).toBe(401);
    expect(replay.body.error?.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses an answer to an expired challenge', async () => {
    const { client } = await freshAccount();
    const { authenticator } = await addPasskey(client);
    const anonymous = new TestClient(server.baseUrl);
    const options = (await anonymous.post('/api/auth/passkey/options')).body as unknown as Options;
    server.clock.advance(PASSKEY_CHALLENGE_TTL_MS + 1_000);
    const late = await anonymous.post('/api/auth/passkey', { challengeId: options.challengeId, response: authenticator.assert(options.options) });
    expect(late.status).toBe(401);
    expect(anonymous.cookie).toBeUndefined();
  });

  it('refuses a sign-in challenge used for re-authentication', async () => {
    const { client } = await freshAccount();
    const { authenticator } = await addPasskey(client);
    const options = (await new TestClient(server.baseUrl).post('/api/auth/passkey/options')).body as unknown as Options;
    const res = await client.post('/api/auth/reauth/passkey', { challengeId: options.challengeId, response: authenticator.assert(options.options) });
    expect(res.status).toBe(401);
  });
});

describe('re-authentication with a passkey', () => {
  it('refreshes the proof of identity so a sensitive change goes through again', async () => {
    const { client } = await freshAccount();
    const { authenticator } = await addPasskey(client);
    server.clock.advance(REAUTH_WINDOW_MS + 1_000);
    const stale = await client.post('/api/passkeys/registration/options');
    expect(stale.status).toBe(403);
    expect(stale.body.error?.code).toBe('REAUTH_REQUIRED');
    const options = (await client.post('/api/auth/reauth/passkey/options')).body as unknown as Options;
    expect(options.options.allowCredentials).toHaveLength(1);
    const res = await client.post('/api/auth/reauth/passkey', { challengeId: options.challengeId, response: authenticator.assert(options.options) });
    expect(res.status).toBe(204);
    expect((await client.post('/api/passkeys/registration/options')).status).toBe(200);
  });
});

describe('PASSKEYS_REQUIRED_FOR_STAFF', () => {
  it('lets staff without a passkey use their password, and asks them to add one', async () => {
    const host = await freshAccount('host');
    const again = await new TestClient(server.baseUrl).post('/api/auth/login', { email: host.email, password: 'fair-demo' });
    expect(again.status).toBe(200);
    expect(again.body.addPasskey).toBe(true);
    expect((await host.client.get('/api/passkeys')).body).toMatchObject({ requiredForStaff: true });
  });

  it('refuses the password of staff who have a passkey with PASSKEY_REQUIRED, and admits the passkey', async () => {
    const host = await freshAccount('host');
    const { authenticator } = await addPasskey(host.client);
    const password = await new TestClient(server.baseUrl).post('/api/auth/login', { email: host.email, password: 'fair-demo' });
    expect(password.status).toBe(403);
    expect(password.body.error?.code).toBe('PASSKEY_REQUIRED');
    expect((await signInWithPasskey(authenticator)).result.status).toBe(200);
  });

  it('still takes a member’s password after they add a passkey', async () => {
    const member = await freshAccount();
    await addPasskey(member.client);
    const res = await new TestClient(server.baseUrl).post('/api/auth/login', { email: member.email, password: 'fair-demo' });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('addPasskey');
  });
});
