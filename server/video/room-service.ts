import { RoomServiceClient, TwirpError, type TrackSource } from 'livekit-server-sdk';
import { fail, ok, type Result } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { participantPermission, roomServiceUrl, videoRoomName, type LiveKitSettings } from './livekit.js';

/** RoomService calls give up after this long; the member gets a clear error, never a hang. */
export const ROOM_SERVICE_TIMEOUT_SECONDS = 5;

/**
 * What the fair asks of LiveKit's RoomService. Every call answers a Result, never throws.
 * `identity` is the LiveKit identity: the user id, or a private visitor's opaque identity
 * (the video service maps one to the other).
 */
export interface RoomService {
  /** Replaces a participant's permissions with the complete set for these sources. */
  setPublishSources(boothId: number, identity: string, sources: readonly TrackSource[], options?: { privateVisit?: boolean }): Promise<Result<{ connected: boolean }>>;
  mutePublishedTrack(boothId: number, identity: string, trackSid: string): Promise<Result<void>>;
  removeParticipant(boothId: number, identity: string): Promise<Result<{ connected: boolean }>>;
}

export function createRoomService(settings: LiveKitSettings, logger: Logger): RoomService {
  const client = new RoomServiceClient(roomServiceUrl(settings.url), settings.apiKey, settings.apiSecret, {
    requestTimeout: ROOM_SERVICE_TIMEOUT_SECONDS,
    failover: false,
  });

  /** A participant who is not in the room is not an outage: report it so callers can decide. */
  async function call<T>(name: string, run: () => Promise<T>): Promise<Result<{ connected: boolean }>> {
    try {
      await run();
      return ok({ connected: true });
    } catch (err) {
      if (err instanceof TwirpError && (err.status === 404 || err.code === 'not_found')) return ok({ connected: false });
      logger.warn({ call: name, status: err instanceof TwirpError ? err.status : undefined, code: 'UPSTREAM_UNAVAILABLE' }, 'LiveKit RoomService failed');
      return fail('UPSTREAM_UNAVAILABLE', 'The video service did not answer. Please try again in a moment.');
    }
  }

  return {
    setPublishSources: (boothId, identity, sources, options) =>
      call('UpdateParticipant', () => client.updateParticipant(videoRoomName(boothId), identity, { permission: participantPermission(sources, options) })),
    async mutePublishedTrack(boothId, identity, trackSid) {
      const result = await call('MutePublishedTrack', () => client.mutePublishedTrack(videoRoomName(boothId), identity, trackSid, true));
      if (!result.ok) return result;
      return result.data.connected ? ok(undefined) : fail('NOT_FOUND', 'That person or track is not in the video room.');
    },
    removeParticipant: (boothId, identity) => call('RemoveParticipant', () => client.removeParticipant(videoRoomName(boothId), identity)),
  };
}
