import { eq } from 'drizzle-orm';
import { Router } from 'express';
import { organisationBodySchema } from '../../shared/people.js';
import type { AuthService } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { users } from '../db/tables.js';
import { asyncHandler, currentUser, parseBody, requireUser } from '../http/middleware.js';

/**
 * `GET` and `PUT /api/me/organisation`: the member organisation a person belongs to (from the
 * roster, or set by them). Nobody else sees it unless they share it with a booth (issue 16).
 */
export function organisationRoutes(auth: AuthService, db: Db): Router {
  const router = Router();
  const read = async (userId: string) => (await db.select({ organisation: users.organisation }).from(users).where(eq(users.id, userId)).limit(1))[0]?.organisation ?? null;

  router.get(
    '/api/me/organisation',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ organisation: await read(currentUser(res).id) });
    }),
  );

  router.put(
    '/api/me/organisation',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const body = parseBody(organisationBodySchema, req, res);
      if (!body) return;
      const { id } = currentUser(res);
      await writeDurably(db, () => db.update(users).set({ organisation: body.organisation }).where(eq(users.id, id)));
      res.json({ organisation: await read(id) });
    }),
  );

  return router;
}
