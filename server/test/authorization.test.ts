/**
 * The authorization matrix: every protected socket command and HTTP route, tried for real
 * against a running fair by each role, with the outcome the table expects. A capability or a
 * command without a row fails the completeness tests below.
 */
import { DEMO_CONDUCT } from '../seed/demo-conduct.js';
import { randomUUID } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors.js';
import { COMMANDS, type ChatMessage, type CommandName, type CommandPayload } from '../../shared/protocol.js';
import { can, CAPABILITIES, mayActOn, ROLES, type Capability, type Principal, type Role } from '../../shared/roles.js';
import { boothIdsBySlug, createUser, startTestServer, type TestClient, type TestServer } from './harness.js';
import { startTwirpStandIn, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, type TwirpStandIn } from './livekit-stand-in.js';
import { requirementsOf, type CommandSpec } from '../realtime/commands.js';
import { conversations } from '../db/tables.js';
import { joinedSocket, rawRequest, request, signedInSocket, type ClientSocket } from './sockets.js';

const ACTORS = ['member', 'hostHere', 'hostElsewhere', 'moderator', 'admin'] as const;
type ActorName = (typeof ACTORS)[number];

interface Actor {
  socket: ClientSocket;
  client: TestClient;
  userId: string;
}

/** What happened: allowed, or refused with a code. */
type Outcome = 'allowed' | ErrorCode;

interface Row {
  capability: Capability;
  /** `socket:<command>` or `<METHOD> <path>`. */
  surface: string;
  /** The booth the action is about; undefined for fair-wide actions. */
  scope: 'booth' | 'fair';
  /** Who may: the other actors are refused with `refusedWith` (FORBIDDEN unless said). */
  allowed: readonly ActorName[];
  refusedWith?: ErrorCode;
  attempt: (actor: Actor) => Promise<Outcome>;
}

let server: TestServer;
let twirp: TwirpStandIn;
let boothId: number;
let otherBoothId: number;
const actors = {} as Record<ActorName, Actor>;
let poster: Actor;
let reporter: Actor;
/** Waits in the booth's queue for `queue:admit`; `queueActor` is whoever just tried `queue:join`. */
let waiter: Actor;
let queueActor: Actor;
let targetId: string;
let invites = 0;

let draftSurveyId: number | undefined;

/** A survey in draft, made by the organiser once, for the rows about one survey. */
async function draftSurvey(): Promise<number> {
  draftSurveyId ??= (await actors.admin.client.post('/api/surveys', { template: 'nps' })).body.id as number;
  return draftSurveyId;
}

async function viaSocket(actor: Actor, command: string, payload: unknown): Promise<Outcome> {
  const ack = await rawRequest(actor.socket, command, payload);
  return ack.ok ? 'allowed' : ack.error.code;
}

async function viaHttp(actor: Actor, method: string, path: string, body?: unknown): Promise<Outcome> {
  const res = await actor.client.request(method, path, body);
  return res.status < 300 ? 'allowed' : (res.body.error?.code as ErrorCode);
}

/** A fresh message in the booth (the chat rate limit is lifted for this file). */
async function postedMessage(): Promise<ChatMessage> {
  const ack = await request(poster.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'a message to act on' });
  if (!ack.ok) throw new Error(`post failed: ${ack.error.code}`);
  return ack.data;
}

let questionsAsked = 0;

/** A fresh question, asked by the poster, for an actor to vote on, answer or remove. */
async function askedQuestionId(): Promise<number> {
  // A new text each time: the same one again would be taken for a resend of the first.
  const ack = await request(poster.socket, 'question:ask', { boothId, body: `a question to act on (${++questionsAsked})` });
  if (!ack.ok) throw new Error(`question:ask failed: ${ack.error.code}`);
  return ack.data.questionId;
}

/** A fresh 1:1 conversation between the poster and this actor (contact requests open them; made directly here). */
async function conversationWith(actor: Actor): Promise<number> {
  const [row] = await server.db.insert(conversations).values({ boothId, memberId: poster.userId, staffId: actor.userId }).returning({ id: conversations.id });
  return row!.id;
}

