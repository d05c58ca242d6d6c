import { AccessToken, WebhookReceiver, type TrackSource } from 'livekit-server-sdk';
import { HAND_QUEUE_BATCH_MS } from '../../shared/limits.js';
import type { HandEntry } from '../../shared/protocol.js';
import { can } from '../../shared/roles.js';
import type { AuthUser, Clock } from '../auth/service.js';
import { fail, ok, type Result } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { createPerKeyThrottle } from '../realtime/per-key-throttle.js';
import { rooms, type FairServer } from '../realtime/types.js';
import { createHandQueueStore } from './hand-queue.js';
import { boothIdOfRoom, HOST_SOURCES, joinGrant, PRIVATE_VISITOR_NAME, privateVisitorIdentity, SPEAKER_SOURCES, type LiveKitSettings } from './livekit.js';
import { createRoomService, type RoomService } from './room-service.js';

/** Video tokens only get someone into the room; LiveKit keeps a joined session alive itself. */
export const VIDEO_TOKEN_TTL_SECONDS = 10 * 60;

/** Whether a person may use video in a booth at all (moderation refuses kicked and banned people; it reads the database). */
export type VideoAccess = (user: AuthUser, boothId: number) => boolean | Promise<boolean>;

export interface VideoServiceDeps {
  livekit: LiveKitSettings | null;
  io: FairServer;
  clock: Clock;
  logger: Logger;
  videoAccess?: VideoAccess;
  /** Whether this person's visit to the booth is private (presence knows; it holds on every device). */
  isPrivateVisit?: (boothId: number, userId: string) => boolean | Promise<boolean>;
  /** Replaces the LiveKit RoomService client (never needed outside tests of this module). */
  roomService?: RoomService;
}

export type VideoService = ReturnType<typeof createVideoService>;

const UNAVAILABLE = () => fail('VIDEO_UNAVAILABLE', 'Video is not available at this fair; the booth works in text.');

