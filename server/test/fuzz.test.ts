import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors.js';
import { CHAT_BODY_MAX_CHARS } from '../../shared/limits.js';
import type { BoothJoinData, CLIENT_COMMANDS } from '../../shared/protocol.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';
import { openSocket, connected, request, signedInSocket, type ClientSocket } from './sockets.js';

/**
 * Every client command gets thousands of generated payloads: wrong types, huge strings, deep
 * objects, prototype keys, missing and extra fields, binary, no ack callback. The server must
 * stay up, answer every ack with INVALID_PAYLOAD or a result the command may legitimately
 * give, and store nothing it should not.
 */

type Command = keyof typeof CLIENT_COMMANDS;
const RUNS_PER_COMMAND = 1500;
/** Codes each command may answer besides INVALID_PAYLOAD, for a member in one booth. */
const LEGITIMATE: Record<Command, ErrorCode[]> = {
  'booth:join': ['NOT_FOUND'],
  'booth:leave': [],
  'chat:send': ['NOT_IN_BOOTH', 'RATE_LIMITED'],
  'chat:history': ['NOT_IN_BOOTH'],
};
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const FIELD_NAMES = ['boothId', 'clientMsgId', 'body', 'private', 'beforeSeq', 'afterSeq', 'limit'];
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

let server: TestServer;
let socket: ClientSocket;
let userId: string;
let boothId: number;
let otherBoothId: number;

/** Builds an object whose keys are own properties, `__proto__` included (as JSON.parse would). */
const withOwnKeys = (entries: [string, unknown][]) => Object.fromEntries(entries);

// Long strings stay under the 16 KB Socket.IO frame cap once JSON-encoded (frames over it are
// a separate test): the point here is what the schemas make of them.
const hugeString = fc.oneof(
  fc.integer({ min: CHAT_BODY_MAX_CHARS - 2, max: CHAT_BODY_MAX_CHARS * 2 + 500 }).map((n) => 'x'.repeat(n)),
  fc.integer({ min: 1000, max: 1500 }).map((n) => ' '.repeat(n) + 'y' + '\n'.repeat(n)),
  fc.integer({ min: 500, max: 1000 }).map((n) => '😀'.repeat(n)),
  fc.integer({ min: 100, max: 250 }).map((n) => '\u0000\u0007\u001b'.repeat(n)),
);
const deepValue = fc.integer({ min: 1, max: 500 }).map((depth) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { a: value } : [value];
  return value;
});
const key = fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS, ...FIELD_NAMES), fc.string({ maxLength: 12 }));
/** Anything but a huge string: several of these fit in one frame next to a huge body. */
const smallJunk: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  deepValue,
  fc.uint8Array({ maxLength: 512 }),
  fc.constantFrom(null, undefined, true, false, 0, -0, -1, 1.5, Number.MAX_SAFE_INTEGER + 2, Number.NaN, Infinity, '', '1', [], {}),
  fc.array(fc.tuple(key, fc.anything({ maxDepth: 2 })), { maxLength: 4 }).map(withOwnKeys),
);
const junk = fc.oneof(smallJunk, hugeString);

/** Objects shaped like a real payload, with any field missing, wrong, or joined by extra ones. */
function nearValid(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.record(fields, { requiredKeys: [] }), fc.array(fc.tuple(key, smallJunk), { maxLength: 2 }))
    .map(([base, extra]) => withOwnKeys([...Object.entries(base), ...extra]));
}

function payloads(command: Command): fc.Arbitrary<unknown> {
  const booth = fc.oneof(fc.constantFrom(boothId, boothId, otherBoothId, 0, -1, 2 ** 31, 2 ** 31 + 1, 999_999, 1.5, '1'), smallJunk);
  const seq = fc.oneof(fc.integer({ min: -5, max: 100 }), smallJunk);
  const body = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '   ', '\r\n', 'a\u0007b', '\u202eevil', '\ufeff', 'ok'),
    hugeString,
    junk,
  );
  const fields: Record<Command, Record<string, fc.Arbitrary<unknown>>> = {
    'booth:join': { boothId: booth, private: fc.oneof(fc.boolean(), smallJunk) },
    'booth:leave': { boothId: booth },
    'chat:send': { boothId: booth, clientMsgId: fc.oneof(fc.uuid(), fc.uuid(), fc.string({ maxLength: 40 }), smallJunk), body },
    'chat:history': { boothId: booth, beforeSeq: seq, afterSeq: seq, limit: fc.oneof(fc.integer({ min: -1, max: 200 }), smallJunk) },
  };
  return fc.oneof({ weight: 3, arbitrary: nearValid(fields[command]) }, { weight: 1, arbitrary: junk });
}

