import { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import { sendError } from '../http/errors.js';
import { asyncHandler, requireUser } from '../http/middleware.js';
import type { BoothService } from './service.js';

export function boothRoutes(auth: AuthService, booths: BoothService): Router {
  const router = Router();
  router.get(
    '/api/booths',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      res.json(await booths.list());
    }),
  );
  router.get(
    '/api/booths/:slug',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const booth = await booths.bySlug(String(req.params.slug));
      if (!booth) return sendError(res, { code: 'NOT_FOUND', message: 'There is no booth at that address.' });
      res.json(booth);
    }),
  );
  return router;
}
