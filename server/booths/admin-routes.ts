import { Router } from 'express';
import { and, eq, isNull } from 'drizzle-orm';
import { boothHostAddSchema } from '../../shared/booth-admin.js';
import { boothAdminPatchSchema, boothCreateSchema, type Booth } from '../../shared/booths.js';
import type { AuthService, AuthUser } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { boothHosts, users } from '../db/tables.js';
import { sendCsv, toCsv } from '../http/csv.js';
import { ok, sendError, sendResult, type Result } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { InviteService } from '../invites/service.js';
import type { AuditLog, AuditRecord } from '../moderation/audit.js';
import { rooms, type FairServer } from '../realtime/types.js';
import type { BoothService } from './service.js';

export interface BoothAdminDeps {
  db: Db;
  io: FairServer;
  booths: BoothService;
  audit: AuditLog;
  invites: InviteService;
}

const boothIdOf = (raw: unknown): number | null => {
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * The organisers' booths: create, edit every field (names and descriptions per language),
 * archive, and choose the hosts (people who already have an account, or an invitation).
 * Every change is audited and reaches the lobby at once as `booth:updated`.
 */
export function boothAdminRoutes(auth: AuthService, { db, io, booths, audit, invites }: BoothAdminDeps): Router {
  const router = Router();
  const organisers = [requireUser(auth), requireCapability('booths:manage')];

  async function audited(actor: AuthUser, change: () => Promise<Result<Booth>>, record: (booth: Booth) => Omit<AuditRecord, 'actorId'>): Promise<Result<Booth>> {
    const result = await audit.together(change, (changed) => (changed.ok ? { actorId: actor.id, ...record(changed.data) } : null));
    if (result.ok) io.to(rooms.lobby).emit('booth:updated', result.data);
    return result;
  }

  router.get(
    '/api/admin/booths',
    ...organisers,
    asyncHandler(async (req, res) => {
      const list = await booths.adminList();
      if (req.query.format !== 'csv') return void res.json({ booths: list });
      const csv = toCsv(
        ['slug', 'name', 'network', 'languages', 'capacity', 'status', 'archived', 'hosts', 'tags', 'description'],
        list.map(({ booth, archived, hosts }) => [
          booth.slug,
          booth.name,
          booth.network,
          booth.languages.join(' '),
          booth.capacity,
          booth.status,
          archived ? 'yes' : 'no',
          hosts.map((host) => host.email).join(' '),
          booth.tags.join('; '),
          booth.description,
        ]),
      );
      sendCsv(res, 'booths.csv', csv);
    }),
  );

  router.post(
    '/api/admin/booths',
    ...organisers,
    asyncHandler(async (req, res) => {
      const body = parseBody(boothCreateSchema, req, res);
      if (!body) return;
      const result = await audited(currentUser(res), () => booths.create(body), (booth) => ({ action: 'booth:create', boothId: booth.id, details: { slug: booth.slug } }));
      sendResult(res, result.ok ? ok({ booth: result.data }) : result, 201);
    }),
  );

  router.patch(
    '/api/admin/booths/:id',
    ...organisers,
    asyncHandler(async (req, res) => {
      const boothId = boothIdOf(req.params.id);
      if (boothId === null) return sendError(res, { code: 'NOT_FOUND', message: 'There is no such booth.' });
      const body = parseBody(boothAdminPatchSchema, req, res);
      if (!body) return;
      const action = body.archived === true ? 'booth:archive' : body.archived === false ? 'booth:unarchive' : 'booth:edit';
      const result = await audited(currentUser(res), () => booths.adminChange(boothId, body), () => ({ action, boothId, details: { fields: Object.keys(body) } }));
      sendResult(res, result.ok ? ok({ booth: result.data }) : result);
    }),
  );

  /**
   * Makes the person with this email a host of the booth. An account that exists becomes a
   * host of it at once (a member becomes a host); their sessions end, so their next sign-in
   * carries the new booth. Without an account, they get a host invitation for it (201).
   */
  router.post(
    '/api/admin/booths/:id/hosts',
    ...organisers,
    asyncHandler(async (req, res) => {
      const boothId = boothIdOf(req.params.id);
      const booth = boothId === null ? undefined : await booths.byId(boothId);
      if (!booth) return sendError(res, { code: 'NOT_FOUND', message: 'There is no such booth.' });
      const body = parseBody(boothHostAddSchema, req, res);
      if (!body) return;
      const actor = currentUser(res);
      const [person] = await db.select({ id: users.id, role: users.role }).from(users).where(and(eq(users.email, body.email), isNull(users.deletedAt))).limit(1);
      if (!person) {
        const invited = await invites.create(actor.id, { email: body.email, role: 'host', boothSlug: booth.slug, ...(body.displayName ? { displayName: body.displayName } : {}) });
        return sendResult(res, invited.ok ? ok({ invite: invited.data }) : invited, 201);
      }
      if (person.role !== 'member' && person.role !== 'host') {
        return sendError(res, { code: 'CONFLICT', message: `${body.email} is a ${person.role}: they already staff every booth.`, details: { field: 'email' } });
      }
      const added = await audit.together(
        async () => {
          const inserted = await db.insert(boothHosts).values({ boothId: booth.id, userId: person.id }).onConflictDoNothing().returning({ userId: boothHosts.userId });
          if (person.role === 'member') await db.update(users).set({ role: 'host' }).where(eq(users.id, person.id));
          return inserted.length > 0 || person.role === 'member';
        },
        (changed) => (changed ? { actorId: actor.id, action: 'booth:host-add', boothId: booth.id, targetUserId: person.id } : null),
      );
      if (added) await auth.endSessionsOf(person.id);
      res.status(200).json({ hosts: (await booths.adminList()).find((entry) => entry.booth.id === booth.id)?.hosts ?? [] });
    }),
  );

  router.delete(
    '/api/admin/booths/:id/hosts/:userId',
    ...organisers,
    asyncHandler(async (req, res) => {
      const boothId = boothIdOf(req.params.id);
      const userId = String(req.params.userId);
      if (boothId === null) return sendError(res, { code: 'NOT_FOUND', message: 'There is no such booth.' });
      const actor = currentUser(res);
      const removed = await audit.together(
        () => db.delete(boothHosts).where(and(eq(boothHosts.boothId, boothId), eq(boothHosts.userId, userId))).returning({ userId: boothHosts.userId }),
        (rows) => (rows.length > 0 ? { actorId: actor.id, action: 'booth:host-remove', boothId, targetUserId: userId } : null),
      );
      if (removed.length === 0) return sendError(res, { code: 'NOT_FOUND', message: 'That person is not a host of this booth.' });
      // Their open pages lose the booth's staff powers now, not at their next sign-in.
      await auth.endSessionsOf(userId);
      res.status(204).end();
    }),
  );

  return router;
}
