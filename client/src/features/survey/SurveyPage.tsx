import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../../../shared/errors.js';
import { SURVEY_ANSWER_MAX_CHARS } from '../../../../shared/limits.js';
import type { CurrentSurvey, SurveyAnswers } from '../../../../shared/survey.js';
import { api } from '../../lib/api.js';
import { Link } from '../../lib/router.js';
import { useSurveyT } from './use-survey-t.js';

const SCORES = Array.from({ length: 11 }, (_, score) => score);

/** /survey: the open survey in the member's language; they answer once and may change it until it closes. */
export function SurveyPage() {
  const t = useSurveyT();
  const [current, setCurrent] = useState<CurrentSurvey | null>(null);
  const [score, setScore] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const [change, setChange] = useState('');
  const [answered, setAnswered] = useState(false);
  const [saved, setSaved] = useState(false);
  const [problem, setProblem] = useState<'pickScore' | 'closed' | ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const statusRef = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    void api<CurrentSurvey>(`/api/surveys/current?lang=${t.locale}`).then((result) => {
      if (!result.ok) return setProblem(result.error);
      setCurrent(result.data);
      const answer = result.data.answer;
      if (answer) {
        setScore(answer.recommend);
        setReason(answer.reason ?? '');
        setChange(answer.change ?? '');
        setAnswered(true);
      }
    });
  }, [t.locale]);

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!current?.survey) return;
    if (score === null) return setProblem('pickScore');
    setBusy(true);
    const answers: SurveyAnswers = { recommend: score, reason: reason.trim(), change: change.trim() };
    const result = await api<{ answer: SurveyAnswers }>(`/api/surveys/${current.survey.id}/response`, { method: 'PUT', body: { answers, language: t.locale } });
    setBusy(false);
    if (!result.ok) return setProblem(result.error.code === 'CONFLICT' ? 'closed' : result.error);
    setProblem(null);
    setAnswered(true);
    setSaved(true);
    statusRef.current?.focus();
  }

  const survey = current?.survey;
  const problemText = problem === null ? null : problem === 'pickScore' ? t('nps.pickScore') : problem === 'closed' ? t('nps.closed') : t.app.error(problem);
  return (
    <section className="card" aria-labelledby="survey-title">
      <h1 id="survey-title">{t('nps.title')}</h1>
      {!current && !problem && <p role="status">{t('nps.loading')}</p>}
      {current && !survey && <p>{t('nps.none')}</p>}
      {survey && (
        <form onSubmit={(e) => void send(e)} lang={survey.language} noValidate>
          <fieldset aria-describedby="survey-scale">
            <legend>{survey.questions.recommend}</legend>
            <p id="survey-scale" className="hint">
              {t('nps.scaleLow')} · {t('nps.scaleHigh')}
            </p>
            <div className="row">
              {SCORES.map((value) => (
                <label key={value} className="choice">
                  <input type="radio" name="recommend" value={value} checked={score === value} onChange={() => setScore(value)} />{' '}
                  {value}
                </label>
              ))}
            </div>
          </fieldset>
          {(
            [
              ['reason', reason, setReason],
              ['change', change, setChange],
            ] as const
          ).map(([key, value, set]) => (
            <div key={key} className="field">
              <label htmlFor={`survey-${key}`}>
                {survey.questions[key]} {t('nps.optional')}
              </label>
              <textarea id={`survey-${key}`} rows={3} maxLength={SURVEY_ANSWER_MAX_CHARS} value={value} onChange={(e) => set(e.target.value)} />
            </div>
          ))}
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
