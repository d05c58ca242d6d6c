import { SURVEY_ANSWER_MAX_CHARS } from '../../../../shared/limits.js';
import type { SurveyAnswers, SurveyQuestionView } from '../../../../shared/survey.js';
import { useSurveyT } from './use-survey-t.js';

const NPS_SCORES = Array.from({ length: 11 }, (_, score) => score);
const RATING_SCORES = [1, 2, 3, 4, 5];

/**
 * A survey's questions, in one language, as a member answers them: a scale or a choice is a
 * fieldset whose legend is the question, with a radio per value; free text is a labelled
 * textarea. Used by /survey and by the console's preview (`idPrefix` keeps ids apart).
 */
export function SurveyQuestions({
  items,
  values,
  onChange,
  idPrefix = 'survey',
}: {
  items: SurveyQuestionView[];
  values: SurveyAnswers;
  onChange: (key: string, value: number | string) => void;
  idPrefix?: string;
}) {
  const t = useSurveyT();
  return (
    <>
      {items.map((item) => {
        const id = `${idPrefix}-${item.key}`;
        const optional = item.required ? '' : ` ${t('nps.optional')}`;
        if (item.kind === 'text')
          return (
            <div key={item.key} className="field">
              <label htmlFor={id}>
                {item.text} {t('nps.optional')}
              </label>
              <textarea id={id} rows={3} maxLength={SURVEY_ANSWER_MAX_CHARS} value={String(values[item.key] ?? '')} onChange={(e) => onChange(item.key, e.target.value)} />
            </div>
          );
        const choices =
          item.kind === 'choice'
            ? (item.options ?? []).map((o) => ({ value: o.key, label: o.text }))
            : (item.kind === 'nps' ? NPS_SCORES : RATING_SCORES).map((score) => ({ value: score, label: String(score) }));
        const scale = item.kind === 'nps' ? `${t('nps.scaleLow')} · ${t('nps.scaleHigh')}` : item.kind === 'rating' ? `${t('survey.ratingLow')} · ${t('survey.ratingHigh')}` : null;
        return (
          <fieldset key={item.key} aria-describedby={scale ? `${id}-scale` : undefined}>
            <legend>
              {item.text}
              {optional}
            </legend>
            {scale && (
              <p id={`${id}-scale`} className="hint">
                {scale}
              </p>
            )}
            <div className={item.kind === 'choice' ? undefined : 'row'}>
              {choices.map((choice) => (
                <label key={String(choice.value)} className="choice">
                  <input type="radio" name={id} value={String(choice.value)} checked={values[item.key] === choice.value} onChange={() => onChange(item.key, choice.value)} /> {choice.label}
                </label>
              ))}
            </div>
          </fieldset>
        );
      })}
    </>
  );
}
