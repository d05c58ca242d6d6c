import { can, mayActOn } from '../../shared/roles.js';
import type { AuthService } from '../auth/service.js';
import { fail, ok, type Failure } from '../http/errors.js';
import type { CommandHandlers } from '../realtime/commands.js';
import type { FairSocket } from '../realtime/types.js';
import type { VideoService } from './service.js';

/** Raise-hand and video moderation commands. Every one is checked with can() here. */
export function videoHandlers(socket: FairSocket, { video, auth }: { video: VideoService; auth: AuthService }): CommandHandlers {
  const user = socket.data.user;
  const notInBooth = () => fail('NOT_IN_BOOTH', 'Enter the booth first.');
  const forbidden = () => fail('FORBIDDEN', 'You do not have permission to do that.');

  /** The target must exist and rank no higher than the actor. */
  const checkTarget = (userId: string): Failure | null => {
    const target = auth.loadUser(userId);
    if (!target) return fail('NOT_FOUND', 'There is no such person.');
    return mayActOn(user, target) ? null : forbidden();
  };

  return {
    'hand:raise': ({ boothId }) => {
      if (!socket.data.booths.has(boothId)) return notInBooth();
      if (!video.available) return fail('VIDEO_UNAVAILABLE', 'Video is not available at this fair.');
      if (!video.mayUse(user, boothId)) return forbidden();
      return ok(video.raiseHand(user, boothId));
    },

    'hand:lower': ({ boothId }) => video.lowerHand(user, boothId),

    'hand:list': ({ boothId }) => {
      if (can(user, 'hand:manage', { boothId })) return ok({ boothId, queue: video.handsIn(boothId) });
      const own = video.handOf(boothId, user.id);
      return ok({ boothId, queue: own ? [own] : [] });
    },

    'hand:grant': ({ boothId, userId }) => {
      if (!can(user, 'hand:manage', { boothId })) return forbidden();
      return video.grant(boothId, userId);
    },

    'hand:revoke': ({ boothId, userId }) => {
      if (!can(user, 'hand:manage', { boothId })) return forbidden();
      return video.revoke(boothId, userId);
    },

    'video:mute-track': async ({ boothId, userId, trackSid }) => {
      if (!can(user, 'video:moderate', { boothId })) return forbidden();
      const refused = checkTarget(userId);
      if (refused) return refused;
      const result = await video.muteTrack(boothId, userId, trackSid);
      return result.ok ? ok({ boothId, userId, trackSid }) : result;
    },

    'video:remove': ({ boothId, userId }) => {
      if (!can(user, 'video:moderate', { boothId })) return forbidden();
      return checkTarget(userId) ?? video.removeParticipant(boothId, userId);
    },
  };
}
