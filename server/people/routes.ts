import { Router } from 'express';
import { peopleQuerySchema, personPatchSchema } from '../../shared/people.js';
import type { AuthService } from '../auth/service.js';
import { sendCsv, toCsv } from '../http/csv.js';
import { invalidPayload, sendError, sendResult } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { PeopleService } from './service.js';

/** The organisers' list of people and pending invitations (JSON, or CSV with `?format=csv`), and role and status changes. */
export function peopleRoutes(auth: AuthService, people: PeopleService): Router {
  const router = Router();

  router.get(
    '/api/admin/people',
    requireUser(auth),
    requireCapability('people:read'),
    asyncHandler(async (req, res) => {
      const { format: _format, ...filters } = req.query;
      const query = peopleQuerySchema.safeParse(filters);
      if (!query.success) return sendError(res, invalidPayload(query.error).error);
      const list = await people.list(query.data);
      if (req.query.format !== 'csv') {
        res.setHeader('Cache-Control', 'no-store');
        return void res.json(list);
      }
      // Personal data leaves the fair: the export is in the audit log.
      await people.exported(currentUser(res), list.people.length);
      const csv = toCsv(
        ['email', 'display_name', 'verified_name', 'role', 'status', 'language', 'booths', 'created_at'],
        list.people.map((p) => [p.email, p.displayName, p.verifiedName, p.role, p.status, p.language, p.hostedBooths.join(' '), p.createdAt]),
      );
      sendCsv(res, 'people.csv', csv);
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
