/**
 * Names shared by every part of the video feature: which LiveKit room a booth uses, where
 * its RoomService lives, and the permission sets we hand out (least privilege, DESIGN.md).
 */
import { createHmac } from 'node:crypto';
import { TrackSource, type VideoGrant } from 'livekit-server-sdk';

/** LiveKit connection settings (config.livekit). */
export interface LiveKitSettings {
  url: string;
  apiKey: string;
  apiSecret: string;
}

const ROOM_PREFIX = 'fair-booth-';

/** One booth, one LiveKit room. */
export function videoRoomName(boothId: number): string {
  return `${ROOM_PREFIX}${boothId}`;
}

/** The booth behind a room name, or null for rooms that are not ours. */
export function boothIdOfRoom(room: string): number | null {
  if (!room.startsWith(ROOM_PREFIX)) return null;
  const id = Number(room.slice(ROOM_PREFIX.length));
  return Number.isSafeInteger(id) && id > 0 && String(id) === room.slice(ROOM_PREFIX.length) ? id : null;
}

/** RoomService speaks HTTP on the same host as the signalling WebSocket: wss→https, ws→http. */
export function roomServiceUrl(livekitUrl: string): string {
  return livekitUrl.replace(/^ws(s?):\/\//i, 'http$1://');
}

/** The name a private visitor carries in LiveKit: never their display name. */
export const PRIVATE_VISITOR_NAME = 'Private visitor';

/**
 * The LiveKit identity of a private visitor: the same for one person in one booth (so the
 * server can find them again to mute, remove or grant), different in every booth, and not
 * derivable from the user id without the LiveKit API secret, which never leaves the server.
 */
export function privateVisitorIdentity(apiSecret: string, boothId: number, userId: string): string {
  const key = createHmac('sha256', apiSecret).update('digital-fair/private-visitor-identity/v1').digest();
  return `private-${createHmac('sha256', key).update(`${boothId}:${userId}`).digest('base64url').slice(0, 22)}`;
}

/** What a host publishes in their own booth. */
export const HOST_SOURCES = [TrackSource.CAMERA, TrackSource.MICROPHONE, TrackSource.SCREEN_SHARE] as const;
/** What a member whose raised hand was accepted publishes. */
export const SPEAKER_SOURCES = [TrackSource.CAMERA, TrackSource.MICROPHONE] as const;

/**
 * The permission set for someone in a booth's room. RoomService replaces permissions whole,
 * so this is always the complete set, never a patch. Data messages stay off: chat goes
 * through our server, where it is moderated and stored.
 */
export function participantPermission(sources: readonly TrackSource[], { privateVisit = false }: { privateVisit?: boolean } = {}) {
  return {
    canSubscribe: true,
    canPublish: sources.length > 0,
    canPublishData: false,
    canPublishSources: [...sources],
    canUpdateMetadata: false,
    // A private visitor stays out of everyone's participant list while they only listen.
    hidden: privateVisit && sources.length === 0,
  };
}

/**
 * The join grant for a token: subscribe always, publish only the given sources, never admin.
 * A private visitor who only listens joins hidden.
 */
export function joinGrant(boothId: number, sources: readonly TrackSource[], { privateVisit = false }: { privateVisit?: boolean } = {}): VideoGrant {
  return {
    roomJoin: true,
    room: videoRoomName(boothId),
    canSubscribe: true,
    canPublish: sources.length > 0,
    canPublishData: false,
    canUpdateOwnMetadata: false,
    ...(sources.length > 0 ? { canPublishSources: [...sources] } : {}),
    ...(privateVisit && sources.length === 0 ? { hidden: true } : {}),
  };
}
