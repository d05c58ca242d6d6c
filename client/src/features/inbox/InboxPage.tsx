import { useCallback, useEffect, useState } from 'react';
import type { ApiError, Result } from '../../../../shared/errors.js';
import type { InboxNotice, InboxPage as Page } from '../../../../shared/inbox.js';
import type { Language } from '../../../../shared/limits.js';
import type { Role } from '../../../../shared/roles.js';
import { useStore } from '../../app/store.js';
import { formatInstant } from '../../i18n/index.js';
import { inbox } from '../../i18n/parts/inbox.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import { Link } from '../../lib/router.js';
import { getSocket } from '../../lib/socket.js';

type T = PartTranslator<keyof (typeof inbox)['en']>;

/** Stands for the name in a sentence until the name and its badge are put in its place (text has no control characters). */
const NAME_SLOT = '\u0000';
const COMPLAINT_STATUSES = ['received', 'acknowledged', 'in_progress', 'resolved', 'declined'] as const;
const MODERATION_KINDS = ['muted', 'unmuted', 'kicked', 'banned'] as const;

/** A payload field as text, or '' (payloads are stored JSON: nothing is assumed about their shape). */
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const oneOf = <V extends string>(values: readonly V[], value: unknown): V | undefined => values.find((v) => v === value);

/** A response's title in the reader's language, else in any language it has. */
function titleIn(title: unknown, locale: Language): string {
  if (typeof title !== 'object' || title === null) return '';
  const titles = title as Record<string, unknown>;
  return text(titles[locale]) || Object.values(titles).map(text).find(Boolean) || '';
}

function NoticeBody({ notice, t }: { notice: InboxNotice; t: T }) {
  const p = notice.payload;
  const booth = text(p.boothName) && <p className="muted">{t('inbox.booth', { booth: text(p.boothName) })}</p>;
  switch (notice.kind) {
    case 'announcement': {
      const author = (typeof p.author === 'object' && p.author !== null ? p.author : {}) as { displayName?: unknown; role?: unknown };
      // The author's role badge stands right after their name, inside the translated sentence.
      const sentence = t.app('notice.announcement', { name: NAME_SLOT, text: text(p.text) });
      const at = sentence.indexOf(NAME_SLOT);
      return (
        <>
          <p>
            {sentence.slice(0, at)}
            {text(author.displayName)}
            {typeof author.role === 'string' && <RoleBadge role={author.role as Role} />}
            {sentence.slice(at + NAME_SLOT.length)}
          </p>
          {booth}
        </>
      );
    }
    case 'report_outcome':
      return (
        <>
          <p>{t.app(p.outcome === 'resolved' ? 'notice.reportResolved' : 'notice.reportDismissed', { note: text(p.note) })}</p>
          {booth}
        </>
      );
    case 'moderation': {
      const kind = oneOf(MODERATION_KINDS, p.kind);
      if (!kind) break;
      const until = text(p.until);
      return (
        <>
          <p>{t.app(`notice.${kind}`, { until: until ? formatInstant(until, t.locale) : t.app('notice.untilLifted'), reason: text(p.reason) })}</p>
          {booth}
        </>
      );
    }
    case 'complaint_reply': {
      const status = oneOf(COMPLAINT_STATUSES, p.status);
      return (
        <>
          <p>{t(status ? `inbox.complaint.${status}` : 'inbox.complaint.updated')}</p>
          {text(p.reply) && <p className="reply">{t('inbox.complaint.reply', { reply: text(p.reply) })}</p>}
          <p>
            <Link to="/complaints/mine">{t('inbox.complaint.link')}</Link>
          </p>
        </>
      );
    }
    case 'survey_open':
      return (
        <>
          <p>{t('inbox.survey')}</p>
          <p>
            <Link to="/survey">{t('inbox.survey.link')}</Link>
          </p>
        </>
      );
    case 'contact_answered': {
      const answer = oneOf(['accept', 'decline', 'email'] as const, p.answer);
      if (!answer) break;
      const conversationId = typeof p.conversationId === 'number' ? p.conversationId : null;
      return (
        <>
          <p>{t(`inbox.contact.${answer}`, { name: text(p.by) })}</p>
          {text(p.note) && <p className="reply">{t('inbox.contact.note', { note: text(p.note) })}</p>}
          {booth}
          {conversationId !== null && (
            <p>
              <Link to={`/conversations/${conversationId}`}>{t('inbox.contact.conversation')}</Link>
            </p>
          )}
        </>
      );
    }
    case 'contact_closed':
      return (
        <>
          <p>{t('inbox.contact.closed')}</p>
          {booth}
        </>
      );
    case 'response': {
      const title = titleIn(p.title, t.locale);
      return (
        <>
          <p>{title ? t('inbox.response', { title }) : t('inbox.response.untitled')}</p>
          <p>
            <Link to="/you-said">{t('inbox.response.link')}</Link>
          </p>
        </>
      );
    }
  }
  return <p>{t('inbox.unknown')}</p>;
}

