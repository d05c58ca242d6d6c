import { useStore } from '../../app/store.js';
import { formatInstant } from '../../i18n/index.js';
import { useT } from '../../i18n/use-t.js';
import { ConductLink } from '../../lib/ConductLink.js';
import { RoleBadge } from '../../lib/RoleBadge.js';
import type { Notice } from './moderation-slice.js';

/** Stands for the name in a sentence until the name and its badge are put in its place (text has no control characters). */
const NAME_SLOT = '\u0000';

function NoticeText({ notice }: { notice: Notice }) {
  const t = useT();
  if (notice.type === 'announcement') {
    const { author, text } = notice.announcement;
    // The author's role badge stands right after their name, inside the translated sentence.
    const sentence = t('notice.announcement', { name: NAME_SLOT, text });
    const at = sentence.indexOf(NAME_SLOT);
    return (
      <>
        {sentence.slice(0, at)}
        {author.displayName}
        <RoleBadge role={author.role} />
        {sentence.slice(at + NAME_SLOT.length)}
      </>
    );
  }
  if (notice.type === 'report') {
    const key = notice.outcome.outcome === 'resolved' ? 'notice.reportResolved' : 'notice.reportDismissed';
    return <>{t(key, { note: notice.outcome.note })}</>;
  }
  const { kind, until, reason } = notice.notice;
  const params = { until: until ? formatInstant(until, t.locale) : t('notice.untilLifted'), reason: reason ?? '' };
  return <>{t(`notice.${kind}`, params)}</>;
}

/** Announcements and notices about oneself, read out politely; each can be dismissed. */
export function Notices() {
  const t = useT();
  const notices = useStore((state) => state.notices);
  const dismiss = useStore((state) => state.dismissNotice);
  return (
    <section className="notices" aria-label={t('notice.region')} aria-live="polite">
      {notices.map((notice) => (
        <p key={notice.id} className="notice">
          <span>
            <NoticeText notice={notice} />
          </span>{' '}
          {notice.type !== 'announcement' && (
            <>
              <ConductLink />{' '}
            </>
          )}
          <button type="button" className="secondary small" onClick={() => dismiss(notice.id)}>
            {t('notice.dismiss')}
          </button>
        </p>
      ))}
    </section>
  );
}
