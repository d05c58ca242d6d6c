import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { and, eq, lt, lte } from 'drizzle-orm';
import type { PasskeySummary } from '../../shared/account.js';
import { ROLE_RANK } from '../../shared/roles.js';
import { createFailureThrottle } from '../auth/failure-throttle.js';
import type { LimiterFactory } from '../rate-limit/limiters.js';
import { accountDeactivated, type AuthUser, type Clock } from '../auth/service.js';
import { newSecret } from '../auth/tokens.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { authChallenges, passkeys, users } from '../db/tables.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import type { Logger } from '../logger.js';
import { describeBrowser } from '../sessions/user-agent.js';

/** A WebAuthn challenge is good for one answer within this time. */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60_000;
/** Failed passkey sign-ins per address before a pause (the same order as password sign-ins). */
export const PASSKEY_MAX_FAILURES_PER_ADDRESS = 30;
export const PASSKEY_FAILURE_WINDOW_MS = 15 * 60_000;
/** Sign-in challenges asked for per address: each is a row, so strangers cannot fill the table. */
export const PASSKEY_OPTIONS_PER_ADDRESS = 60;
export const PASSKEY_OPTIONS_WINDOW_MS = 60_000;
const RP_NAME = 'Digital Fair';

type Purpose = 'register' | 'login' | 'reauth';

export interface PasskeyServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /**
   * The address members browse (config.publicUrl): its origin is the expected WebAuthn origin
   * and its host name the relying-party id. Read on each use.
   */
  publicUrl: () => string;
  /** PASSKEYS_REQUIRED_FOR_STAFF. */
  requiredForStaff: boolean;
  /** A ban in force: a passkey no more opens the fair to a banned person than a password does. */
  banOf?: (userId: string) => { until: string | null } | null | Promise<{ until: string | null } | null>;
  /** Where the failure and request limits keep their counts (Redis with several nodes). */
  limiters?: LimiterFactory;
}

export type PasskeyService = ReturnType<typeof createPasskeyService>;

/** Whether a role is staff for PASSKEYS_REQUIRED_FOR_STAFF: hosts, moderators and admins. */
function isStaff(user: Pick<AuthUser, 'role'>): boolean {
  return ROLE_RANK[user.role] >= ROLE_RANK.host;
}

