import { AccessToken, WebhookReceiver, type TrackSource } from 'livekit-server-sdk';
import { HAND_QUEUE_BATCH_MS } from '../../shared/limits.js';
import type { HandEntry } from '../../shared/protocol.js';
import { can } from '../../shared/roles.js';
import type { AuthUser, Clock } from '../auth/service.js';
import { fail, ok, type Result } from '../http/errors.js';
import { StorageUnavailableError } from '../db/storage-errors.js';
import type { Logger } from '../logger.js';
import { createPerKeyThrottle } from '../realtime/per-key-throttle.js';
import { rooms, type FairServer } from '../realtime/types.js';
import { boothIdOfRoom, HOST_SOURCES, joinGrant, PRIVATE_VISITOR_NAME, privateVisitorIdentity, SPEAKER_SOURCES, type LiveKitSettings } from './livekit.js';
import { createRoomService, type RoomService } from './room-service.js';
import { createVideoStores, type VideoStores } from './video-state.js';

/** Video tokens only get someone into the room; LiveKit keeps a joined session alive itself. */
export const VIDEO_TOKEN_TTL_SECONDS = 10 * 60;

/** How long a token request waits for the other nodes to say whether one of the person's connections is in the booth. */
export const OTHER_NODES_ANSWER_MS = 2_000;

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
  /** Raised hands, video room counts, private-visitor tokens: in memory (default) or shared by every node (Redis). */
  stores?: VideoStores;
  /** Replaces the LiveKit RoomService client (never needed outside tests of this module). */
  roomService?: RoomService;
}

export type VideoService = ReturnType<typeof createVideoService>;

const UNAVAILABLE = () => fail('VIDEO_UNAVAILABLE', 'Video is not available at this fair; the booth works in text.');

