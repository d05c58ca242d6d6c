import type { ComplaintStep } from '../../../shared/complaints.js';
import type { complaints } from '../i18n/parts/complaints.js';
import type { PartTranslator } from '../i18n/use-part-t.js';

/**
 * A complaint's steps, each with its time and the reply the filer sees: the same list for the
 * filer (features/complaints) and for handlers (features/organisers).
 */
export function ComplaintStepList({ steps, t }: { steps: ComplaintStep[]; t: PartTranslator<keyof typeof complaints.en> }) {
  const time = new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <ol aria-label={t('cx.steps')}>
      {steps.map((step, i) => (
        <li key={i}>
          <time dateTime={step.at}>{time.format(new Date(step.at))}</time> — {t(`cx.status.${step.status}`)}
          {step.reply && <p className="reply">{t('cx.reply', { reply: step.reply })}</p>}
        </li>
      ))}
    </ol>
  );
}
