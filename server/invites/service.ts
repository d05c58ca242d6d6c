import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { AcceptInviteBody } from '../../shared/auth.js';
import { inviteBodySchema, type Invite, type InviteBody, type InviteMail, type RosterPreview, type RosterPreviewRow, type RosterProblemCode } from '../../shared/invites.js';
import type { ApiError } from '../../shared/errors.js';
import type { Language } from '../../shared/limits.js';
import { createNameClaims, type NameClaims } from '../auth/name-claims.js';
import type { Clock, AuthService, AuthUser } from '../auth/service.js';
import { hashPassword } from '../auth/passwords.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import type { Db } from '../db/open.js';
import { isUniqueViolation, UnconfirmedWriteError, writeDurably } from '../db/storage-errors.js';
import { boothHosts, booths, invites, users } from '../db/tables.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import { readRoster, rosterLanguage, rosterRole, type RosterRecord } from './roster.js';
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import { inviteEmail } from '../mail/templates.js';
import type { AuditLog } from '../moderation/audit.js';

export interface InviteServiceDeps {
  db: Db;
  clock: Clock;
  auth: AuthService;
  /** Read per link: tests learn their port only once the server listens. */
  publicUrl: () => string;
  inviteTtlMs: number;
  /** Sends the invitation emails (or writes them to the log when there is no SMTP server). */
  mailer: Mailer;
  /** Resends and revocations are recorded (organisers answer for who was let in). */
  audit: Pick<AuditLog, 'together'>;
  logger: Logger;
}

/** The fair's language when an invite names none. */
export const DEFAULT_INVITE_LOCALE: Language = 'en';

/**
 * An organiser who invites one person waits for the email this long at most, so the answer
 * says "sent" or "not sent: why" at once; a slower mail server finishes in the background and
 * the invite says "sending" meanwhile. Roster imports never wait.
 */
export const INVITE_MAIL_WAIT_MS = 5_000;

type InviteRow = typeof invites.$inferSelect;

/** An invite row's email state as the admin API shows it (lists of pending invitations use it too). */
export function mailOf(row: Pick<InviteRow, 'mailState' | 'mailAt' | 'mailError'>): InviteMail {
  return { state: row.mailState ?? 'sending', at: row.mailAt?.toISOString() ?? null, reason: row.mailError };
}

/** Resolves with the promise's value if it settles within `ms`, else with undefined (the promise runs on). */
function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type InviteService = ReturnType<typeof createInviteService>;


