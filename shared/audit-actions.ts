import { ACCOUNT_AUDIT_ACTIONS } from './deleted-account.js';

/**
 * Every action the server writes to the audit log, in one place. The server's `AuditRecord`
 * takes only these names, and the moderator panel's catalogue test checks that each has a
 * translated name: a new action that is not listed here does not compile.
 */
export const AUDIT_ACTIONS = [
  'chat:delete',
  'chat:pin',
  'moderation:mute',
  'moderation:unmute',
  'moderation:kick',
  'moderation:ban',
  'moderation:unban',
  'report:resolve',
  'announcement:create',
  'booth:update',
  'booth:edit',
  'booth:create',
  'booth:archive',
  'booth:unarchive',
  'booth:host-add',
  'booth:host-remove',
  'schedule:add',
  'schedule:remove',
  'invite:resend',
  'invite:revoke',
  'fair:settings',
  'people:role',
  'people:deactivate',
  'people:reactivate',
  'people:export',
  'conduct:publish',
  'survey:create',
  'survey:questions',
  'survey:open',
  'survey:close',
  'response:publish',
  'complaint:file',
  'complaint:step',
  'people:grant',
  'people:revoke',
  'contact:export',
  'people:organisation',
  'question:remove',
  'conversation:delete',
  'conversation:resolve',
  ACCOUNT_AUDIT_ACTIONS.deleted,
  ACCOUNT_AUDIT_ACTIONS.erased,
] as const;

/** One audit action name. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** True for a name the server writes; safe against '__proto__' and friends. */
export function isAuditAction(value: unknown): value is AuditAction {
  return typeof value === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(value);
}
