import { z } from 'zod';
import { emailSchema, displayNameSchema } from './auth.js';
import { boothSlugSchema } from './booths.js';
import { ROLES } from './roles.js';

/** `POST /api/admin/invites` body: hosts must name the booth they will staff. */
export const inviteBodySchema = z
  .strictObject({
    email: emailSchema,
    role: z.enum(ROLES),
    boothSlug: boothSlugSchema.optional(),
    displayName: displayNameSchema.optional(),
  })
  .refine((body) => body.role !== 'host' || body.boothSlug !== undefined, {
    message: 'a host invite needs the booth they will staff',
    path: ['boothSlug'],
  });
export type InviteBody = z.infer<typeof inviteBodySchema>;

/** An invite as the admin API returns it; `link` carries the one-time code. */
export const inviteSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  role: z.enum(ROLES),
  boothSlug: z.string().nullable(),
  displayName: z.string().nullable(),
  expiresAt: z.string(),
  link: z.string(),
});
export type Invite = z.infer<typeof inviteSchema>;

/** The columns of a CSV roster, in order. */
export const ROSTER_COLUMNS = ['email', 'display_name', 'role', 'booth_slug'] as const;
