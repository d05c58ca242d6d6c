import { useEffect, useState } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import type { ResponseView } from '../../../../shared/you-said.js';
import { api } from '../../lib/api.js';
import { useSurveyT } from './use-survey-t.js';

/** /you-said: what the organisers changed because of what members said, newest first, in the reader's language. */
export function YouSaidPage() {
  const t = useSurveyT();
  const [list, setList] = useState<ResponseView[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<{ responses: ResponseView[] }>(`/api/responses?lang=${t.locale}`).then((result) => (result.ok ? setList(result.data.responses) : setError(result.error)));
  }, [t.locale]);
  const date = new Intl.DateTimeFormat(t.locale, { dateStyle: 'long' });
  return (
    <section className="card" aria-labelledby="you-said-title">
      <h1 id="you-said-title">{t('yousaid.title')}</h1>
      <p>{t('yousaid.intro')}</p>
      {error && (
        <p role="alert" className="error">
          {t.app.error(error)}
        </p>
      )}
      {!list && !error && <p role="status">{t.app('app.loading')}</p>}
      {list?.length === 0 && <p>{t('yousaid.none')}</p>}
      {list?.map((response) => (
        <article key={response.id} aria-labelledby={`you-said-${response.id}`}>
          <h2 id={`you-said-${response.id}`}>{response.title}</h2>
          <p className="muted">{t('yousaid.published', { date: date.format(new Date(response.publishedAt)) })}</p>
          {response.body.split(/\n{2,}/).map((paragraph, i) => (
            <p key={i}>{paragraph}</p>
          ))}
        </article>
      ))}
    </section>
  );
}
