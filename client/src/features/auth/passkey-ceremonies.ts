/**
 * The browser side of passkeys. Loaded with `import()` only when someone uses a passkey: the
 * WebAuthn library stays out of the text-mode entry.
 */
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import type { PasskeySummary } from '../../../../shared/account.js';
import type { Me } from '../../../../shared/auth.js';
import type { ApiError, Result } from '../../../../shared/errors.js';
import { api } from '../../lib/api.js';

/** Why a ceremony stopped in the browser (not an answer from our server). */
export type BrowserRefusal = 'cancelled' | 'unsupported';
export type CeremonyResult<T> = Result<T> | { ok: false; refusal: BrowserRefusal };

type Options<T> = { challengeId: string; options: T };

/** Runs the browser's part; a dismissed prompt or timeout becomes 'cancelled', never a throw. */
async function inBrowser<T>(run: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; refusal: BrowserRefusal }> {
  if (!browserSupportsWebAuthn()) return { ok: false, refusal: 'unsupported' };
  try {
    return { ok: true, value: await run() };
  } catch {
    return { ok: false, refusal: 'cancelled' };
  }
}

async function assertion(optionsPath: string, verifyPath: string): Promise<CeremonyResult<unknown>> {
  const options = await api<Options<PublicKeyCredentialRequestOptionsJSON>>(optionsPath, { method: 'POST' });
  if (!options.ok) return options;
  const answer = await inBrowser(() => startAuthentication({ optionsJSON: options.data.options }));
  if (!answer.ok) return answer;
  return api(verifyPath, { body: { challengeId: options.data.challengeId, response: answer.value } });
}

/** Signs in with a discoverable passkey: the browser offers the ones it holds for this site. */
export function signInWithPasskey(): Promise<CeremonyResult<{ user: Me }>> {
  return assertion('/api/auth/passkey/options', '/api/auth/passkey') as Promise<CeremonyResult<{ user: Me }>>;
}

/** Proves it is still the same person, with one of their passkeys. */
export function reauthenticateWithPasskey(): Promise<CeremonyResult<unknown>> {
  return assertion('/api/auth/reauth/passkey/options', '/api/auth/reauth/passkey');
}

/** Creates a passkey on this device and registers it (the server may answer REAUTH_REQUIRED first). */
export async function addPasskey(name: string): Promise<CeremonyResult<{ passkey: PasskeySummary; endedSessions: number }>> {
  const options = await api<Options<PublicKeyCredentialCreationOptionsJSON>>('/api/passkeys/registration/options', { method: 'POST' });
  if (!options.ok) return options;
  const answer = await inBrowser(() => startRegistration({ optionsJSON: options.data.options }));
  if (!answer.ok) return answer;
  const trimmed = name.trim();
  return api('/api/passkeys/registration', { body: { challengeId: options.data.challengeId, response: answer.value, ...(trimmed ? { name: trimmed } : {}) } });
}

/** The error of a failed ceremony, whichever side refused it. */
export function ceremonyError(result: { ok: false; refusal: BrowserRefusal } | { ok: false; error: ApiError }): ApiError | BrowserRefusal {
  return 'refusal' in result ? result.refusal : result.error;
}
