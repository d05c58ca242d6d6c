import { Router } from 'express';
import type { BoothFigures } from '../../shared/booths.js';
import { can } from '../../shared/roles.js';
import type { AuthService } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import { sendCsv, toCsv } from '../http/csv.js';
import { sendError } from '../http/errors.js';
import { asyncHandler, currentUser, requireUser } from '../http/middleware.js';
import type { PresenceStore } from '../presence/presence-store.js';
import type { Clock } from '../auth/service.js';
import type { VisitLog } from './visits.js';
import type { PrivateAliasStore } from '../chat/private-aliases.js';
import { PRIVATE_AUTHOR_PREFIX, privateAuthor } from '../../shared/private-visit.js';

const DAY_MS = 86_400_000;
const MAX_OFFSET_MINUTES = 14 * 60;

/**
 * Start of the viewer's day. `tzOffsetMinutes` is what the browser's Date#getTimezoneOffset
 * answers (UTC minus local time, in minutes); without it the day is the UTC day.
 */
export function startOfDay(nowMs: number, tzOffsetMinutes: number): Date {
  const localMs = nowMs - tzOffsetMinutes * 60_000;
  return new Date(localMs - (((localMs % DAY_MS) + DAY_MS) % DAY_MS) + tzOffsetMinutes * 60_000);
}

/** The host console's figures: visitors now and today, peak, messages, average stay; JSON or CSV. */
export function hostRoutes(auth: AuthService, deps: { booths: BoothService; presence: PresenceStore; visits: VisitLog; aliases: PrivateAliasStore; clock: Clock }): Router {
  const router = Router();

  router.get(
    '/api/booths/:boothId/figures',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const boothId = Number(req.params.boothId);
      const user = currentUser(res);
      if (!Number.isSafeInteger(boothId) || !can(user, 'booth:figures', { boothId })) {
        return sendError(res, { code: 'FORBIDDEN', message: 'You do not have permission to do that.' });
      }
      const booth = await deps.booths.byId(boothId);
      if (!booth) return sendError(res, { code: 'NOT_FOUND', message: 'There is no such booth.' });
      const offset = Number(req.query.tzOffsetMinutes ?? 0);
      if (!Number.isInteger(offset) || Math.abs(offset) > MAX_OFFSET_MINUTES) {
        return sendError(res, { code: 'INVALID_PAYLOAD', message: 'tzOffsetMinutes: must be a whole number of minutes', details: { field: 'tzOffsetMinutes' } });
      }
      const since = startOfDay(deps.clock.now(), offset);
      const present = await deps.presence.list(boothId);
      const isHost = async (userId: string) => (await auth.loadUser(userId))?.hostedBoothIds.includes(boothId) ?? false;
      // One at a time and stopping at the first, as `some` did: usually none or one is a host.
      let hostPresent = false;
      for (const entry of present) {
        if (entry.role === 'host' && (await isHost(entry.userId))) {
          hostPresent = true;
          break;
        }
      }
      // Private visitors are counted everywhere but named only to moderators: hosts get the booth pseudonym.
      const namesPrivate = can(user, 'moderation:review');
      const waitingEntry = async ({ userId, displayName, private: isPrivate }: (typeof present)[number]) => {
        if (!isPrivate || namesPrivate) return { userId, displayName };
        // A read: the join made the alias. Figures must load while the database refuses writes.
        const alias = await deps.aliases.of(boothId, userId);
        const { id, displayName: pseudonym } = alias ? privateAuthor(alias) : { id: PRIVATE_AUTHOR_PREFIX, displayName: 'Private visitor' };
        return { userId: id, displayName: pseudonym };
      };
      const visitFigures = await deps.visits.figures(boothId, since);
      const waiting = hostPresent ? [] : await Promise.all(present.filter((entry) => entry.role === 'member').map(waitingEntry));
      const figures: BoothFigures = {
        boothId,
        since: since.toISOString(),
        visitorsNow: present.length,
        ...visitFigures,
        hostPresent,
        waiting,
      };
      if (req.query.format !== 'csv') return void res.json(figures);
      const csv = toCsv(
        ['booth', 'since', 'visitors_now', 'visitors_today', 'peak_concurrency', 'messages_today', 'average_visit_seconds'],
        [[booth.slug, figures.since, figures.visitorsNow, figures.visitorsToday, figures.peakConcurrency, figures.messagesToday, figures.averageVisitSeconds]],
      );
      sendCsv(res, `${booth.slug}-figures.csv`, csv);
    }),
  );

  return router;
}
