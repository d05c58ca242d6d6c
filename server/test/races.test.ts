import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthService, type EndedSessions } from '../auth/service.js';
import { boothIdsBySlug, createSharedState, createUser, startTestServer, TestClient, testDialect, type SharedState, type TestServer } from './harness.js';
import { pauseWrites, untilPaused } from './pg-faults.js';
import { createSoftAuthenticator } from './soft-authenticator.js';
import { openSocket, connected, request, type ClientSocket } from './sockets.js';

/**
 * Writers at the same moment. On PostgreSQL two nodes of one fair (one database, one Redis
 * prefix) take the requests, and a paused trigger (pg-faults.ts) holds the first writer inside
 * its transaction so the others overlap it for certain; on SQLite one server, whose writes run
 * one at a time but whose requests still interleave between awaits. Either way each race has one
 * clear outcome: one wins, the others get the domain's answer (never INTERNAL), the data agrees.
 */
const PUBLIC_URL = 'http://localhost:4321';
let shared: (SharedState & { drop(): Promise<void> }) | undefined;
let a: TestServer;
let b: TestServer;
let boothId: number;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  const env = { PUBLIC_URL };
  if (testDialect === 'postgres') {
    shared = await createSharedState();
    a = await startTestServer({ shared, seed: true, env: { ...env, NODE_ID: 'node-a' } });
    b = await startTestServer({ shared, env: { ...env, NODE_ID: 'node-b' } });
  } else {
    a = b = await startTestServer({ env });
  }
  boothId = (await boothIdsBySlug(a.baseUrl))['peace-direct']!;
});
afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await a?.close();
  if (b !== a) await b?.close();
  await shared?.drop();
});

let people = 0;
/** A new member (or staff) account, signed in over HTTP on `node`. */
async function someone(node: TestServer, role: 'member' | 'host' = 'member') {
  people += 1;
  const email = `racer${people}@fair.test`;
  const userId = await createUser(a.db, { email, displayName: `Racer ${people}`, role, ...(role === 'host' ? { hostsBoothId: boothId } : {}) });
  const client = new TestClient(node.baseUrl);
  await client.login(email);
  return { email, userId, client };
}

async function socketOf(node: TestServer, client: TestClient): Promise<ClientSocket> {
  const socket = openSocket(node.baseUrl, client.cookie);
  sockets.push(socket);
  await connected(socket);
  return socket;
}

/** Which node the i-th of several racers uses: alternating, so each race spans both nodes. */
const nodeFor = (i: number) => (i % 2 === 0 ? a : b);

describe('first private visits at the same moment', () => {
  it('give every member their own number, and one member’s two tabs one alias', async () => {
    const resume = await pauseWrites(a, { table: 'private_aliases', event: 'INSERT', seconds: 0.2 });
    try {
      const members = await Promise.all(Array.from({ length: 4 }, async (_, i) => socketOf(nodeFor(i), (await someone(nodeFor(i))).client)));
      const twoTabs = await someone(a);
      const tabs = [await socketOf(a, twoTabs.client), await socketOf(b, twoTabs.client)];

      const joins = await Promise.all([...members, ...tabs].map((socket) => request(socket, 'booth:join', { boothId, private: true }, 15_000)));
      for (const join of joins) expect(join).toMatchObject({ ok: true });
      const aliases = joins.map((join) => (join.ok ? join.data.privateAlias : null));
      const [tabA, tabB] = aliases.slice(-2);
      expect(tabA).toEqual(tabB);
      const distinct = new Set(aliases.slice(0, -1).map((alias) => alias?.displayName));
      expect(distinct.size).toBe(members.length + 1);

      const rows = await a.sql<{ number: number }>('select number from private_aliases where booth_id = ? order by number', [boothId]);
      expect(rows.map((row) => row.number)).toEqual(Array.from({ length: members.length + 1 }, (_, i) => i + 1));
    } finally {
      await resume();
    }
  });
});

