import { Router, type Response } from 'express';
import type { BoothFigures } from '../../shared/booths.js';
import { can } from '../../shared/roles.js';
import type { AuthService } from '../auth/service.js';
import type { BoothService } from '../booths/service.js';
import { sendCsv, toCsv } from '../http/csv.js';
import { sendError } from '../http/errors.js';
import { asyncHandler, currentUser, requireCapability, requireUser } from '../http/middleware.js';
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

/** The start of the viewer's day from `?tzOffsetMinutes=`, or null when the offset is not a plausible one. */
function dayStartOfAt(nowMs: number, raw: unknown): Date | null {
  const offset = Number(raw ?? 0);
  return Number.isInteger(offset) && Math.abs(offset) <= MAX_OFFSET_MINUTES ? startOfDay(nowMs, offset) : null;
}

const badOffset = (res: Response) =>
  sendError(res, { code: 'INVALID_PAYLOAD', message: 'tzOffsetMinutes: must be a whole number of minutes', details: { field: 'tzOffsetMinutes' } });

type FiguresRow = { slug: string; figures: Pick<BoothFigures, 'since' | 'visitorsNow' | 'visitorsToday' | 'peakConcurrency' | 'messagesToday' | 'averageVisitSeconds'> };

function figuresCsv(rows: FiguresRow[]): string {
  return toCsv(
    ['booth', 'since', 'visitors_now', 'visitors_today', 'peak_concurrency', 'messages_today', 'average_visit_seconds'],
    rows.map(({ slug, figures }) => [slug, figures.since, figures.visitorsNow, figures.visitorsToday, figures.peakConcurrency, figures.messagesToday, figures.averageVisitSeconds]),
  );
}

/** The host console's figures: visitors now and today, peak, messages, average stay; JSON or CSV. */
export function hostRoutes(auth: AuthService, deps: { booths: BoothService; presence: PresenceStore; visits: VisitLog; aliases: PrivateAliasStore; clock: Clock }): Router {
  const router = Router();
  const dayStartOf = (raw: unknown) => dayStartOfAt(deps.clock.now(), raw);

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
      const since = dayStartOf(req.query.tzOffsetMinutes);
      if (!since) return badOffset(res);
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
      sendCsv(res, `${booth.slug}-figures.csv`, figuresCsv([{ slug: booth.slug, figures }]));
    }),
  );

  /** Every booth's figures side by side, as CSV: the organisers' export (moderators may read it too). */
  router.get(
    '/api/admin/figures',
    requireUser(auth),
    requireCapability('booth:figures'),
    asyncHandler(async (req, res) => {
      const since = dayStartOf(req.query.tzOffsetMinutes);
      if (!since) return badOffset(res);
      const rows = [];
      // One booth after another: a fair has tens of booths, and each is two small reads.
      for (const booth of await deps.booths.list()) {
        const visitorsNow = (await deps.presence.list(booth.id)).length;
        rows.push({ slug: booth.slug, figures: { since: since.toISOString(), visitorsNow, ...(await deps.visits.figures(booth.id, since)) } });
      }
      sendCsv(res, 'booth-figures.csv', figuresCsv(rows));
    }),
  );

  return router;
}
