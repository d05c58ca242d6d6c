/**
 * The realtime wire protocol: every Socket.IO event, its payload schema and its ack.
 * Human-readable reference: docs/PROTOCOL.md. Bump PROTOCOL_VERSION on any breaking change.
 */
import { inboxNoticeSchema, inboxReadCountSchema } from './inbox.js';
import { complaintSafetySchema } from './complaints.js';
import { lobbyWaitingSchema, queueAdmitSchema, queueBoothSchema, queueChangedSchema, queueListSchema, queueOfferSchema, queuePositionSchema, queueRemovedSchema } from './queue.js';
import { contactAnswerSchema, contactAnsweredDataSchema, contactRequestedDataSchema, contactRequestSchema, contactRequestViewSchema } from './contacts.js';
import { z } from 'zod';
import {
  conversationDeletedSchema,
  conversationDeleteDataSchema,
  conversationDeleteSchema,
  conversationHistoryDataSchema,
  conversationMessageSchema,
  conversationReportCreateDataSchema,
  conversationReportCreateSchema,
  conversationReportSchema,
  conversationResolveSchema,
  conversationSchema,
} from './conversations.js';
import type { Result } from './errors.js';
import { boothProfileSchema, boothSchema, boothSessionInputSchema } from './booths.js';
import { CHAT_BODY_MAX_CHARS, CHAT_HISTORY_MAX_PAGE, CHAT_HISTORY_PAGE } from './limits.js';
import { ROLES } from './roles.js';
import {
  questionAnswerSchema,
  questionAskDataSchema,
  questionAskSchema,
  questionListDataSchema,
  questionListSchema,
  questionRemoveSchema,
  questionSchema,
  questionVoteSchema,
} from './questions.js';
import {
  announcementCreateSchema,
  announcementSchema,
  banSchema,
  boothUpdateSchema,
  chatDeleteDataSchema,
  chatDeleteSchema,
  chatPinSchema,
  kickSchema,
  liftedSchema,
  moderationChangedSchema,
  moderationNoticeSchema,
  muteSchema,
  reportCreateDataSchema,
  reportCreateSchema,
  reportOutcomeSchema,
  reportResolveSchema,
  reportSchema,
  restrictionSchema,
  unbanSchema,
  unmuteSchema,
} from './moderation.js';

export { PROTOCOL_VERSION } from './protocol-version.js';

/** Ids and sequence numbers are 32-bit integer columns in PostgreSQL: anything larger names nothing. */
const DB_INT_MAX = 2 ** 31 - 1;
const boothId = z.number().int().positive().max(DB_INT_MAX);
const seq = z.number().int().min(0).max(DB_INT_MAX);

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
export const scheduleRemoveSchema = z.strictObject({ boothId, sessionId: z.number().int().positive().max(DB_INT_MAX) });

export type BoothJoin = z.infer<typeof boothJoinSchema>;
export type BoothEdit = z.infer<typeof boothEditSchema>;
export type ScheduleAdd = z.infer<typeof scheduleAddSchema>;
export type ScheduleRemove = z.infer<typeof scheduleRemoveSchema>;
export type BoothLeave = z.infer<typeof boothLeaveSchema>;
export type ChatSend = z.input<typeof chatSendSchema>;
export type ChatHistoryQuery = z.infer<typeof chatHistorySchema>;

/** `conversation:send`: post in a 1:1 conversation; the same body and resend rules as `chat:send`. */
export const conversationSendSchema = z.strictObject({ conversationId: boothId, clientMsgId: z.uuid(), body: chatBodySchema });
/** `conversation:history`: older messages (`beforeSeq`) or catch-up (`afterSeq`), in sequence order, as `chat:history`. */
export const conversationHistorySchema = z
  .strictObject({ conversationId: boothId, beforeSeq: seq.optional(), afterSeq: seq.optional(), limit: z.number().int().min(1).max(CHAT_HISTORY_MAX_PAGE).optional() })
  .refine((q) => q.beforeSeq === undefined || q.afterSeq === undefined, { message: 'give beforeSeq or afterSeq, not both', path: ['afterSeq'] });