export function createInviteService({ db, clock, auth, publicUrl, inviteTtlMs, mailer, audit, logger }: InviteServiceDeps) {
  async function boothIdForSlug(slug: string | undefined): Promise<number | null | undefined> {
    if (slug === undefined) return null;
    const [booth] = await db.select({ id: booths.id }).from(booths).where(eq(booths.slug, slug)).limit(1);
    return booth?.id;
  }

  async function emailTaken(email: string): Promise<boolean> {
    const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
    return user !== undefined;
  }

  const names = createNameClaims(db);
  const staffSkeletons = () => names.staffSkeletons();
  const nameRefused: NameClaims['refused'] = (...args) => names.refused(...args);

  /** Checks one invite against the database; returns the booth id or a reason. Staff names are read unless given. */
  async function checkInvite(body: InviteBody, skeletons?: ReadonlySet<string>): Promise<Result<number | null>> {
    if (await emailTaken(body.email)) return fail('CONFLICT', `${body.email} already has an account.`, { field: 'email' });
    if (body.role !== 'host' && body.boothSlug !== undefined) {
      return fail('INVALID_PAYLOAD', 'boothSlug: only hosts are invited to a booth', { field: 'boothSlug', reason: 'boothNotHost' });
    }
    const refused = await nameRefused(body.displayName, body.role, skeletons);
    if (refused) return refused;
    const boothId = await boothIdForSlug(body.boothSlug);
    if (boothId === undefined) return fail('INVALID_PAYLOAD', `boothSlug: no booth "${body.boothSlug}"`, { field: 'boothSlug', reason: 'boothUnknown' });
    return ok(boothId);
  }

  const linkFor = (code: string) => `${publicUrl()}/invite/${code}`;

  /** The admin API's view of an invite; the link is known only when the code was just made. */
  function toInvite(row: InviteRow, boothSlug: string | null, code: string): Invite {
    return {
      id: row.id,
      email: row.email,
      role: row.role,
      boothSlug,
      displayName: row.displayName,
      locale: row.locale ?? DEFAULT_INVITE_LOCALE,
      expiresAt: row.expiresAt.toISOString(),
      link: linkFor(code),
      mail: mailOf(row),
    };
  }

  async function insertInvite(actorId: string | null, body: InviteBody, boothId: number | null): Promise<{ invite: Invite; row: InviteRow; code: string }> {
    const code = newSecret();
    const now = clock.now();
    const [row] = await db
      .insert(invites)
      .values({
        codeHash: hashSecret(code),
        email: body.email,
        role: body.role,
        boothId,
        displayName: body.displayName ?? null,
        locale: body.locale ?? null,
        organisation: body.organisation ?? null,
        mailState: 'sending',
        expiresAt: new Date(now + inviteTtlMs),
        createdBy: actorId,
        createdAt: new Date(now),
      })
      .returning();
    // Inside writeDurably's transaction: the row is real only once the caller's commit succeeds.
    return { invite: toInvite(row!, body.boothSlug ?? null, code), row: row!, code };
  }

  /**
   * Sends the invitation email for `row` (whose link carries `code`) and records what became of
   * it. Never rejects: a failed send is recorded as "not sent: reason" and the invite stays
   * valid; a failed record is logged (the organiser can resend).
   */
  async function deliver(row: InviteRow, code: string): Promise<InviteMail> {
    try {
      const [booth] = row.boothId === null ? [] : await db.select({ name: booths.name }).from(booths).where(eq(booths.id, row.boothId)).limit(1);
      const outcome = await mailer.send(
        inviteEmail({
          to: row.email,
          inviteId: row.id,
          language: row.locale ?? DEFAULT_INVITE_LOCALE,
          displayName: row.displayName,
          role: row.role,
          boothName: booth?.name ?? null,
          link: linkFor(code),
          ttlMs: inviteTtlMs,
          expiresAt: row.expiresAt,
        }),
      );
      const mail = { state: outcome.state, at: new Date(clock.now()), reason: outcome.state === 'failed' ? outcome.reason : null };
      // Only while the invite still has this code: a send that finishes after a resend does not speak for the new link.
      await writeDurably(db, async () => {
        await db
          .update(invites)
          .set({ mailState: mail.state, mailAt: mail.at, mailError: mail.reason })
          .where(and(eq(invites.id, row.id), eq(invites.codeHash, row.codeHash)));
      });
      return { state: mail.state, at: mail.at.toISOString(), reason: mail.reason };
    } catch (err) {
      logger.error({ err, inviteId: row.id }, 'invitation email: state not recorded');
      return mailOf(row);
    }
  }

  /** Sends one invite's email, waiting at most INVITE_MAIL_WAIT_MS for the outcome. */
  async function deliverWhileWaiting(created: { invite: Invite; row: InviteRow; code: string }): Promise<Invite> {
    const mail = await within(deliver(created.row, created.code), INVITE_MAIL_WAIT_MS);
    return mail ? { ...created.invite, mail } : created.invite;
  }

  /** Sends a roster's emails one after another, in the background (one SMTP conversation at a time). */
  function deliverInBackground(created: { row: InviteRow; code: string }[]): void {
    void (async () => {
      for (const { row, code } of created) await deliver(row, code);
    })();
  }

  async function pendingInvite(id: number): Promise<Result<InviteRow>> {
    const [row] = await db.select().from(invites).where(eq(invites.id, id)).limit(1);
    if (!row) return fail('NOT_FOUND', 'There is no such invitation.');
    if (row.usedAt !== null) return fail('CONFLICT', 'This invitation has already been accepted.');
    return ok(row);
  }

  async function boothSlugOf(boothId: number | null): Promise<string | null> {
    if (boothId === null) return null;
    const [booth] = await db.select({ slug: booths.slug }).from(booths).where(eq(booths.id, boothId)).limit(1);
    return booth?.slug ?? null;
  }

  /**
   * Stores invites in one committed transaction and reads them back: an invite is reported
   * (201, its link shown once) only when it is durably stored. Storage failures throw; the
   * edge answers 503 UNAVAILABLE.
   */
  async function insertInvitesDurably(actorId: string | null, accepted: { body: InviteBody; boothId: number | null }[]) {
    const created = await writeDurably(db, async () => {
      const inserted: Awaited<ReturnType<typeof insertInvite>>[] = [];
      // One after another: the invites keep the roster's order.
      for (const { body, boothId } of accepted) inserted.push(await insertInvite(actorId, body, boothId));
      return inserted;
    });
    const ids = created.map(({ invite }) => invite.id);
    const stored = await db.select({ id: invites.id }).from(invites).where(inArray(invites.id, ids));
    if (stored.length !== ids.length) throw new UnconfirmedWriteError('an invite was not found after its commit');
    return created;
  }

  async function findOpenInvite(code: string) {
    const [invite] = await db
      .select()
      .from(invites)
      .where(and(eq(invites.codeHash, hashSecret(code)), isNull(invites.usedAt), gt(invites.expiresAt, new Date(clock.now()))))
      .limit(1);
    return invite;
  }

  /** Every row of a roster checked as its invite would be, in order; a repeated email is a problem on its second line. */
  async function checkRoster(rows: RosterRecord[]): Promise<{ rows: RosterPreviewRow[]; accepted: { body: InviteBody; boothId: number | null }[] }> {
    const preview: RosterPreviewRow[] = [];
    const accepted: { body: InviteBody; boothId: number | null }[] = [];
    const seen = new Set<string>();
    const skeletons = await staffSkeletons();
    for (const { line, values, shape } of rows) {
      const shown: RosterPreviewRow = {
        line,
        email: values.email,
        displayName: values.display_name || null,
        role: values.role,
        boothSlug: values.booth_slug || null,
        locale: values.locale || null,
        problems: [],
      };
      preview.push(shown);
      const problem = (field: string, message: string, code: RosterProblemCode = 'invalid') => void shown.problems.push({ field, message, code });
      if (shape) {
        problem('row', shape, 'columns');
        continue;
      }
      const role = rosterRole(values.role);
      if (!role) {
        if (values.role === '') problem('role', 'the role is missing', 'roleMissing');
        else problem('role', `"${values.role}" is not a role: member, host, moderator or admin`, 'roleUnknown');
        continue;
      }
      shown.role = role;
      const locale = values.locale === '' ? undefined : rosterLanguage(values.locale);
      if (locale === null) {
        problem('locale', `"${values.locale}" is not a language of the fair: en, es or fr`, 'languageUnknown');
        continue;
      }
      shown.locale = locale ?? null;
      const body = inviteBodySchema.safeParse({
        email: values.email,
        role,
        boothSlug: values.booth_slug || undefined,
        displayName: values.display_name || undefined,
        ...(locale ? { locale } : {}),
        ...(values.organisation ? { organisation: values.organisation } : {}),
      });
      if (!body.success) {
        const issue = body.error.issues[0]!;
        const field = String(issue.path[0]);
        // A host without a booth is the schema's one refinement; other booth values are the slug's shape.
        const code = field === 'email' ? 'emailInvalid' : field === 'boothSlug' && values.booth_slug === '' ? 'boothMissing' : 'invalid';
        problem(rosterField(field), issue.message.replace(/^(boothSlug|displayName): /, ''), code);
        continue;
      }
      shown.email = body.data.email;
      if (seen.has(body.data.email)) {
        problem('email', 'this email appears twice in the roster', 'emailTwice');
        continue;
      }
      seen.add(body.data.email);
      const checked = await checkInvite(body.data, skeletons);
      if (!checked.ok) {
        problem(rosterField(checked.error.details?.field ?? 'row'), checked.error.message.replace(/^(boothSlug|displayName): /, ''), inviteRefusal(checked.error));
        continue;
      }
      accepted.push({ body: body.data, boothId: checked.data });
    }
    return { rows: preview, accepted };
  }

  /** Which roster problem a refused invitation is (checkInvite's refusals). */
  function inviteRefusal(error: ApiError): RosterProblemCode {
    if (error.code === 'CONFLICT') return 'accountExists';
    const reason = error.details?.reason;
    return reason === 'boothNotHost' || reason === 'boothUnknown' ? reason : 'invalid';
  }

  const inviteGone = () =>
    fail('INVITE_INVALID', 'This invitation link has expired or has already been used. Ask the organisers for a new one.');

  return {
    /** Creates one invite; `actorId` is null when made from the command line. */
    async create(actorId: string | null, body: InviteBody): Promise<Result<Invite>> {
      const checked = await checkInvite(body);
      if (!checked.ok) return checked;
      const [created] = await insertInvitesDurably(actorId, [{ body, boothId: checked.data }]);
      return ok(await deliverWhileWaiting(created!));
    },

    /**
     * A new link for a pending invitation (the old one stops working at once), a new expiry,
     * and the email sent again. Accepted invitations are a CONFLICT.
     */
    async resend(actorId: string, id: number): Promise<Result<Invite>> {
      const found = await pendingInvite(id);
      if (!found.ok) return found;
      const code = newSecret();
      const renewed = await audit.together(
        async () => {
          const [row] = await db
            .update(invites)
            .set({ codeHash: hashSecret(code), expiresAt: new Date(clock.now() + inviteTtlMs), mailState: 'sending', mailAt: null, mailError: null })
            .where(and(eq(invites.id, id), isNull(invites.usedAt)))
            .returning();
          return row;
        },
        (row) => (row ? { actorId, action: 'invite:resend', details: { inviteId: id, role: row.role } } : null),
      );
      // Accepted between the look and the update.
      if (!renewed) return fail('CONFLICT', 'This invitation has already been accepted.');
      return ok(await deliverWhileWaiting({ invite: toInvite(renewed, await boothSlugOf(renewed.boothId), code), row: renewed, code }));
    },

    /** Withdraws a pending invitation: its link is refused from now on. Accepted ones are a CONFLICT. */
    async revoke(actorId: string, id: number): Promise<Result<{ id: number }>> {
      const found = await pendingInvite(id);
      if (!found.ok) return found;
      const removed = await audit.together(
        () => db.delete(invites).where(and(eq(invites.id, id), isNull(invites.usedAt))).returning({ id: invites.id, role: invites.role }),
        (rows) => (rows.length > 0 ? { actorId, action: 'invite:revoke', details: { inviteId: id, role: rows[0]!.role } } : null),
      );
      if (removed.length === 0) return fail('CONFLICT', 'This invitation has already been accepted.');
      return ok({ id });
    },

    /** The roster's preview: every row with what importing it would do or what is wrong with it. Nothing is written. */
    async previewRoster(csv: string): Promise<Result<RosterPreview>> {
      const roster = readRoster(csv);
      if (!roster.ok) return roster;
      const { rows } = await checkRoster(roster.data.rows);
      const invalid = rows.filter((row) => row.problems.length > 0).length;
      return ok({ rows, valid: rows.length - invalid, invalid, ignoredColumns: roster.data.ignoredColumns });
    },

    /**
     * Imports a roster (see `readRoster` for what it accepts). All or nothing: a roster with
     * any bad row creates no invite, and every bad row is reported by its line.
import type { Logger } from '../logger.js';
import type { Mailer } from '../mail/mailer.js';
import { inviteEmail } from '../mail/templates.js';
import type { AuditLog } from '../moderation/audit.js';
     */
    async importRoster(actorId: string, csv: string): Promise<Result<Invite[]>> {
      const roster = readRoster(csv);
      if (!roster.ok) return roster;
      const { rows, accepted } = await checkRoster(roster.data.rows);
      const lines = rows.flatMap((row) => row.problems.map((problem) => ({ line: row.line, ...problem })));
      if (lines.length > 0) {
        const first = lines[0]!;
        const more = lines.length > 1 ? ` (and ${lines.length - 1} more)` : '';
        return fail('INVALID_PAYLOAD', `line ${first.line}, ${first.field}: ${first.message}${more}. No invites were created.`, { lines });
      }
      const created = await insertInvitesDurably(actorId, accepted);
      deliverInBackground(created);
      return ok(created.map(({ invite }) => invite));
    },

    /** What an invite link is for, so the accept page can greet the person. */
    async preview(code: string): Promise<Result<{ email: string; role: string; displayName: string | null; boothName: string | null }>> {
      const invite = await findOpenInvite(code);
      if (!invite) return inviteGone();
      const [booth] = invite.boothId === null ? [] : await db.select({ name: booths.name }).from(booths).where(eq(booths.id, invite.boothId)).limit(1);
      return ok({ email: invite.email, role: invite.role, displayName: invite.displayName, boothName: booth?.name ?? null });
    },

    /**
     * Turns a one-time code into an account; the code can never be used again. An email that
     * has an account by then (another invitation for it, accepted first) is a CONFLICT.
     */
    async accept(body: AcceptInviteBody): Promise<Result<AuthUser>> {
      const open = await findOpenInvite(body.code);
      if (!open) return inviteGone();
      // Before the costly hash; checked again, under the names lock, where the name is stored.
      const refusedName = await nameRefused(body.displayName, open.role);
      if (refusedName) return refusedName;
      const passwordHash = await hashPassword(body.password);
      const emailRegistered = () => fail('CONFLICT', `${open.email} already has an account. Sign in instead.`, { field: 'email' });
      // Checked again inside the transaction: two tabs may accept the same code at once, and two
      // invitations for one email may be accepted at once, on different nodes.
      let accepted: string | Failure;
      try {
        accepted = await writeDurably(db, async () => {
          const refused = await names.refusedWithinWrite(body.displayName, open.role);
          if (refused) return refused;
          const invite = await findOpenInvite(body.code);
          if (!invite) return inviteGone();
          if (await emailTaken(invite.email)) return emailRegistered();
          const now = new Date(clock.now());
          // Claimed first, and only while still unused: of two accepts that both found it open
          // (on a database whose transactions run side by side), one claims it, the other stops.
          const claimed = await db
            .update(invites)
            .set({ usedAt: now })
            .where(and(eq(invites.id, invite.id), isNull(invites.usedAt)))
            .returning({ id: invites.id });
          if (claimed.length === 0) return inviteGone();
          const id = crypto.randomUUID();
          // The roster's name is the one the alliance verified; the member picks the name others see.
          // Another invitation's account for the same email, stored since the look above, fails
          // this insert on the unique email (the whole transaction, the claim too, rolls back).
          await db
            .insert(users)
            .values({
              id,
              email: invite.email,
              displayName: body.displayName,
              verifiedName: invite.displayName,
              role: invite.role,
              passwordHash,
              // The fair's later emails (sign-in notices, password resets asked for elsewhere) speak the invitation's language.
              locale: invite.locale,
              organisation: invite.organisation,
              createdAt: now,
            });
          if (invite.role === 'host' && invite.boothId !== null) await db.insert(boothHosts).values({ boothId: invite.boothId, userId: id });
          return id;
        });
      } catch (err) {
        if (isUniqueViolation(err)) return emailRegistered();
        throw err;
      }
      if (typeof accepted !== 'string') return accepted;
      const user = await auth.loadUser(accepted);
      return user ? ok(user) : inviteGone();
    },
  };
}

/** The roster column behind an invite field. */
function rosterField(field: string): string {
  if (field === 'boothSlug') return 'booth_slug';
  if (field === 'displayName') return 'display_name';
  return field;
}
