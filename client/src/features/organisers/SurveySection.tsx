import { filled, perLanguage } from './per-language.js';
import { COMPLAINT_CATEGORIES } from '../../../../shared/complaint-values.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import { LANGUAGES, RESPONSE_BODY_MAX_CHARS, RESPONSE_TITLE_MAX_CHARS, type Language } from '../../../../shared/limits.js';
import type { SurveyGroup, SurveyResults, SurveySummary } from '../../../../shared/survey.js';
import type { MessageKey } from '../../i18n/index.js';
import { surveyConsole as surveyPart } from '../../i18n/parts/survey-console.js';
import { usePartT, type PartTranslator } from '../../i18n/use-part-t.js';
import { api } from '../../lib/api.js';
import { ApiErrorAlert } from './ApiErrorAlert.js';
import { DataTable } from './DataTable.js';

type SurveyT = PartTranslator<keyof typeof surveyPart.en>;

/** The complaint categories a response can answer (the complaint form's categories). */

function groupText(t: SurveyT, group: SurveyGroup): string {
  return group.tooFew ? t('orgSurvey.tooFew') : t('orgSurvey.groupFigures', { nps: group.nps, responses: group.responses });
}

function Results({ id, version }: { id: number; version: number }) {
  const t = usePartT(surveyPart);
  const [results, setResults] = useState<SurveyResults | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    void api<SurveyResults>(`/api/surveys/${id}/results`).then((result) => (result.ok ? setResults(result.data) : setError(result.error)));
  }, [id, version]);
  const titleId = `org-survey-results-${id}`;
  return (
    <div aria-labelledby={titleId} role="region">
      <h3 id={titleId}>{t('orgSurvey.surveyResults', { id })}</h3>
      <ApiErrorAlert error={error} />
      {results && (
        <>
          <p>
            <strong>{results.nps === null ? t('orgSurvey.npsNone') : t('orgSurvey.nps', { nps: results.nps })}</strong>
          </p>
          <p>{t('orgSurvey.npsCounts', { promoters: results.promoters, passives: results.passives, detractors: results.detractors })}</p>
          <p>{t('orgSurvey.answered', { answered: results.answered, came: results.came })}</p>
          <DataTable label={t('orgSurvey.distribution')} columns={[t('orgSurvey.score'), t('orgSurvey.count')]}>
            {results.distribution.map((count, score) => (
              <tr key={score}>
                <td>{score}</td>
                <td>{count}</td>
              </tr>
            ))}
          </DataTable>
          <DataTable label={t('orgSurvey.breakdown')} columns={[t('orgSurvey.group'), t('orgSurvey.breakdown')]}>
            {LANGUAGES.map((language: Language) => (
              <tr key={language}>
                <td>{t.app(`language.${language}` as MessageKey)}</td>
                <td>{groupText(t, results.byLanguage[language])}</td>
              </tr>
            ))}
            <tr>
              <td>{t('orgSurvey.hosts')}</td>
              <td>{groupText(t, results.byRole.hosts)}</td>
            </tr>
            <tr>
              <td>{t('orgSurvey.members')}</td>
              <td>{groupText(t, results.byRole.members)}</td>
            </tr>
          </DataTable>
          {(
            [
              ['orgSurvey.reasons', results.comments.reason],
              ['orgSurvey.changes', results.comments.change],
            ] as const
          ).map(([key, comments]) => (
            <div key={key}>
              <h4>{t(key)}</h4>
              {comments.length === 0 ? (
                <p>{t('orgSurvey.noComments')}</p>
              ) : (
                <ul>
                  {comments.map((comment, i) => (
                    <li key={i}>{comment}</li>
                  ))}
                </ul>
              )}
            </div>
          ))}
          <p>
            <a href={`/api/surveys/${id}/results?format=csv`} download>
              {t('orgSurvey.surveyCsv')}
            </a>
          </p>
        </>
      )}
    </div>
  );
}