export type ConversationHistoryQuery = z.infer<typeof conversationHistorySchema>;

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
  /**
   * With `sinceSeq`: the messages at or before it (the last CHAT_HISTORY_MAX_PAGE) that have been
   * removed, whenever that was; the client drops their bodies, as on `chat:deleted`.
   */
  removedSeqs: z.array(seq).optional(),
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
 * `total` is how many people the receiver may see there now. Members' frames name at most
 * PRESENCE_FRAME_JOINED_MAX new arrivals (`total` counts them all; `presence:list` lists them);
 * staff frames name everyone. A frame is a net change: a userId
 * is in at most one of `joined` and `left`. One frame serves a whole room, so it may name the
 * receiver themself (their own state comes from the join ack). Members never see private
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

/** A booth's raised hands in queue order: the `hand:list` ack and the `hand:queue` event. */
export const handQueueSchema = z.object({ boothId, queue: z.array(handEntrySchema) });
export type HandQueue = z.infer<typeof handQueueSchema>;

/** A payload that names one booth: several acks (`booth:leave`, `hand:lower`) and events (`hand:granted`, `hand:revoked`). */
export const boothRefSchema = z.object({ boothId });
/** A payload that names one person in one booth: the `hand:revoke` and `video:remove` acks. */
export const boothUserRefSchema = z.object({ boothId, userId: z.string() });
/** The `video:mute-track` ack: which track of whom was muted. */
export const videoTrackRefSchema = boothUserRefSchema.extend({ trackSid: z.string() });
/** The `chat:history` ack: messages in sequence order, as this user may see them. */
export const chatHistoryDataSchema = z.object({ messages: z.array(chatMessageSchema) });

/** `video:count`: people connected to a booth's video room now. */
export const videoCountSchema = z.object({ boothId, count: z.number().int().min(0) });
export type VideoCount = z.infer<typeof videoCountSchema>;

/** `chat:deleted`: a message was removed by staff or erased with its author's account; drop its body. */
export const chatDeletedSchema = z.object({ boothId, messageId: z.number().int(), seq });
export type ChatDeleted = z.infer<typeof chatDeletedSchema>;

/** `lobby:occupancy`: boothId (as a string key) → people present; only changed booths, except the first after connecting. */
export const lobbyOccupancySchema = z.record(z.string().regex(/^\d+$/), z.number().int().min(0));
export type LobbyOccupancy = z.infer<typeof lobbyOccupancySchema>;

// ---- The registry ---------------------------------------------------------------------------

/**
 * Every client → server command: its payload schema (parsed by the server at the edge) and the
 * schema of the `data` its ack carries when `ok`. The Socket.IO event maps below are derived
 * from this table; to add a command, add a row here (docs/PROTOCOL.md, "The registry").
 */
