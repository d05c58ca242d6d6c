import { z } from 'zod';
import { LANGUAGES, type Language } from './limits.js';

/**
 * Complaints to the organisers (issue 15). The identifiers below are part of the public API:
 * `conduct_safety` (conduct or safety; alerts online moderators at once), `booth`,
 * `accessibility`, `technical`, `organisers`, `other`.
 */
export const COMPLAINT_CATEGORIES = ['conduct_safety', 'booth', 'accessibility', 'technical', 'organisers', 'other'] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

/** received → acknowledged → in_progress → resolved | declined. */
export const COMPLAINT_STATUSES = ['received', 'acknowledged', 'in_progress', 'resolved', 'declined'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/**
 * Where each status may go next. A complaint may be declined at any open step, and resolved
 * once acknowledged (a quick fix needs no separate "in progress"); closed ones stay closed.
 */
export const COMPLAINT_NEXT: Readonly<Record<ComplaintStatus, readonly ComplaintStatus[]>> = {
  received: ['acknowledged', 'declined'],
  acknowledged: ['in_progress', 'resolved', 'declined'],
  in_progress: ['resolved', 'declined'],
  resolved: [],
  declined: [],
};

/** True when a complaint may move from `from` to `to`. */
export function mayMoveComplaint(from: string, to: ComplaintStatus): boolean {
  return Object.hasOwn(COMPLAINT_NEXT, from) && COMPLAINT_NEXT[from as ComplaintStatus].includes(to);
}

export const COMPLAINT_BODY_MAX_CHARS = 4000;
export const COMPLAINT_REPLY_MAX_CHARS = 2000;

/**
 * A tracking code: 20 characters of Crockford's base32 (100 random bits), shown in groups of
 * four ("7KQ2-…"). Typing it back ignores case, spaces and dashes.
 */
export const TRACKING_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_CODE_CHARS = 20;

/** The code as stored for lookup (before hashing): upper case, no separators; null when it cannot be one. */
export function normaliseTrackingCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]/g, '');
  if (compact.length !== TRACKING_CODE_CHARS) return null;
  for (const char of compact) if (!TRACKING_CODE_ALPHABET.includes(char)) return null;
  return compact;
}

const id = z.number().int().positive().max(2 ** 31 - 1);

/** `POST /api/complaints`. */
export const complaintCreateSchema = z.strictObject({
  category: z.enum(COMPLAINT_CATEGORIES),
  body: z.string().trim().min(1).max(COMPLAINT_BODY_MAX_CHARS),
  /** What it is about, if the filer says: at most one of a booth, a message, a person. */
  aboutBoothId: id.optional(),
  aboutMessageId: id.optional(),
  aboutUserId: z.string().min(1).max(64).optional(),
  /** True: the stored complaint holds nothing that links it to the filer; they follow it with a tracking code. */
  anonymous: z.boolean(),
  /** The filer's language, so handlers can answer in it. */
  language: z.enum(LANGUAGES),
});
export type ComplaintCreate = z.infer<typeof complaintCreateSchema>;

/** `201` answer: the tracking code only for an anonymous complaint, and only this once. */
export interface ComplaintCreated {
  id: number;
  trackingCode?: string;
}

/** `PATCH /api/complaints/:id`: the next step, and optionally a reply the filer sees. */
export const complaintUpdateSchema = z.strictObject({
  status: z.enum(COMPLAINT_STATUSES),
  reply: z.string().trim().min(1).max(COMPLAINT_REPLY_MAX_CHARS).optional(),
});
export type ComplaintUpdate = z.infer<typeof complaintUpdateSchema>;

/** `GET /api/complaints?status=&category=&overdue=true`. */
export const complaintListQuerySchema = z.strictObject({
  status: z.enum(COMPLAINT_STATUSES).optional(),
  category: z.enum(COMPLAINT_CATEGORIES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
});

/** One step as the filer sees it: no word of who took it. */
export interface ComplaintStep {
  status: ComplaintStatus;
  reply: string | null;
  at: string;
}

/** `GET /api/complaints/track/:trackingCode` and each of `GET /api/complaints/mine`: nothing about the filer. */
export interface ComplaintTracking {
  id: number;
  category: ComplaintCategory;
  status: ComplaintStatus;
  createdAt: string;
  steps: ComplaintStep[];
}

/** What handlers see (`GET /api/complaints`, `PATCH`): the filer only when named. */
export interface ComplaintView extends ComplaintTracking {
  body: string;
  anonymous: boolean;
  filer: { id: string; displayName: string } | null;
  about: { booth: { id: number; name: string } | null; messageId: number | null; person: { id: string; displayName: string } | null };
  language: Language | null;
  /** Still `received` past COMPLAINT_ACK_TARGET_HOURS. */
  overdue: boolean;
  /** When it is due to be acknowledged. */
  ackDueAt: string;
}

/** The `complaint:safety` event, to online moderators: a conduct or safety complaint has come in. */
export const complaintSafetySchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  aboutBoothId: z.number().int().nullable(),
});
export type ComplaintSafetyAlert = z.infer<typeof complaintSafetySchema>;

/** Capabilities organisers may grant to named people beyond their role. */
export const GRANTABLE_CAPABILITIES = ['complaints:handle'] as const;
export type GrantableCapability = (typeof GRANTABLE_CAPABILITIES)[number];