/** A message the poster wrote to this actor in a fresh conversation. */
async function conversationMessageTo(actor: Actor): Promise<number> {
  const conversationId = await conversationWith(actor);
  const ack = await request(poster.socket, 'conversation:send', { conversationId, clientMsgId: randomUUID(), body: 'a private message to act on' });
  if (!ack.ok) throw new Error(`conversation:send failed: ${ack.error.code}`);
  return ack.data.id;
}

/** A conversation message the reporter reported, for moderators to remove or resolve. */
async function reportedConversationMessage(): Promise<{ messageId: number; reportId: number }> {
  const messageId = await conversationMessageTo(reporter);
  const report = await request(reporter.socket, 'conversation:report', { messageId, reason: 'harassment' });
  if (!report.ok) throw new Error(`conversation:report failed: ${report.error.code}`);
  return { messageId, reportId: report.data.reportId };
}

/** The poster raises a hand, so staff have one to grant or revoke. */
async function posterRaisesHand(): Promise<void> {
  const ack = await request(poster.socket, 'hand:raise', { boothId });
  if (!ack.ok) throw new Error(`hand:raise failed: ${ack.error.code}`);
}

/** The poster's open contact request to the booth: a fresh one, or the one a refused answer left open. */
async function posterOpenRequestId(): Promise<number> {
  const ack = await rawRequest<{ requestId: number }>(poster.socket, 'contact:request', { boothId, message: 'A follow-up, please.', share: ['name'] });
  if (ack.ok) return ack.data.requestId;
  if (ack.error.code === 'CONFLICT' && ack.error.details?.requestId) return ack.error.details.requestId;
  throw new Error(`contact:request failed: ${ack.error.code}`);
}

/** A fresh complaint, filed by the reporter, for an actor to read or move on. */
async function filedComplaintId(): Promise<number> {
  const res = await reporter.client.post('/api/complaints', { category: 'other', body: 'a complaint to act on', anonymous: false, language: 'en' });
  if (res.status !== 201) throw new Error(`complaint failed: ${res.status}`);
  return res.body.id as number;
}

/** A fresh pending invitation, made by the admin, for an actor to resend or revoke. */
async function pendingInviteId(): Promise<number> {
  const res = await actors.admin.client.post('/api/admin/invites', { email: `pending${++invites}@example.org`, role: 'member' });
  if (res.status !== 201) throw new Error(`invite failed: ${res.status}`);
  return (res.body.invite as { id: number }).id;
}

async function asAdmin(command: string, payload: unknown): Promise<unknown> {
  const ack = await rawRequest<{ id?: number; sessions?: { id: number }[] }>(actors.admin.socket, command, payload);
  if (!ack.ok) throw new Error(`admin ${command} failed: ${ack.error.code}`);
  return ack.data;
}

const staffOfBooth = ['hostHere', 'moderator', 'admin'] as const;
const moderators = ['moderator', 'admin'] as const;
const everyone = ACTORS;

/**
 * One payload per socket command, aimed at the booth under test (and, where the command acts on
 * someone or something, at a fresh target), and what to undo after an allowed attempt. The
 * capability and scope each command needs are not written here: they come from the server's
 * command table, so the matrix cannot drift from what the router enforces.
 */
interface SocketFixture {
  payload(actor: Actor): unknown;
  /** Undoes an allowed attempt (or what the payload set up), so the next actor starts alike. */
  after?(outcome: Outcome, payload: unknown): Promise<void>;
}

const inTheFuture = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