function ResponseForm({ surveyId }: { surveyId: number | null }) {
  const t = usePartT(surveyPart);
  const [title, setTitle] = useState(perLanguage());
  const [body, setBody] = useState(perLanguage());
  const [categories, setCategories] = useState<string[]>([]);
  const [themes, setThemes] = useState('');
  const [linkSurvey, setLinkSurvey] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [notified, setNotified] = useState<number | null>(null);
  const language = (l: Language) => t.app(`language.${l}` as MessageKey);

  async function publish(event: FormEvent) {
    event.preventDefault();
    const links = {
      complaintCategories: categories,
      themes: themes
        .split(',')
        .map((theme) => theme.trim())
        .filter(Boolean),
      ...(linkSurvey && surveyId !== null ? { surveyId } : {}),
    };
    const result = await api<{ id: number; notified: number }>('/api/responses', { method: 'POST', body: { title: filled(title), body: filled(body), links } });
    if (!result.ok) return setError(result.error);
    setError(null);
    setNotified(result.data.notified);
    setTitle(perLanguage());
    setBody(perLanguage());
  }

  function fieldLabel(path: string): string {
    const [field, second] = path.split('.');
    const name = field === 'body' ? t('orgSurvey.responseBody') : field === 'title' ? t('orgSurvey.responseTitle') : t('orgSurvey.responseThemes');
    return second === 'en' || second === 'es' || second === 'fr' ? `${name}, ${language(second)}` : name;
  }

  return (
    <form onSubmit={(e) => void publish(e)} aria-labelledby="org-responses-title">
      <p className="hint">{t('orgSurvey.responseHint')}</p>
      {LANGUAGES.map((l) => (
        <fieldset key={l} lang={l}>
          <legend>{language(l)}</legend>
          <div className="field">
            <label htmlFor={`response-title-${l}`}>{t('orgSurvey.responseTitle')}</label>
            <input id={`response-title-${l}`} value={title[l]} maxLength={RESPONSE_TITLE_MAX_CHARS} onChange={(e) => setTitle({ ...title, [l]: e.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={`response-body-${l}`}>{t('orgSurvey.responseBody')}</label>
            <textarea id={`response-body-${l}`} rows={4} value={body[l]} maxLength={RESPONSE_BODY_MAX_CHARS} onChange={(e) => setBody({ ...body, [l]: e.target.value })} />
          </div>
        </fieldset>
      ))}
      <fieldset>
        <legend>{t('orgSurvey.responseCategories')}</legend>
        {COMPLAINT_CATEGORIES.map((category) => (
          <label key={category} className="choice">
            <input
              type="checkbox"
              checked={categories.includes(category)}
              onChange={(e) => setCategories(e.target.checked ? [...categories, category] : categories.filter((c) => c !== category))}
            />{' '}
            {t(`orgSurvey.category.${category}`)}
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor="response-themes">{t('orgSurvey.responseThemes')}</label>
        <input id="response-themes" value={themes} onChange={(e) => setThemes(e.target.value)} />
      </div>
      {surveyId !== null && (
        <label className="choice">
          <input type="checkbox" checked={linkSurvey} onChange={(e) => setLinkSurvey(e.target.checked)} /> {t('orgSurvey.responseSurvey')}
        </label>
      )}
      <ApiErrorAlert error={error} fieldLabel={fieldLabel} />
      {notified !== null && <p role="status">{t('orgSurvey.responsePublished', { count: notified })}</p>}
      <button type="submit">{t('orgSurvey.responsePublish')}</button>
    </form>
  );
}

/**
 * The fair survey (make the NPS one, open and close it, its results and CSV) and "You said,
 * we did" (publish what changed), in the organisers' console.
 */
export function SurveySection() {
  const t = usePartT(surveyPart);
  const [surveys, setSurveys] = useState<SurveySummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [oneOpen, setOneOpen] = useState(false);
  const [version, setVersion] = useState(0);
  const load = useCallback(() => {
    void api<{ surveys: SurveySummary[] }>('/api/surveys').then((result) => (result.ok ? setSurveys(result.data.surveys) : setError(result.error)));
  }, []);
  useEffect(load, [load]);

  async function create() {
    const result = await api<SurveySummary>('/api/surveys', { method: 'POST', body: { template: 'nps' } });
    if (!result.ok) return setError(result.error);
    setError(null);
    load();
  }

  async function setStatus(id: number, status: 'open' | 'closed') {
    const result = await api<SurveySummary>(`/api/surveys/${id}`, { method: 'PATCH', body: { status } });
    setOneOpen(!result.ok && result.error.code === 'CONFLICT');
    if (!result.ok && result.error.code !== 'CONFLICT') return setError(result.error);
    setError(null);
    setVersion((v) => v + 1);
    load();
  }

  return (
    <>
      <section className="card" aria-labelledby="org-survey-title">
        <h2 id="org-survey-title">{t('orgSurvey.survey')}</h2>
        <ApiErrorAlert error={error} />
        {oneOpen && <p role="alert">{t('orgSurvey.surveyOneOpen')}</p>}
        {surveys?.length === 0 && <p>{t('orgSurvey.surveyNone')}</p>}
        <button type="button" className="secondary" onClick={() => void create()}>
          {t('orgSurvey.surveyCreate')}
        </button>
        {surveys?.map((s) => (
          <div key={s.id}>
            <p className="row">
              <span>
                {t('orgSurvey.surveyItem', { id: s.id })}: {t(`orgSurvey.surveyStatus.${s.status}`)}
              </span>
              <button type="button" onClick={() => void setStatus(s.id, s.status === 'open' ? 'closed' : 'open')}>
                {t(s.status === 'open' ? 'orgSurvey.surveyClose' : 'orgSurvey.surveyOpen', { id: s.id })}
              </button>
            </p>
            {s.status !== 'draft' && <Results id={s.id} version={version} />}
          </div>
        ))}
      </section>
      <section className="card" aria-labelledby="org-responses-title">
        <h2 id="org-responses-title">{t('orgSurvey.responses')}</h2>
        <ResponseForm surveyId={surveys?.[0]?.id ?? null} />
      </section>
    </>
  );
}
