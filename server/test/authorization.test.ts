/**
 * The authorization matrix: every protected socket command and HTTP route, tried for real
 * against a running fair by each role, with the outcome the table expects. A capability or a
 * command without a row fails the completeness tests below.
 */
import { randomUUID } from 'node:crypto';
import { TokenVerifier } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../shared/errors.js';
import { COMMANDS, type ChatMessage } from '../../shared/protocol.js';
import { can, CAPABILITIES, mayActOn, ROLES, type Capability, type Principal, type Role } from '../../shared/roles.js';
import { boothIdsBySlug, createUser, startTestServer, type TestClient, type TestServer } from './harness.js';
import { startTwirpStandIn, TEST_LIVEKIT_KEY, TEST_LIVEKIT_SECRET, type TwirpStandIn } from './livekit-stand-in.js';
import { joinedSocket, rawRequest, request, type ClientSocket } from './sockets.js';

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
let targetId: string;
let invites = 0;

async function viaSocket(actor: Actor, command: string, payload: unknown): Promise<Outcome> {
  const ack = await rawRequest(actor.socket, command, payload);
  return ack.ok ? 'allowed' : ack.error.code;
}

async function viaHttp(actor: Actor, method: string, path: string, body?: unknown): Promise<Outcome> {
  const res = await actor.client.request(method, path, body);
  return res.status < 300 ? 'allowed' : (res.body.error?.code as ErrorCode);
}

/** A fresh message in the booth (spaced out in test time so the chat rate limit never bites). */
async function postedMessage(): Promise<ChatMessage> {
  server.clock.advance(1_500);
  const ack = await request(poster.socket, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'a message to act on' });
  if (!ack.ok) throw new Error(`post failed: ${ack.error.code}`);
  return ack.data;
}

/** The poster raises a hand, so staff have one to grant or revoke. */
async function posterRaisesHand(): Promise<void> {
  const ack = await request(poster.socket, 'hand:raise', { boothId });
  if (!ack.ok) throw new Error(`hand:raise failed: ${ack.error.code}`);
}

async function asAdmin(command: string, payload: unknown): Promise<unknown> {
  const ack = await rawRequest<{ id?: number; sessions?: { id: number }[] }>(actors.admin.socket, command, payload);
  if (!ack.ok) throw new Error(`admin ${command} failed: ${ack.error.code}`);
  return ack.data;
}

const staffOfBooth = ['hostHere', 'moderator', 'admin'] as const;
const moderators = ['moderator', 'admin'] as const;
const everyone = ACTORS;