const SOCKET_FIXTURES: Record<CommandName, SocketFixture> = {
  'booth:join': { payload: () => ({ boothId }) },
  'booth:leave': { payload: () => ({ boothId: otherBoothId }) },
  'presence:list': { payload: () => ({ boothId }) },
  'chat:send': {
    payload: () => ({ boothId, clientMsgId: randomUUID(), body: 'hello' }),
  },
  'chat:history': { payload: () => ({ boothId }) },
  'report:create': { payload: async () => ({ messageId: (await postedMessage()).id, reason: 'spam' }) },
  'report:resolve': {
    payload: async () => {
      const message = await postedMessage();
      const report = await rawRequest<{ reportId: number }>(reporter.socket, 'report:create', { messageId: message.id, reason: 'other' });
      if (!report.ok) throw new Error('report failed');
      return { reportId: report.data.reportId, outcome: 'dismissed', note: 'Not a breach.' };
    },
  },
  'chat:delete': { payload: async () => ({ messageId: (await postedMessage()).id, reason: 'test' }) },
  'chat:pin': { payload: async () => ({ boothId, messageId: (await postedMessage()).id }) },
  'moderation:mute': { payload: () => ({ userId: targetId, minutes: 5, reason: 'test' }) },
  'moderation:unmute': { payload: () => ({ userId: targetId }) },
  'moderation:kick': { payload: () => ({ userId: targetId, boothId, reason: 'test' }) },
  'moderation:ban': {
    payload: () => ({ userId: targetId, minutes: 5, reason: 'test' }),
    after: async (outcome) => {
      if (outcome === 'allowed') await asAdmin('moderation:unban', { userId: targetId });
    },
  },
  'moderation:unban': { payload: () => ({ userId: targetId }) },
  'booth:update': { payload: () => ({ boothId, slowModeSeconds: 0, locked: false }) },
  'booth:edit': { payload: () => ({ boothId, tags: ['peacebuilding', 'local leadership'] }) },
  'schedule:add': { payload: () => ({ boothId, session: { title: 'Open hour', startsAt: inTheFuture(1), endsAt: inTheFuture(2), language: 'en' } }) },
  'schedule:remove': {
    payload: async () => {
      const session = { title: 'To remove', startsAt: inTheFuture(1), endsAt: inTheFuture(2), language: 'fr' };
      const booth = (await asAdmin('schedule:add', { boothId, session })) as { sessions: { id: number; title: string }[] };
      return { boothId, sessionId: booth.sessions.filter((s) => s.title === 'To remove').at(-1)!.id };
    },
    after: async (outcome, payload) => {
      if (outcome !== 'allowed') await asAdmin('schedule:remove', payload);
    },
  },
  'announcement:create': { payload: () => ({ text: 'Booth news', boothId }) },
  'hand:raise': { payload: () => ({ boothId }) },
  'hand:lower': { payload: () => ({ boothId }) },
  'hand:list': { payload: () => ({ boothId }) },
  'hand:grant': {
    payload: async () => {
      await posterRaisesHand();
      return { boothId, userId: poster.userId };
    },
  },
  'hand:revoke': {
    payload: async () => {
      await posterRaisesHand();
      return { boothId, userId: poster.userId };
    },
  },
  'video:mute-track': { payload: () => ({ boothId, userId: poster.userId, trackSid: 'TR_microphone' }) },
  'video:remove': { payload: () => ({ boothId, userId: poster.userId }) },
  // The other booth made full (one seat, the poster in it), so anyone may wait for it; each actor leaves its line after.
  'queue:join': {
    payload: async (actor) => {
      queueActor = actor;
      await setCapacity(otherBoothId, 1);
      await request(poster.socket, 'booth:join', { boothId: otherBoothId });
      return { boothId: otherBoothId };
    },
    after: async () => {
      await request(queueActor.socket, 'queue:leave', { boothId: otherBoothId });
      await request(poster.socket, 'booth:leave', { boothId: otherBoothId });
      await setCapacity(otherBoothId, 120);
    },
  },
  'queue:leave': { payload: () => ({ boothId }) },
  'queue:list': { payload: () => ({ boothId }) },
  // Someone waits at the booth under test (made full), for staff to let in.
  'queue:admit': {
    payload: async () => {
      await setCapacity(boothId, 1);
      const waiting = await request(waiter.socket, 'queue:join', { boothId });
      if (!waiting.ok) throw new Error(`queue:join failed: ${waiting.error.code}`);
      return { boothId, userId: waiter.userId };
    },
    after: async () => {
      await request(waiter.socket, 'queue:leave', { boothId });
      await setCapacity(boothId, 120);
    },
  },
  'contact:request': { payload: () => ({ boothId, message: 'Please follow up with me.', share: ['name'] }) },
  'contact:answer': { payload: async () => ({ requestId: await posterOpenRequestId(), answer: 'email' }) },
  'question:ask': { payload: () => ({ boothId, body: 'A question to the booth?' }) },
  'question:list': { payload: () => ({ boothId }) },
  'question:vote': { payload: async () => ({ questionId: await askedQuestionId() }) },
  'question:unvote': { payload: async () => ({ questionId: await askedQuestionId() }) },
  'question:answer': { payload: async () => ({ questionId: await askedQuestionId() }) },
  'question:remove': { payload: async () => ({ questionId: await askedQuestionId(), reason: 'test' }) },
  'conversation:send': { payload: async (actor) => ({ conversationId: await conversationWith(actor), clientMsgId: randomUUID(), body: 'hello' }) },
  'conversation:history': { payload: async (actor) => ({ conversationId: await conversationWith(actor) }) },
  'conversation:report': { payload: async (actor) => ({ messageId: await conversationMessageTo(actor), reason: 'spam' }) },
  'conversation:delete': { payload: async () => ({ messageId: (await reportedConversationMessage()).messageId, reason: 'test' }) },
  'conversation:resolve': { payload: async () => ({ reportId: (await reportedConversationMessage()).reportId, outcome: 'dismissed', note: 'test' }) },
};

