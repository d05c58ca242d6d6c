import { z } from 'zod';
import { EMAIL_MAX_CHARS, LANGUAGES, ORGANISATION_MAX_CHARS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS } from './limits.js';
import { ROLES } from './roles.js';
import { checkDisplayName, DISPLAY_NAME_PROBLEM_MESSAGES } from './display-name.js';

/** An email address, trimmed and lower-cased so one person has one account. */
export const emailSchema = z
  .string()
  .trim()
  .max(EMAIL_MAX_CHARS)
  .pipe(z.email())
  .transform((email) => email.toLowerCase());

/**
 * A display name: visible to others, so it is NFKC-normalised and refused when blank, too
 * long, or holding control, bidi or invisible characters (shared/display-name.ts). The
 * parsed value is the normalised name. Role words and look-alikes of staff names are refused
 * by the server (server/auth/name-guard.ts), which alone holds the confusables table.
 */
export const displayNameSchema = z.string().transform((raw, ctx) => {
  const checked = checkDisplayName(raw);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: 'custom', message: DISPLAY_NAME_PROBLEM_MESSAGES[checked.problem] });
  return z.NEVER;
});

export const passwordSchema = z.string().min(PASSWORD_MIN_CHARS).max(PASSWORD_MAX_CHARS);

/** `POST /api/auth/login` body. The password is not length-checked here: that would leak policy. */
export const loginBodySchema = z.strictObject({
  email: emailSchema,
  password: z.string().min(1).max(PASSWORD_MAX_CHARS),
});
export type LoginBody = z.infer<typeof loginBodySchema>;

/** `POST /api/auth/accept-invite` body. */
export const acceptInviteBodySchema = z.strictObject({
  code: z.string().min(16).max(128),
  displayName: displayNameSchema,
  password: passwordSchema,
});
export type AcceptInviteBody = z.infer<typeof acceptInviteBodySchema>;

/**
 * `POST /api/auth/password-reset` body: the account's email, and the language the email should
 * be in (the one the page is shown in; English when absent).
 */
export const passwordResetBodySchema = z.strictObject({
  email: emailSchema,
  locale: z.enum(LANGUAGES).optional(),
});
export type PasswordResetBody = z.infer<typeof passwordResetBodySchema>;

/** `POST /api/auth/password-reset/confirm` body: the token from the emailed link and the new password. */
export const passwordResetConfirmBodySchema = z.strictObject({
  token: z.string().min(16).max(128),
  password: passwordSchema,
});
export type PasswordResetConfirmBody = z.infer<typeof passwordResetConfirmBodySchema>;

/** `PATCH /api/me` body: the member's name at the fair (the verified name stays as it is). */
export const updateMeBodySchema = z.strictObject({ displayName: displayNameSchema });
export type UpdateMeBody = z.infer<typeof updateMeBodySchema>;

/** The signed-in user as the API returns it. */
export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  /** The name others see at the fair. */
  displayName: z.string(),
  /** The name the alliance verified (from the invitation), when it has one; only the member and organisers see it. */
  verifiedName: z.string().nullable().optional(),
  role: z.enum(ROLES),
  hostedBoothIds: z.array(z.number().int()),
  /** The code of conduct's version this person must read and accept before entering a booth; null when none is pending. */
  conductPending: z.number().int().nullable().optional(),
});
export type Me = z.infer<typeof meSchema>;


/** A member organisation: trimmed, at most ORGANISATION_MAX_CHARS; empty means none (null). */
export const organisationSchema = z
  .string()
  .max(ORGANISATION_MAX_CHARS * 2)
  .transform((text) => text.replace(/\s+/g, ' ').trim())
  .pipe(z.string().max(ORGANISATION_MAX_CHARS, `organisation is longer than ${ORGANISATION_MAX_CHARS} characters`))
  .transform((text) => text || null);

/** `PUT /api/me/organisation`: the member's own organisation ('' clears it). Shared with a booth only when they choose. */
export const organisationBodySchema = z.strictObject({ organisation: organisationSchema });
