import { AccessToken, TokenVerifier } from 'livekit-server-sdk';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Booth } from '../../shared/booths.js';
import { startTestServer, TestClient, type TestServer } from './harness.js';
import { bodySha256, closedPort, signWebhook, startTwirpStandIn, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, type TwirpStandIn } from './livekit-stand-in.js';
import { collect, nextEvent, rawRequest, request, signedInSocket, sleep, type ClientSocket } from './sockets.js';

let twirp: TwirpStandIn;
let server: TestServer;
let boothIds: Record<string, number>;
const open: ClientSocket[] = [];
const verifier = new TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET);

/** Signs in and joins a booth over the socket, like a browser tab on the booth page. */
async function enter(email: string, slug = 'peace-direct', on: TestServer = server, options: { private?: boolean } = {}) {
  const session = await signedInSocket(on.baseUrl, email);
  open.push(session.socket);
  const ack = await request(session.socket, 'booth:join', { boothId: boothIds[slug]!, ...options });
  if (!ack.ok) throw new Error(`join failed: ${ack.error.code}`);
  return session;
}

/** Runs a test against a second fair with other settings, and stops it (and its sockets) after. */
async function withFair(options: Parameters<typeof startTestServer>[0], test: (fair: TestServer) => Promise<void>): Promise<void> {
  const fair = await startTestServer(options);
  try {
    await test(fair);
  } finally {
    for (const socket of open.splice(0)) socket.disconnect();
    await fair.close();
  }
}

async function tokenClaims(client: TestClient, slug = 'peace-direct') {
  const res = await client.post(`/api/booths/${slug}/video-token`);
  expect(res.status).toBe(200);
  const { url, token } = res.body as { url: string; token: string };
  expect(url).toBe(twirp.url);
  return verifier.verify(token);
}

beforeAll(async () => {
  twirp = await startTwirpStandIn();
  server = await startTestServer({ env: twirp.env, deps: { presenceGraceMs: 300, lobbyIntervalMs: 100 } });
  const client = new TestClient(server.baseUrl);
  await client.login('admin@fair.test');
  const booths = (await client.get('/api/booths')).body as unknown as Booth[];
  boothIds = Object.fromEntries(booths.map((b) => [b.slug, b.id]));
});
afterEach(async () => {
  for (const socket of open.splice(0)) socket.disconnect();
  twirp.calls.splice(0);
  twirp.answerNotFound(false);
  await sleep(400); // grace periods run out, so raised hands of people gone are cleared
});
afterAll(async () => {
  await server.close();
  await twirp.close();
});

describe('GET /api/booths with LiveKit configured', () => {
  it('reports video as available, with nobody in the video rooms yet', async () => {
    const client = new TestClient(server.baseUrl);
    await client.login('member@fair.test');
    const booths = (await client.get('/api/booths')).body as unknown as Booth[];
    expect(booths.every((b) => b.video === true && b.videoParticipants === 0)).toBe(true);
  });
});

