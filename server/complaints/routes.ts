import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { complaintCreateSchema, complaintListQuerySchema, complaintUpdateSchema, GRANTABLE_CAPABILITIES, normaliseTrackingCode } from '../../shared/complaints.js';
import type { AuthService } from '../auth/service.js';
import { fail, invalidPayload, sendError, sendResult } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import { hashedKey, tryConsume, type LimiterFactory } from '../rate-limit/limiters.js';
import { requireRoleOrGrant, holdsCapability, type CapabilityGrants } from './grants.js';
import type { ComplaintStore } from './service.js';

/** Wrong tracking codes one address may try in the window before it must wait. */
export const TRACKING_MISSES_MAX = 20;
export const TRACKING_MISSES_WINDOW_MS = 15 * 60_000;

const idParam = z.coerce.number().int().positive().max(2 ** 31 - 1);

/** A handler of `/api/complaints/:id` given the parsed id; a bad one answers NOT_FOUND. */
function byId(handler: (req: Request, res: Response, id: number) => Promise<void>) {
  return asyncHandler(async (req, res) => {
    const parsed = idParam.safeParse(req.params.id);
    if (!parsed.success) return sendError(res, { code: 'NOT_FOUND', message: 'No such complaint.' });
    await handler(req, res, parsed.data);
  });
}

/**
 * The complaint routes: filing (any signed-in person), following (their own list, or a
 * tracking code), handling (`complaints:handle`, by role or grant), and organisers' grants.
 * Nothing here logs who filed what.
 */
export function complaintRoutes(auth: AuthService, complaints: ComplaintStore, grants: CapabilityGrants, limiters: LimiterFactory): Router {
  const router = Router();
  const handlers = requireRoleOrGrant(grants, 'complaints:handle');
  // Only misses count: a filer reading their own complaint is never slowed down.
  const misses = limiters({ keyPrefix: 'complaint-track', points: TRACKING_MISSES_MAX, durationMs: TRACKING_MISSES_WINDOW_MS });

  router.post(
    '/api/complaints',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const body = parseBody(complaintCreateSchema, req, res);
      if (!body) return;
      const result = await complaints.file(currentUser(res).id, body);
      if (!result.ok) return sendError(res, result.error);
      res.status(201).json(result.data);
    }),
  );

  router.get(
    '/api/complaints/mine',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ complaints: await complaints.mine(currentUser(res).id) });
    }),
  );

  // No session needed: the code is the key (an anonymous filer may follow it signed out).
  router.get(
    '/api/complaints/track/:trackingCode',
    asyncHandler(async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const key = hashedKey('complaint-track', req.ip ?? 'unknown');
      const state = await misses.get(key);
      const refuse = (msBeforeNext: number) => {
        const retryAfterSeconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
        sendError(res, fail('RATE_LIMITED', `Too many wrong codes. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds }).error);
      };
      if (state && state.consumedPoints >= TRACKING_MISSES_MAX) return refuse(state.msBeforeNext);
      const code = normaliseTrackingCode(String(req.params.trackingCode));
      const found = code ? await complaints.track(code) : null;
      if (found) return void res.json(found);
      const refused = await tryConsume(misses, key);
      if (refused) return refuse(refused.msBeforeNext);
      sendError(res, { code: 'NOT_FOUND', message: 'No complaint has this tracking code.' });
    }),
  );

  // The message a complaint would be about, as the filer sees it (the form shows it before sending).
  router.get(
    '/api/complaints/messages/:messageId',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const messageId = idParam.safeParse(req.params.messageId);
      if (!messageId.success) return sendError(res, { code: 'NOT_FOUND', message: 'There is no such message (or it was removed).' });
      res.setHeader('Cache-Control', 'no-store');
      sendResult(res, await complaints.messagePreview(currentUser(res), messageId.data));
    }),
  );

  // Whether the signed-in person may handle complaints (the header and console ask once).
  router.get(
    '/api/complaints/access',
    requireUser(auth),
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ handle: await holdsCapability(grants, currentUser(res), 'complaints:handle') });
    }),
  );

  router.get(
    '/api/complaints',
    requireUser(auth),
    handlers,
    asyncHandler(async (req, res) => {
      const query = complaintListQuerySchema.safeParse(req.query);
      if (!query.success) return sendError(res, invalidPayload(query.error).error);
      const { overdue, ...filters } = query.data;
      res.setHeader('Cache-Control', 'no-store');
      res.json({ complaints: await complaints.list(currentUser(res), { ...filters, overdue: overdue === undefined ? undefined : overdue === 'true' }) });
    }),
  );

  // One complaint, for handlers: read it, or move it on. A bad id is as unknown as a missing one.
  router.get('/api/complaints/:id', requireUser(auth), handlers, byId(async (req, res, id) => {
    res.setHeader('Cache-Control', 'no-store');
    sendResult(res, await complaints.get(currentUser(res), id));
  }));
  router.patch('/api/complaints/:id', requireUser(auth), handlers, byId(async (req, res, id) => {
    const body = parseBody(complaintUpdateSchema, req, res);
    if (!body) return;
    sendResult(res, await complaints.move(currentUser(res), id, body));
  }));

  // ── organisers' grants ──
  const capabilityParam = z.enum(GRANTABLE_CAPABILITIES);
  router.get(
    '/api/admin/grants/:capability',
    requireUser(auth),
    requireCapability('people:read'),
    asyncHandler(async (req, res) => {
      const capability = capabilityParam.safeParse(req.params.capability);
      if (!capability.success) return sendError(res, { code: 'NOT_FOUND', message: 'No such capability to grant.' });
      res.setHeader('Cache-Control', 'no-store');
      res.json({ userIds: await grants.holders(capability.data) });
    }),
  );
  for (const method of ['put', 'delete'] as const) {
    router[method](
      '/api/admin/people/:id/grants/:capability',
      requireUser(auth),
      requireCapability('people:manage'),
      asyncHandler(async (req, res) => {
        const capability = capabilityParam.safeParse(req.params.capability);
        if (!capability.success) return sendError(res, { code: 'NOT_FOUND', message: 'No such capability to grant.' });
        const actor = currentUser(res).id;
        const userId = String(req.params.id);
        const result = method === 'put' ? await grants.grant(actor, userId, capability.data) : await grants.revoke(actor, userId, capability.data);
        sendResult<{ granted: boolean }>(res, result);
      }),
    );
  }

  return router;
}
