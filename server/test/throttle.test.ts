import { afterEach, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { LOGIN_THROTTLE_POLICY, type LoginThrottlePolicy } from '../auth/login-throttle.js';
import { users } from '../db/tables.js';
import { DEMO_PASSWORD } from '../seed/demo.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';
import { sleep } from './sockets.js';

const FREE_ATTEMPTS = LOGIN_THROTTLE_POLICY.attemptsBeforeDelay;

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

/** A fair behind one trusted proxy (TRUST_PROXY=1), like nginx in front of one node. */
async function behindProxy(loginThrottle: Partial<LoginThrottlePolicy> = {}) {
  const server = await startTestServer({ env: { TRUST_PROXY: '1' }, deps: { loginThrottle } });
  servers.push(server);
  /**
   * A browser at `address`, as the proxy forwards it: the proxy appends the address it saw
   * to whatever X-Forwarded-For the client sent (`spoofed`).
   */
  const from = (address: string, spoofed?: string) =>
    new TestClient(server.baseUrl, { 'x-forwarded-for': spoofed ? `${spoofed}, ${address}` : address });
  return { server, from };
}

const guess = (client: TestClient, email: string, password = 'not-the-password') => client.post('/api/auth/login', { email, password });

describe('sign-in throttle behind a proxy', () => {
  it('is not reset by a rotating, spoofed left-most X-Forwarded-For', async () => {
    const { from } = await behindProxy();
    const statuses: number[] = [];
    for (let i = 0; i < FREE_ATTEMPTS + 5; i++) {
      statuses.push((await guess(from('198.51.100.7', `10.${i}.${i}.${i}`), 'member@fair.test')).status);
    }
    expect(statuses).toEqual([...Array<number>(FREE_ATTEMPTS).fill(401), ...Array<number>(5).fill(429)]);
  });

  it('lets the owner in from another address while an attacker hammers the account', async () => {
    const { from } = await behindProxy();
    const attacker = from('198.51.100.7');
    for (let i = 0; i < FREE_ATTEMPTS + 3; i++) await guess(attacker, 'member@fair.test');
    const refused = await guess(attacker, 'member@fair.test', DEMO_PASSWORD);
    expect(refused.status).toBe(429);
    expect(refused.body.error?.details?.retryAfterSeconds).toBeGreaterThan(0);

    const owner = from('203.0.113.20');
    expect((await guess(owner, 'member@fair.test', DEMO_PASSWORD)).status).toBe(200);
  });

  it('makes the attacker’s address wait longer after every further failure: 1 s, 2 s, 4 s... (here 100, 200, 400 ms)', async () => {
    const { from } = await behindProxy({ baseDelayMs: 100 });
    const attacker = from('198.51.100.7');
    /** When each guess that was let through started (the wait is set as it starts). */
    const allowedAt: number[] = [];
    while (allowedAt.length < FREE_ATTEMPTS + 3) {
      const startedAt = Date.now();
      const res = await guess(attacker, 'member@fair.test');
      if (res.status === 401) allowedAt.push(startedAt);
      else await sleep(10);
    }
    const gaps = allowedAt.slice(FREE_ATTEMPTS - 1).map((at, i, all) => (i === 0 ? 0 : at - all[i - 1]!)).slice(1);
    expect(gaps[0]).toBeGreaterThanOrEqual(90);
    expect(gaps[1]).toBeGreaterThanOrEqual(190);
    expect(gaps[2]).toBeGreaterThanOrEqual(390);
  });

  it('after too many failures on one account from everywhere, lets in only addresses that signed in before', async () => {
    const { from } = await behindProxy({ accountMaxFailures: 6 });
    const owner = from('203.0.113.20');
    expect((await guess(owner, 'member@fair.test', DEMO_PASSWORD)).status).toBe(200);

    // A botnet: many addresses, one guess each, so no single address is slowed.
    for (let i = 1; i <= 6; i++) expect((await guess(from(`198.51.100.${i}`), 'member@fair.test')).status).toBe(401);

    const newDevice = await guess(from('192.0.2.44'), 'member@fair.test', DEMO_PASSWORD);
    expect(newDevice.status).toBe(429);
    expect(newDevice.body.error?.code).toBe('RATE_LIMITED');
    expect((await guess(from('198.51.100.99'), 'member@fair.test')).status).toBe(429);

    expect((await guess(owner, 'member@fair.test', DEMO_PASSWORD)).status).toBe(200);
    // Other accounts are untouched.
    expect((await guess(from('192.0.2.44'), 'member2@fair.test', DEMO_PASSWORD)).status).toBe(200);
  });

  it('caps failures from one address across many accounts, yet lets its known members in', async () => {
    const { from } = await behindProxy({ addressMaxFailures: 5 });
    const office = '198.51.100.50';
    expect((await guess(from(office), 'host@fair.test', DEMO_PASSWORD)).status).toBe(200);

    for (let i = 0; i < 5; i++) expect((await guess(from(office), `spray${i}@fair.test`)).status).toBe(401);
    const sprayed = await guess(from(office), 'spray5@fair.test');
    expect(sprayed.status).toBe(429);
    // A member who never signed in from here waits too: the password is not even checked.
    expect((await guess(from(office), 'member@fair.test', DEMO_PASSWORD)).status).toBe(429);

    expect((await guess(from(office), 'host@fair.test', DEMO_PASSWORD)).status).toBe(200);
    expect((await guess(from('203.0.113.9'), 'member@fair.test', DEMO_PASSWORD)).status).toBe(200);
  });

  it('never answers 429 to 30 members signing in at once from one NAT address', async () => {
    const { server, from } = await behindProxy();
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const emails = Array.from({ length: 30 }, (_, i) => `nat${i}@fair.test`);
    await server.db
      .insert(users)
      .values(emails.map((email, i) => ({ id: crypto.randomUUID(), email, displayName: `NAT member ${i}`, role: 'member' as const, passwordHash })));

    const statuses = await Promise.all(emails.map((email) => guess(from('198.51.100.200'), email, DEMO_PASSWORD).then((res) => res.status)));
    expect(statuses).toEqual(Array<number>(30).fill(200));
    // Successes gave their counts back: the address still has its whole failure budget.
    for (let i = 0; i < FREE_ATTEMPTS; i++) expect((await guess(from('198.51.100.200'), `typo${i}@fair.test`)).status).toBe(401);
  });
});
