import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { AcceptInviteBody } from '../../shared/auth.js';
import { inviteBodySchema, type Invite, type InviteBody, type RosterPreview, type RosterPreviewRow } from '../../shared/invites.js';
import { createNameClaims, type NameClaims } from '../auth/name-claims.js';
import type { Clock, AuthService, AuthUser } from '../auth/service.js';
import { hashPassword } from '../auth/passwords.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import type { Db } from '../db/open.js';
import { isUniqueViolation, UnconfirmedWriteError, writeDurably } from '../db/storage-errors.js';
import { boothHosts, booths, invites, users } from '../db/tables.js';
import { fail, ok, type Failure, type Result } from '../http/errors.js';
import { readRoster, rosterLanguage, rosterRole, type RosterRecord } from './roster.js';

export interface InviteServiceDeps {
  db: Db;
  clock: Clock;
  auth: AuthService;
  publicUrl: string;
  inviteTtlMs: number;
}

export type InviteService = ReturnType<typeof createInviteService>;


export function createInviteService({ db, clock, auth, publicUrl, inviteTtlMs }: InviteServiceDeps) {
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
      return fail('INVALID_PAYLOAD', 'boothSlug: only hosts are invited to a booth', { field: 'boothSlug' });
    }
    const refused = await nameRefused(body.displayName, body.role, skeletons);
    if (refused) return refused;
    const boothId = await boothIdForSlug(body.boothSlug);
    if (boothId === undefined) return fail('INVALID_PAYLOAD', `boothSlug: no booth "${body.boothSlug}"`, { field: 'boothSlug' });
    return ok(boothId);
  }

  async function insertInvite(actorId: string | null, body: InviteBody, boothId: number | null): Promise<Invite> {
    const code = newSecret();
    const now = clock.now();
    const expiresAt = new Date(now + inviteTtlMs);
    const [row] = await db
      .insert(invites)
      .values({
        codeHash: hashSecret(code),
        email: body.email,
        role: body.role,
        boothId,
        displayName: body.displayName ?? null,
        expiresAt,
        createdBy: actorId,
        createdAt: new Date(now),
      })
      .returning({ id: invites.id });
    // Inside writeDurably's transaction: the row is real only once the caller's commit succeeds.
    return {
      id: row!.id,
      email: body.email,
      role: body.role,
      boothSlug: body.boothSlug ?? null,
      displayName: body.displayName ?? null,
      expiresAt: expiresAt.toISOString(),
      link: `${publicUrl}/invite/${code}`,
    };
  }

  /**
   * Stores invites in one committed transaction and reads them back: an invite is reported
   * (201, its link shown once) only when it is durably stored. Storage failures throw; the
   * edge answers 503 UNAVAILABLE.
   */
  async function insertInvitesDurably(actorId: string | null, accepted: { body: InviteBody; boothId: number | null }[]): Promise<Invite[]> {
    const created = await writeDurably(db, async () => {
      const inserted: Invite[] = [];
      // One after another: the invites keep the roster's order.
      for (const { body, boothId } of accepted) inserted.push(await insertInvite(actorId, body, boothId));
      return inserted;
    });
    const ids = created.map((invite) => invite.id);
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
      const problem = (field: string, message: string) => void shown.problems.push({ field, message });
      if (shape) {
        problem('row', shape);
        continue;
      }
      const role = rosterRole(values.role);
      if (!role) {
        problem('role', values.role === '' ? 'the role is missing' : `"${values.role}" is not a role: member, host, moderator or admin`);
        continue;
      }
      shown.role = role;
      const locale = values.locale === '' ? undefined : rosterLanguage(values.locale);
      if (locale === null) {
        problem('locale', `"${values.locale}" is not a language of the fair: en, es or fr`);
        continue;
      }
      shown.locale = locale ?? null;
      const body = inviteBodySchema.safeParse({
        email: values.email,
        role,
        boothSlug: values.booth_slug || undefined,
        displayName: values.display_name || undefined,
        ...(locale ? { locale } : {}),
      });
      if (!body.success) {
        const issue = body.error.issues[0]!;
        problem(rosterField(String(issue.path[0])), issue.message.replace(/^(boothSlug|displayName): /, ''));
        continue;
      }
      shown.email = body.data.email;
      if (seen.has(body.data.email)) {
        problem('email', 'this email appears twice in the roster');
        continue;
      }
      seen.add(body.data.email);
      const checked = await checkInvite(body.data, skeletons);
      if (!checked.ok) {
        problem(rosterField(checked.error.details?.field ?? 'row'), checked.error.message.replace(/^(boothSlug|displayName): /, ''));
        continue;
      }
      accepted.push({ body: body.data, boothId: checked.data });
    }
    return { rows: preview, accepted };
  }

  const inviteGone = () =>
    fail('INVITE_INVALID', 'This invitation link has expired or has already been used. Ask the organisers for a new one.');

  return {
    /** Creates one invite; `actorId` is null when made from the command line. */
    async create(actorId: string | null, body: InviteBody): Promise<Result<Invite>> {
      const checked = await checkInvite(body);
      if (!checked.ok) return checked;
      return ok((await insertInvitesDurably(actorId, [{ body, boothId: checked.data }]))[0]!);
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
      return ok(await insertInvitesDurably(actorId, accepted));
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
            .values({ id, email: invite.email, displayName: body.displayName, verifiedName: invite.displayName, role: invite.role, passwordHash, createdAt: now });
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
