import { z } from 'zod';
import { ROLES } from './roles.js';
import {
  BOOTH_CAPACITY_MAX,
  BOOTH_DESCRIPTION_MAX_CHARS,
  BOOTH_NAME_MAX_CHARS,
  BOOTH_LINK_TITLE_MAX_CHARS,
  BOOTH_LINKS_MAX,
  BOOTH_TAG_MAX_CHARS,
  BOOTH_TAGS_MAX,
  LANGUAGES,
  SCHEDULE_TITLE_MAX_CHARS,
  URL_MAX_CHARS,
} from './limits.js';

export const BOOTH_STATUSES = ['open', 'closed'] as const;
export type BoothStatus = (typeof BOOTH_STATUSES)[number];

/** Visible text on one line: trimmed, not blank, no control characters. */
const lineOfText = (maxChars: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(maxChars)
    // eslint-disable-next-line no-control-regex
    .refine((text) => !/[\u0000-\u001f\u007f-\u009f]/.test(text), 'must not contain control characters');

/** A resource link on a booth: only http(s), so a link can never run script. */
export const boothLinkSchema = z.strictObject({
  title: lineOfText(BOOTH_LINK_TITLE_MAX_CHARS),
  url: z
    .url({ protocol: /^https?$/ })
    .max(URL_MAX_CHARS),
});
export type BoothLink = z.infer<typeof boothLinkSchema>;

/** A booth's name and description in one language. */
export const boothTextSchema = z.strictObject({
  name: lineOfText(BOOTH_NAME_MAX_CHARS),
  description: z.string().trim().max(BOOTH_DESCRIPTION_MAX_CHARS),
});
/**
 * The booth's name and description in its other languages. `name` and `description` are in
 * its first language; a member sees theirs where there is one, else the first (`boothText`).
 */
export const boothTranslationsSchema = z.partialRecord(z.enum(LANGUAGES), boothTextSchema);
export type BoothTranslations = z.infer<typeof boothTranslationsSchema>;


/** One session on a booth's schedule. Times are ISO 8601 instants; clients show them in the viewer's zone. */
export const boothSessionSchema = z.object({
  id: z.number().int(),
  title: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  language: z.enum(LANGUAGES),
});
export type BoothSession = z.infer<typeof boothSessionSchema>;

/** The pinned message as the booth shows it above the chat. */
export const pinnedMessageSchema = z.object({
  messageId: z.number().int(),
  seq: z.number().int(),
  authorName: z.string(),
  /** For the translated role badge beside the name; `member` when the message was sent privately. */
  authorRole: z.enum(ROLES),
  body: z.string(),
});
export type PinnedMessage = z.infer<typeof pinnedMessageSchema>;

/** A booth as `GET /api/booths` and the realtime protocol send it. */
export const boothSchema = z.object({
  id: z.number().int(),
  slug: z.string(),
  name: z.string(),
  network: z.string(),
  description: z.string(),
  /** Name and description in other languages (see boothText). */
  translations: boothTranslationsSchema,
  languages: z.array(z.enum(LANGUAGES)),
  tags: z.array(z.string()),
  links: z.array(boothLinkSchema),
  capacity: z.number().int(),
  status: z.enum(BOOTH_STATUSES),
  /** Locked: nobody new may enter (people inside stay; staff always may). */
  locked: z.boolean(),
  /** Seconds a member waits between messages; 0 is off. Staff are exempt. */
  slowModeSeconds: z.number().int(),
  pinned: pinnedMessageSchema.nullable(),
  /** Sessions that have not ended yet, earliest first (the lobby shows "now" and "next"). */
  sessions: z.array(boothSessionSchema),
  /** Members present now, counted once per person. */
  occupancy: z.number().int(),
  /** Whether this fair has video (LiveKit configured); false means text only. */
  video: z.boolean(),
  /** People connected to the booth's video room now (0 when video is off). */
  videoParticipants: z.number().int(),
  /** People waiting in its queue (issue 16); only in `GET /api/booths` (then live through `lobby:waiting`). */
  waiting: z.number().int().min(0).optional(),
});
export type Booth = z.infer<typeof boothSchema>;

/** A booth slug: lower-case words joined by hyphens. */
export const boothSlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and hyphens');

/** The parts of a booth's profile its hosts edit. Omitted fields stay as they are. */
export const boothProfileSchema = z.strictObject({
  description: z.string().trim().max(BOOTH_DESCRIPTION_MAX_CHARS).optional(),
  languages: z.array(z.enum(LANGUAGES)).min(1).max(LANGUAGES.length).optional(),
  tags: z.array(lineOfText(BOOTH_TAG_MAX_CHARS)).max(BOOTH_TAGS_MAX).optional(),
  links: z.array(boothLinkSchema).max(BOOTH_LINKS_MAX).optional(),
});
export type BoothProfile = z.infer<typeof boothProfileSchema>;

/** `POST /api/admin/booths`: a new booth. Its first language is the one of `name` and `description`. */
export const boothCreateSchema = z.strictObject({
  slug: boothSlugSchema,
  name: lineOfText(BOOTH_NAME_MAX_CHARS),
  network: lineOfText(BOOTH_NAME_MAX_CHARS),
  description: z.string().trim().max(BOOTH_DESCRIPTION_MAX_CHARS).default(''),
  translations: boothTranslationsSchema.default({}),
  languages: z.array(z.enum(LANGUAGES)).min(1).max(LANGUAGES.length),
  tags: z.array(lineOfText(BOOTH_TAG_MAX_CHARS)).max(BOOTH_TAGS_MAX).default([]),
  links: z.array(boothLinkSchema).max(BOOTH_LINKS_MAX).default([]),
  capacity: z.number().int().min(1).max(BOOTH_CAPACITY_MAX),
  status: z.enum(BOOTH_STATUSES).default('open'),
});
export type BoothCreate = z.infer<typeof boothCreateSchema>;

/** `PATCH /api/admin/booths/:id`: any field of a booth; `archived: true` takes it out of the fair (its records stay). */
export const boothAdminPatchSchema = z
  .strictObject({
    slug: boothSlugSchema,
    name: lineOfText(BOOTH_NAME_MAX_CHARS),
    network: lineOfText(BOOTH_NAME_MAX_CHARS),
    description: z.string().trim().max(BOOTH_DESCRIPTION_MAX_CHARS),
    translations: boothTranslationsSchema,
    languages: z.array(z.enum(LANGUAGES)).min(1).max(LANGUAGES.length),
    tags: z.array(lineOfText(BOOTH_TAG_MAX_CHARS)).max(BOOTH_TAGS_MAX),
    links: z.array(boothLinkSchema).max(BOOTH_LINKS_MAX),
    capacity: z.number().int().min(1).max(BOOTH_CAPACITY_MAX),
    status: z.enum(BOOTH_STATUSES),
    archived: z.boolean(),
  })
  .partial()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'change at least one field' });
