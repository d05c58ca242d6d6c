import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import type { CurrentSurvey, SurveyAnswers } from '../../../../shared/survey.js';
import { api } from '../../lib/api.js';
import { Link } from '../../lib/router.js';
import { SurveyQuestions } from './SurveyQuestions.js';
import { useSurveyT } from './use-survey-t.js';

type Problem = { missing: string; nps: boolean } | 'closed' | ApiError;

/** /survey: the open survey in the member's language; they answer once and may change it until it closes. */
export function SurveyPage() {
  const t = useSurveyT();
  const [current, setCurrent] = useState<CurrentSurvey | null>(null);
  const [values, setValues] = useState<SurveyAnswers>({});
  const [answered, setAnswered] = useState(false);
  const [saved, setSaved] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const statusRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    void api<CurrentSurvey>(`/api/surveys/current?lang=${t.locale}`).then((result) => {
      if (!result.ok) return setProblem(result.error);
      setCurrent(result.data);
      const answer = result.data.answer;
      if (answer) {
        setValues(answer);
        setAnswered(true);
      }
    });
  }, [t.locale]);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!current?.survey) return;
    const missing = current.survey.items.find((item) => item.required && (values[item.key] === undefined || values[item.key] === ''));
    if (missing) return setProblem({ missing: missing.text, nps: missing.kind === 'nps' });
    setBusy(true);
    const answers: SurveyAnswers = Object.fromEntries(
      current.survey.items.flatMap((item) => {
        const value = values[item.key];
        return value === undefined ? [] : [[item.key, typeof value === 'string' ? value.trim() : value]];
      }),
    );
    const result = await api<{ answer: SurveyAnswers }>(`/api/surveys/${current.survey.id}/response`, { method: 'PUT', body: { answers, language: t.locale } });
    setBusy(false);
    if (!result.ok) return setProblem(result.error.code === 'CONFLICT' ? 'closed' : result.error);
    setProblem(null);
    setAnswered(true);
    setSaved(true);
    statusRef.current?.focus();
  }

  const survey = current?.survey;
  const problemText =
    problem === null
      ? null
      : problem === 'closed'
        ? t('nps.closed')
        : 'missing' in problem
          ? problem.nps && survey?.template === 'nps'
            ? t('nps.pickScore')
            : t('survey.missing', { question: problem.missing })
          : t.app.error(problem);
  return (
    <section className="card" aria-labelledby="survey-title">
      <h1 id="survey-title">{t('nps.title')}</h1>
      {!current && !problem && <p role="status">{t('nps.loading')}</p>}
      {current && !survey && <p>{t('nps.none')}</p>}
      {survey && (
        <form onSubmit={(e) => void send(e)} lang={survey.language} noValidate>
          {survey.title && <h2 id="survey-own-title">{survey.title}</h2>}
          <SurveyQuestions items={survey.items} values={values} onChange={(key, value) => setValues((held) => ({ ...held, [key]: value }))} />
          <button type="submit" disabled={busy}>
            {answered ? t('nps.update') : t('nps.send')}
          </button>
        </form>
      )}
      {problemText && (
        <p role="alert" className="error">
          {problemText}
        </p>
      )}
      <p role="status" ref={statusRef} tabIndex={-1}>
        {saved ? t('nps.saved') : ''}
      </p>
      <Link to="/">{t('nps.toLobby')}</Link>
    </section>
  );
}
