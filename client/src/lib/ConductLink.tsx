import { useT } from '../i18n/use-t.js';

/**
 * A link to the code of conduct that opens in a new tab: from a booth, a report form or a
 * notice, reading it must not take the member out of the booth or lose what they were writing.
 */
export function ConductLink() {
  const t = useT();
  return (
    <a href="/conduct" target="_blank" rel="noopener">
      {t('nav.conduct')} <span className="visually-hidden">{t('nav.newTab')}</span>
    </a>
  );
}