export type BoothAdminPatch = z.infer<typeof boothAdminPatchSchema>;

/** A booth as organisers manage it (`GET /api/admin/booths`): archived ones too, with their hosts. */
export const adminBoothSchema = z.object({
  booth: boothSchema,
  archived: z.boolean(),
  hosts: z.array(z.object({ id: z.string(), displayName: z.string(), email: z.string() })),
});
export type AdminBooth = z.infer<typeof adminBoothSchema>;


/** A new session on the schedule: ends after it starts, lasts at most a day. */
export const boothSessionInputSchema = z
  .strictObject({
    title: lineOfText(SCHEDULE_TITLE_MAX_CHARS),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    language: z.enum(LANGUAGES),
  })
  .refine((s) => Date.parse(s.endsAt) > Date.parse(s.startsAt), { message: 'must end after it starts', path: ['endsAt'] })
  .refine((s) => Date.parse(s.endsAt) - Date.parse(s.startsAt) <= 24 * 3_600_000, { message: 'must last at most 24 hours', path: ['endsAt'] });

/** A booth's figures for its staff (`GET /api/booths/:id/figures`). */
export const boothFiguresSchema = z.object({
  boothId: z.number().int(),
  /** Start of the day the figures cover, in the viewer's time zone, as an ISO instant. */
  since: z.string(),
  visitorsNow: z.number().int(),
  visitorsToday: z.number().int(),
  peakConcurrency: z.number().int(),
  messagesToday: z.number().int(),
  /** Mean length of finished visits today, in seconds (0 when none finished). */
  averageVisitSeconds: z.number().int(),
  /** Whether one of the booth's hosts is in it now, and who is waiting when none is. */
  hostPresent: z.boolean(),
  waiting: z.array(z.object({ userId: z.string(), displayName: z.string() })),
});
export type BoothFigures = z.infer<typeof boothFiguresSchema>;
