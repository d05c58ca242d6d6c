import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { DEFAULT_FAIR_SETTINGS, fairSettingsInputSchema, type FairSettings } from '../../shared/fair.js';
import type { AuthService, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { fairSettings } from '../db/tables.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { AuditLog } from '../moderation/audit.js';

const ROW_ID = 1;

export type FairSettingsStore = ReturnType<typeof createFairSettings>;

/** The fair's settings: one row in the database, read by everyone and written by organisers. */
export function createFairSettings(db: Db, clock: Clock, audit: AuditLog) {
  async function read(): Promise<FairSettings> {
    const [row] = await db.select().from(fairSettings).where(eq(fairSettings.id, ROW_ID)).limit(1);
    if (!row) return DEFAULT_FAIR_SETTINGS;
    return {
      name: row.name,
      welcome: row.welcome,
      startsAt: row.startsAt?.toISOString() ?? null,
      endsAt: row.endsAt?.toISOString() ?? null,
      timeZone: row.timeZone,
      contactEmail: row.contactEmail,
    };
  }

  return {
    read,

    /** Replaces the settings, with an audit line naming what changed. */
    async write(actorId: string, next: FairSettings): Promise<FairSettings> {
      const before = await read();
      const values = {
        name: next.name,
        welcome: next.welcome,
        startsAt: next.startsAt ? new Date(next.startsAt) : null,
        endsAt: next.endsAt ? new Date(next.endsAt) : null,
        timeZone: next.timeZone,
        contactEmail: next.contactEmail,
        updatedAt: new Date(clock.now()),
      };
      const changed = (Object.keys(next) as (keyof FairSettings)[]).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(next[key]));
      await audit.together(
        () => db.insert(fairSettings).values({ id: ROW_ID, ...values }).onConflictDoUpdate({ target: fairSettings.id, set: values }),
        () => (changed.length > 0 ? { actorId, action: 'fair:settings', details: { fields: changed } } : null),
      );
      return read();
    },
  };
}

/** `GET /api/fair` (anyone: the sign-in page shows the fair's name) and `PUT /api/admin/fair` (organisers). */
export function fairRoutes(auth: AuthService, settings: FairSettingsStore): Router {
  const router = Router();
  router.get(
    '/api/fair',
    asyncHandler(async (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.json(await settings.read());
    }),
  );
  router.put(
    '/api/admin/fair',
    requireUser(auth),
    requireCapability('fair:settings'),
    asyncHandler(async (req, res) => {
      const body = parseBody(fairSettingsInputSchema, req, res);
      if (!body) return;
      res.json(await settings.write(currentUser(res).id, body));
    }),
  );
  return router;
}
