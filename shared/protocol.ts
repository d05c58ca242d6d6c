/**
 * The realtime wire protocol: every Socket.IO event, its payload schema and its ack.
 * Human-readable reference: docs/PROTOCOL.md. Bump PROTOCOL_VERSION on any breaking change.
 */
import { z } from 'zod';
import type { ApiError } from './errors.js';
import { boothProfileSchema, boothSchema, boothSessionInputSchema, type Booth } from './booths.js';
import { CHAT_BODY_MAX_CHARS, CHAT_HISTORY_MAX_PAGE, CHAT_HISTORY_PAGE } from './limits.js';
import { ROLES } from './roles.js';
import {
  announcementCreateSchema,
  banSchema,
  boothUpdateSchema,
  chatDeleteSchema,
  chatPinSchema,
  kickSchema,
  muteSchema,
  reportCreateSchema,
  reportResolveSchema,
  unbanSchema,
  unmuteSchema,
  type Announcement,
  type AnnouncementCreate,
  type Ban,
  type BoothUpdate,
  type ChatDelete,
  type ChatPin,
  type Kick,
  type ModerationNotice,
  type Mute,
  type Report,
  type ReportCreate,
  type ReportOutcome,
  type ReportResolve,
  type Restriction,
  type Unban,
  type Unmute,
} from './moderation.js';

/**
 * The protocol this build speaks. The client sends it as `auth.protocol` in the Socket.IO
 * handshake; a server that no longer speaks it refuses with `CLIENT_OUTDATED`, and the client
 * reloads into the new build. Version 2: batched `presence:changed`, capped join snapshot,
 * `presence:list`, `booth:join.sinceSeq`.
 */
export const PROTOCOL_VERSION = 2;

const boothId = z.number().int().positive().max(2 ** 31);
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/**
 * A chat body: CRLF becomes LF, then trimmed; 1–2000 characters; no control characters
 * except newline.
 */
export const chatBodySchema = z
  .string()
  .max(CHAT_BODY_MAX_CHARS * 2)
  .transform((body) => body.replace(/\r\n?/g, '\n').trim())
  .pipe(
    z
      .string()
      .min(1, 'message is empty')
      .max(CHAT_BODY_MAX_CHARS, `message is longer than ${CHAT_BODY_MAX_CHARS} characters`)
      // eslint-disable-next-line no-control-regex
      .refine((body) => !/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(body), 'message contains control characters'),
  );

// ---- Client → server payloads -------------------------------------------------------------

/**
 * `booth:join`: enter a booth (or re-enter after a reconnect). `private` hides you from other
 * members; `historyLimit` asks for a smaller first page (data saver); `sinceSeq` says which
 * messages the client already holds, so the ack carries only newer ones.
 */
export const boothJoinSchema = z.strictObject({
  boothId,
  private: z.boolean().optional(),
  historyLimit: z.number().int().min(1).max(CHAT_HISTORY_PAGE).optional(),
  sinceSeq: seq.optional(),
});
/**
 * `presence:list`: one page of the people in a booth you are in, as you may see them, in a
 * stable order; pass the previous page's `nextCursor` for the next.
 */
export const presenceListSchema = z.strictObject({ boothId, cursor: z.string().min(1).max(128).optional() });
/** `booth:leave`: leave a booth now (no grace period). */
export const boothLeaveSchema = z.strictObject({ boothId });
/** `chat:send`: post a message; `clientMsgId` makes resends idempotent. */
export const chatSendSchema = z.strictObject({ boothId, clientMsgId: z.uuid(), body: chatBodySchema });
/** `chat:history`: older messages (`beforeSeq`) or catch-up (`afterSeq`), in sequence order. */
export const chatHistorySchema = z
  .strictObject({ boothId, beforeSeq: seq.optional(), afterSeq: seq.optional(), limit: z.number().int().min(1).max(CHAT_HISTORY_MAX_PAGE).optional() })
  .refine((q) => q.beforeSeq === undefined || q.afterSeq === undefined, { message: 'give beforeSeq or afterSeq, not both', path: ['afterSeq'] });

const userId = z.string().min(1).max(64);

/** `hand:raise` / `hand:lower`: ask to speak on video in a booth, or stop asking. */
export const handSchema = z.strictObject({ boothId });
/** `hand:list`: the booth's raised hands (staff) or your own (anyone else). */
export const handListSchema = z.strictObject({ boothId });
/** `hand:grant` / `hand:revoke`: let someone publish microphone and camera, or take it back. */
export const handDecisionSchema = z.strictObject({ boothId, userId });
/** `video:mute-track`: mute one published track of someone in the booth's video room. */
export const videoMuteTrackSchema = z.strictObject({ boothId, userId, trackSid: z.string().min(1).max(64) });
/** `video:remove`: disconnect someone from the booth's video room. */
export const videoRemoveSchema = z.strictObject({ boothId, userId });
/** `booth:edit`: a host edits their booth's profile (description, languages, tags, links). */
export const boothEditSchema = boothProfileSchema.extend({ boothId });
/** `schedule:add` / `schedule:remove`: a host keeps the booth's schedule. */
export const scheduleAddSchema = z.strictObject({ boothId, session: boothSessionInputSchema });
export const scheduleRemoveSchema = z.strictObject({ boothId, sessionId: z.number().int().positive().max(2 ** 31) });

