import { z } from 'zod';
import { organisationSchema } from './auth.js';
import { inviteSchema } from './invites.js';

export { organisationBodySchema, organisationSchema } from './auth.js';
import { LANGUAGES } from './limits.js';
import { ROLES } from './roles.js';

export const PERSON_STATUSES = ['active', 'deactivated'] as const;
export type PersonStatus = (typeof PERSON_STATUSES)[number];

/** One account as organisers see it (`GET /api/admin/people`): both names, no password data. */
export const personSchema = z.object({
  id: z.string(),
  email: z.string(),
  /** The name used at the fair, the only one other members see. */
  displayName: z.string(),
  /** The name the alliance verified (from the invitation), when there is one. */
  verifiedName: z.string().nullable(),
  role: z.enum(ROLES),
  status: z.enum(PERSON_STATUSES),
  /** Slugs of the booths this person hosts. */
  hostedBooths: z.array(z.string()),
  /** The language of the emails the fair sends them (from their invitation). */
  language: z.enum(LANGUAGES),
  /** Their member organisation (from the roster, set by them or by organisers); null: none. */
  organisation: z.string().nullable(),
  createdAt: z.string(),
});
export type Person = z.infer<typeof personSchema>;

/**
 * An invitation not yet accepted, with its expiry and whether its email went out (the console
 * shows "not sent: reason" with a resend). The link itself is shown only when it is made.
 */
export const pendingInviteSchema = inviteSchema.omit({ link: true }).extend({ createdAt: z.string() });
export type PendingInvite = z.infer<typeof pendingInviteSchema>;

/** `GET /api/admin/people?q=&role=&status=&language=&booth=`: the people who match, and the pending invitations that do. */
export const peopleQuerySchema = z.strictObject({
  /** Part of an email, a fair name or a verified name, in any case. */
  q: z.string().trim().max(200).optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(PERSON_STATUSES).optional(),
  /** The language of their emails (an invitation's: the language it was sent in). */
  language: z.enum(LANGUAGES).optional(),
  /** A booth's slug: its hosts (and invitations to host it). */
  booth: z.string().max(100).optional(),
});
export type PeopleQuery = z.infer<typeof peopleQuerySchema>;

/** `PATCH /api/admin/people/:id`: a new role, deactivation or reactivation, or their organisation ('' clears it). */
export const personPatchSchema = z
  .strictObject({ role: z.enum(ROLES).optional(), status: z.enum(PERSON_STATUSES).optional(), organisation: organisationSchema.optional() })
  .refine((body) => body.role !== undefined || body.status !== undefined || body.organisation !== undefined, { message: 'give a role, a status or an organisation' });
export type PersonPatch = z.infer<typeof personPatchSchema>;

