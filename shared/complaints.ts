import { z } from 'zod';
import { LANGUAGES, type Language } from './limits.js';
import { COMPLAINT_BODY_MAX_CHARS, COMPLAINT_CATEGORIES, COMPLAINT_REPLY_MAX_CHARS, COMPLAINT_STATUSES, type ComplaintCategory, type ComplaintStatus } from './complaint-values.js';

export * from './complaint-values.js';


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

/**
 * `GET /api/complaints/messages/:messageId`: the message a complaint is about, as the filer sees
 * it (a private visitor's under their pseudonym, `private:<opaqueId>`), with a short excerpt.
 */
export interface ComplaintMessagePreview {
  id: number;
  booth: { id: number; slug: string; name: string };
  author: { id: string; displayName: string };
  /** Whether the filer may name the author as the person it is about: not a pseudonym, an erased account, or themself. */
  authorNameable: boolean;
  excerpt: string;
  createdAt: string;
}

/**
 * A message a complaint is about, as one handler may see it: its text as written (kept after a
 * removal), and its author a private visitor's pseudonym unless the handler is that booth's staff.
 */
export interface ComplaintAboutMessage {
  id: number;
  booth: { id: number; slug: string; name: string };
  author: { id: string; displayName: string };
  body: string;
  deleted: boolean;
  createdAt: string;
}

/** What handlers see (`GET /api/complaints`, `PATCH`): the filer only when named. */
export interface ComplaintView extends ComplaintTracking {
  body: string;
  anonymous: boolean;
  filer: { id: string; displayName: string } | null;
  about: {
    booth: { id: number; name: string } | null;
    messageId: number | null;
    /** Null when it is about no message (or the message is gone with its booth). */
    message: ComplaintAboutMessage | null;
    person: { id: string; displayName: string } | null;
  };
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
