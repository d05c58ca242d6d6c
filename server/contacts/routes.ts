import { Router, type Response } from 'express';
import { can } from '../../shared/roles.js';
import type { AuthService } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import { sendCsv } from '../http/csv.js';
import { sendError } from '../http/errors.js';
import { asyncHandler, currentUser, requireUser } from '../http/middleware.js';
import type { ContactService } from './service.js';

/** The booth named by `:slug` when this person staffs it; otherwise the error is sent and null returned. */
async function staffedBooth(booths: BoothService, slug: string, res: Response) {
  const booth = await booths.bySlug(slug);
  if (!booth) {
    sendError(res, { code: 'NOT_FOUND', message: 'There is no such booth.' });
    return null;
  }
  if (!can(currentUser(res), 'booth:staff', { boothId: booth.id })) {
    sendError(res, { code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
    return null;
  }
  return booth;
}

/**
 * Contact requests over HTTP: the booth's list and CSV export (its staff: hosts of that booth,
 * moderators, admins), the member's own requests, and the open count the header shows hosts.
 */
export function contactRoutes(auth: AuthService, deps: { booths: BoothService; contacts: ContactService }): Router {
  const router = Router();
  const { booths, contacts } = deps;

  router.get(
    '/api/booths/:slug/contacts',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const booth = await staffedBooth(booths, String(req.params.slug), res);
      if (!booth) return;
      res.setHeader('Cache-Control', 'no-store');
      res.json({ requests: await contacts.forBooth(booth.id) });
    }),
  );

  // Only the contacts each member agreed to share, as they agreed; every export is audited.
  router.get(
    '/api/booths/:slug/contacts.csv',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const booth = await staffedBooth(booths, String(req.params.slug), res);
      if (!booth) return;
      sendCsv(res, `${booth.slug}-contacts.csv`, await contacts.csv(currentUser(res).id, booth.id));
    }),
  );

  router.get(
    '/api/contacts/mine',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ requests: await contacts.mine(currentUser(res).id) });
    }),
  );

  router.get(
    '/api/contacts/summary',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json(await contacts.summary(currentUser(res)));
    }),
  );

  return router;
}