export function createVideoService({ livekit, io, clock, logger, videoAccess = () => true, isPrivateVisit = () => false, roomService }: VideoServiceDeps) {
  const roomApi = livekit ? (roomService ?? createRoomService(livekit, logger)) : null;
  const webhooks = livekit ? new WebhookReceiver(livekit.apiKey, livekit.apiSecret) : null;
  const hands = createHandQueueStore();
  /** Identities connected to each booth's room, as LiveKit's webhooks report them. */
  const participants = new Map<number, Set<string>>();

  // Staff get the queue at most once per HAND_QUEUE_BATCH_MS per booth, always the latest:
  // someone raising and lowering a hand in a loop cannot flood them.
  const queueUpdates = createPerKeyThrottle<number>(HAND_QUEUE_BATCH_MS, (boothId) =>
    io.to(rooms.staff(boothId)).emit('hand:queue', { boothId, queue: hands.list(boothId) }),
  );
  const emitQueue = (boothId: number) => queueUpdates.schedule(boothId);

  function setParticipant(boothId: number, identity: string, present: boolean | 'none'): void {
    const before = participants.get(boothId)?.size ?? 0;
    if (present === 'none') participants.delete(boothId);
    else {
      const set = participants.get(boothId) ?? new Set<string>();
      if (present) set.add(identity);
      else set.delete(identity);
      if (set.size === 0) participants.delete(boothId);
      else participants.set(boothId, set);
    }
    const count = participants.get(boothId)?.size ?? 0;
    if (count !== before) io.to(rooms.lobby).emit('video:count', { boothId, count });
  }

  /** `boothId:userId` of people this process gave a private-visitor token: their identity may be the opaque one. */
  const privateTokens = new Set<string>();

  /**
   * The LiveKit identities a person may be using in a booth's room, the likely one first: a
   * private visitor's opaque identity, and their user id for a token minted before the
   * visit became private (or after it ended).
   */
  async function identitiesOf(boothId: number, userId: string): Promise<{ identity: string; privateVisit: boolean }[]> {
    const plain = { identity: userId, privateVisit: false };
    if (!livekit) return [plain];
    const opaque = { identity: privateVisitorIdentity(livekit.apiSecret, boothId, userId), privateVisit: true };
    if (await isPrivateVisit(boothId, userId)) return [opaque, plain];
    return privateTokens.has(`${boothId}:${userId}`) ? [plain, opaque] : [plain];
  }

  /** Runs one RoomService call for each identity the person may hold; connected if any was. */
  async function onEveryIdentity(
    boothId: number,
    userId: string,
    run: (identity: string, privateVisit: boolean) => Promise<Result<{ connected: boolean }>>,
  ): Promise<Result<{ connected: boolean }>> {
    let connected = false;
    for (const { identity, privateVisit } of await identitiesOf(boothId, userId)) {
      const result = await run(identity, privateVisit);
      if (!result.ok) return result;
      connected ||= result.data.connected;
    }
    return ok({ connected });
  }

  function sourcesFor(user: AuthUser, boothId: number): readonly TrackSource[] {
    if (can(user, 'video:publish', { boothId })) return HOST_SOURCES;
    return hands.get(boothId, user.id)?.granted ? SPEAKER_SOURCES : [];
  }

  return {
    available: livekit !== null,
    /** Stops pending queue updates. */
    close: () => queueUpdates.close(),
    participantsIn: (boothId: number) => participants.get(boothId)?.size ?? 0,

    /** Whether one of this person's live connections has joined the booth. */
    async isInBooth(userId: string, boothId: number): Promise<boolean> {
      const sockets = await io.in(rooms.user(userId)).fetchSockets();
      return sockets.some((socket) => socket.data.booths.has(boothId));
    },

    mayUse: async (user: AuthUser, boothId: number): Promise<boolean> => videoAccess(user, boothId),

    /** A short-lived join token with the least privilege this person holds in the booth. */
    async mintToken(user: AuthUser, boothId: number): Promise<Result<{ url: string; token: string }>> {
      if (!livekit) return UNAVAILABLE();
      // A private visitor is hidden and opaque to the room: no user id, no name (DESIGN.md, Presence).
      const privateVisit = await isPrivateVisit(boothId, user.id);
      if (privateVisit) privateTokens.add(`${boothId}:${user.id}`);
      const identity = privateVisit ? privateVisitorIdentity(livekit.apiSecret, boothId, user.id) : user.id;
      const name = privateVisit ? PRIVATE_VISITOR_NAME : user.displayName;
      const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, name, ttl: VIDEO_TOKEN_TTL_SECONDS });
      token.addGrant(joinGrant(boothId, sourcesFor(user, boothId), { privateVisit }));
      return ok({ url: livekit.url, token: await token.toJwt() });
    },

    /** Verifies a LiveKit webhook (signature and body hash) and applies it. */
    async receiveWebhook(body: string, authorization: string | undefined): Promise<Result<void>> {
      if (!webhooks) return UNAVAILABLE();
      let event;
      try {
        event = await webhooks.receive(body, authorization);
      } catch {
        return fail('UNAUTHENTICATED', 'The webhook signature is not valid.');
      }
      const boothId = boothIdOfRoom(event.room?.name ?? '');
      if (boothId === null) return ok(undefined);
      const identity = event.participant?.identity ?? '';
      if (event.event === 'participant_joined' && identity) setParticipant(boothId, identity, true);
      else if ((event.event === 'participant_left' || event.event === 'participant_connection_aborted') && identity) setParticipant(boothId, identity, false);
      else if (event.event === 'room_finished') setParticipant(boothId, '', 'none');
      return ok(undefined);
    },

    raiseHand(user: AuthUser, boothId: number): HandEntry {
      const before = hands.get(boothId, user.id);
      const entry = hands.raise(boothId, { userId: user.id, displayName: user.displayName }, new Date(clock.now()));
      if (!before) emitQueue(boothId);
      return entry;
    },

    /** Lowers a hand; a person who had been speaking loses publishing too. */
    async lowerHand(user: AuthUser, boothId: number): Promise<Result<{ boothId: number }>> {
      const entry = hands.get(boothId, user.id);
      if (!entry) return ok({ boothId });
      if (entry.granted && roomApi) {
        const result = await onEveryIdentity(boothId, user.id, (identity, privateVisit) => roomApi.setPublishSources(boothId, identity, [], { privateVisit }));
        if (!result.ok) return result;
      }
      hands.lower(boothId, user.id);
      emitQueue(boothId);
      return ok({ boothId });
    },

    handsIn: (boothId: number) => hands.list(boothId),
    handOf: (boothId: number, userId: string) => hands.get(boothId, userId),

    /** Lets someone with a raised hand publish microphone and camera. */
    async grant(boothId: number, userId: string): Promise<Result<HandEntry>> {
      if (!roomApi) return UNAVAILABLE();
      const entry = hands.get(boothId, userId);
      if (!entry) return fail('NOT_FOUND', 'That person has not raised their hand.');
      // Not yet in the room is fine: their next token carries the grant.
      const result = await onEveryIdentity(boothId, userId, (identity, privateVisit) =>
        roomApi.setPublishSources(boothId, identity, SPEAKER_SOURCES, { privateVisit }),
      );
      if (!result.ok) return result;
      const granted = hands.setGranted(boothId, userId, true) ?? entry;
      io.to(rooms.user(userId)).emit('hand:granted', { boothId });
      emitQueue(boothId);
      return ok(granted);
    },

    /** Takes speaking rights back and clears the hand. */
    async revoke(boothId: number, userId: string): Promise<Result<{ boothId: number; userId: string }>> {
      if (!roomApi) return UNAVAILABLE();
      if (!hands.get(boothId, userId)) return fail('NOT_FOUND', 'That person has no raised hand.');
      const result = await onEveryIdentity(boothId, userId, (identity, privateVisit) => roomApi.setPublishSources(boothId, identity, [], { privateVisit }));
      if (!result.ok) return result;
      hands.lower(boothId, userId);
      io.to(rooms.user(userId)).emit('hand:revoked', { boothId });
      emitQueue(boothId);
      return ok({ boothId, userId });
    },

    async muteTrack(boothId: number, userId: string, trackSid: string): Promise<Result<void>> {
      if (!roomApi) return UNAVAILABLE();
      let result: Result<void> = fail('NOT_FOUND', 'That person or track is not in the video room.');
      for (const { identity } of await identitiesOf(boothId, userId)) {
        result = await roomApi.mutePublishedTrack(boothId, identity, trackSid);
        if (result.ok || result.error.code !== 'NOT_FOUND') return result;
      }
      return result;
    },

    /**
     * Disconnects someone from a booth's video room and clears their hand. Moderation calls
     * this on kick and ban; a person not in the room is not an error.
     */
    async removeParticipant(boothId: number, userId: string): Promise<Result<{ boothId: number; userId: string }>> {
      if (hands.lower(boothId, userId)) {
        io.to(rooms.user(userId)).emit('hand:revoked', { boothId });
        emitQueue(boothId);
      }
      if (!roomApi) return ok({ boothId, userId });
      const result = await onEveryIdentity(boothId, userId, (identity) => roomApi.removeParticipant(boothId, identity));
      return result.ok ? ok({ boothId, userId }) : result;
    },

    /** Clears the hands of people no longer in the booth (called whenever its occupancy changes). */
    async pruneHands(boothId: number, isPresent: (userId: string) => boolean | Promise<boolean>): Promise<void> {
      const gone = new Set<string>();
      for (const entry of hands.list(boothId)) if (!(await isPresent(entry.userId))) gone.add(entry.userId);
      const removed = hands.prune(boothId, (userId) => !gone.has(userId));
      if (removed.length === 0) return;
      emitQueue(boothId);
      for (const entry of removed) {
        // Someone who left should not keep publishing through a video session they left open.
        if (entry.granted && roomApi) {
          void onEveryIdentity(boothId, entry.userId, (identity, privateVisit) => roomApi.setPublishSources(boothId, identity, [], { privateVisit }));
        }
      }
    },
  };
}