describe('POST /api/booths/:slug/video-token', () => {
  const subscribeOnly = (boothId: number) => ({
    roomJoin: true,
    room: `fair-booth-${boothId}`,
    canSubscribe: true,
    canPublish: false,
    canPublishData: false,
    canUpdateOwnMetadata: false,
  });

  it('gives a member in the booth a subscribe-only token with their id and name, valid at most 10 minutes', async () => {
    const { client, userId } = await enter('member@fair.test');
    const claims = await tokenClaims(client);
    expect(claims.sub).toBe(userId);
    expect(claims.name).toBe('Amina');
    expect(claims.iss).toBe(TEST_LIVEKIT_KEY);
    expect(claims.video).toEqual(subscribeOnly(boothIds['peace-direct']!));
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(600);
    expect(claims.exp! - Math.floor(Date.now() / 1000)).toBeGreaterThan(0);
  });

  it('lets the host of the booth publish camera, microphone and screen share, and nothing more', async () => {
    const { client } = await enter('host@fair.test');
    const claims = await tokenClaims(client);
    expect(claims.video).toEqual({
      ...subscribeOnly(boothIds['peace-direct']!),
      canPublish: true,
      canPublishSources: ['camera', 'microphone', 'screen_share'],
    });
  });

  it('gives a host only subscribe rights in a booth they do not host', async () => {
    const { client } = await enter('host@fair.test', 'kujalink');
    const claims = await tokenClaims(client, 'kujalink');
    expect(claims.video).toEqual(subscribeOnly(boothIds['kujalink']!));
  });

  it('gives moderators and admins subscribe-only tokens: they act through the server, never as room admins', async () => {
    for (const email of ['moderator@fair.test', 'admin@fair.test']) {
      const { client } = await enter(email);
      const claims = await tokenClaims(client);
      expect(claims.video).toEqual(subscribeOnly(boothIds['peace-direct']!));
      expect(claims.video).not.toHaveProperty('roomAdmin');
    }
  });

  it('refuses with 403 FORBIDDEN someone who is not in the booth through a socket', async () => {
    const noSocket = new TestClient(server.baseUrl);
    await noSocket.login('member2@fair.test');
    const res = await noSocket.post('/api/booths/peace-direct/video-token');
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('FORBIDDEN');

    const elsewhere = await enter('member@fair.test', 'kujalink');
    expect((await elsewhere.client.post('/api/booths/peace-direct/video-token')).status).toBe(403);

    const left = await enter('member2@fair.test');
    expect((await left.client.post('/api/booths/peace-direct/video-token')).status).toBe(200);
    await request(left.socket, 'booth:leave', { boothId: boothIds['peace-direct']! });
    expect((await left.client.post('/api/booths/peace-direct/video-token')).body.error?.code).toBe('FORBIDDEN');
  });

  it('answers 401 without a session and 404 for an unknown booth', async () => {
    expect((await new TestClient(server.baseUrl).post('/api/booths/peace-direct/video-token')).status).toBe(401);
    const { client } = await enter('member@fair.test');
    expect((await client.post('/api/booths/no-such-booth/video-token')).body.error?.code).toBe('NOT_FOUND');
  });
});

