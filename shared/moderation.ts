/**
 * Moderation and hosting: what staff send, what the server answers and records. The realtime
 * commands built from these are listed in protocol.ts; docs/PROTOCOL.md explains them.
 */
import { z } from 'zod';
import { BOOTH_STATUSES } from './booths.js';
import { ROLES } from './roles.js';
import { ANNOUNCEMENT_MAX_CHARS, MODERATION_REASON_MAX_CHARS, REPORT_REASONS, RESTRICTION_MAX_MINUTES, SLOW_MODE_MAX_SECONDS } from './limits.js';

const id = z.number().int().positive().max(2 ** 31 - 1);
const userId = z.string().min(1).max(64);
const minutes = z.number().int().min(1).max(RESTRICTION_MAX_MINUTES);

/** Free text staff write: trimmed, not blank, newlines allowed, no other control characters. */
const plainText = (maxChars: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(maxChars)
    // eslint-disable-next-line no-control-regex
    .refine((text) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(text), 'must not contain control characters');

/** A reason or note: 1–500 characters. */
const note = plainText(MODERATION_REASON_MAX_CHARS);

export { REPORT_REASONS, type ReportReason } from './limits.js';

export const RESTRICTION_KINDS = ['mute', 'kick', 'ban'] as const;
export type RestrictionKind = (typeof RESTRICTION_KINDS)[number];

export const REPORT_STATUSES = ['open', 'resolved', 'dismissed'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

// ---- Commands ----------------------------------------------------------------------------------

/** `chat:delete`: soft-delete a message (moderators anywhere, hosts in their booths). */
export const chatDeleteSchema = z.strictObject({ messageId: id, reason: note.optional() });
/** `chat:pin`: pin one message above the booth's chat, or `messageId: null` to unpin. */
export const chatPinSchema = z.strictObject({ boothId: id, messageId: id.nullable() });
/** `moderation:mute`: no chat for `minutes`, in one booth or (without boothId) everywhere. */
export const muteSchema = z.strictObject({ userId, boothId: id.optional(), minutes, reason: note });
export const unmuteSchema = z.strictObject({ userId, boothId: id.optional() });
/** `moderation:kick`: out of the booth now, and kept out for the cool-down. */
export const kickSchema = z.strictObject({ userId, boothId: id, reason: note });
/** `moderation:ban`: out of the fair; without minutes until lifted. */
export const banSchema = z.strictObject({ userId, minutes: minutes.optional(), reason: note });
export const unbanSchema = z.strictObject({ userId, reason: note.optional() });
/** `booth:update`: slow mode and lock (hosts of the booth, moderators), status (moderators). */
export const boothUpdateSchema = z
  .strictObject({
    boothId: id,
    slowModeSeconds: z.number().int().min(0).max(SLOW_MODE_MAX_SECONDS).optional(),
    locked: z.boolean().optional(),
    status: z.enum(BOOTH_STATUSES).optional(),
  })
  .refine((u) => u.slowModeSeconds !== undefined || u.locked !== undefined || u.status !== undefined, {
    message: 'change at least one of slowModeSeconds, locked, status',
    path: ['slowModeSeconds'],
  });
/** `report:create`: any member reports a message, once per message. */
export const reportCreateSchema = z.strictObject({ messageId: id, reason: z.enum(REPORT_REASONS), note: note.optional() });
/** `report:resolve`: a moderator closes a report with a note the reporter sees. */
export const reportResolveSchema = z.strictObject({ reportId: id, outcome: z.enum(['resolved', 'dismissed']), note });
/** `announcement:create`: to the whole fair, or to one booth. */
export const announcementCreateSchema = z.strictObject({
  text: plainText(ANNOUNCEMENT_MAX_CHARS),
  boothId: id.optional(),
});

export type ChatDelete = z.infer<typeof chatDeleteSchema>;
export type ChatPin = z.infer<typeof chatPinSchema>;
export type Mute = z.infer<typeof muteSchema>;
export type Unmute = z.infer<typeof unmuteSchema>;
export type Kick = z.infer<typeof kickSchema>;
export type Ban = z.infer<typeof banSchema>;
export type Unban = z.infer<typeof unbanSchema>;
export type BoothUpdate = z.infer<typeof boothUpdateSchema>;
export type ReportCreate = z.infer<typeof reportCreateSchema>;
export type ReportResolve = z.infer<typeof reportResolveSchema>;
export type AnnouncementCreate = z.infer<typeof announcementCreateSchema>;

// ---- What the server sends -----------------------------------------------------------------------

const person = z.object({ id: z.string(), displayName: z.string() });
/** A person whose name is shown next to what they wrote: staff carry a role badge there. */
const personWithRole = person.extend({ role: z.enum(ROLES) });

/** A mute, kick cool-down or ban. `expiresAt: null` lasts until lifted. */
export const restrictionSchema = z.object({
  id: z.number().int(),
  kind: z.enum(RESTRICTION_KINDS),
  user: person,
  boothId: z.number().int().nullable(),
  reason: z.string(),
  createdBy: person,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type Restriction = z.infer<typeof restrictionSchema>;

export const reportSchema = z.object({
  id: z.number().int(),
  messageId: z.number().int(),
  boothId: z.number().int(),
  reason: z.enum(REPORT_REASONS),
  note: z.string().nullable(),
  status: z.enum(REPORT_STATUSES),
  reporter: personWithRole,
  /** The reported message as it was written (moderators see it even after a delete). */
  message: z.object({ body: z.string(), author: personWithRole, deleted: z.boolean() }),
  resolution: z.object({ note: z.string(), by: person, at: z.string() }).nullable(),
  createdAt: z.string(),
});
export type Report = z.infer<typeof reportSchema>;

/** What the reporter learns: the outcome and the moderator's note, never who decided. */
export const reportOutcomeSchema = z.object({ reportId: z.number().int(), messageId: z.number().int(), outcome: z.enum(['resolved', 'dismissed']), note: z.string() });
export type ReportOutcome = z.infer<typeof reportOutcomeSchema>;

export const announcementSchema = z.object({
  id: z.number().int(),
  text: z.string(),
  boothId: z.number().int().nullable(),
  author: personWithRole,
  createdAt: z.string(),
});
export type Announcement = z.infer<typeof announcementSchema>;

/** Sent to the person a restriction is about, so their screen can explain it in their language. */
export const moderationNoticeSchema = z.object({
  kind: z.enum(['muted', 'unmuted', 'kicked', 'banned']),
  boothId: z.number().int().nullable(),
  until: z.string().nullable(),
  reason: z.string().nullable(),
});
export type ModerationNotice = z.infer<typeof moderationNoticeSchema>;

/** `moderation:changed`, to the `moderators` room: a restriction was set or lifted, so panels refresh. */
export const moderationChangedSchema = z.object({ kind: z.enum(RESTRICTION_KINDS), userId: z.string() });
export type ModerationChanged = z.infer<typeof moderationChangedSchema>;

/** The `chat:delete` ack: which message went, and from which booth. */
export const chatDeleteDataSchema = z.object({ messageId: z.number().int(), boothId: z.number().int() });
/** The `moderation:unmute` and `moderation:unban` acks: how many active restrictions were lifted. */
export const liftedSchema = z.object({ lifted: z.number().int().min(0) });
/** The `report:create` ack: the new report's id. */
export const reportCreateDataSchema = z.object({ reportId: z.number().int() });

/** One line of the audit log. */
export const auditEntrySchema = z.object({
  id: z.number().int(),
  action: z.string(),
  actor: person.nullable(),
  target: person.nullable(),
  boothId: z.number().int().nullable(),
  messageId: z.number().int().nullable(),
  reason: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** Action-specific facts (new slow mode, announcement text, report outcome…). */
  details: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** `GET /api/moderation/audit` query: every filter optional; pages go backwards by id. */
export const auditQuerySchema = z.strictObject({
  action: z.string().max(64).optional(),
  actorId: userId.optional(),
  targetId: userId.optional(),
  boothId: z.coerce.number().int().positive().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  beforeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type AuditQuery = z.infer<typeof auditQuerySchema>;