beforeAll(async () => {
  server = await startTestServer();
  const admin = new TestClient(server.baseUrl);
  await admin.login('admin@fair.test');
  const booths = (await admin.get('/api/booths')).body as unknown as { id: number }[];
  [boothId, otherBoothId] = [booths[0]!.id, booths[1]!.id];
  const session = await signedInSocket(server.baseUrl, 'member@fair.test');
  ({ socket, userId } = session);
});
afterAll(async () => {
  socket.disconnect();
  await server.close();
});

describe('every client command under generated payloads', () => {
  const prototypeNames = Object.getOwnPropertyNames(Object.prototype).sort();
  const okAcked = new Set<string>();
  let answered = 0;

  // chat first, while the member is in the booth; join and leave move them around afterwards.
  for (const command of ['chat:send', 'chat:history', 'booth:join', 'booth:leave'] as const) {
    it(`${command} always answers INVALID_PAYLOAD or a legitimate result, and stays connected`, async () => {
      const joined = await request<BoothJoinData>(socket, 'booth:join', { boothId });
      expect(joined.ok).toBe(true);
      await fc.assert(
        fc.asyncProperty(payloads(command), fc.boolean(), async (payload, withAck) => {
          // The clock moves on so the chat rate limit does not hide the write path.
          server.clock.advance(2000);
          if (!withAck) {
            (socket as unknown as { emit(event: string, ...args: unknown[]): void }).emit(command, ...(payload === undefined ? [] : [payload]));
            return;
          }
          const ack = await request<{ clientMsgId?: string }>(socket, command, payload);
          answered++;
          if (ack.ok) {
            if (command === 'chat:send' && ack.data.clientMsgId) okAcked.add(ack.data.clientMsgId);
            return;
          }
          expect(['INVALID_PAYLOAD', ...LEGITIMATE[command]]).toContain(ack.error.code);
        }),
        { numRuns: RUNS_PER_COMMAND },
      );
      expect(socket.connected).toBe(true);
    }, 60_000);
  }

  it('leaves the server up, the prototypes clean, and only valid messages in the database', async () => {
    expect(answered).toBeGreaterThan(RUNS_PER_COMMAND); // thousands of acks, across the commands
    expect((await new TestClient(server.baseUrl).get('/healthz')).status).toBe(200);
    const client = new TestClient(server.baseUrl);
    await client.login('member2@fair.test');
    const fresh = openSocket(server.baseUrl, client.cookie);
    await connected(fresh);
    const ack = await request(fresh, 'booth:join', { boothId });
    fresh.disconnect();
    expect(ack.ok).toBe(true);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeNames);
    expect(({} as Record<string, unknown>).a).toBeUndefined();

    const db = server.db.$client;
    const rows = db
      .prepare('select m.booth_id as boothId, m.seq, m.body, m.client_msg_id as clientMsgId, m.user_id as userId, b.id as booth from messages m left join booths b on b.id = m.booth_id')
      .all() as { boothId: number; seq: number; body: string; clientMsgId: string; userId: string; booth: number | null }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.booth).toBe(row.boothId);
      expect(row.userId).toBe(userId);
      expect(row.clientMsgId).toMatch(UUID);
      expect(row.body.length).toBeGreaterThanOrEqual(1);
      expect(row.body.length).toBeLessThanOrEqual(CHAT_BODY_MAX_CHARS);
      expect(row.body).toBe(row.body.trim());
      expect(row.body).not.toMatch(CONTROL_CHARS);
      expect(row.body).not.toContain('\r');
    }
    const stored = new Set(rows.map((row) => row.clientMsgId));
    for (const id of okAcked) expect(stored.has(id)).toBe(true); // acked means committed
    const seqs = rows.filter((row) => row.boothId === boothId).map((row) => row.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(db.prepare('select count(*) as n from users').get()).toEqual({ n: 5 });
    expect(db.prepare('select count(*) as n from booths').get()).toEqual({ n: 11 });
    expect(db.prepare('select count(*) as n from invites').get()).toEqual({ n: 0 });
    expect(db.prepare("select count(*) as n from booths where status != 'open'").get()).toEqual({ n: 0 });
  });
});

describe('a chat:send with a clientMsgId used before', () => {
  it('never stores a second row, whatever else the payload says', async () => {
    const clientMsgId = randomUUID();
    await request(socket, 'booth:join', { boothId });
    const first = await request(socket, 'chat:send', { boothId, clientMsgId, body: 'original' });
    expect(first.ok).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 30 }), async (body) => {
        server.clock.advance(2000);
        await request(socket, 'chat:send', { boothId, clientMsgId, body });
      }),
      { numRuns: 100 },
    );
    expect(server.db.$client.prepare('select body from messages where client_msg_id = ?').all(clientMsgId)).toEqual([{ body: 'original' }]);
  });
});