/** Booth capacity, through the organisers' API (the booth cache hears of it). */
async function setCapacity(id: number, capacity: number): Promise<void> {
  const res = await actors.admin.client.request('PATCH', `/api/admin/booths/${id}`, { capacity });
  if (res.status !== 200) throw new Error(`capacity change failed: ${res.status}`);
}

/** Payloads that need other capabilities than the fixture above: a second row for the same command. */
const EXTRA_SOCKET_PAYLOADS: { command: CommandName; label: string; payload: () => unknown }[] = [
  { command: 'booth:update', label: 'status', payload: () => ({ boothId, status: 'open' }) },
  { command: 'announcement:create', label: 'fair-wide', payload: () => ({ text: 'Fair news' }) },
];

const principals = (): Record<ActorName, Principal> => ({
  member: { role: 'member', hostedBoothIds: [] },
  hostHere: { role: 'host', hostedBoothIds: [boothId] },
  hostElsewhere: { role: 'host', hostedBoothIds: [otherBoothId] },
  moderator: { role: 'moderator', hostedBoothIds: [] },
  admin: { role: 'admin', hostedBoothIds: [] },
});

/** Every socket case: each command's fixture, and the extra payloads. */
const SOCKET_CASES: { command: CommandName; label: string; fixture: SocketFixture }[] = [
  ...Object.entries(SOCKET_FIXTURES).map(([command, fixture]) => ({ command: command as CommandName, label: '', fixture })),
  ...EXTRA_SOCKET_PAYLOADS.map(({ command, label, payload }) => ({ command, label: `(${label})`, fixture: { payload } })),
];

/** What the server's command table requires of this payload of this command. */
function required(command: CommandName, payload: unknown) {
  const spec = server.app.commands[command] as unknown as CommandSpec<CommandName>;
  return requirementsOf(spec, COMMANDS[command].payload.parse(payload) as CommandPayload<CommandName>);
}

