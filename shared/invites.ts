import { z } from 'zod';
import { emailSchema, displayNameSchema } from './auth.js';
import { boothSlugSchema } from './booths.js';
import { LANGUAGES } from './limits.js';
import { ROLES } from './roles.js';

/** `POST /api/admin/invites` body: hosts must name the booth they will staff. */
export const inviteBodySchema = z
  .strictObject({
    email: emailSchema,
    role: z.enum(ROLES),
    boothSlug: boothSlugSchema.optional(),
    displayName: displayNameSchema.optional(),
    /** The language of the invitation email; the fair's default (English) when absent. */
    locale: z.enum(LANGUAGES).optional(),
  })
  .refine((body) => body.role !== 'host' || body.boothSlug !== undefined, {
    message: 'a host invite needs the booth they will staff',
    path: ['boothSlug'],
  });
export type InviteBody = z.infer<typeof inviteBodySchema>;

/**
 * Where an invitation email is: `sending` (not finished yet), `sent` (the SMTP server took it),
 * `failed` (not sent: `reason`; the invitation still works, and resend tries again) or `logged`
 * (no SMTP_URL: written to the server log; the organiser passes the link on).
 */
export const MAIL_STATES = ['sending', 'sent', 'failed', 'logged'] as const;
export type MailState = (typeof MAIL_STATES)[number];

/** The invitation email's state; `at`: when it was sent, failed or logged. */
export const inviteMailSchema = z.object({
  state: z.enum(MAIL_STATES),
  at: z.string().nullable(),
  reason: z.string().nullable(),
});
export type InviteMail = z.infer<typeof inviteMailSchema>;

/** An invite as the admin API returns it; `link` carries the one-time code. */
export const inviteSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  role: z.enum(ROLES),
  boothSlug: z.string().nullable(),
  displayName: z.string().nullable(),
  locale: z.enum(LANGUAGES),
  expiresAt: z.string(),
  link: z.string(),
  mail: inviteMailSchema,
});
export type Invite = z.infer<typeof inviteSchema>;

/** The columns of a CSV roster, in order. */
export const ROSTER_COLUMNS = ['email', 'display_name', 'role', 'booth_slug'] as const;