export const COMMANDS = {
  'booth:join': { payload: boothJoinSchema, data: boothJoinDataSchema },
  'booth:leave': { payload: boothLeaveSchema, data: boothRefSchema },
  'presence:list': { payload: presenceListSchema, data: presencePageSchema },
  'chat:send': { payload: chatSendSchema, data: chatMessageSchema },
  'chat:history': { payload: chatHistorySchema, data: chatHistoryDataSchema },
  'hand:raise': { payload: handSchema, data: handEntrySchema },
  'hand:lower': { payload: handSchema, data: boothRefSchema },
  'hand:list': { payload: handListSchema, data: handQueueSchema },
  'hand:grant': { payload: handDecisionSchema, data: handEntrySchema },
  'hand:revoke': { payload: handDecisionSchema, data: boothUserRefSchema },
  'video:mute-track': { payload: videoMuteTrackSchema, data: videoTrackRefSchema },
  'video:remove': { payload: videoRemoveSchema, data: boothUserRefSchema },
  'chat:delete': { payload: chatDeleteSchema, data: chatDeleteDataSchema },
  'chat:pin': { payload: chatPinSchema, data: boothSchema },
  'moderation:mute': { payload: muteSchema, data: restrictionSchema },
  'moderation:unmute': { payload: unmuteSchema, data: liftedSchema },
  'moderation:kick': { payload: kickSchema, data: restrictionSchema },
  'moderation:ban': { payload: banSchema, data: restrictionSchema },
  'moderation:unban': { payload: unbanSchema, data: liftedSchema },
  'booth:update': { payload: boothUpdateSchema, data: boothSchema },
  'booth:edit': { payload: boothEditSchema, data: boothSchema },
  'schedule:add': { payload: scheduleAddSchema, data: boothSchema },
  'schedule:remove': { payload: scheduleRemoveSchema, data: boothSchema },
  'report:create': { payload: reportCreateSchema, data: reportCreateDataSchema },
  'report:resolve': { payload: reportResolveSchema, data: reportSchema },
  'announcement:create': { payload: announcementCreateSchema, data: announcementSchema },
  // The queue at full booths (shared/queue.ts).
  'queue:join': { payload: queueBoothSchema, data: queuePositionSchema },
  'queue:leave': { payload: queueBoothSchema, data: boothRefSchema },
  'queue:list': { payload: queueBoothSchema, data: queueListSchema },
  'queue:admit': { payload: queueAdmitSchema, data: boothUserRefSchema },
  'contact:request': { payload: contactRequestSchema, data: contactRequestedDataSchema },
  'contact:answer': { payload: contactAnswerSchema, data: contactAnsweredDataSchema },
  'question:ask': { payload: questionAskSchema, data: questionAskDataSchema },
  'question:list': { payload: questionListSchema, data: questionListDataSchema },
  'question:vote': { payload: questionVoteSchema, data: questionSchema },
  'question:unvote': { payload: questionVoteSchema, data: questionSchema },
  'question:answer': { payload: questionAnswerSchema, data: questionSchema },
  'question:remove': { payload: questionRemoveSchema, data: questionSchema },
  'conversation:send': { payload: conversationSendSchema, data: conversationMessageSchema },
  'conversation:history': { payload: conversationHistorySchema, data: conversationHistoryDataSchema },
  'conversation:report': { payload: conversationReportCreateSchema, data: conversationReportCreateDataSchema },
  'conversation:delete': { payload: conversationDeleteSchema, data: conversationDeleteDataSchema },
  'conversation:resolve': { payload: conversationResolveSchema, data: conversationReportSchema },
} as const satisfies Record<string, { payload: z.ZodType; data: z.ZodType }>;

/**
 * Every server → client event and its payload schema. Emitting is typed from this table, and
 * the integration tests check every event a test client receives against it.
 */
