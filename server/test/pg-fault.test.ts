import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/errors.js';
import { boothIdsBySlug, createUser, startTestServer, TestClient, testDialect, type TestServer } from './harness.js';
import { atCommitOf, pauseWrites, terminatePaused, untilPaused } from './pg-faults.js';
import { collect, joinedSocket, nextEvent, request, type ClientSocket } from './sockets.js';

/**
 * "ok means durably stored" on PostgreSQL (the scaled mode), as fault.test.ts and
 * durability.test.ts show it for SQLite: a COMMIT that fails, or a connection ended in the
 * middle of a write, is never an ok ack, never ends the process, and the client's resend of the
 * same clientMsgId is then stored exactly once, with no gap in the booth's numbers.
 */
describe.skipIf(testDialect !== 'postgres')('writes PostgreSQL fails', () => {
  let server: TestServer;
  let boothId: number;
  let amina: ClientSocket;
  let luis: ClientSocket;

  beforeAll(async () => {
    server = await startTestServer();
    boothId = (await boothIdsBySlug(server.baseUrl))['peace-direct']!;
    amina = (await joinedSocket(server.baseUrl, 'member@fair.test', boothId)).socket;
    luis = (await joinedSocket(server.baseUrl, 'member2@fair.test', boothId)).socket;
  });
  afterAll(async () => {
    amina?.disconnect();
    luis?.disconnect();
    await server?.close();
  });

  const storedCopies = async (clientMsgId: string) =>
    (await server.sql<{ n: number }>('select cast(count(*) as integer) as n from messages where client_msg_id = ?', [clientMsgId]))[0]!.n;

  function expectUnavailable(error: ApiError | undefined): void {
    expect(error?.code).toBe('UNAVAILABLE');
    expect(error?.details?.retryAfterMs).toBeGreaterThan(0);
  }

  /**
   * Sends one message while `fault` breaks its write, then heals it and resends the same
   * clientMsgId: the fault is answered UNAVAILABLE and stores nothing; the resend is stored once,
   * with the number right after the message before it, and heard once.
   */
  async function sendThrough(fault: { inject(): Promise<() => Promise<void>>; during?(): Promise<void> }): Promise<void> {
    const heard = collect(luis, 'chat:created');
    const earlier = await request(amina, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'stored before the fault' });
    expect(earlier.ok).toBe(true);
    const clientMsgId = randomUUID();
    const send = () => request(amina, 'chat:send', { boothId, clientMsgId, body: 'kept in the outbox until stored' }, 15_000);

    const heal = await fault.inject();
    const refused = await (async () => {
      try {
        const sent = send();
        await fault.during?.();
        return await sent;
      } finally {
        await heal();
      }
    })();
    expect(refused.ok).toBe(false);
    expectUnavailable(refused.ok ? undefined : refused.error);
    expect(await storedCopies(clientMsgId)).toBe(0);

    const created = nextEvent(luis, 'chat:created', (m) => m.clientMsgId === clientMsgId);
    const stored = await send();
    expect(stored.ok).toBe(true);
    expect((await created).seq).toBe(stored.ok ? stored.data.seq : -1);
    // The failed transaction took its number back with it: no gap.
    expect(stored.ok && stored.data.seq).toBe(earlier.ok ? earlier.data.seq + 1 : -1);
    const resentAgain = await send();
    expect(resentAgain.ok && resentAgain.data.id).toBe(stored.ok && stored.data.id);
    expect(await storedCopies(clientMsgId)).toBe(1);
    expect(heard.filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1);
    // Still serving: reads and HTTP answer as before.
    expect((await new TestClient(server.baseUrl).get('/healthz')).status).toBe(200);
  }

  it.each([
    ['an I/O error (58030)', '58030'],
    ['a deferred foreign key that no longer holds (23503)', '23503'],
  ])('answers UNAVAILABLE when COMMIT reports %s, and stores the resend once', async (_what, sqlState) => {
    await sendThrough({ inject: () => atCommitOf(server, 'messages', `RAISE EXCEPTION 'injected commit failure' USING ERRCODE = '${sqlState}';`) });
  });

  it('answers UNAVAILABLE when its connection is ended in the middle of the INSERT, and stores the resend once', async () => {
    await sendThrough({
      inject: () => pauseWrites(server, { table: 'messages', event: 'INSERT', seconds: 5 }),
      during: async () => {
        await untilPaused(server);
        expect(await terminatePaused(server)).toBe(1);
      },
    });
  });

  it('answers UNAVAILABLE when its connection is ended during COMMIT, and stores the resend once', async () => {
    await sendThrough({
      inject: () => atCommitOf(server, 'messages', 'PERFORM pg_sleep(5);'),
      during: async () => {
        await untilPaused(server);
        expect(await terminatePaused(server)).toBe(1);
      },
    });
  });

  // A moderation action has no read-back of its own (chat has one): its ack rests on the COMMIT
  // check in writeDurably alone. The mute and its audit line commit together, or neither does.
  it('answers UNAVAILABLE, stores neither the mute nor its audit line, and leaves the member free to chat until the retry', async () => {
    const moderator = await joinedSocket(server.baseUrl, 'moderator@fair.test', boothId);
    await createUser(server.db, { email: 'muted@fair.test', displayName: 'Flooding Member', role: 'member' });
    const member = await joinedSocket(server.baseUrl, 'muted@fair.test', boothId);
    const mutesOf = () => server.sql("select id from restrictions where user_id = ? and kind = 'mute'", [member.userId]);
    const auditLinesOf = () => server.sql("select id from audit_log where target_user_id = ? and action = 'moderation:mute'", [member.userId]);
    const mute = () => request(moderator.socket, 'moderation:mute', { userId: member.userId, boothId, minutes: 10, reason: 'Flooding the booth' });
    try {
      const heal = await atCommitOf(server, 'restrictions', "RAISE EXCEPTION 'injected commit failure' USING ERRCODE = '58030';");
      const refused = await mute().finally(heal);
      expect(refused).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(await mutesOf()).toHaveLength(0);
      expect(await auditLinesOf()).toHaveLength(0);
      expect(await request(member.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'not muted yet' })).toMatchObject({ ok: true });

      expect(await mute()).toMatchObject({ ok: true, data: { kind: 'mute' } });
      expect(await mutesOf()).toHaveLength(1);
      expect(await auditLinesOf()).toHaveLength(1);
      expect(await request(member.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'muted now' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    } finally {
      moderator.socket.disconnect();
      member.socket.disconnect();
    }
  });
});
