import { Router, type Request } from 'express';
import { desc, eq, sql } from 'drizzle-orm';
import { conductAcceptSchema, conductInputSchema, type ConductAdminView, type ConductView } from '../../shared/conduct.js';
import type { Result } from '../../shared/errors.js';
import { inLanguage } from '../../shared/in-language.js';
import { LANGUAGES, type Language } from '../../shared/limits.js';
import type { AuthService, Clock } from '../auth/service.js';
import type { Db } from '../db/open.js';
import { writeDurably } from '../db/storage-errors.js';
import { conductVersions, users } from '../db/tables.js';
import { fail, ok, sendError, sendResult } from '../http/errors.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser, sessionToken } from '../http/middleware.js';
import type { AuditLog } from '../moderation/audit.js';
import { conductPending, currentConductVersion } from './version.js';

export type ConductStore = ReturnType<typeof createConductStore>;

type ConductText = Partial<Record<Language, string>>;

export const conductNotAccepted = (version: number) =>
  fail('CONDUCT_NOT_ACCEPTED', 'Read and accept the code of conduct before entering a booth.', { version });

/**
 * The code of conduct: versioned text per language. Organisers publish a new version by
 * changing the text; each person accepts the current version before entering any booth.
 * With no version published, nobody is asked (a fair whose organisers have not written one).
 */
export function createConductStore(db: Db, clock: Clock, audit: AuditLog) {
  const latest = db.select().from(conductVersions).orderBy(desc(conductVersions.version)).limit(1).prepare();
  // Every booth entry runs this: the person's accepted version and the current one, in one read.
  const standing = db
    .select({ accepted: users.conductVersion, current: currentConductVersion() })
    .from(users)
    .where(eq(users.id, sql.placeholder('userId')))
    .prepare();

  async function current() {
    const [row] = await latest.execute();
    return row ?? null;
  }

  /** The version this person must accept before entering a booth, or null. */
  async function pendingFor(userId: string): Promise<number | null> {
    const [row] = await standing.execute({ userId });
    return conductPending(row?.current, row?.accepted);
  }

  async function adminView(): Promise<ConductAdminView> {
    const row = await current();
    return { version: row?.version ?? 0, text: row?.text ?? {}, publishedAt: row?.publishedAt.toISOString() ?? null };
  }

  const acceptAs = (userId: string, version: number) =>
    db
      .update(users)
      .set({ conductVersion: version, conductAcceptedAt: new Date(clock.now()) })
      .where(eq(users.id, userId));

  return {
    current,
    pendingFor,
    adminView,

    /** What the reader sees: the current version in their language. */
    async view(language: Language, userId: string | null): Promise<ConductView> {
      const row = await current();
      if (!row) return { version: 0, text: '', language: null, accepted: false };
      const text = inLanguage(row.text, language) ?? '';
      const shown = (row.text[language] ? language : LANGUAGES.find((other) => row.text[other])) ?? null;
      const accepted = userId ? (await pendingFor(userId)) === null : false;
      return { version: row.version, text, language: shown, accepted };
    },

    /** Accepting is only of the version the person read: an older one is refused with the current one's number. */
    async accept(userId: string, version: number): Promise<Result<{ version: number }>> {
      return writeDurably(db, async () => {
        const row = await current();
        if (!row) return fail('NOT_FOUND', 'The organisers have not published a code of conduct.');
        if (row.version !== version) return fail('CONFLICT', 'The code of conduct has changed since you opened it: read the new version.', { version: row.version });
        await acceptAs(userId, version);
        return ok({ version });
      });
    },

    /**
     * Publishes `text` as a new version, unless it is the current text (then nothing changes
     * and nobody is asked again). `baseVersion` is the version the organiser edited: another
     * published since is a CONFLICT, not overwritten unseen. The organiser who wrote it has
     * accepted it. Audited with the version and its languages.
     */
    async publish(actorId: string, baseVersion: number, text: ConductText): Promise<Result<ConductAdminView>> {
      const result = await audit.together(
        async () => {
          const row = await current();
          if ((row?.version ?? 0) !== baseVersion) return { published: false as const, taken: true };
          if (row && sameText(row.text, text)) return { published: false as const };
          const version = (row?.version ?? 0) + 1;
          // Two organisers publishing at once: the second finds the number taken.
          const inserted = await db
            .insert(conductVersions)
            .values({ version, text, publishedBy: actorId, publishedAt: new Date(clock.now()) })
            .onConflictDoNothing()
            .returning({ version: conductVersions.version });
          if (inserted.length === 0) return { published: false as const, taken: true };
          await acceptAs(actorId, version);
          return { published: true as const, version };
        },
        (done) => (done.published ? { actorId, action: 'conduct:publish', details: { version: done.version, languages: Object.keys(text) } } : null),
      );
      if ('taken' in result) {
        const now = await adminView();
        return fail('CONFLICT', `Another organiser published version ${now.version} while you were editing: review it, then publish again.`, { version: now.version });
      }
      return ok(await adminView());
    },
  };
}

function sameText(a: ConductText, b: ConductText): boolean {
  return LANGUAGES.every((language) => (a[language] ?? '') === (b[language] ?? ''));
}

/** The reader's language: asked for (`?lang=`), else their browser's, else English. */
export function readerLanguage(req: Request): Language {
  const asked = req.query.lang;
  if (typeof asked === 'string' && (LANGUAGES as readonly string[]).includes(asked)) return asked as Language;
  return (req.acceptsLanguages(...LANGUAGES) || 'en') as Language;
}

/**
 * `GET /api/conduct` (anyone: it is linked from the sign-in page), `POST /api/conduct/accept`
 * (signed in), and `GET`/`PUT /api/admin/conduct` (organisers).
 */
export function conductRoutes(auth: AuthService, conduct: ConductStore): Router {
  const router = Router();
  router.get(
    '/api/conduct',
    asyncHandler(async (req, res) => {
      const user = await auth.userForSession(sessionToken(req));
      res.setHeader('Cache-Control', 'no-store');
      res.json(await conduct.view(readerLanguage(req), user?.id ?? null));
    }),
  );
  router.post(
    '/api/conduct/accept',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      const body = parseBody(conductAcceptSchema, req, res);
      if (!body) return;
      sendResult(res, await conduct.accept(currentUser(res).id, body.version));
    }),
  );
  router.get(
    '/api/admin/conduct',
    requireUser(auth),
    requireCapability('fair:settings'),
    asyncHandler(async (_req, res) => {
      res.json(await conduct.adminView());
    }),
  );
  router.put(
    '/api/admin/conduct',
    requireUser(auth),
    requireCapability('fair:settings'),
    asyncHandler(async (req, res) => {
      const body = parseBody(conductInputSchema, req, res);
      if (!body) return;
      const result = await conduct.publish(currentUser(res).id, body.baseVersion, body.text);
      if (!result.ok) return sendError(res, result.error);
      res.json(result.data);
    }),
  );
  return router;
}