/**
 * The member's inbox, newest first. What it shows is marked read on the server at once (the
 * header's count follows); "New" stays on those that were unread until the page is left.
 */
export function InboxPage() {
  const t = usePartT(inbox);
  const [notices, setNotices] = useState<InboxNotice[] | null>(null);
  const [nextBeforeId, setNextBeforeId] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [allRead, setAllRead] = useState(false);

  /** Marks these (just shown) read; the header's count becomes the server's. */
  const markShown = useCallback(async (shown: InboxNotice[]) => {
    const ids = shown.filter((notice) => !notice.read).map((notice) => notice.id);
    if (ids.length === 0) return;
    const result = await api<{ unread: number }>('/api/inbox/read', { body: { ids } });
    if (result.ok) useStore.setState({ inboxUnread: result.data.unread });
  }, []);

  const show = useCallback(
    async (result: Result<Page>, append: boolean) => {
      if (!result.ok) return setError(result.error);
      setError(null);
      setNotices((current) => (append ? [...(current ?? []), ...result.data.notices] : result.data.notices));
      setNextBeforeId(result.data.nextBeforeId);
      useStore.setState({ inboxUnread: result.data.unread });
      await markShown(result.data.notices);
    },
    [markShown],
  );
  const load = useCallback(async () => show(await api<Page>('/api/inbox'), false), [show]);

  useEffect(() => {
    void api<Page>('/api/inbox').then((result) => show(result, false));
  }, [show]);

  // A notice that arrives while the page is open is shown at the top, and so is read.
  useEffect(() => {
    const socket = getSocket();
    const arrived = (notice: InboxNotice) => {
      setAllRead(false);
      setNotices((current) => (current && !current.some((n) => n.id === notice.id) ? [notice, ...current] : current));
      void markShown([notice]);
    };
    socket?.on('inbox:notice', arrived);
    return () => {
      socket?.off('inbox:notice', arrived);
    };
  }, [markShown]);

  async function older() {
    if (nextBeforeId === null) return;
    setLoadingOlder(true);
    await show(await api<Page>(`/api/inbox?beforeId=${nextBeforeId}`), true);
    setLoadingOlder(false);
  }

  async function markAll() {
    const result = await api<{ unread: number }>('/api/inbox/read', { body: { all: true } });
    if (!result.ok) return setError(result.error);
    useStore.setState({ inboxUnread: result.data.unread });
    setNotices((current) => current?.map((notice) => ({ ...notice, read: true })) ?? null);
    setAllRead(true);
  }

  return (
    <section className="card inbox" aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t('inbox.title')}</h1>
      <p>{t('inbox.intro')}</p>
      {error && (
        <div role="alert" className="error">
          <p>{t.app.error(error)}</p>
          <button type="button" className="secondary" onClick={() => void load()}>
            {t('inbox.retry')}
          </button>
        </div>
      )}
      {notices === null ? (
        !error && <p role="status">{t('inbox.loading')}</p>
      ) : notices.length === 0 ? (
        <p>{t('inbox.empty')}</p>
      ) : (
        <>
          <p>
            <button type="button" onClick={() => void markAll()}>
              {t('inbox.markAll')}
            </button>
          </p>
          <p role="status">{allRead ? t('inbox.allRead') : ''}</p>
          <ol className="inbox-list" aria-label={t('inbox.list')}>
            {notices.map((notice) => (
              <li key={notice.id} className={notice.read ? 'inbox-notice' : 'inbox-notice unread'}>
                <p className="muted">
                  {!notice.read && <strong className="badge">{t('inbox.new')}</strong>} <time dateTime={notice.createdAt}>{formatInstant(notice.createdAt, t.locale)}</time>
                </p>
                <NoticeBody notice={notice} t={t} />
              </li>
            ))}
          </ol>
          {nextBeforeId !== null && (
            <p>
              <button type="button" className="secondary" disabled={loadingOlder} onClick={() => void older()}>
                {loadingOlder ? t('inbox.loadingOlder') : t('inbox.older')}
              </button>
            </p>
          )}
        </>
      )}
    </section>
  );
}