export type BoothJoin = z.infer<typeof boothJoinSchema>;
export type BoothEdit = z.infer<typeof boothEditSchema>;
export type ScheduleAdd = z.infer<typeof scheduleAddSchema>;
export type ScheduleRemove = z.infer<typeof scheduleRemoveSchema>;
export type BoothLeave = z.infer<typeof boothLeaveSchema>;
export type ChatSend = z.input<typeof chatSendSchema>;
export type ChatHistoryQuery = z.infer<typeof chatHistorySchema>;

// ---- Server → client payloads -------------------------------------------------------------

export const authorSchema = z.object({ id: z.string(), displayName: z.string(), role: z.enum(ROLES) });

/** A stored chat message. A deleted one comes with `deleted: true` and an empty body. */
export const chatMessageSchema = z.object({
  id: z.number().int(),
  boothId,
  seq,
  clientMsgId: z.string(),
  author: authorSchema,
  body: z.string(),
  createdAt: z.string(),
  deleted: z.literal(true).optional(),
  /**
   * Sent during a private visit. Only the booth's staff (hosts, moderators, admins) and the
   * author receive it, with the real author; everyone else gets the pseudonym author
   * `{ id: 'private:<opaqueId>', displayName: 'Private visitor <n>', role: 'member' }` and no marker.
   */
  private: z.literal(true).optional(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;

/** One person in a booth's presence list. `private` is only ever sent to staff. */
export const presenceEntrySchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  private: z.boolean(),
});
export type PresenceEntry = z.infer<typeof presenceEntrySchema>;

export const boothJoinDataSchema = z.object({
  booth: boothSchema,
  /**
   * A capped snapshot: every staff member present and at most PRESENCE_SNAPSHOT_OTHERS_MAX others
   * (always you). `presenceTotal` counts everyone you may see; `presence:list` pages through all.
   */
  presence: z.array(presenceEntrySchema),
  presenceTotal: z.number().int().min(0),
  /**
   * The latest ≤ 50 messages (or `historyLimit`), in sequence order; with `sinceSeq`, only those
   * after it (page forward with `chat:history` `afterSeq` if `messages[0].seq > sinceSeq + 1`).
   */
  messages: z.array(chatMessageSchema),
  /** The booth's highest sequence number (0 for an empty booth). */
  lastSeq: seq,
  /** On a private visit: the name and id others see on your messages here; null otherwise. */
  privateAlias: z.object({ id: z.string(), displayName: z.string() }).nullable().optional(),
});
export type BoothJoinData = z.infer<typeof boothJoinDataSchema>;

/** A page of `presence:list`; `nextCursor` is null on the last page. */
export const presencePageSchema = z.object({
  boothId,
  entries: z.array(presenceEntrySchema),
  nextCursor: z.string().nullable(),
  total: z.number().int().min(0),
});
export type PresencePage = z.infer<typeof presencePageSchema>;

/**
 * Who arrived and who left a booth since the last frame, batched per PRESENCE_BATCH_MS. An entry
 * in `joined` replaces any entry of the same userId (a visit turned private or public);
 * `total` is how many people the receiver may see there now. Members never see private
 * visitors in it; staff get them with `private: true`.
 */
export const presenceChangedSchema = z.object({
  boothId,
  joined: z.array(presenceEntrySchema),
  left: z.array(z.string()),
  total: z.number().int().min(0),
});
export type PresenceChanged = z.infer<typeof presenceChangedSchema>;

/** One raised hand; `granted` once the person may speak (until revoked or they leave). */
export const handEntrySchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  /** ISO 8601; the queue is in this order. */
  raisedAt: z.string(),
  granted: z.boolean(),
});
export type HandEntry = z.infer<typeof handEntrySchema>;
export type HandQueue = { boothId: number; queue: HandEntry[] };

