import { useStore } from '../../app/store.js';
import { useT } from '../../i18n/use-t.js';
import { Link } from '../../lib/router.js';

/**
 * A short guide for a first visit, in the member's language. It sits above the lobby rather
 * than in a dialog, so it never adds a step between an invitation and a booth chat.
 */
export function FirstVisitGuide() {
  const t = useT();
  const dismissed = useStore((state) => state.guideDismissed);
  const setDismissed = useStore((state) => state.setGuideDismissed);
  if (dismissed) {
    return (
      <button type="button" className="secondary small" onClick={() => setDismissed(false)}>
        {t('guide.open')}
      </button>
    );
  }
  return (
    <section className="guide card" aria-labelledby="guide-title">
      <h2 id="guide-title">{t('guide.title')}</h2>
      <ul>
        <li>{t('guide.booths')}</li>
        <li>{t('guide.chat')}</li>
        <li>{t('guide.video')}</li>
        <li>{t('guide.report')}</li>
      </ul>
      <p>
        <Link to="/conduct">{t('nav.conduct')}</Link>
      </p>
      <button type="button" onClick={() => setDismissed(true)}>
        {t('guide.dismiss')}
      </button>
    </section>
  );
}
