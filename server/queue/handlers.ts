import type { BoothService } from '../booths/service.js';
import { conductNotAccepted, type ConductStore } from '../conduct/service.js';
import { fail, ok } from '../http/errors.js';
import type { RestrictionStore } from '../moderation/restrictions.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { CommandTable } from '../realtime/commands.js';
import type { BoothQueue } from './service.js';

export interface QueueHandlerDeps {
  booths: BoothService;
  presence: Pick<PresenceStore, 'has'>;
  restrictions: RestrictionStore;
  conduct: ConductStore;
  queue: BoothQueue;
}

/** The queue at a full booth: wait for a seat, stop waiting; staff see the line and let someone in ahead. */
export function queueCommands({ booths, presence, restrictions, conduct, queue }: QueueHandlerDeps): Pick<CommandTable, 'queue:join' | 'queue:leave' | 'queue:list' | 'queue:admit'> {
  return {
    'queue:join': {
      capability: 'booth:visit',
      scope: 'booth',
      async handle({ user }, { boothId }) {
        const booth = await booths.recentById(boothId, { occupancy: false });
        if (!booth) return fail('NOT_FOUND', 'There is no such booth.');
        const pending = await conduct.pendingFor(user.id);
        if (pending !== null) return conductNotAccepted(pending);
        const barred = await restrictions.barredFrom(user.id, boothId);
        if (barred) return barred;
        // The same refusals as booth:join: a closed or locked booth has no queue.
        if (booth.status === 'closed') return fail('BOOTH_CLOSED', 'This booth is closed at the moment.');
        if (booth.locked) return fail('BOOTH_CLOSED', 'This booth is not taking new visitors at the moment.', { locked: true });
        // Already inside: there is nothing to wait for.
        if (await presence.has(boothId, user.id)) {
          return fail('CONFLICT', 'You can enter this booth directly.', { reason: 'notFull' });
        }
        return queue.join(user.id, booth);
      },
    },

    'queue:leave': {
      capability: 'booth:visit',
      scope: 'booth',
      async handle({ user }, { boothId }) {
        await queue.leave(user.id, boothId);
        return ok({ boothId });
      },
    },

    'queue:list': {
      capability: 'booth:staff',
      scope: 'booth',
      async handle(_ctx, { boothId }) {
        return ok({ boothId, entries: await queue.list(boothId) });
      },
    },

    'queue:admit': {
      capability: 'booth:staff',
      scope: 'booth',
      handle({ user }, { boothId, userId }) {
        return queue.admit(user.id, boothId, userId);
      },
    },
  };
}
