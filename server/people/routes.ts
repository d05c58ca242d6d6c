import { Router } from 'express';
import { peopleQuerySchema, personPatchSchema } from '../../shared/people.js';
import type { AuthService } from '../auth/service.js';
import { invalidPayload, sendError, sendResult } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { PeopleService } from './service.js';

/** The organisers' list of people and pending invitations, and role and status changes. */
export function peopleRoutes(auth: AuthService, people: PeopleService): Router {
  const router = Router();

  router.get(
    '/api/admin/people',
    requireUser(auth),
    requireCapability('people:read'),
    asyncHandler(async (req, res) => {
      const query = peopleQuerySchema.safeParse(req.query);
      if (!query.success) return sendError(res, invalidPayload(query.error).error);
      res.setHeader('Cache-Control', 'no-store');
      res.json(await people.list(query.data));
    }),
  );

  router.patch(
    '/api/admin/people/:id',
    requireUser(auth),
    requireCapability('people:manage'),
    asyncHandler(async (req, res) => {
      const body = parseBody(personPatchSchema, req, res);
      if (!body) return;
      const result = await people.update(currentUser(res), String(req.params.id), body);
      sendResult(res, result.ok ? { ok: true, data: { person: result.data } } : result);
    }),
  );

  return router;
}
