/**
 * "See everyone here": pages through everyone in the booth with presence:list, for data saver
 * members who asked for names and for staff. Its own chunk: loaded only when first opened.
 * The pages are a snapshot in the server's stable order; the live list above stays bounded.
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import type { PresenceEntry, PresencePage } from '../../../../shared/protocol.js';
import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { command } from '../../lib/socket.js';
import { PersonActions } from './StaffActions.js';

interface Pages {
  entries: PresenceEntry[];
  total: number;
  /** Null once the last page is in. */
  nextCursor: string | null;
  /** Where the latest "show more" page starts in `entries` (null for the first page). */
  firstNew: number | null;
}

/** Adds a page, one entry per person (someone who moved in the order between pages is not listed twice). */
function addPage(pages: Pages | null, page: PresencePage): Pages {
  const held = pages?.entries ?? [];
  const seen = new Set(held.map((entry) => entry.userId));
  const entries = [...held, ...page.entries.filter((entry) => !seen.has(entry.userId))];
  return { entries, total: Math.max(page.total, entries.length), nextCursor: page.nextCursor, firstNew: pages ? held.length : null };
}

export function PresencePager({ boothId, onClose }: { boothId: number; onClose: () => void }) {
  const t = useT();
  const meId = useStore((state) => state.me?.id);
  const [pages, setPages] = useState<Pages | null>(null);
  // Which page to fetch; a new object (even for the same cursor, on "try again") fetches again.
  const [request, setRequest] = useState<{ cursor?: string }>({});
  const [loading, setLoading] = useState(true);
  // An ApiError from the server, or 'no-answer' (offline, timed out).
  const [error, setError] = useState<ApiError | 'no-answer' | null>(null);
  const firstNew = useRef<HTMLLIElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let current = true;
    void command('presence:list', request.cursor ? { boothId, cursor: request.cursor } : { boothId }).then((ack) => {
      if (!current) return;
      setLoading(false);
      if (!ack) setError('no-answer');
      else if (!ack.ok) setError(ack.error);
      else setPages((held) => addPage(held, ack.data));
    });
    return () => {
      current = false;
    };
  }, [boothId, request]);

  // After "show more", focus goes to the first person added, so keyboard and screen reader
  // users carry on reading where the list grew (the heading if the page added nobody new).
  useEffect(() => {
    if (pages?.firstNew != null) (firstNew.current ?? heading.current)?.focus();
  }, [pages]);

  // aria-disabled rather than disabled while loading: a disabled button would drop the focus.
  const fetchPage = (cursor: string | undefined) => {
    if (loading) return;
    setLoading(true);
    setError(null);
    setRequest(cursor ? { cursor } : {});
  };
  const nextCursor = pages?.nextCursor ?? null;
  return (
    <section className="people-pager" aria-labelledby="people-all-title">
      <h3 id="people-all-title" ref={heading} tabIndex={-1}>
        {t('people.everyone')}
      </h3>
      <p role="status">{loading ? t('app.loading') : pages && t('people.listed', { shown: pages.entries.length, count: pages.total })}</p>
      {pages && (
        <ul className="people" aria-label={t('people.everyone')}>
          {pages.entries.map((person, i) => (
            <li key={person.userId} ref={i === pages.firstNew ? firstNew : undefined} tabIndex={i === pages.firstNew ? -1 : undefined}>
              <span>{person.displayName}</span>
              <RoleBadge role={person.role} />
              {person.private && <span className="badge muted">{t('booth.privateVisitor')}</span>}
              {person.userId === meId && <span className="muted"> {t('booth.you')}</span>}
              <PersonActions person={person} boothId={boothId} />
            </li>
          ))}
        </ul>
      )}
      {error && (
        <p role="alert" className="error">
          {error === 'no-answer' ? t('error.UPSTREAM_UNAVAILABLE') : t.error(error)}
        </p>
      )}
      <p className="people-pager-actions">
        {error ? (
          <button type="button" className="small" aria-disabled={loading} onClick={() => fetchPage(request.cursor)}>
            {t('action.retry')}
          </button>
        ) : (
          nextCursor && (
            <button type="button" className="small" aria-disabled={loading} onClick={() => fetchPage(nextCursor)}>
              {t('people.more')}
            </button>
          )
        )}
        <button type="button" className="secondary small" onClick={onClose}>
          {t('people.close')}
        </button>
      </p>
    </section>
  );
}
