/**
 * The queue at a full booth (issue 16): payloads of the `queue:*` commands and events.
 * Registered in protocol.ts; described in docs/PROTOCOL.md ("The queue at full booths").
 */
import { z } from 'zod';

const DB_INT_MAX = 2 ** 31 - 1;
const boothId = z.number().int().positive().max(DB_INT_MAX);
const userId = z.string().min(1).max(64);

/** `queue:join` / `queue:leave`: wait for a seat in a full booth, or stop waiting. `queue:list` (staff): see the line. */
export const queueBoothSchema = z.strictObject({ boothId });
/** `queue:admit` (staff): offer this waiting member a seat now, ahead of the line and above capacity. */
export const queueAdmitSchema = z.strictObject({ boothId, userId });

/**
 * Where a member stands: the `queue:join` ack and the `queue:position` event. Position 1 is
 * next; `etaSeconds` is an estimate from how long people recently stayed (never capped).
 */
export const queuePositionSchema = z.object({ boothId, position: z.number().int().min(1), etaSeconds: z.number().int().min(0) });
export type QueuePosition = z.infer<typeof queuePositionSchema>;

/** `queue:offer`: a seat is yours if you `booth:join` before `expiresAt` (ISO 8601). */
export const queueOfferSchema = z.object({ boothId, expiresAt: z.string() });
export type QueueOffer = z.infer<typeof queueOfferSchema>;

/**
 * Why a member is no longer in a queue: entered the booth, left it (perhaps from another tab),
 * let a second offer pass, was away longer than the hold, or may no longer enter (locked out,
 * kicked, banned).
 */
export const QUEUE_REMOVAL_REASONS = ['entered', 'left', 'missed', 'hold', 'barred'] as const;
export type QueueRemovalReason = (typeof QUEUE_REMOVAL_REASONS)[number];
/** `queue:removed`: to the member (all their tabs). */
export const queueRemovedSchema = z.object({ boothId, reason: z.enum(QUEUE_REMOVAL_REASONS) });
export type QueueRemoved = z.infer<typeof queueRemovedSchema>;

/** One member in a booth's line, as its staff see it. */
export const queueEntrySchema = z.object({
  userId: z.string(),
  displayName: z.string(),
  position: z.number().int().min(1),
  /** ISO 8601: when they joined the line (or were moved back after a missed offer). */
  joinedAt: z.string(),
  /** ISO 8601: a seat is on offer to them until then; null otherwise. */
  offerExpiresAt: z.string().nullable(),
  /** Their connection dropped: the place is kept until `heldUntil` (ISO 8601), no seat is offered meanwhile. */
  heldUntil: z.string().nullable(),
  /** A staff member let them in ahead of the line. */
  admitted: z.boolean(),
});
export type QueueEntry = z.infer<typeof queueEntrySchema>;

/** The `queue:list` ack. */
export const queueListSchema = z.object({ boothId, entries: z.array(queueEntrySchema) });
export type QueueList = z.infer<typeof queueListSchema>;

/** `queue:changed`: to a booth's staff room: the line changed (`waiting` people now); ask `queue:list` for it. */
export const queueChangedSchema = z.object({ boothId, waiting: z.number().int().min(0) });

/** `lobby:waiting`: boothId (as a string key) → people waiting in its queue; only changed booths. */
export const lobbyWaitingSchema = z.record(z.string().regex(/^\d+$/), z.number().int().min(0));