export function createPasskeyService({ db, clock, logger, publicUrl, requiredForStaff, banOf, limiters }: PasskeyServiceDeps) {
  const signInFailures = createFailureThrottle('passkey-sign-in', PASSKEY_MAX_FAILURES_PER_ADDRESS, PASSKEY_FAILURE_WINDOW_MS, limiters);
  const optionsRequests = createFailureThrottle('passkey-options', PASSKEY_OPTIONS_PER_ADDRESS, PASSKEY_OPTIONS_WINDOW_MS, limiters);

  function relyingParty() {
    const url = new URL(publicUrl());
    return { rpID: url.hostname, origin: url.origin };
  }

  async function storeChallenge(challenge: string, purpose: Purpose, userId: string | null): Promise<string> {
    const now = clock.now();
    const id = newSecret();
    await writeDurably(db, async () => {
      // Expired, unanswered challenges go whenever a new one is made: the table stays small.
      await db.delete(authChallenges).where(lte(authChallenges.expiresAt, new Date(now)));
      await db.insert(authChallenges).values({ id, challenge, purpose, userId, expiresAt: new Date(now + PASSKEY_CHALLENGE_TTL_MS) });
    });
    return id;
  }

  /** Takes a challenge out of the table (one use only) if it is live and meant for this purpose and person. */
  async function consumeChallenge(id: string, purpose: Purpose, userId: string | null): Promise<string | null> {
    const [row] = await writeDurably(db, async () => db.delete(authChallenges).where(eq(authChallenges.id, id)).returning());
    if (!row || row.purpose !== purpose || row.userId !== userId || row.expiresAt.getTime() <= clock.now()) return null;
    return row.challenge;
  }

  const expiredChallenge = () => fail('INVALID_CREDENTIALS', 'This passkey request has expired or was already used. Please try again.');

  function userPasskeys(userId: string) {
    return db.select().from(passkeys).where(eq(passkeys.userId, userId));
  }

  function summary(row: typeof passkeys.$inferSelect): PasskeySummary {
    return {
      id: row.id,
      name: row.name,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      backedUp: row.backedUp,
    };
  }

  /** Checks an assertion against a stored passkey; on success records its new counter and use. */
  async function verifyAssertion(
    challengeId: string,
    response: AuthenticationResponseJSON,
    purpose: 'login' | 'reauth',
    userId: string | null,
  ): Promise<Result<{ userId: string }>> {
    const challenge = await consumeChallenge(challengeId, purpose, userId);
    if (!challenge) return expiredChallenge();
    const [stored] = await db.select().from(passkeys).where(eq(passkeys.id, response.id)).limit(1);
    const unknown = fail('INVALID_CREDENTIALS', 'That passkey is not registered for an account here.');
    if (!stored || (userId !== null && stored.userId !== userId)) return unknown;
    const { rpID, origin } = relyingParty();
    const rejected = (reason: string) => {
      logger.info({ code: 'PASSKEY_ASSERTION_REJECTED', reason }, 'passkey assertion rejected');
      return unknown;
    };
    let verification;
    try {
      verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: origin,
        expectedRPID: rpID,
        credential: {
          id: stored.id,
          publicKey: new Uint8Array(Buffer.from(stored.publicKey, 'base64url')),
          counter: stored.counter,
          transports: stored.transports,
        },
        requireUserVerification: false,
      });
    } catch (err) {
      return rejected(err instanceof Error ? err.message : 'unknown');
    }
    if (!verification.verified) return unknown;
    const { newCounter } = verification.authenticationInfo;
    // The counter was checked against the row read above; a sign-in with this passkey at the same
    // moment (another node) may have stored a newer one since. Stored only if still newer, as the
    // check would have found had they come one after the other; else it is a replay or a clone.
    // A storage failure here is UNAVAILABLE at the edge, not a refused passkey.
    const recorded = await writeDurably(db, () =>
      db
        .update(passkeys)
        .set({ counter: newCounter, lastUsedAt: new Date(clock.now()) })
        .where(and(eq(passkeys.id, stored.id), newCounter === 0 ? undefined : lt(passkeys.counter, newCounter)))
        .returning({ id: passkeys.id }),
    );
    if (recorded.length === 0) return rejected('the counter is not newer than the one stored meanwhile');
    return ok({ userId: stored.userId });
  }

  async function hasPasskey(userId: string): Promise<boolean> {
    const [passkey] = await db.select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, userId)).limit(1);
    return passkey !== undefined;
  }

  return {
    relyingParty,
    hasPasskey,

    async list(userId: string): Promise<PasskeySummary[]> {
      return (await userPasskeys(userId)).map(summary);
    },

    /**
     * The password sign-in rule (PASSKEYS_REQUIRED_FOR_STAFF): staff who have a passkey must use
     * it; staff without one may still use their password and are urged to add a passkey.
     */
    async passwordSignIn(user: AuthUser): Promise<Failure | { addPasskey: boolean }> {
      if (!requiredForStaff || !isStaff(user)) return { addPasskey: false };
      if (await hasPasskey(user.id)) {
        return fail('PASSKEY_REQUIRED', 'Staff accounts with a passkey must sign in with the passkey.');
      }
      return { addPasskey: true };
    },

    /** Whether the organisers ask this person to use a passkey. */
    requiredFor(user: AuthUser): boolean {
      return requiredForStaff && isStaff(user);
    },

    async registrationOptions(user: AuthUser): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
      const { rpID } = relyingParty();
      const options = await generateRegistrationOptions({
        rpName: RP_NAME,
        rpID,
        userID: new TextEncoder().encode(user.id),
        userName: user.email,
        userDisplayName: user.displayName,
        attestationType: 'none',
        excludeCredentials: (await userPasskeys(user.id)).map((row) => ({ id: row.id, transports: row.transports })),
        // Discoverable credentials: the passkey itself names the account, so sign-in needs no email.
        authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      });
      return { challengeId: await storeChallenge(options.challenge, 'register', user.id), options };
    },

    async register(
      user: AuthUser,
      body: { challengeId: string; name?: string | undefined; response: RegistrationResponseJSON },
      userAgent: string | undefined,
    ): Promise<Result<PasskeySummary>> {
      const challenge = await consumeChallenge(body.challengeId, 'register', user.id);
      if (!challenge) return expiredChallenge();
      const { rpID, origin } = relyingParty();
      let verification;
      try {
        verification = await verifyRegistrationResponse({
          response: body.response,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpID,
          requireUserVerification: false,
        });
      } catch (err) {
        logger.info({ code: 'PASSKEY_REGISTRATION_REJECTED', reason: err instanceof Error ? err.message : 'unknown' }, 'passkey registration rejected');
        return fail('INVALID_PAYLOAD', 'The passkey could not be verified.');
      }
      if (!verification.verified) return fail('INVALID_PAYLOAD', 'The passkey could not be verified.');
      const info = verification.registrationInfo;
      // One statement, whoever else registers it at the same moment (another tab, another node):
      // the primary key decides, and the one that comes second stores nothing and is a CONFLICT.
      const [row] = await writeDurably(db, () =>
        db
          .insert(passkeys)
          .values({
            id: info.credential.id,
            userId: user.id,
            publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
            counter: info.credential.counter,
            transports: info.credential.transports ?? [],
            deviceType: info.credentialDeviceType,
            backedUp: info.credentialBackedUp,
            name: body.name ?? describeBrowser(userAgent) ?? 'Passkey',
            createdAt: new Date(clock.now()),
          })
          .onConflictDoNothing({ target: passkeys.id })
          .returning(),
      );
      if (!row) return fail('CONFLICT', 'This passkey is already registered.');
      return ok(summary(row));
    },

    async remove(userId: string, passkeyId: string): Promise<Result<{ removed: 1 }>> {
      const gone = await writeDurably(db, async () =>
        db
          .delete(passkeys)
          .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
          .returning({ id: passkeys.id }),
      );
      return gone.length > 0 ? ok({ removed: 1 }) : fail('NOT_FOUND', 'No such passkey.');
    },

    /**
     * Options for a passkey sign-in (no account named: `allowCredentials` is empty and the
     * browser offers the passkeys it holds for this site) or a re-authentication (the person's own).
     */
    async authenticationOptions(
      purpose: 'login' | 'reauth',
      userId: string | null,
      address: string,
    ): Promise<Result<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }>> {
      const key = `address:${address}`;
      const refused = await optionsRequests.refusal(key);
      if (refused) return refused;
      await optionsRequests.record(key);
      const { rpID } = relyingParty();
      const allowCredentials = purpose === 'reauth' && userId ? (await userPasskeys(userId)).map((row) => ({ id: row.id, transports: row.transports })) : [];
      if (purpose === 'reauth' && allowCredentials.length === 0) return fail('NOT_FOUND', 'You have no passkey yet.');
      const options = await generateAuthenticationOptions({ rpID, allowCredentials, userVerification: 'preferred' });
      return ok({ challengeId: await storeChallenge(options.challenge, purpose, purpose === 'reauth' ? userId : null), options });
    },

    /** A passkey sign-in: the user it opens, throttled per address like password sign-ins. */
    async signIn(challengeId: string, response: AuthenticationResponseJSON, address: string): Promise<Result<{ userId: string }>> {
      const key = `address:${address}`;
      const refused = await signInFailures.refusal(key);
      if (refused) return refused;
      const result = await verifyAssertion(challengeId, response, 'login', null);
      if (!result.ok) {
        await signInFailures.record(key);
        return result;
      }
      const ban = await banOf?.(result.data.userId);
      if (ban) return fail('BANNED', 'Your access to the fair is suspended.', ban);
      const [account] = await db.select({ deactivatedAt: users.deactivatedAt }).from(users).where(eq(users.id, result.data.userId)).limit(1);
      if (account?.deactivatedAt) return accountDeactivated();
      return result;
    },

    /** A re-authentication with one of the signed-in person's own passkeys. */
    reauthenticate(userId: string, challengeId: string, response: AuthenticationResponseJSON): Promise<Result<{ userId: string }>> {
      return verifyAssertion(challengeId, response, 'reauth', userId);
    },
  };
}