export const SERVER_EVENTS = {
  /** To a booth's room (public entries) and its staff room (all): arrivals and departures, batched. */
  'presence:changed': presenceChangedSchema,
  /** boothId → people present; only changed booths, except the first after connecting. */
  'lobby:occupancy': lobbyOccupancySchema,
  /** A stored message, to the booth's room (masked for private visits, see chatMessageSchema). */
  'chat:created': chatMessageSchema,
  /** To the booth's staff: the whole queue of raised hands, after every change. */
  'hand:queue': handQueueSchema,
  /** To one person (all their tabs): you may speak now in this booth. */
  'hand:granted': boothRefSchema,
  /** To one person: speaking rights were taken back, or your hand was cleared. */
  'hand:revoked': boothRefSchema,
  /** To everyone: people connected to a booth's video room now. */
  'video:count': videoCountSchema,
  /** A message was removed by staff: drop its body. */
  'chat:deleted': chatDeletedSchema,
  /** A booth's profile, schedule, pin, slow mode, lock or status changed (to everyone connected). */
  'booth:updated': boothSchema,
  /** Fair-wide (boothId null, to everyone) or to one booth's room. */
  'announcement:created': announcementSchema,
  /** To the `moderators` room. */
  'report:created': reportSchema,
  'report:updated': reportSchema,
  /** To the reporter (all their tabs). */
  'report:outcome': reportOutcomeSchema,
  /** To the person a mute, kick or ban is about (all their tabs). */
  'moderation:notice': moderationNoticeSchema,
  /** To the `moderators` room: a restriction was set or lifted, so panels refresh. */
  'moderation:changed': moderationChangedSchema,
  /** A notice stored in the inbox: to its person (all their tabs), or to everyone connected for a notice to all. */
  'inbox:notice': inboxNoticeSchema,
  /** To one person (all their tabs): they marked notices read somewhere; the unread count now. */
  'inbox:read': inboxReadCountSchema,
  /** To the `moderators` room (never to the person it is about): a conduct or safety complaint came in. */
  'complaint:safety': complaintSafetySchema,
  /** To one member (all their tabs): where they stand in a booth's queue, after every change. */
  'queue:position': queuePositionSchema,
  /** To one member: a seat is theirs if they `booth:join` before `expiresAt`. */
  'queue:offer': queueOfferSchema,
  /** To one member: they are no longer in that queue, and why. */
  'queue:removed': queueRemovedSchema,
  /** To a booth's staff room: its queue changed. */
  'queue:changed': queueChangedSchema,
  /** To everyone connected: how many wait at each booth whose line changed (the lobby card's 'Full — 7 waiting'). */
  'lobby:waiting': lobbyWaitingSchema,
  /** To every host of the booth (all their tabs): a member asked for a follow-up. */
  'contact:requested': contactRequestViewSchema,
  /** To the booth's hosts, the staff member who answered and the member: a request was answered or closed. */
  'contact:updated': contactRequestViewSchema,
  /** To the member and the staff member who accepted (all their tabs): a 1:1 conversation opened. */
  'conversation:created': conversationSchema,
  /**
   * A booth's question was asked, voted on, answered or removed: to the booth's room, each
   * audience its own view (members never get an anonymous asker; see questionSchema).
   */
  'question:updated': questionSchema,
  /** To both people of a 1:1 conversation (all their tabs): a newly stored message. */
  'conversation:message': conversationMessageSchema,
  /** To both people: a moderator removed a message; drop its body. */
  'conversation:deleted': conversationDeletedSchema,
  /** To the `moderators` room: a conversation message was reported, or its report was closed. */
  'conversation:report-created': conversationReportSchema,
  'conversation:report-updated': conversationReportSchema,
} as const satisfies Record<string, z.ZodType>;

/** The name of a client → server command. */
export type CommandName = keyof typeof COMMANDS;
/** What a server handler receives for a command: its payload after parsing (transforms applied). */
export type CommandPayload<N extends CommandName> = z.output<(typeof COMMANDS)[N]['payload']>;
/** What a client sends for a command: its payload before parsing. */
export type CommandInput<N extends CommandName> = z.input<(typeof COMMANDS)[N]['payload']>;
/** The `data` of a command's ack when `ok`. */
export type CommandData<N extends CommandName> = z.output<(typeof COMMANDS)[N]['data']>;
/** The name of a server → client event. */
export type EventName = keyof typeof SERVER_EVENTS;
/** The payload of a server → client event. */
export type EventPayload<E extends EventName> = z.output<(typeof SERVER_EVENTS)[E]>;

/** Socket.IO's client → server event map, derived from COMMANDS: every command has an ack. */
export type ClientToServerEvents = { [N in CommandName]: (payload: CommandInput<N>, ack: (result: Result<CommandData<N>>) => void) => void };
/** Socket.IO's server → client event map, derived from SERVER_EVENTS. */
export type ServerToClientEvents = { [E in EventName]: (payload: EventPayload<E>) => void };

/** True when a string names a command (own keys only: `'constructor'` is not one). */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** True when a string names a server event (own keys only). */
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(SERVER_EVENTS, name);
}
