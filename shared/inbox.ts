import { z } from 'zod';

/**
 * What lands in a member's inbox (issue 15). Each kind's `payload` carries what the client
 * needs to say it in the reader's language; the texts are the client's.
 */
export const INBOX_KINDS = ['report_outcome', 'complaint_reply', 'announcement', 'survey_open', 'moderation', 'response', 'contact_answered', 'contact_closed'] as const;
export type InboxKind = (typeof INBOX_KINDS)[number];

/** One notice as the inbox shows it (`GET /api/inbox`, the `inbox:notice` event). */
export const inboxNoticeSchema = z.object({
  id: z.number().int(),
  kind: z.enum(INBOX_KINDS),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  read: z.boolean(),
});
export type InboxNotice = z.infer<typeof inboxNoticeSchema>;

/** `GET /api/inbox?beforeId=&limit=`: newest first, with how many are unread in all. */
export const inboxQuerySchema = z.strictObject({
  beforeId: z.coerce.number().int().positive().max(2 ** 31 - 1).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/**
 * `POST /api/inbox/read`: these notices (`ids`), or every one (`all: true`), are read. One
 * object rather than a union, so a bad body names its field.
 */
export const inboxReadSchema = z
  .strictObject({
    ids: z.array(z.number().int().positive().max(2 ** 31 - 1)).min(1).max(200).optional(),
    all: z.literal(true).optional(),
  })
  .refine((body) => (body.ids === undefined) !== (body.all === undefined), { message: 'give either ids or all: true', path: ['ids'] })
  .transform((body): { ids: number[] } | { all: true } => (body.ids ? { ids: body.ids } : { all: true }));

/** `inbox:read`: notices were marked read in one of this person's tabs; the unread count now. */
export const inboxReadCountSchema = z.object({ unread: z.number().int().min(0) });

export interface InboxPage {
  notices: InboxNotice[];
  unread: number;
  /** The next page: `beforeId` = the last id of this one; null when there is none. */
  nextBeforeId: number | null;
}
