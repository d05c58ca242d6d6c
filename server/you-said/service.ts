import { and, desc, inArray, isNotNull } from 'drizzle-orm';
import { Router } from 'express';
import { inLanguage } from '../../shared/in-language.js';
import type { Language } from '../../shared/limits.js';
import { responseInputSchema, type ResponseInput, type ResponseLinks, type ResponseView } from '../../shared/you-said.js';
import type { AuthService } from '../auth/service.js';
import { readerLanguage } from '../conduct/service.js';
import type { Db } from '../db/open.js';
import { complaints, responses } from '../db/tables.js';
import { asyncHandler, currentUser, parseBody, requireCapability, requireUser } from '../http/middleware.js';
import type { Inbox } from '../inbox/service.js';
import type { AuditLog } from '../moderation/audit.js';

export type YouSaid = ReturnType<typeof createYouSaid>;

const RESPONSES_SHOWN_MAX = 200;

function linksOf(stored: Record<string, unknown>): ResponseLinks {
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);
  return {
    complaintCategories: strings(stored.complaintCategories),
    themes: strings(stored.themes),
    surveyId: typeof stored.surveyId === 'number' ? stored.surveyId : null,
  };
}

/**
 * "You said, we did" (issue 15): organisers publish what they changed, per language, linked to
 * complaint categories, feedback themes or the survey. Everyone who filed a named complaint in
 * a linked category gets one `response` notice in their inbox; anonymous complaints have nobody
 * to tell (their filers read it on the page).
 */
export function createYouSaid(db: Db, audit: AuditLog, inbox: Inbox) {
  return {
    async publish(actorId: string, input: ResponseInput): Promise<{ id: number; notified: number }> {
      const links: ResponseLinks = {
        complaintCategories: [...new Set(input.links?.complaintCategories ?? [])],
        themes: [...new Set(input.links?.themes ?? [])],
        surveyId: input.links?.surveyId ?? null,
      };
      const row = await audit.together(
        async () => {
          const [inserted] = await db.insert(responses).values({ title: input.title, body: input.body, links: { ...links }, publishedBy: actorId }).returning();
          return inserted!;
        },
        (inserted) => ({ actorId, action: 'response:publish', details: { responseId: inserted.id, languages: Object.keys(input.title), categories: links.complaintCategories } }),
      );
      let filers: string[] = [];
      if (links.complaintCategories.length > 0) {
        const named = await db
          .selectDistinct({ filerId: complaints.filerId })
          .from(complaints)
          .where(and(isNotNull(complaints.filerId), inArray(complaints.category, links.complaintCategories)));
        filers = named.map((r) => r.filerId!).filter(Boolean);
      }
      for (const filerId of filers) await inbox.deliver(filerId, 'response', { responseId: row.id, title: input.title });
      return { id: row.id, notified: filers.length };
    },

    async list(language: Language): Promise<ResponseView[]> {
      const rows = await db.select().from(responses).orderBy(desc(responses.createdAt), desc(responses.id)).limit(RESPONSES_SHOWN_MAX);
      return rows.map((row) => ({
        id: row.id,
        title: inLanguage(row.title, language) ?? '',
        body: inLanguage(row.body, language) ?? '',
        links: linksOf(row.links),
        publishedAt: row.createdAt.toISOString(),
      }));
    },
  };
}

/** `GET /api/responses` (signed in) and `POST /api/responses` (organisers). */
export function youSaidRoutes(auth: AuthService, youSaid: YouSaid): Router {
  const router = Router();
  router.get(
    '/api/responses',
    requireUser(auth),
    asyncHandler(async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json({ responses: await youSaid.list(readerLanguage(req)) });
    }),
  );
  router.post(
    '/api/responses',
    requireUser(auth),
    requireCapability('fair:settings'),
    asyncHandler(async (req, res) => {
      const body = parseBody(responseInputSchema, req, res);
      if (!body) return;
      res.status(201).json(await youSaid.publish(currentUser(res).id, body));
    }),
  );
  return router;
}