describe('raising a hand', () => {
  it('shows the queue to staff only, and a granted member gets publish rights through RoomService', async () => {
    const boothId = boothIds['peace-direct']!;
    const host = await enter('host@fair.test');
    const other = await enter('member2@fair.test');
    const member = await enter('member@fair.test');
    const notForMembers = collect(other.socket, 'hand:queue');

    const queued = nextEvent(host.socket, 'hand:queue', (q) => q.queue.length === 1);
    const raised = await request(member.socket, 'hand:raise', { boothId });
    expect(raised).toMatchObject({ ok: true, data: { userId: member.userId, displayName: 'Amina', granted: false } });
    expect((await queued).queue.map((h) => h.userId)).toEqual([member.userId]);
    expect(await request(host.socket, 'hand:list', { boothId })).toMatchObject({ ok: true, data: { queue: [{ userId: member.userId }] } });
    expect(await request(other.socket, 'hand:list', { boothId })).toEqual({ ok: true, data: { boothId, queue: [] } });

    expect(await request(other.socket, 'hand:grant', { boothId, userId: member.userId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(twirp.calls).toEqual([]);

    const told = nextEvent(member.socket, 'hand:granted');
    const grant = await request(host.socket, 'hand:grant', { boothId, userId: member.userId });
    expect(grant).toMatchObject({ ok: true, data: { userId: member.userId, granted: true } });
    expect(await told).toEqual({ boothId });
    expect(twirp.calls).toHaveLength(1);
    const call = twirp.calls[0]!;
    expect(call.path).toBe('/twirp/livekit.RoomService/UpdateParticipant');
    // Protobuf JSON leaves out false and empty fields: this is the complete set, publish included.
    expect(call.body).toEqual({
      room: `fair-booth-${boothId}`,
      identity: member.userId,
      permission: { canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] },
    });
    const admin = await verifier.verify(call.authorization!.replace(/^Bearer /, ''));
    expect(admin.video).toMatchObject({ roomAdmin: true, room: `fair-booth-${boothId}` });

    // A fresh token (reconnecting to the room) carries the grant too.
    const claims = await tokenClaims(member.client);
    expect(claims.video).toMatchObject({ canPublish: true, canPublishSources: ['camera', 'microphone'], canPublishData: false });

    const revoked = nextEvent(member.socket, 'hand:revoked');
    expect(await request(host.socket, 'hand:revoke', { boothId, userId: member.userId })).toEqual({ ok: true, data: { boothId, userId: member.userId } });
    expect(await revoked).toEqual({ boothId });
    expect(twirp.calls[1]!.body).toEqual({ room: `fair-booth-${boothId}`, identity: member.userId, permission: { canSubscribe: true } });
    expect((await tokenClaims(member.client)).video).toMatchObject({ canPublish: false });
    expect(notForMembers).toEqual([]);
  });

  it('lets a moderator manage hands in any booth, but a host only in their own', async () => {
    const boothId = boothIds['kujalink']!;
    const host = await enter('host@fair.test', 'kujalink');
    const moderator = await enter('moderator@fair.test', 'kujalink');
    const member = await enter('member@fair.test', 'kujalink');
    const queued = nextEvent(moderator.socket, 'hand:queue');
    await request(member.socket, 'hand:raise', { boothId });
    expect((await queued).queue).toHaveLength(1);
    expect(await request(host.socket, 'hand:grant', { boothId, userId: member.userId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(moderator.socket, 'hand:grant', { boothId, userId: member.userId })).toMatchObject({ ok: true });
  });

  it('still grants someone not yet in the video room (their next token carries it)', async () => {
    const boothId = boothIds['peace-direct']!;
    const host = await enter('host@fair.test');
    const member = await enter('member@fair.test');
    await request(member.socket, 'hand:raise', { boothId });
    twirp.answerNotFound(true);
    expect(await request(host.socket, 'hand:grant', { boothId, userId: member.userId })).toMatchObject({ ok: true, data: { granted: true } });
  });

  it('refuses raising a hand outside the booth, and granting someone without a raised hand', async () => {
    const boothId = boothIds['peace-direct']!;
    const host = await enter('host@fair.test');
    const member = await enter('member@fair.test', 'kujalink');
    expect(await request(member.socket, 'hand:raise', { boothId })).toMatchObject({ ok: false, error: { code: 'NOT_IN_BOOTH' } });
    expect(await request(host.socket, 'hand:grant', { boothId, userId: member.userId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await rawRequest(host.socket, 'hand:grant', { boothId, userId: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD', details: { field: 'userId' } } });
  });

  it('clears a raised hand when the person lowers it or leaves the booth', async () => {
    const boothId = boothIds['peace-direct']!;
    const host = await enter('host@fair.test');
    const member = await enter('member@fair.test');
    await request(member.socket, 'hand:raise', { boothId });
    const lowered = nextEvent(host.socket, 'hand:queue', (q) => q.queue.length === 0);
    expect(await request(member.socket, 'hand:lower', { boothId })).toEqual({ ok: true, data: { boothId } });
    await lowered;

    const raisedAgain = nextEvent(host.socket, 'hand:queue', (q) => q.queue.length === 1);
    await request(member.socket, 'hand:raise', { boothId });
    await raisedAgain;
    const cleared = nextEvent(host.socket, 'hand:queue', (q) => q.queue.length === 0);
    await request(member.socket, 'booth:leave', { boothId });
    await cleared;
  });
});

describe('video moderation', () => {
  it('lets moderators mute a published track and remove a participant, through RoomService', async () => {
    const boothId = boothIds['peace-direct']!;
    const host = await enter('host@fair.test');
    const moderator = await enter('moderator@fair.test');
    const member = await enter('member@fair.test');
    const mute = { boothId, userId: member.userId, trackSid: 'TR_camera1' };
    expect(await request(host.socket, 'video:mute-track', mute)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(member.socket, 'video:remove', { boothId, userId: host.userId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(twirp.calls).toEqual([]);

    expect(await request(moderator.socket, 'video:mute-track', mute)).toEqual({ ok: true, data: mute });
    expect(await request(moderator.socket, 'video:remove', { boothId, userId: member.userId })).toEqual({ ok: true, data: { boothId, userId: member.userId } });
    expect(twirp.calls.map((c) => [c.method, c.body])).toEqual([
      ['MutePublishedTrack', { room: `fair-booth-${boothId}`, identity: member.userId, trackSid: 'TR_camera1', muted: true }],
      ['RemoveParticipant', { room: `fair-booth-${boothId}`, identity: member.userId }],
    ]);
  });

  it('does not let a moderator act on an admin', async () => {
    const boothId = boothIds['peace-direct']!;
    const moderator = await enter('moderator@fair.test');
    const admin = await enter('admin@fair.test');
    expect(await request(moderator.socket, 'video:remove', { boothId, userId: admin.userId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await request(admin.socket, 'video:remove', { boothId, userId: moderator.userId })).toMatchObject({ ok: true });
  });

  it('answers NOT_FOUND for muting a track that is not in the room', async () => {
    const moderator = await enter('moderator@fair.test');
    twirp.answerNotFound(true);
    const ack = await request(moderator.socket, 'video:mute-track', { boothId: boothIds['peace-direct']!, userId: moderator.userId, trackSid: 'TR_gone' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('exposes removeParticipant for moderation (kick and ban), clearing the person’s hand', async () => {
    const boothId = boothIds['peace-direct']!;
    const member = await enter('member@fair.test');
    await request(member.socket, 'hand:raise', { boothId });
    const revoked = nextEvent(member.socket, 'hand:revoked');
    expect(await server.app.video.removeParticipant(boothId, member.userId)).toEqual({ ok: true, data: { boothId, userId: member.userId } });
    await revoked;
    expect(twirp.calls.map((c) => [c.method, c.body])).toEqual([['RemoveParticipant', { room: `fair-booth-${boothId}`, identity: member.userId }]]);
  });
});

describe('private visitors in video', () => {
  const slug = 'end-water-poverty';

  it('get a hidden, opaque identity: no user id and no name anywhere in the token', async () => {
    const boothId = boothIds[slug]!;
    const visitor = await enter('member2@fair.test', slug, server, { private: true });
    const { token } = (await visitor.client.post(`/api/booths/${slug}/video-token`)).body as { token: string };
    const claims = await verifier.verify(token);
    expect(claims.sub).toMatch(/^private-[\w-]{22}$/);
    expect(claims.sub).not.toBe(visitor.userId);
    expect(claims.name).toBe('Private visitor');
    expect(claims.video).toEqual({
      roomJoin: true,
      room: `fair-booth-${boothId}`,
      canSubscribe: true,
      canPublish: false,
      canPublishData: false,
      canUpdateOwnMetadata: false,
      hidden: true,
    });
    const payload = Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8');
    expect(payload).not.toContain(visitor.userId);
    expect(payload).not.toContain('Luis');

    // Stable for the visit (a reconnect finds the same participant), different in another booth.
    expect((await tokenClaims(visitor.client, slug)).sub).toBe(claims.sub);
    const elsewhere = await enter('member2@fair.test', 'kujalink', server, { private: true });
    expect((await tokenClaims(elsewhere.client, 'kujalink')).sub).not.toBe(claims.sub);
  });

  it('stay hidden when a second device joins without asking for privacy', async () => {
    await enter('member2@fair.test', slug, server, { private: true });
    const second = await enter('member2@fair.test', slug);
    const claims = await tokenClaims(second.client, slug);
    expect(claims.sub).toMatch(/^private-/);
    expect(claims.video).toMatchObject({ hidden: true });
  });

  it('are still reached by staff: grant, mute and removal go to the opaque identity', async () => {
    const boothId = boothIds[slug]!;
    const moderator = await enter('moderator@fair.test', slug);
    const visitor = await enter('member2@fair.test', slug, server, { private: true });
    const identity = (await tokenClaims(visitor.client, slug)).sub;
    await request(visitor.socket, 'hand:raise', { boothId });
    expect(await request(moderator.socket, 'hand:grant', { boothId, userId: visitor.userId })).toMatchObject({ ok: true });
    // Speaking makes them visible in the room, still as "Private visitor" under the opaque identity.
    expect(twirp.calls[0]!.body).toEqual({
      room: `fair-booth-${boothId}`,
      identity,
      permission: { canSubscribe: true, canPublish: true, canPublishSources: ['CAMERA', 'MICROPHONE'] },
    });
    expect(await request(moderator.socket, 'video:mute-track', { boothId, userId: visitor.userId, trackSid: 'TR_mic' })).toMatchObject({ ok: true });
    expect(await request(moderator.socket, 'video:remove', { boothId, userId: visitor.userId })).toMatchObject({ ok: true });
    const calls = twirp.calls.map((c) => [c.path.split('/').pop(), (c.body as { identity: string }).identity]);
    expect(calls).toContainEqual(['MutePublishedTrack', identity]);
    expect(calls).toContainEqual(['RemoveParticipant', identity]);
  });
});

describe('POST /api/livekit/webhook', () => {
  const event = (name: string, identity: string, slug = 'peace-direct') =>
    JSON.stringify({
      id: `EV_${randomUUID()}`,
      event: name,
      room: { sid: 'RM_test', name: `fair-booth-${boothIds[slug]}` },
      participant: { sid: `PA_${identity}`, identity },
      createdAt: String(Math.floor(Date.now() / 1000)),
    });
  const post = (body: string, authorization?: string) =>
    fetch(`${server.baseUrl}/api/livekit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/webhook+json', ...(authorization === undefined ? {} : { authorization }) },
      body,
    });
  const videoParticipants = async (slug = 'peace-direct') => {
    const client = new TestClient(server.baseUrl);
    await client.login('member@fair.test');
    return (await client.get(`/api/booths/${slug}`)).body.videoParticipants;
  };

  it('counts participants from signed events and tells everyone the new count', async () => {
    const boothId = boothIds['peace-direct']!;
    const { socket } = await signedInSocket(server.baseUrl, 'member2@fair.test');
    open.push(socket);
    const counts = collect(socket, 'video:count');

    // Signed with the SDK's own AccessToken, as LiveKit's server does.
    const joined = event('participant_joined', 'user-a');
    const token = new AccessToken(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET);
    token.sha256 = bodySha256(joined);
    expect((await post(joined, await token.toJwt())).status).toBe(204);
    expect(await videoParticipants()).toBe(1);

    const again = event('participant_joined', 'user-a');
    expect((await post(again, signWebhook(again))).status).toBe(204);
    const second = event('participant_joined', 'user-b');
    expect((await post(second, signWebhook(second))).status).toBe(204);
    expect(await videoParticipants()).toBe(2);

    for (const identity of ['user-a', 'user-b']) {
      const left = event('participant_left', identity);
      expect((await post(left, signWebhook(left))).status).toBe(204);
    }
    expect(await videoParticipants()).toBe(0);
    await expect.poll(() => counts.length).toBe(4);
    expect(counts).toEqual([1, 2, 1, 0].map((count) => ({ boothId, count })));
  });

  it('refuses forged, altered, expired and unsigned requests with 401, changing nothing', async () => {
    const body = event('participant_joined', 'intruder', 'kujalink');
    const refusals = [
      await post(body, signWebhook(body, { secret: 'not-the-secret-not-the-secret-not-the' })),
      await post(body, signWebhook(body, { key: 'APIotherkey' })),
      await post(body.replace('intruder', 'intrudes'), signWebhook(body)),
      await post(body, signWebhook(body, { expiresInSeconds: -120 })),
      await post(body),
      await post(body, `Bearer ${signWebhook(body)}x`),
    ];
    for (const res of refusals) {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
    expect(await videoParticipants('kujalink')).toBe(0);
    expect((await post(body, signWebhook(body))).status).toBe(204);
    expect(await videoParticipants('kujalink')).toBe(1);
    const finished = JSON.stringify({ event: 'room_finished', room: { name: `fair-booth-${boothIds['kujalink']}` } });
    expect((await post(finished, signWebhook(finished))).status).toBe(204);
    expect(await videoParticipants('kujalink')).toBe(0);
  });
});

describe('video access hook (moderation refuses kicked and banned people)', () => {
  it('answers 403 FORBIDDEN for the token and the raised hand of someone it refuses', async () => {
    const refused = new Set<string>(['member2@fair.test']);
    await withFair({ env: twirp.env, deps: { videoAccess: (user) => !refused.has(user.email) } }, async (guarded) => {
      const allowed = await enter('member@fair.test', 'peace-direct', guarded);
      const blocked = await enter('member2@fair.test', 'peace-direct', guarded);
      expect((await allowed.client.post('/api/booths/peace-direct/video-token')).status).toBe(200);
      const res = await blocked.client.post('/api/booths/peace-direct/video-token');
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('FORBIDDEN');
      expect(await request(blocked.socket, 'hand:raise', { boothId: boothIds['peace-direct']! })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });
  });
});

describe('LiveKit unreachable', () => {
  it('answers hand:grant with UPSTREAM_UNAVAILABLE and keeps serving', async () => {
    const port = await closedPort();
    const env = { LIVEKIT_URL: `ws://127.0.0.1:${port}`, LIVEKIT_API_KEY: TEST_LIVEKIT_KEY, LIVEKIT_API_SECRET: TEST_LIVEKIT_SECRET };
    await withFair({ env }, async (down) => {
      const boothId = boothIds['peace-direct']!;
      const host = await enter('host@fair.test', 'peace-direct', down);
      const member = await enter('member@fair.test', 'peace-direct', down);
      await request(member.socket, 'hand:raise', { boothId });
      const grant = await request(host.socket, 'hand:grant', { boothId, userId: member.userId });
      expect(grant).toMatchObject({ ok: false, error: { code: 'UPSTREAM_UNAVAILABLE' } });
      expect(JSON.stringify(grant)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|fetch failed/);
      // Not granted: the queue still shows the hand as waiting.
      expect(await request(host.socket, 'hand:list', { boothId })).toMatchObject({ ok: true, data: { queue: [{ userId: member.userId, granted: false }] } });
      expect((await fetch(`${down.baseUrl}/healthz`)).status).toBe(200);
      const chat = await request(member.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'still here' });
      expect(chat.ok).toBe(true);
    });
  });
});

describe('without LiveKit', () => {
  it('answers VIDEO_UNAVAILABLE for tokens, hands and webhooks while everything else works', async () => {
    await withFair({}, async (textOnly) => {
      const member = await enter('member@fair.test', 'peace-direct', textOnly);
      const res = await member.client.post('/api/booths/peace-direct/video-token');
      expect(res.status).toBe(503);
      expect(res.body.error?.code).toBe('VIDEO_UNAVAILABLE');
      expect(await request(member.socket, 'hand:raise', { boothId: boothIds['peace-direct']! })).toMatchObject({ ok: false, error: { code: 'VIDEO_UNAVAILABLE' } });
      const hook = await fetch(`${textOnly.baseUrl}/api/livekit/webhook`, { method: 'POST', body: '{}' });
      expect(hook.status).toBe(503);
      const chat = await request(member.socket, 'chat:send', { boothId: boothIds['peace-direct']!, clientMsgId: randomUUID(), body: 'text works' });
      expect(chat.ok).toBe(true);
    });
  });
});
