import express, { Router } from 'express';
import type { AuthService } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import { sendError, sendResult } from '../http/errors.js';
import { asyncHandler, currentUser, requireUser } from '../http/middleware.js';
import type { VideoService } from './service.js';

/** LiveKit webhook bodies are small JSON events. */
const WEBHOOK_BODY_LIMIT = '64kb';

/**
 * `POST /api/livekit/webhook`: mounted before the JSON body parser, because the signature
 * covers the exact bytes LiveKit sent.
 */
export function videoWebhookRoute(video: VideoService): Router {
  const router = Router();
  router.post(
    '/api/livekit/webhook',
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    asyncHandler(async (req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
      const result = await video.receiveWebhook(body, req.headers.authorization);
      if (!result.ok) return sendError(res, result.error);
      res.status(204).end();
    }),
  );
  return router;
}

/** `POST /api/booths/:slug/video-token`: a join token for a person who is in the booth now. */
export function videoTokenRoute(auth: AuthService, booths: BoothService, video: VideoService): Router {
  const router = Router();
  router.post(
    '/api/booths/:slug/video-token',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const user = currentUser(res);
      const booth = await booths.bySlug(String(req.params.slug));
      if (!booth) return sendError(res, { code: 'NOT_FOUND', message: 'There is no booth at that address.' });
      if (!video.available) return sendError(res, { code: 'VIDEO_UNAVAILABLE', message: 'Video is not available at this fair.' });
      if (!(await video.mayUse(user, booth.id)) || !(await video.isInBooth(user.id, booth.id))) {
        return sendError(res, { code: 'FORBIDDEN', message: 'Enter the booth before joining its video.' });
      }
      sendResult(res, await video.mintToken(user, booth.id));
    }),
  );
  return router;
}