const ROWS: Row[] = [
  {
    capability: 'booth:staff',
    surface: 'socket:booth:join (closed booth)',
    scope: 'booth',
    allowed: staffOfBooth,
    refusedWith: 'BOOTH_CLOSED',
    attempt: async (a) => {
      await asAdmin('booth:update', { boothId, status: 'closed' });
      try {
        return await viaSocket(a, 'booth:join', { boothId });
      } finally {
        await asAdmin('booth:update', { boothId, status: 'open' });
      }
    },
  },
  { capability: 'moderation:review', surface: 'GET /api/moderation/reports', scope: 'fair', allowed: moderators, attempt: (a) => viaHttp(a, 'GET', '/api/moderation/reports') },
  {
    capability: 'moderation:review',
    surface: 'GET /api/moderation/conversation-reports',
    scope: 'fair',
    allowed: moderators,
    attempt: (a) => viaHttp(a, 'GET', '/api/moderation/conversation-reports'),
  },
  { capability: 'moderation:review', surface: 'GET /api/moderation/restrictions', scope: 'fair', allowed: moderators, attempt: (a) => viaHttp(a, 'GET', '/api/moderation/restrictions') },
  { capability: 'moderation:review', surface: 'GET /api/moderation/reports/summary', scope: 'fair', allowed: moderators, attempt: (a) => viaHttp(a, 'GET', '/api/moderation/reports/summary') },
  { capability: 'audit:read', surface: 'GET /api/moderation/audit', scope: 'fair', allowed: moderators, attempt: (a) => viaHttp(a, 'GET', '/api/moderation/audit') },
  { capability: 'audit:read', surface: 'GET /api/moderation/audit?format=csv', scope: 'fair', allowed: moderators, attempt: (a) => viaHttp(a, 'GET', '/api/moderation/audit?format=csv') },
  { capability: 'booth:figures', surface: 'GET /api/booths/:id/figures', scope: 'booth', allowed: staffOfBooth, attempt: (a) => viaHttp(a, 'GET', `/api/booths/${boothId}/figures`) },
  {
    capability: 'booth:figures',
    surface: 'GET /api/booths/:id/figures?format=csv',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: (a) => viaHttp(a, 'GET', `/api/booths/${boothId}/figures?format=csv`),
  },
  { capability: 'booth:visit', surface: 'socket:hand:raise', scope: 'booth', allowed: everyone, attempt: (a) => viaSocket(a, 'hand:raise', { boothId }) },
  { capability: 'booth:visit', surface: 'socket:hand:lower', scope: 'booth', allowed: everyone, attempt: (a) => viaSocket(a, 'hand:lower', { boothId }) },
  { capability: 'booth:visit', surface: 'socket:hand:list', scope: 'booth', allowed: everyone, attempt: (a) => viaSocket(a, 'hand:list', { boothId }) },
  {
    capability: 'hand:manage',
    surface: 'socket:hand:grant',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: async (a) => {
      await posterRaisesHand();
      return viaSocket(a, 'hand:grant', { boothId, userId: poster.userId });
    },
  },
  {
    capability: 'hand:manage',
    surface: 'socket:hand:revoke',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: async (a) => {
      await posterRaisesHand();
      return viaSocket(a, 'hand:revoke', { boothId, userId: poster.userId });
    },
  },
  {
    capability: 'video:moderate',
    surface: 'socket:video:mute-track',
    scope: 'booth',
    allowed: moderators,
    attempt: (a) => viaSocket(a, 'video:mute-track', { boothId, userId: poster.userId, trackSid: 'TR_microphone' }),
  },
  {
    capability: 'video:moderate',
    surface: 'socket:video:remove',
    scope: 'booth',
    allowed: moderators,
    attempt: (a) => viaSocket(a, 'video:remove', { boothId, userId: poster.userId }),
  },
  {
    // Everyone in the booth gets a token; only the booth's hosts get one that may publish.
    capability: 'video:publish',
    surface: 'POST /api/booths/:slug/video-token (publish grant)',
    scope: 'booth',
    allowed: ['hostHere'],
    attempt: async (a) => {
      const res = await a.client.request('POST', '/api/booths/peace-direct/video-token');
      if (res.status !== 200) return res.body.error?.code as ErrorCode;
      const claims = await new TokenVerifier(TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET).verify((res.body as { token: string }).token);
      return claims.video?.canPublish ? 'allowed' : 'FORBIDDEN';
    },
  },
  {
    capability: 'invites:create',
    surface: 'POST /api/admin/invites',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'POST', '/api/admin/invites', { email: `invitee${++invites}@example.org`, role: 'member' }),
  },
  {
    capability: 'invites:create',
    surface: 'POST /api/admin/invites/import',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => {
      const res = await a.client.request('POST', '/api/admin/invites/import', `email,display_name,role,booth_slug\nroster${++invites}@example.org,R,member,\n`, 'text/csv');
      return res.status < 300 ? 'allowed' : (res.body.error?.code as ErrorCode);
    },
  },
  {
    capability: 'invites:create',
    surface: 'POST /api/admin/invites/:id/resend',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => viaHttp(a, 'POST', `/api/admin/invites/${await pendingInviteId()}/resend`),
  },
  {
    capability: 'invites:create',
    surface: 'DELETE /api/admin/invites/:id',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => viaHttp(a, 'DELETE', `/api/admin/invites/${await pendingInviteId()}`),
  },
  {
    capability: 'people:read',
    surface: 'GET /api/admin/people',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'GET', '/api/admin/people'),
  },
  {
    capability: 'people:manage',
    surface: 'PATCH /api/admin/people/:id',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => {
      const id = await createUser(server.db, { email: `managed${++invites}@fair.test`, displayName: 'Managed', role: 'member' });
      return viaHttp(a, 'PATCH', `/api/admin/people/${id}`, { status: 'deactivated' });
    },
  },
  {
    capability: 'invites:create',
    surface: 'POST /api/admin/invites/import?dryRun=1',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => {
      const res = await a.client.request('POST', '/api/admin/invites/import?dryRun=1', `email,role\npreview${++invites}@example.org,member\n`, 'text/csv');
      return res.status < 300 ? 'allowed' : (res.body.error?.code as ErrorCode);
    },
  },
  {
    capability: 'fair:settings',
    surface: 'PUT /api/admin/fair',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'PUT', '/api/admin/fair', { name: { en: 'Fair' }, welcome: {}, startsAt: null, endsAt: null, timeZone: 'UTC', contactEmail: null }),
  },
  {
    capability: 'fair:settings',
    surface: 'GET /api/admin/conduct',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'GET', '/api/admin/conduct'),
  },
  {
    capability: 'fair:settings',
    surface: 'PUT /api/admin/conduct',
    scope: 'fair',
    allowed: ['admin'],
    // The text already published: allowed, yet no new version that everyone would have to accept.
    attempt: (a) => viaHttp(a, 'PUT', '/api/admin/conduct', { baseVersion: 1, text: DEMO_CONDUCT }),
  },
  {
    capability: 'fair:settings',
    surface: 'POST /api/surveys',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'POST', '/api/surveys', { template: 'nps' }),
  },
  {
    capability: 'fair:settings',
    surface: 'GET /api/surveys',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'GET', '/api/surveys'),
  },
  {
    capability: 'fair:settings',
    surface: 'PATCH /api/surveys/:id',
    scope: 'fair',
    allowed: ['admin'],
    // Closing a survey that was never opened: allowed, and nothing changes.
    attempt: async (a) => viaHttp(a, 'PATCH', `/api/surveys/${await draftSurvey()}`, { status: 'closed' }),
  },
  {
    capability: 'fair:settings',
    surface: 'GET /api/surveys/:id/results',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => viaHttp(a, 'GET', `/api/surveys/${await draftSurvey()}/results?format=csv`),
  },
  {
    capability: 'fair:settings',
    surface: 'POST /api/responses',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'POST', '/api/responses', { title: { en: 'Heard' }, body: { en: 'Done.' } }),
  },
  {
    capability: 'booths:manage',
    surface: 'POST /api/admin/booths',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'POST', '/api/admin/booths', { slug: `made-${++invites}`, name: 'Made', network: 'Net', languages: ['en'], capacity: 10 }),
  },
  {
    capability: 'booths:manage',
    surface: 'PATCH /api/admin/booths/:id',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'PATCH', `/api/admin/booths/${otherBoothId}`, { tags: [`tag${++invites}`] }),
  },
  {
    capability: 'booths:manage',
    surface: 'GET /api/admin/booths',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'GET', '/api/admin/booths'),
  },
  { capability: 'booth:staff', surface: 'GET /api/booths/:slug/contacts', scope: 'booth', allowed: staffOfBooth, attempt: (a) => viaHttp(a, 'GET', '/api/booths/peace-direct/contacts') },
  { capability: 'booth:staff', surface: 'GET /api/booths/:slug/contacts.csv', scope: 'booth', allowed: staffOfBooth, attempt: (a) => viaHttp(a, 'GET', '/api/booths/peace-direct/contacts.csv') },
  { capability: 'booth:feedback', surface: 'GET /api/booths/:slug/feedback', scope: 'booth', allowed: ['hostHere', 'admin'], attempt: (a) => viaHttp(a, 'GET', '/api/booths/peace-direct/feedback') },
  { capability: 'accountability:read', surface: 'GET /api/admin/feedback', scope: 'fair', allowed: ['admin'], attempt: (a) => viaHttp(a, 'GET', '/api/admin/feedback') },
  { capability: 'accountability:read', surface: 'GET /api/accountability/report', scope: 'fair', allowed: ['admin'], attempt: (a) => viaHttp(a, 'GET', '/api/accountability/report') },
  {
    capability: 'accountability:read',
    surface: 'GET /api/accountability/report?format=csv',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'GET', '/api/accountability/report?format=csv'),
  },
  { capability: 'complaints:handle', surface: 'GET /api/complaints', scope: 'fair', allowed: ['admin'], attempt: (a) => viaHttp(a, 'GET', '/api/complaints') },
  {
    capability: 'complaints:handle',
    surface: 'GET /api/complaints/:id',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => viaHttp(a, 'GET', `/api/complaints/${await filedComplaintId()}`),
  },
  {
    capability: 'complaints:handle',
    surface: 'PATCH /api/complaints/:id',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => viaHttp(a, 'PATCH', `/api/complaints/${await filedComplaintId()}`, { status: 'acknowledged', reply: 'Thank you.' }),
  },
  {
    capability: 'people:manage',
    surface: 'PUT /api/admin/people/:id/grants/complaints:handle',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'PUT', `/api/admin/people/${targetId}/grants/complaints:handle`),
  },
  {
    capability: 'people:manage',
    surface: 'DELETE /api/admin/people/:id/grants/complaints:handle',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'DELETE', `/api/admin/people/${targetId}/grants/complaints:handle`),
  },
  {
    capability: 'people:read',
    surface: 'GET /api/admin/grants/complaints:handle',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'GET', '/api/admin/grants/complaints:handle'),
  },
  {
    capability: 'people:erase',
    surface: 'DELETE /api/admin/users/:id',
    scope: 'fair',
    allowed: ['admin'],
    attempt: async (a) => {
      // Erasure cannot be undone: each attempt gets an account of its own.
      const id = await createUser(server.db, { email: `erasable${++invites}@fair.test`, displayName: 'Erasable', role: 'member' });
      return viaHttp(a, 'DELETE', `/api/admin/users/${id}`);
    },
  },
];