/** Every ack has this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiError };
export type AckCallback<T> = (result: Ack<T>) => void;

export interface ClientToServerEvents {
  'booth:join': (payload: BoothJoin, ack: AckCallback<BoothJoinData>) => void;
  'booth:leave': (payload: BoothLeave, ack: AckCallback<{ boothId: number }>) => void;
  'presence:list': (payload: z.infer<typeof presenceListSchema>, ack: AckCallback<PresencePage>) => void;
  'chat:send': (payload: ChatSend, ack: AckCallback<ChatMessage>) => void;
  'chat:history': (payload: ChatHistoryQuery, ack: AckCallback<{ messages: ChatMessage[] }>) => void;
  'hand:raise': (payload: z.infer<typeof handSchema>, ack: AckCallback<HandEntry>) => void;
  'hand:lower': (payload: z.infer<typeof handSchema>, ack: AckCallback<{ boothId: number }>) => void;
  'hand:list': (payload: z.infer<typeof handListSchema>, ack: AckCallback<HandQueue>) => void;
  'hand:grant': (payload: z.infer<typeof handDecisionSchema>, ack: AckCallback<HandEntry>) => void;
  'hand:revoke': (payload: z.infer<typeof handDecisionSchema>, ack: AckCallback<{ boothId: number; userId: string }>) => void;
  'video:mute-track': (payload: z.infer<typeof videoMuteTrackSchema>, ack: AckCallback<{ boothId: number; userId: string; trackSid: string }>) => void;
  'video:remove': (payload: z.infer<typeof videoRemoveSchema>, ack: AckCallback<{ boothId: number; userId: string }>) => void;
  'chat:delete': (payload: ChatDelete, ack: AckCallback<{ messageId: number; boothId: number }>) => void;
  'chat:pin': (payload: ChatPin, ack: AckCallback<Booth>) => void;
  'moderation:mute': (payload: Mute, ack: AckCallback<Restriction>) => void;
  'moderation:unmute': (payload: Unmute, ack: AckCallback<{ lifted: number }>) => void;
  'moderation:kick': (payload: Kick, ack: AckCallback<Restriction>) => void;
  'moderation:ban': (payload: Ban, ack: AckCallback<Restriction>) => void;
  'moderation:unban': (payload: Unban, ack: AckCallback<{ lifted: number }>) => void;
  'booth:update': (payload: BoothUpdate, ack: AckCallback<Booth>) => void;
  'booth:edit': (payload: BoothEdit, ack: AckCallback<Booth>) => void;
  'schedule:add': (payload: ScheduleAdd, ack: AckCallback<Booth>) => void;
  'schedule:remove': (payload: ScheduleRemove, ack: AckCallback<Booth>) => void;
  'report:create': (payload: ReportCreate, ack: AckCallback<{ reportId: number }>) => void;
  'report:resolve': (payload: ReportResolve, ack: AckCallback<Report>) => void;
  'announcement:create': (payload: AnnouncementCreate, ack: AckCallback<Announcement>) => void;
}

export interface ServerToClientEvents {
  /** To a booth's room (public entries) and its staff room (all): arrivals and departures, batched. */
  'presence:changed': (payload: PresenceChanged) => void;
  /** boothId → people present; only changed booths, except the first after connecting. */
  'lobby:occupancy': (payload: Record<string, number>) => void;
  'chat:created': (payload: ChatMessage) => void;
  /** To the booth's staff: the whole queue of raised hands, after every change. */
  'hand:queue': (payload: HandQueue) => void;
  /** To one person (all their tabs): you may speak now in this booth. */
  'hand:granted': (payload: { boothId: number }) => void;
  /** To one person: speaking rights were taken back, or your hand was cleared. */
  'hand:revoked': (payload: { boothId: number }) => void;
  /** To everyone: people connected to a booth's video room now. */
  'video:count': (payload: { boothId: number; count: number }) => void;
  /** A message was removed by staff: drop its body. */
  'chat:deleted': (payload: { boothId: number; messageId: number; seq: number }) => void;
  /** A booth's profile, schedule, pin, slow mode, lock or status changed (to everyone connected). */
  'booth:updated': (payload: Booth) => void;
  /** Fair-wide (boothId null, to everyone) or to one booth's room. */
  'announcement:created': (payload: Announcement) => void;
  /** To the `moderators` room. */
  'report:created': (payload: Report) => void;
  'report:updated': (payload: Report) => void;
  /** To the reporter (all their tabs). */
  'report:outcome': (payload: ReportOutcome) => void;
  /** To the person a mute, kick or ban is about (all their tabs). */
  'moderation:notice': (payload: ModerationNotice) => void;
  /** To the `moderators` room: a restriction was set or lifted, so panels refresh. */
  'moderation:changed': (payload: { kind: Restriction['kind']; userId: string }) => void;
}

/** The schema of each client command, used by the server to validate at the edge. */
export const CLIENT_COMMANDS = {
  'booth:join': boothJoinSchema,
  'booth:leave': boothLeaveSchema,
  'presence:list': presenceListSchema,
  'chat:send': chatSendSchema,
  'chat:history': chatHistorySchema,
  'hand:raise': handSchema,
  'hand:lower': handSchema,
  'hand:list': handListSchema,
  'hand:grant': handDecisionSchema,
  'hand:revoke': handDecisionSchema,
  'video:mute-track': videoMuteTrackSchema,
  'video:remove': videoRemoveSchema,
  'chat:delete': chatDeleteSchema,
  'chat:pin': chatPinSchema,
  'moderation:mute': muteSchema,
  'moderation:unmute': unmuteSchema,
  'moderation:kick': kickSchema,
  'moderation:ban': banSchema,
  'moderation:unban': unbanSchema,
  'booth:update': boothUpdateSchema,
  'booth:edit': boothEditSchema,
  'schedule:add': scheduleAddSchema,
  'schedule:remove': scheduleRemoveSchema,
  'report:create': reportCreateSchema,
  'report:resolve': reportResolveSchema,
  'announcement:create': announcementCreateSchema,
} as const satisfies Record<keyof ClientToServerEvents, z.ZodType>;
