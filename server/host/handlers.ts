import type { Booth } from '../../shared/booths.js';
import { can, type Capability } from '../../shared/roles.js';
import type { BoothService } from '../booths/service.js';
import type { Result } from '../http/errors.js';
import type { AuditLog, AuditRecord } from '../moderation/audit.js';
import { forbidden } from '../moderation/handlers.js';
import type { CommandHandlers } from '../realtime/commands.js';
import { rooms, type FairServer, type FairSocket } from '../realtime/types.js';

export interface HostDeps {
  io: FairServer;
  booths: BoothService;
  audit: AuditLog;
}

/**
 * What staff change on a booth: profile, schedule, pin, slow mode, lock and status. Every change
 * is audited and reaches everyone at once (the lobby shows it too), as `booth:updated`.
 */
export function hostHandlers(socket: FairSocket, { io, booths, audit }: HostDeps): CommandHandlers {
  const actor = socket.data.user;

  function apply(boothId: number, capabilities: Capability[], change: () => Result<Booth>, record: Omit<AuditRecord, 'actorId' | 'boothId'>): Result<Booth> {
    if (!capabilities.every((capability) => can(actor, capability, { boothId }))) return forbidden();
    const result = audit.together(change, (changed) => (changed.ok ? { actorId: actor.id, boothId, ...record } : null));
    if (!result.ok) return result;
    io.to(rooms.lobby).emit('booth:updated', result.data);
    return result;
  }

  return {
    'booth:update': (update) => {
      const { boothId, status, ...settings } = update;
      const needs: Capability[] = [];
      if (status !== undefined) needs.push('booth:set-status');
      if (Object.values(settings).some((value) => value !== undefined)) needs.push('booth:configure');
      return apply(boothId, needs, () => booths.configure(update), { action: 'booth:update', details: { status, ...settings } });
    },

    'booth:edit': ({ boothId, ...profile }) =>
      apply(boothId, ['booth:edit-profile'], () => booths.editProfile(boothId, profile), { action: 'booth:edit', details: { fields: Object.keys(profile) } }),

    'chat:pin': ({ boothId, messageId }) =>
      apply(boothId, ['chat:pin'], () => booths.pin(boothId, messageId), { action: 'chat:pin', messageId, details: { pinned: messageId !== null } }),

    'schedule:add': ({ boothId, session }) =>
      apply(boothId, ['booth:edit-profile'], () => booths.addSession(boothId, actor.id, session), { action: 'schedule:add', details: { ...session } }),

    'schedule:remove': ({ boothId, sessionId }) =>
      apply(boothId, ['booth:edit-profile'], () => booths.removeSession(boothId, sessionId), { action: 'schedule:remove', details: { sessionId } }),
  };
}
