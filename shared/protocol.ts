/**
 * The realtime wire protocol: every Socket.IO event, its payload schema and its ack.
 * Human-readable reference: docs/PROTOCOL.md. Bump PROTOCOL_VERSION on any breaking change.
 */
import { z } from 'zod';
import type { ApiError } from './errors.js';
import { boothSchema } from './booths.js';
import { CHAT_BODY_MAX_CHARS, CHAT_HISTORY_MAX_PAGE, CHAT_HISTORY_PAGE } from './limits.js';
import { ROLES } from './roles.js';

export const PROTOCOL_VERSION = 1;

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
 * members; `historyLimit` asks for a smaller first page (data saver).
 */
export const boothJoinSchema = z.strictObject({
  boothId,
  private: z.boolean().optional(),
  historyLimit: z.number().int().min(1).max(CHAT_HISTORY_PAGE).optional(),
});
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

export type BoothJoin = z.infer<typeof boothJoinSchema>;
export type BoothLeave = z.infer<typeof boothLeaveSchema>;
export type ChatSend = z.input<typeof chatSendSchema>;
export type ChatHistoryQuery = z.infer<typeof chatHistorySchema>;

// ---- Server → client payloads -------------------------------------------------------------

export const authorSchema = z.object({ id: z.string(), displayName: z.string(), role: z.enum(ROLES) });

/** A stored chat message. */
export const chatMessageSchema = z.object({
  id: z.number().int(),
  boothId,
  seq,
  clientMsgId: z.string(),
  author: authorSchema,
  body: z.string(),
  createdAt: z.string(),
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
  presence: z.array(presenceEntrySchema),
  /** The latest ≤ 50 messages, in sequence order. */
  messages: z.array(chatMessageSchema),
  /** The booth's highest sequence number (0 for an empty booth). */
  lastSeq: seq,
});
export type BoothJoinData = z.infer<typeof boothJoinDataSchema>;

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
  'chat:send': (payload: ChatSend, ack: AckCallback<ChatMessage>) => void;
  'chat:history': (payload: ChatHistoryQuery, ack: AckCallback<{ messages: ChatMessage[] }>) => void;
  'hand:raise': (payload: z.infer<typeof handSchema>, ack: AckCallback<HandEntry>) => void;
  'hand:lower': (payload: z.infer<typeof handSchema>, ack: AckCallback<{ boothId: number }>) => void;
  'hand:list': (payload: z.infer<typeof handListSchema>, ack: AckCallback<HandQueue>) => void;
  'hand:grant': (payload: z.infer<typeof handDecisionSchema>, ack: AckCallback<HandEntry>) => void;
  'hand:revoke': (payload: z.infer<typeof handDecisionSchema>, ack: AckCallback<{ boothId: number; userId: string }>) => void;
  'video:mute-track': (payload: z.infer<typeof videoMuteTrackSchema>, ack: AckCallback<{ boothId: number; userId: string; trackSid: string }>) => void;
  'video:remove': (payload: z.infer<typeof videoRemoveSchema>, ack: AckCallback<{ boothId: number; userId: string }>) => void;
}

export interface ServerToClientEvents {
  'presence:joined': (payload: { boothId: number; entry: PresenceEntry }) => void;
  'presence:left': (payload: { boothId: number; userId: string }) => void;
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
}

/** The schema of each client command, used by the server to validate at the edge. */
export const CLIENT_COMMANDS = {
  'booth:join': boothJoinSchema,
  'booth:leave': boothLeaveSchema,
  'chat:send': chatSendSchema,
  'chat:history': chatHistorySchema,
  'hand:raise': handSchema,
  'hand:lower': handSchema,
  'hand:list': handListSchema,
  'hand:grant': handDecisionSchema,
  'hand:revoke': handDecisionSchema,
  'video:mute-track': videoMuteTrackSchema,
  'video:remove': videoRemoveSchema,
} as const satisfies Record<keyof ClientToServerEvents, z.ZodType>;
