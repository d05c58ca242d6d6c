import { can, mayActOn, type Principal } from '../../shared/roles.js';
import type { AuthService } from '../auth/service.js';
import { fail, ok, type Failure } from '../http/errors.js';
import type { CommandTable } from '../realtime/commands.js';
import type { VideoService } from './service.js';

type VideoCommands = 'hand:raise' | 'hand:lower' | 'hand:list' | 'hand:grant' | 'hand:revoke' | 'video:mute-track' | 'video:remove';

/** Raise-hand and video moderation commands; the router checks each one's capability first. */
export function videoCommands({ video, auth }: { video: VideoService; auth: AuthService }): Pick<CommandTable, VideoCommands> {
  const forbidden = () => fail('FORBIDDEN', 'You do not have permission to do that.');

  /** The target must exist and rank no higher than the actor. */
  const checkTarget = async (actor: Principal, userId: string): Promise<Failure | null> => {
    const target = await auth.loadUser(userId);
    if (!target) return fail('NOT_FOUND', 'There is no such person.');
    return mayActOn(actor, target) ? null : forbidden();
  };

  return {
    'hand:raise': {
      capability: 'booth:visit',
      scope: 'booth',
      inBooth: true,
      async handle({ user }, { boothId }) {
        if (!video.available) return fail('VIDEO_UNAVAILABLE', 'Video is not available at this fair.');
        if (!(await video.mayUse(user, boothId))) return forbidden();
        return ok(await video.raiseHand(user, boothId));
      },
    },

    'hand:lower': { capability: 'booth:visit', scope: 'booth', handle: ({ user }, { boothId }) => video.lowerHand(user, boothId) },

    'hand:list': {
      capability: 'booth:visit',
      scope: 'booth',
      async handle({ user }, { boothId }) {
        // Staff see the whole queue; anyone else only their own hand.
        if (can(user, 'hand:manage', { boothId })) return ok({ boothId, queue: await video.handsIn(boothId) });
        const own = await video.handOf(boothId, user.id);
        return ok({ boothId, queue: own ? [own] : [] });
      },
    },

    'hand:grant': { capability: 'hand:manage', scope: 'booth', handle: (_ctx, { boothId, userId }) => video.grant(boothId, userId) },

    'hand:revoke': { capability: 'hand:manage', scope: 'booth', handle: (_ctx, { boothId, userId }) => video.revoke(boothId, userId) },

    'video:mute-track': {
      capability: 'video:moderate',
      scope: 'booth',
      async handle({ user }, { boothId, userId, trackSid }) {
        const refused = await checkTarget(user, userId);
        if (refused) return refused;
        const result = await video.muteTrack(boothId, userId, trackSid);
        return result.ok ? ok({ boothId, userId, trackSid }) : result;
      },
    },

    'video:remove': {
      capability: 'video:moderate',
      scope: 'booth',
      handle: async ({ user }, { boothId, userId }) => (await checkTarget(user, userId)) ?? video.removeParticipant(boothId, userId),
    },
  };
}