const ROWS: Row[] = [
  { capability: 'booth:visit', surface: 'socket:booth:join', scope: 'booth', allowed: everyone, attempt: (a) => viaSocket(a, 'booth:join', { boothId }) },
  { capability: 'booth:visit', surface: 'socket:booth:leave', scope: 'booth', allowed: everyone, attempt: (a) => viaSocket(a, 'booth:leave', { boothId: otherBoothId }) },
  {
    capability: 'booth:visit',
    surface: 'socket:chat:send',
    scope: 'booth',
    allowed: everyone,
    attempt: (a) => {
      server.clock.advance(1_500);
      return viaSocket(a, 'chat:send', { boothId, clientMsgId: randomUUID(), body: 'hello' });
    },
  },
  { capability: 'booth:visit', surface: 'socket:chat:history', scope: 'booth', allowed: everyone, attempt: (a) => viaSocket(a, 'chat:history', { boothId }) },
  {
    capability: 'booth:visit',
    surface: 'socket:report:create',
    scope: 'booth',
    allowed: everyone,
    attempt: async (a) => viaSocket(a, 'report:create', { messageId: (await postedMessage()).id, reason: 'spam' }),
  },
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
  {
    capability: 'chat:delete',
    surface: 'socket:chat:delete',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: async (a) => viaSocket(a, 'chat:delete', { messageId: (await postedMessage()).id, reason: 'test' }),
  },
  {
    capability: 'chat:pin',
    surface: 'socket:chat:pin',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: async (a) => viaSocket(a, 'chat:pin', { boothId, messageId: (await postedMessage()).id }),
  },
  {
    capability: 'moderation:mute',
    surface: 'socket:moderation:mute',
    scope: 'fair',
    allowed: moderators,
    attempt: (a) => viaSocket(a, 'moderation:mute', { userId: targetId, minutes: 5, reason: 'test' }),
  },
  { capability: 'moderation:mute', surface: 'socket:moderation:unmute', scope: 'fair', allowed: moderators, attempt: (a) => viaSocket(a, 'moderation:unmute', { userId: targetId }) },
  {
    capability: 'moderation:kick',
    surface: 'socket:moderation:kick',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: (a) => viaSocket(a, 'moderation:kick', { userId: targetId, boothId, reason: 'test' }),
  },
  {
    capability: 'moderation:ban',
    surface: 'socket:moderation:ban',
    scope: 'fair',
    allowed: moderators,
    attempt: async (a) => {
      const outcome = await viaSocket(a, 'moderation:ban', { userId: targetId, minutes: 5, reason: 'test' });
      if (outcome === 'allowed') await asAdmin('moderation:unban', { userId: targetId });
      return outcome;
    },
  },
  { capability: 'moderation:ban', surface: 'socket:moderation:unban', scope: 'fair', allowed: moderators, attempt: (a) => viaSocket(a, 'moderation:unban', { userId: targetId }) },
  {
    capability: 'booth:configure',
    surface: 'socket:booth:update (slow mode, lock)',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: (a) => viaSocket(a, 'booth:update', { boothId, slowModeSeconds: 0, locked: false }),
  },
  {
    capability: 'booth:set-status',
    surface: 'socket:booth:update (status)',
    scope: 'booth',
    allowed: moderators,
    attempt: (a) => viaSocket(a, 'booth:update', { boothId, status: 'open' }),
  },
  {
    capability: 'booth:edit-profile',
    surface: 'socket:booth:edit',
    scope: 'booth',
    allowed: ['hostHere', 'admin'],
    attempt: (a) => viaSocket(a, 'booth:edit', { boothId, tags: ['peacebuilding', 'local leadership'] }),
  },
  {
    capability: 'booth:edit-profile',
    surface: 'socket:schedule:add',
    scope: 'booth',
    allowed: ['hostHere', 'admin'],
    attempt: (a) =>
      viaSocket(a, 'schedule:add', {
        boothId,
        session: { title: 'Open hour', startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), language: 'en' },
      }),
  },
  {
    capability: 'booth:edit-profile',
    surface: 'socket:schedule:remove',
    scope: 'booth',
    allowed: ['hostHere', 'admin'],
    attempt: async (a) => {
      const session = { title: 'To remove', startsAt: new Date(Date.now() + 3_600_000).toISOString(), endsAt: new Date(Date.now() + 7_200_000).toISOString(), language: 'fr' };
      const booth = (await asAdmin('schedule:add', { boothId, session })) as { sessions: { id: number; title: string }[] };
      const sessionId = booth.sessions.filter((s) => s.title === 'To remove').at(-1)!.id;
      const outcome = await viaSocket(a, 'schedule:remove', { boothId, sessionId });
      if (outcome !== 'allowed') await asAdmin('schedule:remove', { boothId, sessionId });
      return outcome;
    },
  },
  {
    capability: 'announcement:create',
    surface: 'socket:announcement:create (booth)',
    scope: 'booth',
    allowed: staffOfBooth,
    attempt: (a) => viaSocket(a, 'announcement:create', { text: 'Booth news', boothId }),
  },
  {
    capability: 'announcement:create',
    surface: 'socket:announcement:create (fair)',
    scope: 'fair',
    allowed: moderators,
    attempt: (a) => viaSocket(a, 'announcement:create', { text: 'Fair news' }),
  },
  {
    capability: 'moderation:review',
    surface: 'socket:report:resolve',
    scope: 'fair',
    allowed: moderators,
    attempt: async (a) => {
      const message = await postedMessage();
      const report = await request(reporter.socket, 'report:create', { messageId: message.id, reason: 'other' });
      if (!report.ok) throw new Error('report failed');
      return viaSocket(a, 'report:resolve', { reportId: report.data.reportId, outcome: 'dismissed', note: 'Not a breach.' });
    },
  },
  { capability: 'moderation:review', surface: 'GET /api/moderation/reports', scope: 'fair', allowed: moderators, attempt: (a) => viaHttp(a, 'GET', '/api/moderation/reports') },
  { capability: 'moderation:review', surface: 'GET /api/moderation/restrictions', scope: 'fair', allowed: moderators, attempt: (a) => viaHttp(a, 'GET', '/api/moderation/restrictions') },
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
    capability: 'people:read',
    surface: 'GET /api/admin/people',
    scope: 'fair',
    allowed: ['admin'],
    attempt: (a) => viaHttp(a, 'GET', '/api/admin/people'),
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
  // tests it) so every answer here is the authorization decision.
  const commandBudget = { socketPoints: 1e9, accountPoints: 1e9 };
  server = await startTestServer({ env: twirp.env, deps: { presenceGraceMs: 300, lobbyIntervalMs: 100, commandBudget } });
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
});
afterAll(async () => {
  for (const actor of [...Object.values(actors), poster, reporter]) actor?.socket.disconnect();
  await server.close();
  await twirp.close();
});

describe('the authorization matrix', () => {
  it('has a row for every capability', () => {
    const covered = new Set(ROWS.map((row) => row.capability));
    const missing = Object.keys(CAPABILITIES).filter((capability) => !covered.has(capability as Capability));
    expect(missing).toEqual([]);
  });

  it('has a row for every socket command', () => {
    const covered = new Set(ROWS.filter((row) => row.surface.startsWith('socket:')).map((row) => row.surface.slice('socket:'.length).split(' ')[0]));
    expect(Object.keys(COMMANDS).filter((command) => !covered.has(command))).toEqual([]);
  });

  it('agrees with can() for every row and role', () => {
    const principals: Record<ActorName, Principal> = {
      member: { role: 'member', hostedBoothIds: [] },
      hostHere: { role: 'host', hostedBoothIds: [boothId] },
      hostElsewhere: { role: 'host', hostedBoothIds: [otherBoothId] },
      moderator: { role: 'moderator', hostedBoothIds: [] },
      admin: { role: 'admin', hostedBoothIds: [] },
    };
    for (const row of ROWS) {
      for (const name of ACTORS) {
        const scope = row.scope === 'booth' ? { boothId } : undefined;
        expect([row.surface, name, can(principals[name], row.capability, scope)]).toEqual([row.surface, name, row.allowed.includes(name)]);
      }
    }
  });

  describe.each(ROWS)('$surface ($capability)', (row) => {
    it.each(ACTORS)('%s', async (name) => {
      const expected: Outcome = row.allowed.includes(name) ? 'allowed' : (row.refusedWith ?? 'FORBIDDEN');
      expect(await row.attempt(actors[name])).toBe(expected);
    });
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