export function createVideoService(deps: VideoServiceDeps) {
  const { livekit, io, clock, logger, videoAccess = () => true, isPrivateVisit = () => false, roomService } = deps;
  const roomApi = livekit ? (roomService ?? createRoomService(livekit, logger)) : null;
  const webhooks = livekit ? new WebhookReceiver(livekit.apiKey, livekit.apiSecret) : null;
  // With several nodes these live in Redis: a webhook, a raised hand or a grant may reach any
  // node, and each node's broadcasts go through the adapter to every node.
  const { hands, rooms: videoRooms } = deps.stores ?? createVideoStores(undefined, '');

  // Staff get the queue at most once per HAND_QUEUE_BATCH_MS per booth, always the latest as
  // the store holds it: someone raising and lowering a hand in a loop cannot flood them. A
  // store that does not answer is asked again at the next interval, until it does.
  let closed = false;
  const queueUpdates = createPerKeyThrottle<number>(HAND_QUEUE_BATCH_MS, (boothId) => {
    hands.list(boothId).then(
      (queue) => io.to(rooms.staff(boothId)).emit('hand:queue', { boothId, queue }),
      (err: unknown) => {
        logger.warn({ err, boothId }, 'raised hands unavailable; the queue update will be retried');
        if (!closed) queueUpdates.schedule(boothId);
      },
    );
  });
  const emitQueue = (boothId: number) => queueUpdates.schedule(boothId);

  /** Tells every lobby the new count (only when it moved: LiveKit may send an event twice). */
  function countChanged(boothId: number, count: number, changed: boolean): void {
    if (changed) io.to(rooms.lobby).emit('video:count', { boothId, count });
  }

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
    return (await videoRooms.hadPrivateToken(boothId, userId)) ? [plain, opaque] : [plain];
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

  /** Takes publishing away from every identity the person may hold in the booth's room. */
  const silence = (roomApi: RoomService, boothId: number, userId: string) =>
    onEveryIdentity(boothId, userId, (identity, privateVisit) => roomApi.setPublishSources(boothId, identity, [], { privateVisit }));

  async function sourcesFor(user: AuthUser, boothId: number): Promise<readonly TrackSource[]> {
    if (can(user, 'video:publish', { boothId })) return HOST_SOURCES;
    return (await hands.get(boothId, user.id))?.granted ? SPEAKER_SOURCES : [];
  }

  return {
    available: livekit !== null,
    /** Stops pending queue updates. */
    close() {
      closed = true;
      queueUpdates.close();
    },
    /** People in the booth's video room, on every node's count (nobody without LiveKit). */
    participantsIn: async (boothId: number): Promise<number> => (livekit ? videoRooms.participants(boothId) : 0),

    /**
     * Whether one of this person's live connections has joined the booth, on any node. Asked of
     * the connections' rooms, which survive the trip between nodes (`socket.data` arrives as
     * plain JSON: its Set of booths does not); this node's own connections first, without a
     * round trip. Other nodes that do not answer in time: UNAVAILABLE, try again.
     */
    async isInBooth(userId: string, boothId: number): Promise<boolean> {
      const booth = rooms.booth(boothId);
      const here = await io.local.in(rooms.user(userId)).fetchSockets();
      if (here.some((socket) => socket.rooms.has(booth))) return true;
      try {
        const everywhere = await io.in(rooms.user(userId)).timeout(OTHER_NODES_ANSWER_MS).fetchSockets();
        return everywhere.some((socket) => socket.rooms.has(booth));
      } catch (err) {
        throw new StorageUnavailableError('other nodes did not say whether this person is in the booth', { cause: err });
      }
    },

    mayUse: async (user: AuthUser, boothId: number): Promise<boolean> => videoAccess(user, boothId),

    /** A short-lived join token with the least privilege this person holds in the booth. */
    async mintToken(user: AuthUser, boothId: number): Promise<Result<{ url: string; token: string }>> {
      if (!livekit) return UNAVAILABLE();
      // A private visitor is hidden and opaque to the room: no user id, no name (DESIGN.md, Presence).
      const privateVisit = await isPrivateVisit(boothId, user.id);
      if (privateVisit) await videoRooms.markPrivateToken(boothId, user.id);
      const identity = privateVisit ? privateVisitorIdentity(livekit.apiSecret, boothId, user.id) : user.id;
      const name = privateVisit ? PRIVATE_VISITOR_NAME : user.displayName;
      const token = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity, name, ttl: VIDEO_TOKEN_TTL_SECONDS });
      token.addGrant(joinGrant(boothId, await sourcesFor(user, boothId), { privateVisit }));
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
      // The count lives in the shared store and the change goes out through the adapter: a
      // webhook that reaches any node updates the lobby of every node.
      const identity = event.participant?.identity ?? '';
      if ((event.event === 'participant_joined' || event.event === 'participant_left' || event.event === 'participant_connection_aborted') && identity) {
        const { count, changed } = await videoRooms.setParticipant(boothId, identity, event.event === 'participant_joined');
        countChanged(boothId, count, changed);
      } else if (event.event === 'room_finished') {
        countChanged(boothId, 0, await videoRooms.clearRoom(boothId));
      }
      return ok(undefined);
    },

    async raiseHand(user: AuthUser, boothId: number): Promise<HandEntry> {
      const { entry, raised } = await hands.raise(boothId, { userId: user.id, displayName: user.displayName }, new Date(clock.now()));
      if (raised) emitQueue(boothId);
      return entry;
    },

    /** Lowers a hand; a person who had been speaking loses publishing too. */
    async lowerHand(user: AuthUser, boothId: number): Promise<Result<{ boothId: number }>> {
      const entry = await hands.get(boothId, user.id);
      if (!entry) return ok({ boothId });
      if (entry.granted && roomApi) {
        const result = await silence(roomApi, boothId, user.id);
        if (!result.ok) return result;
      }
      await hands.lower(boothId, user.id);
      emitQueue(boothId);
      return ok({ boothId });
    },

    handsIn: (boothId: number): Promise<HandEntry[]> => hands.list(boothId),
    handOf: (boothId: number, userId: string): Promise<HandEntry | null> => hands.get(boothId, userId),

    /** Lets someone with a raised hand publish microphone and camera. */
    async grant(boothId: number, userId: string): Promise<Result<HandEntry>> {
      if (!roomApi) return UNAVAILABLE();
      const entry = await hands.get(boothId, userId);
      if (!entry) return fail('NOT_FOUND', 'That person has not raised their hand.');
      // Not yet in the room is fine: their next token carries the grant.
      const result = await onEveryIdentity(boothId, userId, (identity, privateVisit) =>
        roomApi.setPublishSources(boothId, identity, SPEAKER_SOURCES, { privateVisit }),
      );
      if (!result.ok) return result;
      // Lowered meanwhile (on this node or another): the hand stays down, the rights just given
      // are taken back, and nobody is told it was granted.
      const granted = await hands.setGranted(boothId, userId, true);
      if (!granted) {
        await silence(roomApi, boothId, userId);
        return fail('NOT_FOUND', 'That person lowered their hand.');
      }
      io.to(rooms.user(userId)).emit('hand:granted', { boothId });
      emitQueue(boothId);
      return ok(granted);
    },

    /** Takes speaking rights back and clears the hand. */
    async revoke(boothId: number, userId: string): Promise<Result<{ boothId: number; userId: string }>> {
      if (!roomApi) return UNAVAILABLE();
      if (!(await hands.get(boothId, userId))) return fail('NOT_FOUND', 'That person has no raised hand.');
      const result = await silence(roomApi, boothId, userId);
      if (!result.ok) return result;
      await hands.lower(boothId, userId);
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
      if (await hands.lower(boothId, userId)) {
        io.to(rooms.user(userId)).emit('hand:revoked', { boothId });
        emitQueue(boothId);
      }
      if (!roomApi) return ok({ boothId, userId });
      const result = await onEveryIdentity(boothId, userId, (identity) => roomApi.removeParticipant(boothId, identity));
      return result.ok ? ok({ boothId, userId }) : result;
    },

    /** Clears the hands of people no longer in the booth (called whenever its occupancy changes). */
    async pruneHands(boothId: number, isPresent: (userId: string) => boolean | Promise<boolean>): Promise<void> {
      const gone: string[] = [];
      for (const entry of await hands.list(boothId)) if (!(await isPresent(entry.userId))) gone.push(entry.userId);
      // Each hand as it was when it came down (granted or not); one lowered meanwhile elsewhere is not counted twice.
      const removed = (await Promise.all(gone.map((userId) => hands.lower(boothId, userId)))).filter((entry) => entry !== null);
      if (removed.length === 0) return;
      emitQueue(boothId);
      for (const entry of removed) {
        // Someone who left should not keep publishing through a video session they left open.
        if (entry.granted && roomApi) {
          silence(roomApi, boothId, entry.userId).catch((err: unknown) => logger.warn({ err, boothId }, 'could not take publishing back from someone who left'));
        }
      }
    },
  };
}