describe('one passkey registered twice at the same moment', () => {
  it('stores it once: one 201, the other CONFLICT, whichever node each reached', async () => {
    const first = await someone(a);
    const second = await someone(b);
    const authenticator = createSoftAuthenticator(PUBLIC_URL);
    type Options = { challengeId: string; options: { challenge: string; user: { id: string } } };
    const optionsOf = async (client: TestClient) => (await client.post('/api/passkeys/registration/options')).body as unknown as Options;
    const [forFirst, forSecond] = [await optionsOf(first.client), await optionsOf(second.client)];
    const response = authenticator.register(forFirst.options);
    // The same credential sent again, for another account: what a replaying client would do.
    const replayed = authenticator.register(forSecond.options, response.id);

    const resume = await pauseWrites(a, { table: 'passkeys', event: 'INSERT' });
    try {
      const answers = await Promise.all([
        first.client.post('/api/passkeys/registration', { challengeId: forFirst.challengeId, response }),
        second.client.post('/api/passkeys/registration', { challengeId: forSecond.challengeId, response: replayed }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      expect(answers.find((answer) => answer.status === 409)?.body.error?.code).toBe('CONFLICT');
    } finally {
      await resume();
    }
    expect(await a.sql('select user_id from passkeys where id = ?', [response.id])).toHaveLength(1);
  });
});

describe('two sign-ins with one passkey at the same moment', () => {
  it('keeps the newest counter: an older assertion that lands second is refused', async () => {
    const owner = await someone(a);
    const authenticator = createSoftAuthenticator(PUBLIC_URL);
    type Options = { challengeId: string; options: { challenge: string; user: { id: string } } };
    const registration = (await owner.client.post('/api/passkeys/registration/options')).body as unknown as Options;
    const registered = await owner.client.post('/api/passkeys/registration', { challengeId: registration.challengeId, response: authenticator.register(registration.options) });
    expect(registered.status).toBe(201);

    const signInOptions = async (node: TestServer) => {
      const client = new TestClient(node.baseUrl);
      return { client, options: (await client.post('/api/auth/passkey/options')).body as unknown as Options };
    };
    const [older, newer] = [await signInOptions(a), await signInOptions(b)];
    // Signed in that order by the device (counters 1 and 2); they reach the fair the other way round.
    const olderAssertion = authenticator.assert(older.options.options);
    const newerAssertion = authenticator.assert(newer.options.options);

    const resume = await pauseWrites(a, { table: 'passkeys', event: 'UPDATE' });
    try {
      const newerAnswer = newer.client.post('/api/auth/passkey', { challengeId: newer.options.challengeId, response: newerAssertion });
      // PostgreSQL: the newer one is inside its transaction, its counter not yet committed.
      if (testDialect === 'postgres') await untilPaused(a);
      else await newerAnswer;
      const olderAnswer = await older.client.post('/api/auth/passkey', { challengeId: older.options.challengeId, response: olderAssertion });
      expect((await newerAnswer).status).toBe(200);
      expect(olderAnswer.status).toBe(401);
      expect(olderAnswer.body.error?.code).toBe('INVALID_CREDENTIALS');
    } finally {
      await resume();
    }
    expect(await a.sql('select counter from passkeys where user_id = ?', [owner.userId])).toEqual([{ counter: 2 }]);
  });
});

describe('two invitations for one email accepted at the same moment', () => {
  let admin: TestClient;
  beforeAll(async () => {
    admin = new TestClient(a.baseUrl);
    await admin.login('admin@fair.test');
  });

  async function invitationsFor(email: string, count: number): Promise<string[]> {
    const codes: string[] = [];
    for (let i = 0; i < count; i++) {
      const created = await admin.post('/api/admin/invites', { email, role: 'member' });
      expect(created.status).toBe(201);
      codes.push((created.body.invite as { link: string }).link.split('/invite/')[1]!);
    }
    return codes;
  }

  it('make one account; the others are told the email already has one (CONFLICT), and their invitations stay unused', async () => {
    const email = `twice-${randomUUID().slice(0, 8)}@example.org`;
    const codes = await invitationsFor(email, 3);
    const resume = await pauseWrites(a, { table: 'users', event: 'INSERT' });
    try {
      const answers = await Promise.all(
        codes.map((code, i) => new TestClient(nodeFor(i).baseUrl).post('/api/auth/accept-invite', { code, displayName: `Twice ${i}`, password: 'a-long-password' })),
      );
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409]);
      for (const refused of answers.filter((answer) => answer.status === 409)) {
        expect(refused.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
        expect(refused.body.error?.message).toContain('already has an account');
      }
    } finally {
      await resume();
    }
    expect(await a.sql('select id from users where email = ?', [email])).toHaveLength(1);
    expect(await a.sql('select id from invites where email = ? and used_at is null', [email])).toHaveLength(2);
  });

  it.skipIf(testDialect !== 'postgres')('answers CONFLICT, not INTERNAL, when the account was stored elsewhere during the accept', async () => {
    const email = `meanwhile-${randomUUID().slice(0, 8)}@example.org`;
    const [code] = await invitationsFor(email, 1);
    // The accept looked (no account yet) and is claiming its invitation when another writer
    // (here, straight to the database, as the admin CLI does) stores an account for the email.
    const resume = await pauseWrites(a, { table: 'invites', event: 'UPDATE', when: 'NEW.used_at IS NOT NULL', seconds: 2 });
    try {
      const accepting = new TestClient(b.baseUrl).post('/api/auth/accept-invite', { code, displayName: 'Meanwhile', password: 'a-long-password' });
      await untilPaused(a);
      await a.sql("insert into users (id, email, display_name, role, password_hash) values (?, ?, 'Stored Elsewhere', 'member', 'not-a-hash')", [randomUUID(), email]);
      const answer = await accepting;
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
    } finally {
      await resume();
    }
    expect(await a.sql('select display_name from users where email = ?', [email])).toEqual([{ display_name: 'Stored Elsewhere' }]);
    expect(await a.sql('select id from invites where email = ? and used_at is null', [email])).toHaveLength(1);
  });
});

describe('a staff name and its look-alike claimed at the same moment', () => {
  it('refuses the member once the staff name is stored first, on any node', async () => {
    const host = await someone(a, 'host');
    const member = await someone(b);
    const name = `Zed Quill ${people}`;
    // The host's rename is held inside its transaction (PostgreSQL) while the member asks for the same name.
    const resume = await pauseWrites(a, { table: 'users', event: 'UPDATE', when: `NEW.role <> 'member' AND NEW.display_name = '${name}'` });
    try {
      const hostRename = host.client.request('PATCH', '/api/me', { displayName: name });
      if (testDialect === 'postgres') await untilPaused(a);
      else await hostRename;
      const memberRename = await member.client.request('PATCH', '/api/me', { displayName: name.replace('i', '1') });
      expect((await hostRename).status).toBe(200);
      expect(memberRename.status).toBe(400);
      expect(memberRename.body.error).toMatchObject({ code: 'INVALID_PAYLOAD', details: { field: 'displayName', reason: 'staff-lookalike' } });
    } finally {
      await resume();
    }
    expect(await a.sql('select display_name from users where id = ?', [member.userId])).toEqual([{ display_name: `Racer ${people}` }]);
  });
});

describe.skipIf(testDialect !== 'postgres')('a booth locked while another member arrives', () => {
  it('turns away the next member at once: the cache is cleared after the commit, not before', async () => {
    const moderator = await socketOf(a, await (async () => {
      const client = new TestClient(a.baseUrl);
      await client.login('moderator@fair.test');
      return client;
    })());
    const early = await socketOf(a, (await someone(a)).client);
    const late = await socketOf(a, (await someone(a)).client);
    // The lock is written, and its audit line is held before the commit.
    const resume = await pauseWrites(a, { table: 'audit_log', event: 'INSERT', when: "NEW.action = 'booth:update'" });
    try {
      const locking = request(moderator, 'booth:update', { boothId, locked: true }, 10_000);
      await untilPaused(a);
      // A member who arrives meanwhile reads the booth as committed (unlocked) and gets in.
      expect(await request(early, 'booth:join', { boothId })).toMatchObject({ ok: true });
      expect(await locking).toMatchObject({ ok: true, data: { locked: true } });
      // Straight after the lock is acknowledged, within the cache's second, the next one is turned away.
      const refused = await request(late, 'booth:join', { boothId });
      expect(refused).toMatchObject({ ok: false, error: { code: 'BOOTH_CLOSED', details: { locked: true } } });
    } finally {
      await resume();
      await request(moderator, 'booth:update', { boothId, locked: false });
    }
  });
});

describe.skipIf(testDialect !== 'postgres')('one message sent on two nodes at the same moment', () => {
  it('is stored once and acknowledged on both, with the same number (a resend after failover while the first is in flight)', async () => {
    const { client } = await someone(a);
    const onA = await socketOf(a, client);
    const onB = await socketOf(b, client);
    for (const socket of [onA, onB]) expect(await request(socket, 'booth:join', { boothId })).toMatchObject({ ok: true });
    const clientMsgId = randomUUID();
    // The first insert sleeps inside its transaction; the second arrives meanwhile on the other node.
    const resume = await pauseWrites(a, { table: 'messages', event: 'INSERT', when: `NEW.client_msg_id = '${clientMsgId}'` });
    try {
      const first = request(onA, 'chat:send', { boothId, clientMsgId, body: 'sent once, twice' }, 10_000);
      await untilPaused(a);
      const second = request(onB, 'chat:send', { boothId, clientMsgId, body: 'sent once, twice' }, 10_000);
      const acks = await Promise.all([first, second]);
      for (const ack of acks) expect(ack).toMatchObject({ ok: true });
      const seqs = acks.map((ack) => (ack.ok ? ack.data.seq : -1));
      expect(seqs[0]).toBe(seqs[1]);
      const rows = await a.sql<{ seq: number }>('select seq from messages where client_msg_id = ?', [clientMsgId]);
      expect(rows).toEqual([{ seq: seqs[0] }]);
    } finally {
      await resume();
    }
  });
});

describe('sessions ended', () => {
  it('move the count connections re-read their session by only when some session ended', async () => {
    const ended: EndedSessions[] = [];
    // Its own clock: moving it expires only the session made below, not the servers' ones.
    let offsetMs = 0;
    const clock = { now: () => Date.now() + offsetMs };
    const auth = createAuthService({ db: a.db, clock, sessionTtlMs: 60_000, onSessionsEnded: (what) => ended.push(what) });
    // A sweep that finds nothing due, a sign-out of an unknown cookie, a user with no sessions.
    await auth.endExpiredSessions();
    await auth.logout('not-a-session');
    await auth.endSessionsOf(randomUUID());
    expect(auth.sessionsEndedCount()).toBe(0);
    expect(ended).toEqual([]);

    const { userId } = await someone(a);
    await auth.createSession(userId);
    offsetMs = 61_000;
    expect((await auth.endExpiredSessions()).ended).toBe(1);
    expect(auth.sessionsEndedCount()).toBe(1);
    expect(ended).toHaveLength(1);
  });
});
