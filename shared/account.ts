import { z } from 'zod';
import { PASSWORD_MAX_CHARS } from './limits.js';
import { passwordSchema } from './auth.js';

/** How a session was opened. */
export type SignInMethod = 'password' | 'passkey';

/** One sign-in session as `GET /api/sessions` lists it. The id is derived: never the token or its hash. */
export interface SessionSummary {
  id: string;
  /** "Chrome on Android", or null when the browser did not say. */
  browser: string | null;
  /** ISO time the session began ("first seen"). */
  createdAt: string;
  /** ISO time it was last used (updated at most every five minutes). */
  lastSeenAt: string | null;
  method: SignInMethod | null;
  /** True for the session making this request. */
  current: boolean;
}

/** A passkey as `GET /api/passkeys` lists it (never its public key). */
export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Synced between devices (a password manager or platform account) rather than bound to one. */
  backedUp: boolean;
}

export const PASSKEY_NAME_MAX_CHARS = 60;

/** `POST /api/me/password` body. */
export const changePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(PASSWORD_MAX_CHARS),
  newPassword: passwordSchema,
});

/** `POST /api/auth/reauth` body. */
export const reauthBodySchema = z.strictObject({
  password: z.string().min(1).max(PASSWORD_MAX_CHARS),
});

/**
 * The browser's WebAuthn answer (`startRegistration` / `startAuthentication` output), checked
 * only for shape here: the server's WebAuthn library verifies its contents.
 */
const webAuthnResponseSchema = z.looseObject({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: z.string().max(4096) }),
  clientExtensionResults: z.looseObject({}),
});

/** `POST /api/passkeys/registration` body. */
export const passkeyRegistrationBodySchema = z.strictObject({
  challengeId: z.string().min(1).max(64),
  name: z.string().trim().min(1).max(PASSKEY_NAME_MAX_CHARS).optional(),
  response: webAuthnResponseSchema,
});

/** `POST /api/auth/passkey` and `POST /api/auth/reauth/passkey` body. */
export const passkeyAssertionBodySchema = z.strictObject({
  challengeId: z.string().min(1).max(64),
  response: webAuthnResponseSchema,
});