beforeAll(async () => {
  // Video is configured (against a local stand-in for LiveKit's RoomService), so its commands
  // are tried for real too.
  twirp = await startTwirpStandIn();
  // Each actor tries every command in quick succession: lift the command budget (abuse.test.ts
  // tests it) and the chat rate limit (realtime.test.ts) so every answer here is the authorization decision.
  const commandBudget = { socketPoints: 1e9, accountPoints: 1e9 };
  server = await startTestServer({ env: twirp.env, deps: { presenceGraceMs: 300, lobbyIntervalMs: 100, commandBudget, chatRate: { maxMessages: 1e9 }, questionRate: { maxAsks: 1e9, maxVotes: 1e9 } } });
  const ids = await boothIdsBySlug(server.baseUrl);
  boothId = ids['peace-direct']!;
  otherBoothId = ids.kujalink!;
  await createUser(server.db, { email: 'other-host@fair.test', displayName: 'Other host', role: 'host', hostsBoothId: otherBoothId });
  await createUser(server.db, { email: 'poster@fair.test', displayName: 'Poster', role: 'member' });
  await createUser(server.db, { email: 'reporter@fair.test', displayName: 'Reporter', role: 'member' });
  targetId = await createUser(server.db, { email: 'target@fair.test', displayName: 'Target', role: 'member' });
  const emails: Record<ActorName, string> = {
    member: 'member@fair.test',
    hostHere: 'host@fair.test',
    hostElsewhere: 'other-host@fair.test',
    moderator: 'moderator@fair.test',
    admin: 'admin@fair.test',
  };
  for (const name of ACTORS) actors[name] = await joinedSocket(server.baseUrl, emails[name], boothId);
  poster = await joinedSocket(server.baseUrl, 'poster@fair.test', boothId);
  reporter = await joinedSocket(server.baseUrl, 'reporter@fair.test', boothId);
  await createUser(server.db, { email: 'waiter@fair.test', displayName: 'Waiter', role: 'member' });
  waiter = await signedInSocket(server.baseUrl, 'waiter@fair.test');
});
afterAll(async () => {
  for (const actor of [...Object.values(actors), poster, reporter, waiter]) actor?.socket.disconnect();
  await server.close();
  await twirp.close();
});

