import { z } from 'zod';
import { emailSchema, displayNameSchema, organisationSchema } from './auth.js';
import { boothSlugSchema } from './booths.js';
import { LANGUAGES } from './limits.js';
import { ROLES, type Role } from './roles.js';

/** `POST /api/admin/invites` body: hosts must name the booth they will staff. */
export const inviteBodySchema = z
  .strictObject({
    email: emailSchema,
    role: z.enum(ROLES),
    boothSlug: boothSlugSchema.optional(),
    displayName: displayNameSchema.optional(),
    /** The language of the invitation email; the fair's default (English) when absent. */
    locale: z.enum(LANGUAGES).optional(),
    /** The member organisation (issue 16); the account gets it on acceptance. */
    organisation: organisationSchema.optional(),
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

/** The columns of a CSV roster, in the order of the template; only `email` and `role` are required. */
export const ROSTER_COLUMNS = ['email', 'display_name', 'role', 'booth_slug', 'locale', 'organisation'] as const;
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];
export const ROSTER_REQUIRED_COLUMNS: readonly RosterColumn[] = ['email', 'role'];

/**
 * Folds a header or a value for matching what spreadsheets in three languages write: no case,
 * no accents, no spaces, `_`, `-` or `'` ("Rôle" and "role", "Nombre visible" and "nombrevisible").
 */
export function rosterKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_\-'’.]/g, '');
}

/** The headers accepted for each column, in English, Spanish and French (compared by rosterKey). */
export const ROSTER_HEADERS: Record<RosterColumn, readonly string[]> = {
  email: ['email', 'e-mail', 'mail', 'email address', 'correo', 'correo electrónico', 'courriel', 'adresse e-mail', 'adresse électronique'],
  display_name: ['display_name', 'name', 'display name', 'full name', 'nombre', 'nombre visible', 'nombre completo', 'nom', "nom d'affichage", 'nom complet'],
  role: ['role', 'rol', 'rôle'],
  booth_slug: ['booth_slug', 'booth', 'stand', 'stand_slug', 'caseta', 'kiosque'],
  locale: ['locale', 'language', 'lang', 'idioma', 'lengua', 'langue'],
  organisation: ['organisation', 'organization', 'org', 'organización', 'organizacion', 'entidad', 'organisme'],
};

/** Role names as organisers write them in the three languages. */
export const ROSTER_ROLE_NAMES: Record<Role, readonly string[]> = {
  member: ['member', 'miembro', 'miembra', 'membre'],
  host: ['host', 'anfitrión', 'anfitriona', 'hôte', 'hôtesse'],
  moderator: ['moderator', 'moderador', 'moderadora', 'modérateur', 'modératrice'],
  admin: ['admin', 'organiser', 'organizer', 'administrator', 'organizador', 'organizadora', 'administrador', 'administradora', 'organisateur', 'organisatrice', 'administrateur', 'administratrice'],
};

/** Language names as organisers write them (a code such as `es` or `es-MX` is read too). */
export const ROSTER_LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], readonly string[]> = {
  en: ['english', 'inglés', 'anglais'],
  es: ['spanish', 'español', 'castellano', 'espagnol'],
  fr: ['french', 'francés', 'français'],
};

/**
 * What is wrong with a roster row, for the console to say in the organiser's language (the
 * `message` is the server's English, shown for `invalid`).
 */
export const ROSTER_PROBLEM_CODES = ['columns', 'roleMissing', 'roleUnknown', 'languageUnknown', 'emailInvalid', 'emailTwice', 'accountExists', 'boothMissing', 'boothUnknown', 'boothNotHost', 'invalid'] as const;
export type RosterProblemCode = (typeof ROSTER_PROBLEM_CODES)[number];

/** One roster row as the preview shows it: what would be created, or what is wrong with it. */
export const rosterPreviewRowSchema = z.object({
  line: z.number().int(),
  email: z.string(),
  displayName: z.string().nullable(),
  role: z.string(),
  boothSlug: z.string().nullable(),
  locale: z.string().nullable(),
  /** Empty when the row would be invited as shown. */
  problems: z.array(z.object({ field: z.string(), message: z.string(), code: z.enum(ROSTER_PROBLEM_CODES) })),
});
export type RosterPreviewRow = z.infer<typeof rosterPreviewRowSchema>;

/** `POST /api/admin/invites/import?dryRun=1`: every row, nothing written. */
export const rosterPreviewSchema = z.object({
  rows: z.array(rosterPreviewRowSchema),
  valid: z.number().int(),
  invalid: z.number().int(),
  /** Columns of the file that are not read (a typo in a header shows here). */
  ignoredColumns: z.array(z.string()),
});
export type RosterPreview = z.infer<typeof rosterPreviewSchema>;