describe('the authorization matrix', () => {
  it('has a row for every capability', async () => {
    const covered = new Set(ROWS.map((row) => row.capability));
    // The socket commands' capabilities, as the table declares them for the fixtures' payloads.
    for (const { command, fixture } of SOCKET_CASES) {
      const spec = server.app.commands[command];
      if (typeof spec.capability === 'string') covered.add(spec.capability);
      else for (const capability of (await required(command, await fixture.payload(actors.admin))).capabilities) covered.add(capability);
    }
    const missing = Object.keys(CAPABILITIES).filter((capability) => !covered.has(capability as Capability));
    expect(missing).toEqual([]);
  });

  it('has a case for every command the server answers, and the server answers every command in the protocol', () => {
    expect(Object.keys(SOCKET_FIXTURES).sort()).toEqual(Object.keys(server.app.commands).sort());
    expect(Object.keys(server.app.commands).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('agrees with can() for every row and role', () => {
    for (const row of ROWS) {
      for (const name of ACTORS) {
        const scope = row.scope === 'booth' ? { boothId } : undefined;
        expect([row.surface, name, can(principals()[name], row.capability, scope)]).toEqual([row.surface, name, row.allowed.includes(name)]);
      }
    }
  });

  describe.each(ROWS)('$surface ($capability)', (row) => {
    it.each(ACTORS)('%s', async (name) => {
      const expected: Outcome = row.allowed.includes(name) ? 'allowed' : (row.refusedWith ?? 'FORBIDDEN');
      expect(await row.attempt(actors[name])).toBe(expected);
    });
  });

  // The socket commands: whoever holds what the command table requires (by can()) is answered,
  // everyone else is refused FORBIDDEN before any handler runs.
  describe.each(SOCKET_CASES)('socket:$command $label', ({ command, fixture }) => {
    it.each(ACTORS)('%s', async (name) => {
      const payload = await fixture.payload(actors[name]);
      const { capabilities, scope } = await required(command, payload);
      expect(capabilities.length).toBeGreaterThan(0);
      const allowed = capabilities.every((capability) => can(principals()[name], capability, scope));
      const outcome = await viaSocket(actors[name], command, payload);
      await fixture.after?.(outcome, payload);
      expect(outcome).toBe(allowed ? 'allowed' : 'FORBIDDEN');
    });
  });

  it('lets a host act in their own booth and refuses them elsewhere, for every booth-scoped command', () => {
    const scoped = Object.entries(server.app.commands).filter(([, spec]) => spec.scope !== 'fair').map(([command]) => command);
    expect(scoped.length).toBeGreaterThan(10);
  });
});

describe('rank', () => {
  it('lets nobody act on a higher role: kick tried by every staff role on every role', async () => {
    const targets = {} as Record<Role, string>;
    for (const role of ROLES) {
      targets[role] = await createUser(server.db, {
        email: `rank-${role}@fair.test`,
        displayName: `Rank ${role}`,
        role,
        hostsBoothId: role === 'host' ? boothId : undefined,
      });
    }
    const staff: [ActorName, Principal][] = [
      ['hostHere', { role: 'host', hostedBoothIds: [boothId] }],
      ['moderator', { role: 'moderator', hostedBoothIds: [] }],
      ['admin', { role: 'admin', hostedBoothIds: [] }],
    ];
    for (const [name, principal] of staff) {
      for (const role of ROLES) {
        const outcome = await viaSocket(actors[name], 'moderation:kick', { userId: targets[role], boothId, reason: 'rank test' });
        expect([name, role, outcome]).toEqual([name, role, mayActOn(principal, { role }) ? 'allowed' : 'FORBIDDEN']);
      }
    }
  });
});
